"""Model backend faults: a backend that never finishes, or fails, ends in a clear ModelError
within the whole-call timeout, naming the backend without its credentials. Fakes only."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import ModelError
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


@pytest.mark.parametrize("failure", [
    ConnectionError("Connection refused"),
    RuntimeError("Error code: 401 - invalid api key for https://u:secret@llm.example/v1"),
    RuntimeError("Error code: 429 - rate limited"),
    RuntimeError("Error code: 500 - internal error"),
])
def test_a_failing_backend_is_a_clear_model_error(make_assistant: Callable[..., Assistant],
                                                  tiny_corpus: Path,
                                                  failure: Exception) -> None:
    bot = _bot(make_assistant, tiny_corpus, FakeScriptedLLM([failure]))
    with pytest.raises(ModelError, match="backend .* failed") as caught:
        bot.ask(Q)
    assert "secret" not in str(caught.value)
    assert "ASSISTANT_LLM" in str(caught.value)
