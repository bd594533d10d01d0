"""BM25 over chunk texts, persistent in SQLite FTS5, with a tokenizer for Latin, Cyrillic,
Hangul and CJK text.

Hangul words carry particles ("베트남과", "베트남의"), so they are indexed as syllable bigrams as
well as whole words; Han and kana have no spaces, so they become character bigrams. Latin and
Cyrillic words also index a 5-letter prefix, a crude stemmer that lets "переговоры" meet
"переговорах" and "investment" meet "investments".
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .sqlitedb import connection

# A word ends where its script changes: "APECは" and "kuotaと" hold the Latin words "apec"
# and "kuota", which the bigrams of a mixed run would hide.
_CJK_LETTERS = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"  # kana and Han
_HANGUL_LETTERS = r"\uac00-\ud7a3"
_TOKEN = re.compile(rf"\d+(?:[.,]\d+)*|[{_CJK_LETTERS}]+|[{_HANGUL_LETTERS}]+|"
                    rf"[^\W\d_{_CJK_LETTERS}{_HANGUL_LETTERS}]+", re.UNICODE)
_HANGUL = re.compile(f"[{_HANGUL_LETTERS}]")
_CJK = re.compile(f"[{_CJK_LETTERS}]")
PREFIX = 5
# Chunks one lexical query may score (the summed document frequency of its terms): ~5 ms
# of FTS5 work on this 2-core box. The eval's corpus never reaches it.
MAX_POSTINGS = 2048


def _strip_marks(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN.findall(unicodedata.normalize("NFKC", text).lower()):
        if raw[0].isdigit():
            tokens.append(re.sub(r"[.,]", "", raw) if re.fullmatch(r"\d{1,3}([.,]\d{3})+", raw)
                          else raw)
            continue
        if _CJK.search(raw):
            chars = [c for c in raw]
            tokens.extend(a + b for a, b in zip(chars, chars[1:], strict=False))
            if len(chars) == 1:
                tokens.append(raw)
            continue
        if _HANGUL.search(raw):
            tokens.append(raw)
            tokens.extend(raw[i:i + 2] for i in range(len(raw) - 1))
            continue
        word = _strip_marks(raw)
        tokens.append(word)
        if len(word) > PREFIX:
            tokens.append(word[:PREFIX] + "~")
    return tokens


def _hashed(token: str) -> str:
    """A token as FTS5 stores it: hex, so that its plain ASCII tokenizer keeps our tokens
    (Hangul and Han bigrams, 5-letter prefixes) exactly as ``tokenize`` made them."""
    return "t" + hashlib.blake2b(token.encode(), digest_size=8).hexdigest()


class LexicalIndex:
    """BM25 over chunk texts in SQLite FTS5: persistent and incremental, so start-up reads
    nothing and an ingest adds only its new chunks. Scoring is FTS5's own Okapi BM25 (k1 1.2,
    b 0.75) over the tokens of ``tokenize``; IDF for span scoring uses the same formula as
    ``BM25``. Safe for several processes on one file (SQLite locking; ids are unique)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(
                "CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, "
                "chunk_id TEXT UNIQUE NOT NULL, language TEXT NOT NULL);"
                "CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(t, tokenize='ascii');"
                "CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(terms, 'row');")
            # Document frequencies kept beside FTS5: its vocab table counts a term's chunks
            # by walking the term's postings (~4.5 ms a query at 100k chunks); this is one
            # B-tree lookup a term, kept up to date in the same transaction as the chunk.
            db.execute("CREATE TABLE IF NOT EXISTS df (term TEXT PRIMARY KEY, "
                       "doc INTEGER NOT NULL) WITHOUT ROWID")
            # An index made before the table: counted once from FTS5's own vocabulary.
            db.execute("INSERT OR IGNORE INTO df SELECT term, doc FROM vocab "
                       "WHERE NOT EXISTS (SELECT 1 FROM df)")

    def _db(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return connection(self.path)

    def ids(self) -> set[str]:
        with self._db() as db:
            return {row[0] for row in db.execute("SELECT chunk_id FROM docs")}

    def languages(self) -> dict[str, int]:
        """Chunks per language."""
        with self._db() as db:
            return dict(db.execute("SELECT language, count(*) FROM docs GROUP BY language"))

    def add(self, chunks: Iterable[tuple[str, str, str]]) -> int:
        """Index (chunk id, language, text) rows not yet held; returns how many were new."""
        added = 0
        with self._db() as db:
            for chunk_id, language, text in chunks:
                cursor = db.execute("INSERT OR IGNORE INTO docs (chunk_id, language) "
                                    "VALUES (?, ?)", (chunk_id, language))
                if cursor.rowcount:
                    hashed = [_hashed(t) for t in tokenize(text)]
                    db.execute("INSERT INTO terms (rowid, t) VALUES (?, ?)",
                               (cursor.lastrowid, " ".join(hashed)))
                    db.executemany("INSERT INTO df VALUES (?, 1) ON CONFLICT (term) "
                                   "DO UPDATE SET doc = doc + 1",
                                   ((t,) for t in set(hashed)))
                    added += 1
        return added

    def remove(self, chunk_ids: Iterable[str]) -> None:
        with self._db() as db:
            for chunk_id in chunk_ids:
                row = db.execute("SELECT id FROM docs WHERE chunk_id = ?",
                                 (chunk_id,)).fetchone()
                if row:
                    held = db.execute("SELECT t FROM terms WHERE rowid = ?", row).fetchone()
                    db.executemany("UPDATE df SET doc = doc - 1 WHERE term = ?",
                                   ((t,) for t in set(held[0].split() if held else ())))
                    db.execute("DELETE FROM terms WHERE rowid = ?", row)
                    db.execute("DELETE FROM docs WHERE id = ?", row)

    def top(self, query: str, n: int, language: str | None = None) -> dict[str, float]:
        """The ``n`` best-scoring chunks containing any query term (optionally of one
        language), by id, with positive scores."""
        return {cid: score for cid, _, score in self.top_with_language(query, n, language)}

    def top_with_language(self, query: str, n: int, language: str | None = None
                          ) -> list[tuple[str, str, float]]:
        """(chunk id, language, positive score) of the ``n`` best matches, best first."""
        terms = sorted({_hashed(t) for t in tokenize(query)})
        if not terms:
            return []
        sql = ("SELECT docs.chunk_id, docs.language, -bm25(terms) FROM terms JOIN docs "
               "ON docs.id = terms.rowid WHERE terms MATCH ?"
               + (" AND docs.language = ?" if language else "") + " ORDER BY rank LIMIT ?")
        with self._db() as db:
            match = " OR ".join(self._rarest(db, terms))
            args: tuple[Any, ...] = (match, language, n) if language else (match, n)
            return [(cid, lang, float(score)) for cid, lang, score in db.execute(sql, args)
                    if score > 0]

    def _rarest(self, db: sqlite3.Connection, terms: list[str]) -> list[str]:
        """The query's terms, rarest first, as long as their chunks together stay within
        ``MAX_POSTINGS``: an OR query scores every chunk holding any term, and at 100k chunks
        a few common words ("Korea") cost ~100 ms while adding almost nothing to BM25 (their
        IDF is near zero). The rarest term always stays. A small corpus keeps every term."""
        df = self._frequencies(db, terms)
        known = sorted((t for t in terms if t in df), key=lambda t: (df[t], t))
        kept: list[str] = []
        total = 0
        for term in known:
            if kept and total + df[term] > MAX_POSTINGS:
                break
            kept.append(term)
            total += df[term]
        return kept or terms

    def mentions(self, names: Iterable[str]) -> bool:
        """Whether some chunk may hold one of ``names``: every word of a name, by its 5-letter
        prefix where it has one (so "Франции" meets "Франция"), Hangul and Han by their
        bigrams. Loose on purpose: it may say yes to a chunk that has the words apart. One
        query for all the names."""
        groups = set()
        for name in names:
            tokens = tokenize(name)
            terms = {t for i, t in enumerate(tokens)
                     if not (i + 1 < len(tokens) and tokens[i + 1].endswith("~")
                             and not t.endswith("~"))
                     and not (_HANGUL.search(t) and len(t) > 2)}
            if terms:
                groups.add("(" + " AND ".join(sorted(map(_hashed, terms))) + ")")
        if not groups:
            return False
        with self._db() as db:
            return db.execute("SELECT 1 FROM terms WHERE terms MATCH ? LIMIT 1",
                              (" OR ".join(sorted(groups)),)).fetchone() is not None

    def idf(self, query: str) -> dict[str, float]:
        """Inverse document frequency of the query's tokens (as ``BM25.idf``)."""
        tokens = set(tokenize(query))
        hashed = {_hashed(t): t for t in tokens}
        with self._db() as db:
            n = db.execute("SELECT count(*) FROM docs").fetchone()[0]
            return {hashed[term]: math.log(1 + (n - df + 0.5) / (df + 0.5))
                    for term, df in self._frequencies(db, list(hashed)).items()}

    @staticmethod
    def _frequencies(db: sqlite3.Connection, terms: list[str]) -> dict[str, int]:
        """The kept document frequency of each of ``terms`` (hashed) that some chunk holds."""
        if not terms:
            return {}
        marks = ",".join("?" * len(terms))
        return dict(db.execute(f"SELECT term, doc FROM df WHERE term IN ({marks}) AND doc > 0",
                               terms))
