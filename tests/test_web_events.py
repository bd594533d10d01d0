"""The web chat's event handlers, called directly with fakes (no browser, no real model)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant import Assistant, web

from .fakes import FakeHashEmbedding, FakeScriptedLLM


def handlers(bot: Assistant) -> dict[str, Callable[..., Any]]:
    demo = web.build_app(bot)
    return {f.fn.__name__: f.fn for f in demo.fns.values() if f.fn is not None}


def test_a_stopped_answer_sends_nothing_more_and_stop_has_the_last_word(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "SETTLE_SECONDS", 0.0)
    bot = make_assistant(generator=FakeScriptedLLM(["It is US$150 billion [1]."]),
                         embed_model=FakeHashEmbedding())
    bot.ingest([tiny_corpus])
    fn = handlers(bot)
    page = SimpleNamespace(session_hash="one")
    fn["busy"](page)
    steps = fn["respond"]("What is the trade target?", [], [], "en", page)
    chat = next(steps)[0]
    assert chat[-1]["content"] == "Searching the sources…"
    shown = fn["stopped"](chat, "", "en", page)[0]
    assert shown[-1]["content"].endswith("<i>(stopped)</i>")
    assert list(steps) == []  # the step after Stop is never sent
    # A step sent just before Stop may reach the page after it: settle puts the note back...
    late = [chat[0], {"role": "assistant", "content": "Searching the sources…"}]
    assert fn["settle"](late, "en", page)[-1]["content"].endswith("<i>(stopped)</i>")
    # ...but never over a question sent since.
    fn["busy"](page)
    assert fn["settle"](late, "en", page) == {"__type__": "update"}
    # Another browser session's answer is not stopped by this one's Stop.
    other = SimpleNamespace(session_hash="two")
    fn["busy"](other)
    fn["stopped"](chat, "", "en", page)
    answer = list(fn["respond"]("What is the trade target?", [], [], "en", other))
    assert len(answer[-1][3]) == 1 and "stopped" not in answer[-1][0][-1]["content"]


def test_a_question_stopped_while_it_waited_in_the_queue_never_starts(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    bot = make_assistant(generator=FakeScriptedLLM([]), embed_model=FakeHashEmbedding())
    bot.ingest([tiny_corpus])
    fn = handlers(bot)
    page = SimpleNamespace(session_hash="one")
    fn["busy"](page)
    fn["stopped"]([], "What is the trade target?", "en", page)
    assert list(fn["respond"]("What is the trade target?", [], [], "en", page)) == []
