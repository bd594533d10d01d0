"""Stateless workers on one Chroma server: two running servers (web chat + HTTP API) share the
index; an article ingested through one is answered through the other without a restart."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path

from assistant import Assistant
from assistant.web import launch
from tests.conftest import free_port
from tests.fakes import FakeHashEmbedding, FakeScriptedLLM

NEW = ("---\nid: ferry\ntitle: Ferry line\nlanguage: en\n---\n\n"
       "A new ferry line links Busan and Hai Phong from March 2026.\n")


def _ask(url: str, question: str) -> dict:
    body = json.dumps({"messages": [{"role": "user", "content": question}]}).encode()
    request = urllib.request.Request(f"{url}/v1/chat/completions", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_an_ingest_through_one_worker_is_answered_through_the_other(
        make_assistant: Callable[..., Assistant], chroma_server: str, tiny_corpus: Path,
        tmp_path: Path) -> None:
    collection = f"workers-{tmp_path.name}"[:60]
    answer = "A ferry line links Busan and Hai Phong from March 2026 [1]."
    workers = [make_assistant(chroma_url=chroma_server, collection=collection,
                              generator=FakeScriptedLLM([answer] * 4),
                              embed_model=FakeHashEmbedding(), relevance_floor=0.0)
               for _ in range(2)]
    workers[0].ingest([tiny_corpus])
    urls = []
    for bot in workers:
        port = free_port()
        launch(bot, host="127.0.0.1", port=port, block=False)
        urls.append(f"http://127.0.0.1:{port}")
    question = "Which cities does the new ferry line link?"
    assert not any("Busan" in p.text for p in workers[1].retrieve(question))
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "ferry.md").write_text(NEW, encoding="utf-8")
    assert workers[0].ingest([extra]).added_chunks == 1
    # The other worker sees the new revision of the shared index at its next question.
    reply = _ask(urls[1], question)
    assert "Busan" in reply["choices"][0]["message"]["content"]
    assert any("Busan" in c["sentence"] for c in reply["citations"])
