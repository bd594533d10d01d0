"""The web chat's saved conversations: a list of chats kept in the browser (localStorage),
each with a title, its messages and its answered turns (with their sources).

Pure functions over a plain dict, so that Gradio's BrowserState can hold it and the rules
(titles, order, limits, the older one-chat format) are unit-tested without a browser:

    {"version": 2, "lang": "vi", "current": "c3f…", "chats": [
        {"id": "c3f…", "title": "Việt Nam và Hàn Quốc …", "chat": [...], "turns": [...]}]}

The most recently used chat comes first. A chat is listed once it has a message.
"""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

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


def title_of(chat: list[dict[str, Any]]) -> str:
    """The first question, as the asker typed it (unescaped, tags dropped), shortened."""
    for message in chat:
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):  # Gradio 6 hands messages back as parts
                content = "".join(str(p.get("text", "")) if isinstance(p, dict) else str(p)
                                  for p in content)
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", str(content))).split())
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
