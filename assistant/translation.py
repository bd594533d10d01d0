"""Machine translation with the configured model: remembered, and held to the original.

The small local model takes ~5-10 s to translate a passage, and the same passages are cited
again and again: a translation is remembered in memory and, for the configured model, on disk
(SQLite under the cache folder, keyed by model, language and the text's hash), so a second
request is instant, after a restart too. A translation that loses or changes a figure or a
name ("$150 trilyonnaus" for US$150 billion), or is not in the language asked for, is not
shown as the passage's meaning: the citation keeps its original and says why.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import answer, names, repairs, texts
from .answer import Citation
from .checks import answer_language
from .markers import _MARKER
from .sqlitedb import connection
from .stages import Budget

log = logging.getLogger(__name__)
MEMORY_LIMIT = 2_000


class TranslationStore:
    """Translations on disk, one row per (model, language, text). A store that cannot be read
    or written is switched off with a warning: translating again is slower, never wrong."""

    def __init__(self, path: Path, model: str) -> None:
        self.path = path
        self.model = model
        self._lock = threading.Lock()
        self._broken = False
        self._ready = False  # the table exists

    def _key(self, text: str, language: str) -> str:
        return hashlib.sha256(f"{self.model}\0{language}\0{text}".encode()).hexdigest()

    def _run(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if self._broken:
            return []
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, connection(self.path, timeout=5) as db:
                if not self._ready:
                    db.execute("CREATE TABLE IF NOT EXISTS translations "
                               "(key TEXT PRIMARY KEY, translation TEXT NOT NULL)")
                    self._ready = True
                return list(db.execute(sql, args))
        except (sqlite3.Error, OSError) as exc:
            log.warning("translation cache %s is unusable (%s); translations are not kept",
                        self.path, exc)
            self._broken = True
            return []

    def get(self, text: str, language: str) -> str | None:
        rows = self._run("SELECT translation FROM translations WHERE key = ?",
                         (self._key(text, language),))
        return str(rows[0][0]) if rows else None

    def put(self, text: str, language: str, translation: str) -> None:
        self._run("INSERT OR REPLACE INTO translations VALUES (?, ?)",
                  (self._key(text, language), translation))


class Translator:
    """Translations by the model behind ``stream`` (the Assistant's whole-call-timed model
    call), remembered in memory and, when ``store`` is given, on disk."""

    def __init__(self, stream: Callable[[list[Any]], Iterator[str]],
                 store: TranslationStore | None = None) -> None:
        self._stream = stream
        self.store = store
        self._memory: dict[tuple[str, str], str] = {}

    def forget(self) -> None:
        """Drop the translations held in memory (those on disk stay)."""
        self._memory.clear()

    def remembered(self, text: str, language: str) -> bool:
        key = (text, language)
        if key in self._memory:
            return True
        kept = self.store.get(_request(text, language), language) if self.store else None
        if kept is not None:
            self._remember(key, kept)
        return kept is not None

    def _remember(self, key: tuple[str, str], translation: str) -> None:
        if len(self._memory) > MEMORY_LIMIT:
            self._memory.clear()
        self._memory[key] = translation

    def text(self, text: str, language: str) -> str:
        """The model's translation of ``text`` into ``language``: a retry often repeats the
        answer it replaces, and the same sentence is cited for related questions."""
        if not self.remembered(text, language):
            self._learn(text, language)
        return _without_new_markers(text, self._memory[(text, language)])

    def within(self, text: str, language: str, budget: Budget) -> str | None:
        """The translation if it is remembered or the budget allows a model call, else None."""
        if not self.remembered(text, language):
            if not budget.allows():
                return None
            budget.spend()
            self._learn(text, language)
        return _without_new_markers(text, self._memory[(text, language)])

    def _learn(self, text: str, language: str) -> None:
        """Ask the model, and remember the answer (on disk when it is not empty)."""
        request = _request(text, language)
        translated = self._ask(request)
        self._remember((text, language), translated)
        if self.store and translated.strip():
            self.store.put(request, language, translated)

    def citation(self, citation: Citation, language: str) -> str | None:
        """Fill in the citation's translation when it is in ``language`` and keeps every
        figure and name of the passage; else leave the original alone, mark it
        ``translation_unfaithful``, and return None."""
        translated = self.text(citation.text, language)
        # The small model sometimes hands the passage back untranslated, or half in a third
        # language; that is no translation, however faithful its figures are.
        if (translated.strip() and answer_language(translated, "?") == language
                and repairs.faithful(citation.text, translated)):
            citation.translation, citation.translation_unfaithful = translated, False
            return translated
        citation.translation, citation.translation_unfaithful = None, True
        return None

    def _ask(self, request: str) -> str:
        from llama_index.core.base.llms.types import ChatMessage, MessageRole

        # Same fixed prefix as answers, so the model's prompt cache stays useful.
        chat = answer.base_chat() + [ChatMessage(role=MessageRole.USER, content=request)]
        return repairs.translation_only("".join(self._stream(chat)))


def _request(text: str, language: str) -> str:
    """What the model is asked. Names are put in the target language first: the model would
    transliterate them. The disk keeps translations by this request, so a new prompt or name
    list asks again. (Countries put in the target language too were measured: dev, every
    2nd item, one abstention became a wrong answer, nothing gained; see docs/eval.md.)"""
    return texts.prompt("translate.txt").format(
        language=texts.language_label(language), text=names.annotate(text, language,
                                                                     replace=True))


def _without_new_markers(original: str, translated: str) -> str:
    """A marker the original lacks is the answer prompt's habit, not the text's ("[1]")."""
    return translated if _MARKER.search(original) else _MARKER.sub("", translated).strip()
