"""Chats kept on the server (ASSISTANT_CHAT_HISTORY_DB), in a real browser. The answers come
from a fake model and embedder: this checks where conversations are kept, not answers."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant
from tests.conftest import CORPUS, REPO, free_port
from tests.fakes import FakeHashEmbedding, FakeScriptedLLM
from tests.test_web import Chat

pytestmark = [pytest.mark.slow, pytest.mark.browser]
QUESTION = "When did Vietnam and the Republic of Korea establish diplomatic ties?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from assistant.web import launch

    folder = tmp_path_factory.mktemp("history")
    shutil.copytree(CORPUS, folder / "corpus")
    db = folder / "chats.sqlite3"
    bot = Assistant(corpus_dir=folder / "corpus", vectorstore_dir=folder / "vs",
                    cache_dir=REPO / ".cache", chat_history_db=db, relevance_floor=0.0,
                    generator=FakeScriptedLLM(["They established ties in 1992 [1]."] * 10),
                    embed_model=FakeHashEmbedding())
    bot.sync_corpus()
    port = free_port()
    running = launch(bot, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}/", db
    running.should_exit = True


def test_chats_kept_on_the_server_survive_a_reload_and_stay_per_browser(
        browser: Any, server: tuple[str, Path]) -> None:
    url, db = server
    chat = Chat(browser, url)
    chat.ask(QUESTION)
    chat.page.wait_for_selector("#send", state="visible", timeout=30_000)
    with sqlite3.connect(db) as conn:
        rows = [json.loads(r[0]) for r in conn.execute("SELECT store FROM chats")]
    kept = [c for store in rows for c in store["chats"]]
    assert [c["title"] for c in kept] == [QUESTION[:59] + "…"]
    assert len(kept[0]["chat"]) == 2 and kept[0]["turns"][0]["citations"]
    # The browser holds only its key: far smaller than the conversation it points to.
    held = chat.page.evaluate("() => localStorage.getItem('vietnam-korea-chat') || ''")
    assert 0 < len(held) < 300 and "1992" not in held
    chat.page.reload()
    chat.page.wait_for_selector("#question textarea", timeout=60_000)
    chat.page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"bot\"]').length === 1",
        timeout=30_000)
    assert "1992" in chat.bot_messages()[0]
    # Another browser (its own storage) has its own, empty history.
    other = browser.new_context().new_page()
    other.goto(url)
    other.wait_for_selector("#question textarea", timeout=60_000)
    other.wait_for_function("() => !document.querySelector('.pending')", timeout=60_000)
    other.wait_for_timeout(1000)
    assert not other.query_selector_all('[data-testid="bot"]')
    assert "When did" not in other.inner_text("#chats")
