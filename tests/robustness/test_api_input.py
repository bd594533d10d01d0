"""Bad input through the Python API: each case gets an InputError that says what is wrong and
how to fix it; nothing raises anything else, hangs, or changes the index. Fake models only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant
from assistant.errors import AssistantError, InputError
from tests.fakes import FakeHashEmbedding, FakeScriptedLLM

ANSWER = "Vietnam and Korea aim for 150 billion USD of trade by 2030 [1]."


@pytest.fixture
def bot(make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> Assistant:
    assistant = make_assistant(generator=FakeScriptedLLM([ANSWER] * 50),
                               embed_model=FakeHashEmbedding(), relevance_floor=0.0)
    assistant.ingest([tiny_corpus])
    return assistant


BAD_QUESTIONS: list[tuple[str, Any, str]] = [
    ("empty", "", "empty"),
    ("whitespace", " \t\n ", "empty"),
    ("too long", "Where is APEC 2027? " * 5_000, "limit is"),
    ("nul", "Where is\x00 APEC 2027?", "control character"),
    ("control characters", "Where\x07 is\x1b APEC?", "control character"),
    ("lone surrogate", "Where is APEC \ud800 2027?", "invalid character"),
    ("emoji only", "🤔🤔🔥", "no words"),
    ("punctuation only", "?!?...", "no words"),
    ("none", None, "text"),
    ("number", 42, "text"),
    ("bytes", b"Where is APEC 2027?", "text"),
    ("list", ["Where is APEC 2027?"], "text"),
]


@pytest.mark.parametrize("question,reason", [(q, r) for _, q, r in BAD_QUESTIONS],
                         ids=[name for name, _, _ in BAD_QUESTIONS])
@pytest.mark.parametrize("call", ["ask", "retrieve", "stream"])
def test_a_bad_question_gets_a_specific_input_error(bot: Assistant, call: str, question: Any,
                                                    reason: str) -> None:
    before = bot.index.count()
    with pytest.raises(InputError, match=reason) as caught:
        result = getattr(bot, call)(question)
        if call == "stream":
            list(result)
    assert "Traceback" not in str(caught.value)
    assert bot.index.count() == before
    assert not bot.llm.calls  # a refused question never reaches the model


BAD_HISTORIES: list[tuple[str, Any]] = [
    ("a number", 5),
    ("a string", "Where is APEC?"),
    ("turns of one", [("Where is APEC?",)]),
    ("turns of three", [("q", "a", "x")]),
    ("a non-string turn", [("Where is APEC?", 7)]),
    ("a dict", {"q": "a"}),
    ("a lone surrogate", [("Where is APEC \udc80?", "In Phu Quoc [1].")]),
    ("a nul", [("Where is APEC?", "In Phu\x00 Quoc [1].")]),
]


@pytest.mark.parametrize("history", [h for _, h in BAD_HISTORIES],
                         ids=[name for name, _ in BAD_HISTORIES])
def test_a_malformed_history_gets_an_input_error(bot: Assistant, history: Any) -> None:
    with pytest.raises(InputError, match="history"):
        bot.ask("And when?", history=history)


def test_a_huge_history_is_cut_to_its_last_turns_and_their_length(bot: Assistant) -> None:
    turns = [("Where is APEC 2027? " * 10_000, "In Phu Quoc [1]. " * 10_000)] * 1_000
    answer = bot.ask("What is the trade target for 2030?", history=turns)
    assert not answer.abstained
    prompt = bot.llm.calls[0][-1].content
    assert len(prompt) < 10_000  # the model reads a bounded prompt whatever the history


def test_right_to_left_and_unsupported_scripts_are_answered_or_refused_cleanly(
        bot: Assistant) -> None:
    for question in ("أين ستعقد قمة APEC 2027؟", "ⴰⵙⵙ ⵏ APEC 2027 ⵎⴰⵏⵉ?", "APEC 2027 कहाँ होगा?"):
        try:
            answer = bot.ask(question)
        except AssistantError as exc:  # a clear refusal is fine; anything else is not
            assert str(exc)
        else:
            assert answer.text


def test_a_bad_k_is_an_input_error(bot: Assistant) -> None:
    for k in (0, -1):
        with pytest.raises(InputError, match="k must be"):
            bot.retrieve("Where is APEC 2027?", k=k)
