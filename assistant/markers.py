"""Citation markers ([1], [2, 3]) and the digits of an answer: finding, validating, moving and
renumbering them. Model-free and deterministic."""

from __future__ import annotations

import re
from collections.abc import Sequence

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
# Other ways the model writes a marker: 【1】 and ［1］ in Chinese and Japanese, footnote [^1].
_MARKER_VARIANT = re.compile(r"(?:[【［]|\[\^)\s*(\d+(?:\s*[,，;；、]\s*\d+)*)\s*[】］\]]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def clean_markers(text: str, n_sources: int) -> tuple[str, list[int]]:
    """Drop markers that point at no given passage; return the text and the cited numbers."""
    cited: list[int] = []

    def keep(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", match.group(1))]
        valid = [n for n in numbers if 1 <= n <= n_sources]
        for n in valid:
            if n not in cited:
                cited.append(n)
        return "".join(f"[{n}]" for n in dict.fromkeys(valid))

    cleaned = _no_space_before_stops(_MARKER.sub(keep, text))
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip(), cited


def _no_space_before_stops(text: str) -> str:
    """Removing a marker leaves "2030 ." behind: close the gap."""
    return re.sub(r"[ \t]+([.,;:!?。])", r"\1", text)


def numbers(text: str) -> set[str]:
    """Numbers as digit strings, separators removed ("1,000" -> "1000"), markers ignored."""
    text = _MARKER.sub(" ", text)
    out = set()
    for raw in _NUMBER.findall(text):
        out.add(re.sub(r"[.,]", "", raw) if re.fullmatch(r"\d{1,3}([.,]\d{3})+", raw) else raw)
    return out


def strip(text: str) -> str:
    """``text`` without its source markers."""
    return " ".join(_MARKER.sub(" ", text).split())


def is_bare(answer: str) -> bool:
    """Nothing but source markers ("[2]"): the model pointed at a source and said nothing."""
    return not re.search(r"\w", _MARKER.sub(" ", answer))


def attach_markers(words: str, markers: str) -> str:
    """Put markers back at the end of a sentence, before its final stop."""
    words = words.strip()
    if not markers:
        return words
    match = re.search(r"[.。!?！？]+$", words)
    if match:
        return f"{words[:match.start()].rstrip()} {markers}{match.group(0)}"
    return f"{words} {markers}"


def split_markers(text: str) -> tuple[str, str]:
    """The answer's words and its markers, so the words can be translated on their own."""
    markers = "".join(dict.fromkeys(m.group(0) for m in _MARKER.finditer(text)))
    words = _no_space_before_stops(_MARKER.sub("", text)).strip()
    return words, markers


def remap(text: str, mapping: dict[int, int]) -> tuple[str, list[int]]:
    """Rewrite markers through ``mapping`` (numbers not in it are dropped, repeats merged) and
    return the text with the cited numbers in order of first appearance."""
    cited: list[int] = []

    def swap(match: re.Match[str]) -> str:
        olds = [int(x) for x in re.split(r"\s*[,;]\s*", match.group(1))]
        news = list(dict.fromkeys(mapping[o] for o in olds if o in mapping))
        for n in news:
            if n not in cited:
                cited.append(n)
        return "".join(f"[{n}]" for n in news)

    text = _MARKER.sub(swap, text)
    text = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", text)
    return text, cited


def finalize(text: str, cited: Sequence[int]) -> str:
    """Markers become 1..n in order of first citation, matching the Citation list."""
    return remap(text, {old: new for new, old in enumerate(cited, start=1)})[0]
