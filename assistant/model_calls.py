"""Calls to the language model: one at a time on a local model, each within one time limit
for the whole call, transient backend failures retried with backoff, and the model's stream
closed as soon as its reader goes (Stop, a closed stream, the time limit)."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from . import llm_errors
from .config import Settings, redact
from .errors import ModelError

log = logging.getLogger(__name__)


class _BackendFailure(Exception):
    """A model call that failed (the backend's exception is ``cause``): retried or reported."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class ModelCalls:
    """Streams the model's replies. ``llm`` gives the model (loaded on first use),
    ``backend`` its description for error messages; ``one_at_a_time`` is False for an
    OpenAI-compatible server, which takes concurrent calls itself."""

    def __init__(self, settings: Settings, llm: Callable[[], Any],
                 backend: Callable[[], str], one_at_a_time: bool) -> None:
        self.settings = settings
        self._llm = llm
        self._backend = backend
        self._one_at_a_time = one_at_a_time
        self._slot = threading.Lock()  # the model's one slot (see slot())

    def stream(self, chat: list[Any], max_tokens: int | None = None) -> Iterator[str]:
        """The model's reply, piece by piece, within ASSISTANT_LLM_TIMEOUT for the whole call
        (a client's timeout is per read: a backend that sends keep-alives, or trickles, would
        hold the only model slot for ever). A transient failure before the first piece (down,
        429, 5xx) is retried with backoff (ASSISTANT_LLM_RETRIES), within the same limit."""
        with self.slot():
            yield from self._with_retries(chat, max_tokens)

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """One model call at a time on a local model (it has one slot); the wait for it is
        not part of the call's time limit, or a queue of questions would time out before
        their turn. An OpenAI-compatible server takes concurrent calls itself."""
        if not self._one_at_a_time:
            yield
            return
        waited = time.monotonic()
        if not self._slot.acquire(timeout=self.settings.llm_queue_timeout):
            raise ModelError(
                f"The model is busy: no turn came within {time.monotonic() - waited:.0f} s "
                "(ASSISTANT_LLM_QUEUE_TIMEOUT). Try again in a moment.")
        try:
            yield
        finally:
            self._slot.release()

    def _with_retries(self, chat: list[Any], max_tokens: int | None) -> Iterator[str]:
        ends = time.monotonic() + self.settings.llm_timeout
        attempt = 0
        while True:
            started = False
            try:
                for piece in self._call(chat, max_tokens, ends):
                    started = True
                    yield piece
                return
            except _BackendFailure as failure:
                wait = 0.5 * 2 ** attempt
                if (started or not llm_errors.transient(failure.cause)
                        or attempt >= self.settings.llm_retries
                        or time.monotonic() + wait >= ends):
                    raise ModelError(
                        f"The language model backend ({self._backend()}) failed"
                        f"{f' after {attempt + 1} attempts' if attempt else ''}: "
                        f"{failure.cause.__class__.__name__}: "
                        f"{redact(str(failure.cause))[:300]}. "
                        f"{llm_errors.advice(failure.cause)}") from None
                log.warning("model backend failed (%s); asking again in %.1f s",
                            failure.cause.__class__.__name__, wait)
                time.sleep(wait)
                attempt += 1

    def _call(self, chat: list[Any], max_tokens: int | None, ends: float) -> Iterator[str]:
        """One model call, its pieces handed over from a worker thread so that the whole
        call can be timed out; a backend failure comes out as ``_BackendFailure``."""
        limit = self.settings.llm_timeout
        pieces: queue.Queue[str | BaseException | None] = queue.Queue()
        # Set when the reader goes (Stop, a closed stream, the time limit): the worker then
        # closes the model's stream, and a local model stops generating at once.
        gone = threading.Event()

        def pump() -> None:
            stream = None
            try:
                stream = self._llm().stream_chat(
                    chat, max_tokens=max_tokens or self.settings.max_answer_tokens)
                for chunk in stream:
                    if gone.is_set():
                        return
                    if chunk.delta:
                        pieces.put(chunk.delta)
            except BaseException as exc:  # handed to the consumer
                pieces.put(exc)
            finally:
                if stream is not None and hasattr(stream, "close"):
                    stream.close()
                pieces.put(None)

        threading.Thread(target=pump, daemon=True, name="model-call").start()
        try:
            while True:
                try:
                    item = pieces.get(timeout=max(0.0, ends - time.monotonic()))
                except queue.Empty:
                    raise ModelError(
                        f"The language model backend ({self._backend()}) gave no complete "
                        f"reply within {limit:g} s (ASSISTANT_LLM_TIMEOUT). Check that it is "
                        "not overloaded, or raise the timeout.") from None
                if item is None:
                    return
                if isinstance(item, ModelError):
                    raise item
                if isinstance(item, BaseException):
                    raise _BackendFailure(item)
                yield item
        finally:
            gone.set()
