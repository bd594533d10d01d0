"""Shared fixtures. Every test gets its own tmp folders; nothing touches the repo's vectorstore/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant import Assistant

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
CORPUS = REPO / "corpus"

TINY_DOCS = {
    "trade.md": (
        "---\nid: trade\ntitle: Trade goal\nsource: Test Wire\ndate: '2025-01-02'\n"
        "language: en\n---\n\nVietnam and Korea aim for 150 billion USD of trade by 2030. "
        "Officials met in Hanoi.\n\nThe goal was first set in 2022."
    ),
    "tourism.md": (
        "---\nid: tourism\ntitle: Туризм\nlanguage: ru\n---\n\n"
        "В 2024 году страны обменялись пятью миллионами туристов. Рейсы стали чаще."
    ),
    "apec.txt": "APEC 2027 will take place in Phu Quoc.\n\nThe city prepares new venues.",
}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                  request: pytest.FixtureRequest) -> None:
    """No test reads the developer's .env or ASSISTANT_* variables by accident, and only tests
    marked ``slow`` may load a real language model (the others must pass a fake)."""
    for key in list(os.environ):
        if key.startswith("ASSISTANT_") and key != "ASSISTANT_TEST_CHROMA_URL":
            monkeypatch.delenv(key, raising=False)
    for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(key, raising=False)
    if request.node.get_closest_marker("slow") is None:
        monkeypatch.setenv("ASSISTANT_ALLOW_MODEL_REQUESTS", "false")
        # Fakes answer at once: a unit test's calls must not depend on how busy the box is
        # (the deadline's own test sets a tiny one).
        monkeypatch.setenv("ASSISTANT_ANSWER_DEADLINE_S", "3600")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in TINY_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def make_assistant(tmp_path: Path) -> Callable[..., Assistant]:

    def factory(**overrides: object) -> Assistant:
        overrides.setdefault("vectorstore_dir", tmp_path / "vectorstore")
        overrides.setdefault("corpus_dir", tmp_path / "docs")
        # The shared model cache keeps the assembled GGUF between tests and runs.
        overrides.setdefault("cache_dir", REPO / ".cache")
        return Assistant(**overrides)

    return factory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_chroma(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """`chroma run` on loopback with its data and log in ``folder``, once it answers."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    log = open(folder / "server.log", "a")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [exe, "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"chroma run did not answer on {url}; see {folder / 'server.log'}")


def stop_chroma(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on loopback: CI's (ASSISTANT_TEST_CHROMA_URL) or our own."""
    given = os.environ.get("ASSISTANT_TEST_CHROMA_URL")
    if given:
        yield given
        return
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = start_chroma(path, port)
    url = f"http://127.0.0.1:{port}"
    yield url
    stop_chroma(proc)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian chromium driven by Playwright (browser tests), one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
