"""A damaged embedded store: every command that opens it gets a StoreError that names the fix,
and the fix (``ingest --rebuild``) works on it, touching nothing but the store's own files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import StoreError, StoreUnavailableError
from tests.fakes import FakeHashEmbedding


def _fresh_process_view() -> None:
    """Chroma keeps one client per path in a process; a restart would not."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


@pytest.fixture
def damaged(make_assistant: Callable[..., Assistant], tiny_corpus: Path,
            tmp_path: Path) -> Callable[[], Assistant]:
    make_assistant(embed_model=FakeHashEmbedding()).ingest([tiny_corpus])
    _fresh_process_view()
    store = tmp_path / "vectorstore" / "chroma.sqlite3"
    with store.open("r+b") as f:
        f.truncate(store.stat().st_size // 3)
    (tmp_path / "vectorstore" / "notes.txt").write_text("mine", encoding="utf-8")
    return lambda: make_assistant(embed_model=FakeHashEmbedding(), relevance_floor=0.0)


def test_a_damaged_store_is_a_clear_error_that_names_the_fix(
        damaged: Callable[[], Assistant]) -> None:
    with pytest.raises(StoreError, match=r"damaged .*assistant ingest --rebuild"):
        damaged().retrieve("Where is APEC 2027?")


def test_rebuild_repairs_a_damaged_store_and_keeps_other_files(
        damaged: Callable[[], Assistant], tiny_corpus: Path, tmp_path: Path) -> None:
    bot = damaged()
    report = bot.ingest([tiny_corpus], rebuild=True)
    assert report.added_chunks > 0 and not report.errors
    assert bot.retrieve("Where is APEC 2027?")
    assert (tmp_path / "vectorstore" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_chroma_server_that_stops_is_a_clear_error_and_recovers(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path, tmp_path: Path) -> None:
    """The Chroma server stops mid-session: the next question gets a StoreUnavailableError
    that says where and what to check, and once the server is back the same Assistant
    answers again, without a restart."""
    from tests.conftest import free_port, start_chroma, stop_chroma
    from tests.fakes import FakeScriptedLLM

    port = free_port()
    server = start_chroma(tmp_path, port)
    try:
        reply = "The target is 150 billion USD by 2030 [1]."
        bot = make_assistant(generator=FakeScriptedLLM([reply, reply]),
                             embed_model=FakeHashEmbedding(), relevance_floor=0.0,
                             chroma_url=f"http://127.0.0.1:{port}")
        bot.ingest([tiny_corpus])
        assert "150" in bot.ask("What trade target was set for 2030?").text
        stop_chroma(server)
        with pytest.raises(StoreUnavailableError, match=rf"127\.0\.0\.1:{port}.*running"):
            bot.ask("What trade target was set for 2030?")
        server = start_chroma(tmp_path, port)
        assert "150" in bot.ask("What trade target was set for 2030?").text
    finally:
        stop_chroma(server)
