"""The web chat's saved conversations: a list of chats kept in the browser (localStorage),
each with a title, its messages and its answered turns (with their sources).

Pure functions over a plain dict, so that Gradio's BrowserState can hold it and the rules
(titles, order, limits, the older one-chat format) are unit-tested without a browser:

    {"version": 2, "lang": "vi", "current": "c3f…", "chats": [
        {"id": "c3f…", "title": "Việt Nam và Hàn Quốc …", "chat": [...], "turns": [...]}]}

The most recently used chat comes first. A chat is listed once it has a message.

With ``ASSISTANT_CHAT_HISTORY_DB`` the same store is kept on the server instead (``ServerStore``,
one row per browser in SQLite), and the browser holds only its random key.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

from .sqlitedb import connection

VERSION = 2
MAX_CHATS = 50  # localStorage holds a few MB per site; the oldest chats go first
TITLE_CHARS = 60

Store = dict[str, Any]


def empty(lang: str = "en") -> Store:
    return {"version": VERSION, "lang": lang, "current": None, "chats": []}


def migrate(stored: object, languages: set[str] | frozenset[str]) -> Store:
    """Whatever the browser held (nothing, the one-chat format of before, this format, or
    something damaged) as a valid store; nothing that was a conversation is dropped."""
    if not isinstance(stored, dict):
        return empty()
    lang = str(stored.get("lang")) if stored.get("lang") in languages else "en"
    if stored.get("version") != VERSION:  # the one-chat format: {"chat", "turns", "lang"}
        store = empty(lang)
        chat, turns = _messages(stored.get("chat")), _turns(stored.get("turns"))
        return save(store, chat, turns, lang) if chat else store
    chats = [_chat(c) for c in stored.get("chats") or [] if isinstance(c, dict)]
    chats = [c for c in chats if c["chat"]][:MAX_CHATS]
    ids = {c["id"] for c in chats}
    current = stored.get("current") if stored.get("current") in ids else None
    return {"version": VERSION, "lang": lang, "current": current, "chats": chats}


def _messages(value: object) -> list[dict[str, Any]]:
    return [m for m in value if isinstance(m, dict) and m.get("role") in ("user", "assistant")
            ] if isinstance(value, list) else []


def _turns(value: object) -> list[dict[str, Any]]:
    return [t for t in value if isinstance(t, dict)] if isinstance(value, list) else []


def _chat(value: dict[str, Any]) -> dict[str, Any]:
    chat = _messages(value.get("chat"))
    return {"id": str(value.get("id") or uuid.uuid4().hex), "title": str(
        value.get("title") or title_of(chat)), "chat": chat, "turns": _turns(value.get("turns"))}


def bubble_text(content: object) -> str:
    """A chat message's text as stored: Gradio 6 hands messages back as a list of parts
    (``[{"type": "text", "text": ...}]``), what was sent as a string."""
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) if isinstance(p, dict) else str(p)
                       for p in content)
    return str(content or "")


def plain_text(content: object) -> str:
    """A chat message's text as the asker reads it: tags dropped, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", bubble_text(content))).split())


def title_of(chat: list[dict[str, Any]]) -> str:
    """The first question, as the asker typed it, shortened."""
    for message in chat:
        if message.get("role") == "user":
            text = plain_text(message.get("content"))
            return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1] + "…"
    return ""


def current(store: Store) -> dict[str, Any] | None:
    return next((c for c in store["chats"] if c["id"] == store["current"]), None)


def save(store: Store, chat: list[dict[str, Any]], turns: list[dict[str, Any]],
         lang: str) -> Store:
    """The page's conversation written into the current chat (a new one if there is none),
    which moves to the top. An empty conversation is not listed."""
    store = dict(store, lang=lang)
    chats = [c for c in store["chats"] if c["id"] != store["current"]]
    if not chat:
        return dict(store, current=None, chats=chats)
    found = current(store)
    entry = {"id": found["id"] if found else uuid.uuid4().hex,
             "title": found["title"] if found and found["title"] else title_of(chat),
             "chat": list(chat), "turns": list(turns)}
    return dict(store, current=entry["id"], chats=[entry, *chats][:MAX_CHATS])


def new(store: Store) -> Store:
    """Start a new chat; the others stay listed."""
    return dict(store, current=None)


def select(store: Store, chat_id: str | None) -> Store:
    return dict(store, current=chat_id if any(c["id"] == chat_id for c in store["chats"])
                else None)


def rename(store: Store, chat_id: str | None, title: str) -> Store:
    """A new title for a chat; a blank one changes nothing."""
    title = " ".join((title or "").split())[:TITLE_CHARS * 2]
    if not title:
        return store
    return dict(store, chats=[dict(c, title=title) if c["id"] == chat_id else c
                              for c in store["chats"]])


def delete(store: Store, chat_id: str | None) -> Store:
    chats = [c for c in store["chats"] if c["id"] != chat_id]
    return dict(store, chats=chats,
                current=None if store["current"] == chat_id else store["current"])


def choices(store: Store) -> list[tuple[str, str]]:
    """(title, id) of every listed chat, the most recent first."""
    return [(c["title"] or "…", c["id"]) for c in store["chats"]]


class ServerStore:
    """The stores of every browser, in one SQLite file on the server, keyed by a random id
    that each browser keeps (122 random bits: knowing it is what gives access)."""

    def __init__(self, path: Path, languages: set[str] | frozenset[str]) -> None:
        self.path = path
        self.languages = languages
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS chats (client TEXT PRIMARY KEY, "
                       "store TEXT NOT NULL, updated REAL NOT NULL)")

    def _db(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return connection(self.path)

    @staticmethod
    def key(held: object) -> str:
        """The browser's key from what it holds; a new one if it holds none."""
        client = held.get("client") if isinstance(held, dict) else None
        valid = isinstance(client, str) and re.fullmatch(r"[0-9a-f]{32}", client)
        return str(client) if valid else uuid.uuid4().hex

    def load(self, client: str) -> Store:
        with self._db() as db:
            row = db.execute("SELECT store FROM chats WHERE client = ?", (client,)).fetchone()
        try:
            return migrate(json.loads(row[0]) if row else None, self.languages)
        except ValueError:  # a damaged row: start afresh rather than fail the page
            return empty()

    def save(self, client: str, store: Store) -> None:
        with self._db() as db:
            db.execute("INSERT INTO chats (client, store, updated) VALUES (?, ?, ?) "
                       "ON CONFLICT(client) DO UPDATE SET store = excluded.store, "
                       "updated = excluded.updated",
                       (client, json.dumps(store, ensure_ascii=False), time.time()))

    # What the web chat calls: the store of the browser holding ``held``, and what the
    # browser holds once ``store`` is kept (its key only).
    def open(self, held: object) -> Store:
        return self.load(self.key(held))

    def keep(self, held: object, store: Store) -> object:
        client = self.key(held)
        self.save(client, store)
        return {"client": client}


class BrowserStore:
    """The default: the whole store is what the browser holds (localStorage)."""

    def __init__(self, languages: set[str] | frozenset[str]) -> None:
        self.languages = languages

    def open(self, held: object) -> Store:
        return migrate(held, self.languages)

    def keep(self, held: object, store: Store) -> object:
        return store
