"""Deterministic fake LLM for unit tests of the answer plumbing (never a real model)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
