"""Deterministic fakes for unit tests of the answer plumbing: an LLM and an embedder (never a
real model)."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Sequence
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms.custom import CustomLLM
from pydantic import PrivateAttr


class FakeScriptedLLM(CustomLLM):
    """Replies with the scripted texts in order and records every conversation it was sent."""

    _replies: list[str | Exception] = PrivateAttr()
    _calls: list[list[ChatMessage]] = PrivateAttr()

    def __init__(self, replies: Sequence[str | Exception]) -> None:
        super().__init__()
        self._replies = list(replies)
        self._calls = []

    @property
    def calls(self) -> list[list[ChatMessage]]:
        return self._calls

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(is_chat_model=True, model_name="fake-scripted")

    def describe(self) -> str:
        return "fake: scripted replies"

    def _next(self, messages: Sequence[ChatMessage]) -> str:
        self._calls.append(list(messages))
        if not self._replies:
            raise AssertionError("FakeScriptedLLM ran out of scripted replies")
        reply = self._replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT,
                                                content=self._next(messages)))

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        text = self._next(messages)

        def gen() -> ChatResponseGen:
            sofar = ""
            for word in text.split(" "):
                piece = word if not sofar else " " + word
                sofar += piece
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT,
                                                       content=sofar), delta=piece)

        return gen()

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self._next([ChatMessage(content=prompt)]))

    def stream_complete(self, prompt: str, formatted: bool = False,
                        **kwargs: Any) -> CompletionResponseGen:
        text = self.complete(prompt).text

        def gen() -> CompletionResponseGen:
            yield CompletionResponse(text=text, delta=text)

        return gen()


class FakeHashEmbedding(BaseEmbedding):
    """Deterministic, model-free embedding for unit tests: hashed character trigrams of the
    lower-cased text, L2-normalised. Texts sharing words get close vectors; nothing more."""

    dim: int = 256

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model_name="fake-hash-trigrams", **kwargs)

    @property
    def fingerprint(self) -> str:
        return f"fake-hash-trigrams/{self.dim}"

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        padded = f"  {' '.join(text.lower().split())}  "
        for i in range(len(padded) - 2):
            digest = hashlib.blake2b(padded[i:i + 3].encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dim] += 1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)


class FakeTricklingLLM(FakeScriptedLLM):
    """Like FakeScriptedLLM, but waits ``pause`` seconds before each piece after the first:
    a backend that keeps the connection alive and never finishes."""

    _pause: float = PrivateAttr()
    _produced: int = PrivateAttr()
    _closed: threading.Event = PrivateAttr()

    def __init__(self, replies: Sequence[str | Exception], pause: float) -> None:
        super().__init__(replies)
        self._pause = pause
        self._produced = 0
        self._closed = threading.Event()

    @property
    def produced(self) -> int:
        """Pieces generated so far, over all calls."""
        return self._produced

    @property
    def closed(self) -> threading.Event:
        """Set when a stream ends, run to its end or closed by its reader."""
        return self._closed

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        inner = super().stream_chat(messages, **kwargs)

        def gen() -> ChatResponseGen:
            try:
                for n, chunk in enumerate(inner):
                    if n:
                        time.sleep(self._pause)
                    self._produced += 1
                    yield chunk
            finally:
                self._closed.set()

        return gen()


class FakeTaggedLLM(FakeScriptedLLM):
    """Answers every question from its prompt, thread-safely, after ``pause`` seconds: the
    trade target from the source that states it, and the question's "tag <word>" repeated,
    so that a load test can tell whose answer is whose."""

    _pause: float = PrivateAttr()

    def __init__(self, pause: float = 0.0) -> None:
        super().__init__([])
        self._pause = pause

    def _next(self, messages: Sequence[ChatMessage]) -> str:
        import re
        import time

        self._calls.append(list(messages))
        prompt = str(messages[-1].content)
        time.sleep(self._pause)
        tag = re.search(r"tag (\w+)", prompt.split("Question:")[-1])
        source = re.search(r"^\[(\d+)\][^\n]*150 billion", prompt, re.M)
        if not tag or not source:
            return "NOT_IN_SOURCES"
        return (f"The trade target is 150 billion USD by 2030, tag {tag.group(1)} "
                f"[{source.group(1)}].")
