"""Model backend faults: a backend that never finishes, or fails, ends in a clear ModelError
within the whole-call timeout, naming the backend without its credentials. Fakes only."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import ModelError
from assistant.service import Delta
from tests.fakes import FakeHashEmbedding, FakeScriptedLLM, FakeTricklingLLM

Q = "What trade target did Vietnam and Korea set for 2030?"


def _bot(make_assistant: Callable[..., Assistant], corpus: Path, llm: object,
         **overrides: object) -> Assistant:
    bot = make_assistant(generator=llm, embed_model=FakeHashEmbedding(), relevance_floor=0.0,
                         **overrides)
    bot.ingest([corpus])
    return bot


def test_a_backend_that_trickles_for_ever_times_out_as_a_whole(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    slow = FakeTricklingLLM(["The target is 150 billion USD by 2030 [1]."], pause=30)
    bot = _bot(make_assistant, tiny_corpus, slow, llm_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"no complete reply within 1 s.*ASSISTANT_LLM_TIMEOUT"):
        bot.ask(Q)
    assert time.monotonic() - started < 10


def test_a_reader_that_stops_frees_the_model_at_once(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    """Stop in the chat closes the answer's stream: the model's own stream is closed too,
    within a piece or two, instead of generating to the end while the slot looks free."""
    words = " ".join(f"word{i}" for i in range(60))
    slow = FakeTricklingLLM([f"The target is 150 billion USD by 2030 [1]. {words}"], pause=0.1)
    bot = _bot(make_assistant, tiny_corpus, slow, stream_drafts=True)
    events = bot.stream(Q)
    for event in events:
        if isinstance(event, Delta):
            break
    events.close()
    assert slow.closed.wait(timeout=2), "the model's stream was left running"
    assert slow.produced < 20


@pytest.mark.parametrize("failure", [
    ConnectionError("Connection refused"),
    RuntimeError("Error code: 401 - invalid api key for https://u:secret@llm.example/v1"),
    RuntimeError("Error code: 429 - rate limited"),
    RuntimeError("Error code: 500 - internal error"),
])
def test_a_failing_backend_is_a_clear_model_error(make_assistant: Callable[..., Assistant],
                                                  tiny_corpus: Path,
                                                  failure: Exception) -> None:
    # A connection refused is asked again (ASSISTANT_LLM_RETRIES, 2 by default); an error
    # without a status is not.
    bot = _bot(make_assistant, tiny_corpus, FakeScriptedLLM([failure] * 3))
    with pytest.raises(ModelError, match="backend .* failed") as caught:
        bot.ask(Q)
    assert "secret" not in str(caught.value)
    assert "ASSISTANT_LLM" in str(caught.value)
    assert failure.__class__.__name__ in str(caught.value)


class FakeStatusError(Exception):
    """What the openai client raises for an HTTP error: the status in ``status_code``."""

    def __init__(self, status_code: int) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


def test_a_backend_briefly_down_or_overloaded_is_asked_again(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    llm = FakeScriptedLLM([ConnectionError("Connection refused"), FakeStatusError(503),
                           "The target is 150 billion USD by 2030 [1]."])
    answer = _bot(make_assistant, tiny_corpus, llm).ask(Q)
    assert "150" in answer.text and not answer.abstained
    assert len(llm.calls) == 3


def test_a_bad_key_is_not_retried_and_says_what_to_check(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    llm = FakeScriptedLLM([FakeStatusError(401)])
    with pytest.raises(ModelError, match="Check the API key"):
        _bot(make_assistant, tiny_corpus, llm).ask(Q)
    assert len(llm.calls) == 1


def test_retries_are_bounded_in_number_and_time(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    llm = FakeScriptedLLM([FakeStatusError(429)] * 10)
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"after 3 attempts.*rate-limiting"):
        _bot(make_assistant, tiny_corpus, llm).ask(Q)
    assert len(llm.calls) == 3 and time.monotonic() - started < 10  # waits 0.5 s, then 1 s
    # Within a 1 s limit for the whole call, a 0.5 s and a 1 s wait do not both fit.
    llm = FakeScriptedLLM([ConnectionError("Connection refused")] * 10)
    with pytest.raises(ModelError, match="failed after 2 attempts"):
        _bot(make_assistant, tiny_corpus, llm, llm_timeout=1.0).ask(Q)
    assert len(llm.calls) == 2


def test_waiting_for_the_models_slot_is_not_part_of_the_call_limit(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    """Two questions at once on a one-slot model: the second waits for the first, and that
    wait does not count in ASSISTANT_LLM_TIMEOUT; past ASSISTANT_LLM_QUEUE_TIMEOUT, the wait
    ends in a clear "busy"."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.fakes import FakeTaggedLLM

    question = "What trade target was set for 2030, tag {}?"
    bot = _bot(make_assistant, tiny_corpus, FakeTaggedLLM(pause=0.8), llm_timeout=1.5)
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda tag: bot.ask(question.format(tag)), ["kilo", "lima"]))
    assert [("tag kilo" in answers[0].text), ("tag lima" in answers[1].text)] == [True, True]
    assert time.monotonic() - started >= 1.6  # one after the other

    bot = _bot(make_assistant, tiny_corpus, FakeTaggedLLM(pause=0.8), llm_queue_timeout=0.2)
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda tag: _outcome(bot, question.format(tag)),
                                 ["kilo", "lima"]))
    assert sorted(outcomes) == ["answered", "busy"], outcomes


def _outcome(bot: Assistant, question: str) -> str:
    try:
        bot.ask(question)
    except ModelError as exc:
        assert "ASSISTANT_LLM_QUEUE_TIMEOUT" in str(exc) and "busy" in str(exc)
        return "busy"
    return "answered"
