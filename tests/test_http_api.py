"""The OpenAI-compatible HTTP API, driven by the real `openai` client and raw HTTP against a
running server (web chat mounted on the same port). Fake model and embedder."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant
from assistant.web import launch
from tests.conftest import free_port
from tests.fakes import FakeHashEmbedding, FakeScriptedLLM

VI_Q = "Việt Nam và Hàn Quốc đặt mục tiêu thương mại bao nhiêu vào năm 2030?"
TOKEN = "test-token-123"


def _vi_answer(n: int) -> str:
    return f"Việt Nam và Hàn Quốc muốn đạt 150 tỷ USD thương mại vào năm 2030 [{n}]."


@pytest.fixture
def server(make_assistant: Callable[..., Assistant], tiny_corpus: Path
           ) -> Iterator[tuple[str, Assistant]]:
    probe = make_assistant(generator=FakeScriptedLLM([]), embed_model=FakeHashEmbedding(),
                           relevance_floor=0.0)
    probe.ingest([tiny_corpus])
    n = next(i for i, p in enumerate(probe.retrieve(VI_Q)[:5], 1) if "150 billion" in p.text)
    bot = make_assistant(generator=FakeScriptedLLM([_vi_answer(n)] * 10),
                         embed_model=FakeHashEmbedding(), relevance_floor=0.0,
                         api_token=TOKEN)
    port = free_port()
    running = launch(bot, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}", bot
    running.should_exit = True


def _client(url: str, token: str = TOKEN) -> Any:
    from openai import OpenAI

    return OpenAI(base_url=f"{url}/v1", api_key=token, max_retries=0, timeout=30)


def test_openai_client_gets_a_cited_answer_streamed_and_not(server: tuple[str, Assistant]
                                                             ) -> None:
    url, _ = server
    client = _client(url)
    reply = client.chat.completions.create(
        model="vietnam-korea-assistant", messages=[{"role": "user", "content": VI_Q}])
    text = reply.choices[0].message.content
    assert "150 tỷ USD" in text and "[1]" in text
    extra = reply.model_extra or {}
    assert extra["citations"][0]["number"] == 1 and not extra["abstained"]
    assert extra["language"] == "vi"
    stream = client.chat.completions.create(
        model="vietnam-korea-assistant", stream=True,
        messages=[{"role": "system", "content": "ignored"},
                  {"role": "user", "content": "Where will APEC 2027 take place?"},
                  {"role": "assistant", "content": "In Phu Quoc [1]."},
                  {"role": "user", "content": VI_Q}])
    chunks = list(stream)
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert streamed == text
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert (chunks[-1].model_extra or {})["citations"]


def test_models_health_and_a_wrong_token(server: tuple[str, Assistant]) -> None:
    from openai import AuthenticationError

    url, _ = server
    assert [m.id for m in _client(url).models.list()] == ["vietnam-korea-assistant"]
    with pytest.raises(AuthenticationError):
        _client(url, token="wrong").chat.completions.create(
            model="x", messages=[{"role": "user", "content": VI_Q}])
    health = json.loads(urllib.request.urlopen(f"{url}/health", timeout=30).read())
    assert health["status"] == "ok" and health["index"]["chunks"] > 0
    assert health["model"]["loaded"] is True
    page = urllib.request.urlopen(f"{url}/", timeout=30).read().decode()
    assert "gradio" in page.lower()  # the web chat shares the port


def _post(url: str, body: bytes, token: str = TOKEN) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(f"{url}/v1/chat/completions", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


BAD = [
    ("not json", b"{oops", 400, "not valid JSON"),
    ("a list", b"[]", 400, "JSON object"),
    ("no messages", b'{"model": "m"}', 400, "'messages'"),
    ("empty messages", b'{"messages": []}', 400, "'messages'"),
    ("last from assistant", b'{"messages": [{"role": "assistant", "content": "hi"}]}', 400,
     "last message"),
    ("unknown role", b'{"messages": [{"role": "robot", "content": "hi"}]}', 400, "role"),
    ("content a number", b'{"messages": [{"role": "user", "content": 5}]}', 400, "content"),
    ("image part", b'{"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}', 400,
     "only text"),
    ("blank question", b'{"messages": [{"role": "user", "content": "  "}]}', 400, "empty"),
    ("stream not bool", b'{"stream": "yes", "messages": [{"role": "user", "content": "q?"}]}',
     400, "'stream'"),
    ("too long", json.dumps({"messages": [{"role": "user", "content": "x" * 5000}]}).encode(),
     400, "limit is"),
    ("oversized", json.dumps({"messages": [{"role": "user", "content": "x" * 1_100_000}]}
                             ).encode(), 413, "limit is"),
]


@pytest.mark.parametrize("body,status,reason", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_requests_get_openai_style_errors(server: tuple[str, Assistant], body: bytes,
                                              status: int, reason: str) -> None:
    url, bot = server
    got, payload = _post(url, body)
    assert got == status and reason in payload["error"]["message"], payload
    assert payload["error"]["type"]


# The NATO alphabet, with "november" swapped for "quebec": a month an answer names must be
# in its cited source like any figure, and the tiny corpus names none.
TAGS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliett", "kilo", "lima", "mike", "quebec", "oscar", "papa"]


def _tagged_server(make_assistant: Callable[..., Assistant], corpus: Path, pause: float,
                   limit: int) -> tuple[str, Any]:
    from tests.fakes import FakeTaggedLLM

    bot = make_assistant(generator=FakeTaggedLLM(pause), embed_model=FakeHashEmbedding(),
                         relevance_floor=0.0, api_max_pending=limit)
    bot.ingest([corpus])
    port = free_port()
    return f"http://127.0.0.1:{port}", launch(bot, host="127.0.0.1", port=port, block=False)


def _ask_tagged(url: str, tag: str, stream: bool) -> tuple[int, str]:
    body = json.dumps({"model": "m", "stream": stream, "messages": [
        {"role": "user", "content": f"What trade target was set for 2030, tag {tag}?"}]})
    request = urllib.request.Request(f"{url}/v1/chat/completions", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            raw = reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode() + f" retry-after={exc.headers.get('Retry-After')}"
    if not stream:
        return 200, json.loads(raw)["choices"][0]["message"]["content"]
    events = [json.loads(line[6:]) for line in raw.splitlines()
              if line.startswith("data: {")]
    return 200, "".join(e["choices"][0]["delta"].get("content") or "" for e in events
                        if "choices" in e)


def test_sixteen_concurrent_clients_each_get_their_own_answer(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    """16 clients at once, half streaming: no errors, every answer carries its own
    question's tag, within a bounded time."""
    from concurrent.futures import ThreadPoolExecutor

    url, running = _tagged_server(make_assistant, tiny_corpus, pause=0.5, limit=16)
    try:
        with ThreadPoolExecutor(16) as pool:
            replies = list(pool.map(lambda i: _ask_tagged(url, TAGS[i], i % 2 == 0),
                                    range(16), timeout=120))
        for tag, (status, text) in zip(TAGS, replies, strict=True):
            assert status == 200, text
            assert f"tag {tag}" in text and "150" in text, (tag, text)
            assert all(f"tag {other}" not in text for other in TAGS if other != tag)
    finally:
        running.should_exit = True


def test_past_the_limit_a_client_is_told_busy_not_kept_waiting(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    url, running = _tagged_server(make_assistant, tiny_corpus, pause=1.0, limit=2)
    try:
        with ThreadPoolExecutor(6) as pool:
            replies = list(pool.map(lambda i: _ask_tagged(url, TAGS[i], i % 2 == 1),
                                    range(6), timeout=120))
        busy = [text for status, text in replies if status == 503]
        served = [(tag, text) for tag, (status, text) in zip(TAGS[:6], replies, strict=True)
                  if status == 200]
        assert busy and served and len(busy) + len(served) == 6, replies
        assert all('"code":"busy"' in b and "retry-after=5" in b for b in busy), busy
        assert all(f"tag {tag}" in text for tag, text in served)
        # Once the load is gone, the count is back: the next question is answered.
        assert _ask_tagged(url, "zulu", True) == (200, _ask_tagged(url, "zulu", False)[1])
    finally:
        running.should_exit = True
