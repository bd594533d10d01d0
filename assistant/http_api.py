"""The HTTP API: OpenAI-compatible chat completions over the same Assistant, for programs
(the `openai` client, Open WebUI, curl). A thin adapter: no retrieval or answering here.

POST /v1/chat/completions takes the last user message as the question and the earlier
user/assistant pairs as the history; the answer text carries the inline citations [n], and
the structured citations ride in an extra ``citations`` field that standard clients ignore.
Streamed replies are server-sent events in the OpenAI chunk format. With ASSISTANT_API_TOKEN
set, /v1/* needs ``Authorization: Bearer <token>``; /health stays open.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from .answer import Answer
from .errors import AssistantError, InputError, ModelError, StoreError
from .service import Assistant, Delta

MODEL_ID = "vietnam-korea-assistant"
MAX_BODY_BYTES = 1_000_000


class ApiError(Exception):
    """An OpenAI-style error: HTTP status, message, type and the offending parameter."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.param, self.code = (
            status, message, kind, param, code)
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param,
                          "code": self.code}}


def _text(content: Any, where: str) -> str:
    """A message's content: a string, or OpenAI content parts of type text."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        if any(p.get("type") != "text" for p in content):
            raise ApiError(400, f"{where}: only text content is supported.", param=where)
        return "".join(str(p.get("text", "")) for p in content)
    raise ApiError(400, f"{where}.content must be a string or a list of text parts.",
                   param=where)


def read_request(body: Any) -> tuple[str, list[tuple[str, str]], bool]:
    """The question, the history and whether to stream, from a chat completions body."""
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object with a 'messages' list.")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "'messages' must be a non-empty list of {role, content} objects.",
                       param="messages")
    turns: list[tuple[str, str]] = []
    for n, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant",
                                                             "developer", "tool"):
            raise ApiError(400, f"messages[{n}] must be an object with a role of system, "
                           "user or assistant.", param=f"messages[{n}]")
        if m["role"] in ("user", "assistant"):
            turns.append((m["role"], _text(m.get("content"), f"messages[{n}]")))
    if not turns or turns[-1][0] != "user":
        raise ApiError(400, "The last message must come from the user: it is the question.",
                       param="messages")
    history: list[tuple[str, str]] = []
    pending: str | None = None
    for role, text in turns[:-1]:  # (question, answer) pairs; a system prompt is ignored:
        if role == "user":         # the assistant's rules are its own
            pending = text
        elif pending is not None:
            history.append((pending, text))
            pending = None
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, "'stream' must be true or false.", param="stream")
    return turns[-1][1], history, stream


class Pending:
    """How many questions the API holds (answering or waiting for the model), up to a limit:
    past it a request is refused at once, so no client waits without bound."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            if self.count >= self.limit:
                raise ApiError(503, f"The assistant is busy: {self.count} questions are being "
                               "answered or waiting. Try again in a few seconds.",
                               kind="server_error", code="busy",
                               headers={"Retry-After": "5"})
            self.count += 1

    def leave(self) -> None:
        with self._lock:
            self.count -= 1


def _citations(answer: Answer) -> list[dict[str, Any]]:
    return [{"number": c.number, "title": c.display_title, "source": c.source, "url": c.url,
             "date": c.date, "language": c.language, "sentence": c.sentence,
             "translation": c.translation} for c in answer.citations]


def completion(answer: Answer, cid: str, created: int) -> dict[str, Any]:
    return {
        "id": cid, "object": "chat.completion", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": answer.text}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": _citations(answer), "abstained": answer.abstained,
        "language": answer.language,
    }


def _chunk(cid: str, created: int, delta: dict[str, Any], finish: str | None = None,
           **extra: Any) -> str:
    body = {"id": cid, "object": "chat.completion.chunk", "created": created,
            "model": MODEL_ID, "choices": [{"index": 0, "delta": delta,
                                            "finish_reason": finish}], **extra}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def stream_events(bot: Assistant, question: str, history: list[tuple[str, str]], cid: str,
                  created: int) -> Iterator[str]:
    """The answer as OpenAI chunks; an error after the stream started is an error event."""
    yield _chunk(cid, created, {"role": "assistant", "content": ""})
    try:
        for event in bot.stream(question, history=history):
            if isinstance(event, Delta) and not event.draft:
                yield _chunk(cid, created, {"content": event.text})
            elif isinstance(event, Answer):
                yield _chunk(cid, created, {}, "stop", citations=_citations(event),
                             abstained=event.abstained, language=event.language)
    except AssistantError as exc:
        yield f"data: {json.dumps(error_for(exc).body(), ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


def error_for(exc: AssistantError) -> ApiError:
    if isinstance(exc, InputError):
        return ApiError(400, str(exc), code=exc.kind)
    if isinstance(exc, (ModelError, StoreError)):
        return ApiError(503, str(exc), kind="server_error")
    return ApiError(500, str(exc), kind="server_error")


def build_api(bot: Assistant) -> Any:
    """A FastAPI app with /health, /v1/models and /v1/chat/completions."""
    app = FastAPI(title="Vietnam–Korea relations assistant", docs_url="/api/docs",
                  openapi_url="/api/openapi.json", redoc_url=None)
    token = bot.settings.api_token

    pending = Pending(bot.settings.api_max_pending)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    def authorize(request: Request) -> None:
        if not token:
            return
        given = request.headers.get("authorization", "")
        if not (given.startswith("Bearer ") and secrets.compare_digest(given[7:], token)):
            raise ApiError(401, "Missing or wrong bearer token: send 'Authorization: Bearer "
                           "<ASSISTANT_API_TOKEN>'.", kind="authentication_error",
                           code="invalid_api_key")

    @app.get("/health")
    def health() -> dict[str, Any]:
        try:
            chunks = bot.index.count()
            index: dict[str, Any] = {"ready": chunks > 0, "chunks": chunks}
        except AssistantError as exc:
            index = {"ready": False, "error": str(exc)}
        model = {"backend": bot.backend, "loaded": bot.model_loaded}
        return {"status": "ok" if index["ready"] else "degraded", "index": index,
                "model": model}

    @app.get("/v1/models")
    def models(request: Request) -> dict[str, Any]:
        authorize(request)
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model",
                                            "created": 0, "owned_by": "assistant"}]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        authorize(request)
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise ApiError(413, f"The request is {len(raw)} bytes; the limit is "
                           f"{MAX_BODY_BYTES}.", code="request_too_large")
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "The body is not valid JSON.") from None
        question, history, stream = read_request(body)
        try:
            question = bot.check_question(question)
        except InputError as exc:
            raise error_for(exc) from None
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        pending.enter()
        if stream:
            def events() -> Iterator[str]:
                try:  # also when the client goes away: the generator is closed
                    yield from stream_events(bot, question, history, cid, created)
                finally:
                    pending.leave()

            # Started here, so that closing it, or dropping it unsent, runs its finally.
            started = events()
            first = next(started)

            def body() -> Iterator[str]:
                yield first
                yield from started

            return StreamingResponse(body(), media_type="text/event-stream")
        try:
            answer = await run_in_threadpool(bot.ask, question, history)
        except AssistantError as exc:
            raise error_for(exc) from None
        finally:
            pending.leave()
        return completion(answer, cid, created)

    return app
