"""Checks of what callers send: text that is valid Unicode without control characters, and a
chat history of the right shape and bounded size. Each fault is an InputError that says what is
wrong and how to fix it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import InputError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text(text: str, what: str) -> str:
    """``text`` stripped, or an InputError naming what is wrong: a character that is not valid
    Unicode text (a lone surrogate, from a bad decode) or a control character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{what} has an invalid character at position {exc.start} (a lone "
                         "surrogate, from text decoded with the wrong encoding): send it as "
                         "UTF-8.", kind="invalid_text") from None
    if bad := _CONTROL.search(text):
        raise InputError(f"{what} has a control character (U+{ord(bad.group()):04X}) at "
                         f"position {bad.start()}: remove it.", kind="invalid_text")
    return text.strip()


def check_history(history: object, limit: int, keep: int | None = None
                  ) -> list[tuple[str, str]]:
    """A chat history as (question, answer) pairs of valid text: its last ``keep`` turns
    (all when None), each cut to ``limit`` characters (the end kept: a pasted document must
    not cost minutes of embedding); an InputError saying what shape it must have otherwise."""
    shape = ("history must be a list of (question, answer) pairs of text, oldest first, "
             "e.g. [('Where is APEC 2027?', 'In Phu Quoc [1].')]")
    if isinstance(history, (str, bytes, dict)) or not isinstance(history, Sequence):
        raise InputError(f"{shape}; got {type(history).__name__}.")
    if keep is not None:
        history = history[-keep:] if keep else []
    turns = []
    for n, turn in enumerate(history, 1):
        if not (isinstance(turn, (tuple, list)) and len(turn) == 2
                and all(isinstance(x, str) for x in turn)):
            raise InputError(f"{shape}; turn {n} is {turn!r:.60}.")
        turns.append(tuple(check_text(x, f"The history's turn {n}")[-limit:] for x in turn))
    return turns  # type: ignore[return-value]
