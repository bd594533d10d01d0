"""`assistant serve` as a real process with the real local models (slow):
- no outbound connection: every proxy variable points at a local proxy that refuses and
  records each attempt, and a question answered through the HTTP API, the web page and its
  assets leave it with nothing recorded;
- `kill -9` in the middle of an answer, then a restart on the same folders: the index is
  consistent (same chunks, no duplicates, the SQLite files pass their integrity check) and
  the server answers again."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant
from tests.conftest import CORPUS, REPO, free_port
from tests.fakes import FakeHashEmbedding

pytestmark = pytest.mark.slow
QUESTION = "What trade target did Vietnam and Korea set for 2030?"


class RefusingProxy:
    """A proxy on 127.0.0.1 that answers every request 403 and records its first line."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    first = conn.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    first = b"(nothing read)"
                self.seen.append(first.decode("latin-1"))
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def proxy() -> Iterator[RefusingProxy]:
    p = RefusingProxy()
    yield p
    p.close()


def _serve(tmp_path: Path, port: int, proxy: RefusingProxy) -> subprocess.Popen[bytes]:
    address = f"http://127.0.0.1:{proxy.port}"
    env = dict(os.environ, ASSISTANT_CORPUS_DIR=str(CORPUS),
               ASSISTANT_VECTORSTORE_DIR=str(tmp_path / "vs"),
               ASSISTANT_CACHE_DIR=str(REPO / ".cache"), ASSISTANT_ALLOW_MODEL_REQUESTS="true",
               HTTP_PROXY=address, HTTPS_PROXY=address, ALL_PROXY=address, http_proxy=address,
               https_proxy=address, all_proxy=address, NO_PROXY="", no_proxy="")
    log = open(tmp_path / f"serve-{port}.log", "ab")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("serve exited: " + (tmp_path / f"serve-{port}.log").read_text()[-2000:])
        try:
            health = json.loads(urllib.request.urlopen(
                f"http://127.0.0.1:{port}/health", timeout=5).read())
            if health.get("status") == "ok":
                return proc
        except OSError:
            pass
        time.sleep(1)
    proc.kill()
    pytest.fail("serve did not become healthy within 240 s")


def _ask(port: int, stream: bool = False) -> urllib.request.Request:
    body = json.dumps({"messages": [{"role": "user", "content": QUESTION}],
                       "stream": stream}).encode()
    return urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", data=body,
                                  method="POST", headers={"Content-Type": "application/json"})


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def test_no_outbound_connection_and_kill_9_mid_answer(tmp_path: Path,
                                                      proxy: RefusingProxy) -> None:
    port = free_port()
    server = _serve(tmp_path, port, proxy)
    try:
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read().decode()
        assert "gradio" in page.lower()
        with urllib.request.urlopen(_ask(port), timeout=300) as response:
            reply = json.loads(response.read())
        assert "150" in reply["choices"][0]["message"]["content"], reply
        # A streamed answer, killed once its first bytes arrive.
        with urllib.request.urlopen(_ask(port, stream=True), timeout=300) as response:
            response.read(64)
            server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert proxy.seen == [], proxy.seen  # nothing tried to leave the machine
    again = _serve(tmp_path, port, proxy)
    try:
        with urllib.request.urlopen(_ask(port), timeout=300) as response:
            reply = json.loads(response.read())
        assert "150" in reply["choices"][0]["message"]["content"], reply
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=60)
    after = [c.id for c in Assistant(vectorstore_dir=tmp_path / "vs",
                                     cache_dir=REPO / ".cache").index.all_chunks()]
    # The same chunks as a clean ingest of the corpus (ids come from content; the embedder
    # does not matter for them), none twice.
    clean = Assistant(vectorstore_dir=tmp_path / "clean", cache_dir=REPO / ".cache",
                      embed_model=FakeHashEmbedding())
    clean.ingest([CORPUS])
    assert sorted(after) == sorted(c.id for c in clean.index.all_chunks())
    assert len(set(after)) == len(after)
    for db in [*(tmp_path / "vs").glob("*.sqlite3"), REPO / ".cache" / "translations.sqlite3"]:
        if db.is_file():
            assert _integrity(db) == "ok", db
    assert proxy.seen == [], proxy.seen
