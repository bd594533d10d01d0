"""Hybrid retrieval: per-language normalised dense scores, BM25 and an answer-type cue.

Dense similarity between a question and passages in the question's own language is inflated:
a Russian question scores every Russian passage above an equally relevant English one. So each
corpus language is searched separately and its scores become z-scores against that language's
own top candidates; a passage then competes on how much it stands out within its language.
BM25 (z-scored the same way) adds exact names and numbers, and a small bonus goes to passages
that can answer the question's type (a year for "when"). The modes let the eval measure each
step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .answer_type import can_answer, expected_answer_type
from .index import ChunkIndex, StoredChunk, lexical_path
from .lexical import LexicalIndex, tokenize

Mode = Literal["dense", "dense+lang", "dense+lang+bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "dense+lang", "dense+lang+bm25", "hybrid")
MIN_POOL = 5
REVISION_CHECK_S = 0.5


@dataclass
class Passage:
    id: str
    text: str
    score: float
    doc_id: str
    title: str
    source: str
    url: str
    date: str
    language: str
    char_start: int
    char_end: int
    paragraph: int
    path: str = ""
    similarity: float = 0.0  # cosine similarity to the query: an absolute relevance signal
    # The ISO codes of the countries its article names; None for a store indexed before
    # articles kept them (the next ingest adds them, keeping the vectors).
    countries: tuple[str, ...] | None = None

    @classmethod
    def from_chunk(cls, chunk: StoredChunk, score: float, similarity: float = 0.0) -> Passage:
        m = chunk.metadata
        return cls(
            id=chunk.id,
            text=chunk.text,
            score=score,
            doc_id=str(m.get("doc_id", "")),
            title=str(m.get("title", "")),
            source=str(m.get("source", "")),
            url=str(m.get("url", "")),
            date=str(m.get("date", "")),
            language=str(m.get("language", "")),
            char_start=int(m.get("char_start", 0)),
            char_end=int(m.get("char_end", 0)),
            paragraph=int(m.get("paragraph_start", 0)),
            path=str(m.get("path", "")),
            similarity=similarity,
            countries=(tuple(filter(None, str(m["countries"]).split(",")))
                       if "countries" in m else None),
        )

    @property
    def display_title(self) -> str:
        return display_title(self.title, self.text)


def display_title(title: str, text: str) -> str:
    """The stated title, or the passage's opening words when the article states none."""
    if title:
        return title
    words = text.split()
    return " ".join(words[:10]) + (" …" if len(words) > 10 else "")


def standalone_query(question: str, history: Sequence[tuple[str, str]] | None) -> str:
    """Retrieval query for a follow-up: the previous turn carries the missing topic.

    The previous answer often names what "it" or "there" refers to. Done without a model on
    purpose: a rewrite by the small generator drifts into other languages, and the embedder and
    BM25 only need the topic words.
    """
    if not history:
        return question
    previous_question, previous_answer = history[-1]
    return f"{previous_question}\n{previous_answer[:300]}\n{question}"


class Retriever:
    """Fused retrieval over a ChunkIndex. Up to ``memory_limit`` chunks, every chunk and its
    vector is held in memory and dense search is exact. Above it nothing is loaded at
    start-up: dense search is one query to Chroma's ANN index and one to the lexical index,
    each split by language afterwards, and only the candidates' texts are read."""

    def __init__(
        self,
        index: ChunkIndex,
        candidates: int = 30,
        bm25_weight: float = 0.2,
        answer_type_boost: float = 0.5,
        memory_limit: int = 50_000,
        lexical: LexicalIndex | None = None,
    ) -> None:
        self.index = index
        self.lexical = lexical or LexicalIndex(lexical_path(index.settings))
        self.candidates = candidates
        self.bm25_weight = bm25_weight
        self.answer_type_boost = answer_type_boost
        self.memory_limit = memory_limit
        self._revision: tuple[int, int] | None = None
        self._chunks: list[StoredChunk] = []
        self._by_id: dict[str, StoredChunk] = {}
        self._sizes: dict[str, int] = {}  # chunks per language
        self._matrix: np.ndarray | None = None
        self._rows: dict[str, np.ndarray] = {}
        self._idf_cache: tuple[Any, dict[str, float]] = (None, {})
        self._checked = 0.0  # when the store's revision was last read (time.monotonic)

    @property
    def in_memory(self) -> bool:
        return self._matrix is not None

    def _refresh(self) -> None:
        # A large store's count costs ~10 ms at 100k chunks: another process's ingest is
        # looked for at most every REVISION_CHECK_S; this process's own writes at once.
        now = time.monotonic()
        if (not self.in_memory and self._revision is not None and self._sizes
                and self.index.writes == self._revision[0]
                and now - self._checked < REVISION_CHECK_S):
            return
        self._checked = now
        revision = self.index.revision
        if revision == self._revision:
            return
        # Up to memory_limit chunks, dense search runs exactly over vectors loaded from the
        # store: 3 filtered Chroma queries cost ~13 ms here, the matrix product ~0.1 ms.
        self._matrix, self._rows, self._chunks, self._by_id = None, {}, [], {}
        if revision[1] <= self.memory_limit:
            self._chunks = self.index.all_chunks(with_embeddings=True)
            self._by_id = {c.id: c for c in self._chunks}
            current = set(self._by_id)
        else:
            current = set(self.index.ids())
        # The lexical index persists: only chunks it does not hold yet are tokenized.
        held = self.lexical.ids()
        self.lexical.remove(held - current)
        new = [c for c in self._chunks if c.id not in held] if self._chunks else (
            self.index.chunks(sorted(current - held)))
        self.lexical.add((c.id, str(c.metadata.get("language", "")), c.text) for c in new)
        if self._chunks:
            members: dict[str, list[int]] = {}
            for i, c in enumerate(self._chunks):
                members.setdefault(str(c.metadata.get("language", "")), []).append(i)
            self._matrix = np.asarray([c.embedding for c in self._chunks], dtype=np.float32)
            self._rows = {lang: np.asarray(rows) for lang, rows in members.items()}
            self._sizes = {lang: len(rows) for lang, rows in members.items()}
        else:
            self._sizes = self.lexical.languages()
        self._revision = revision

    def _load(self, ids: Sequence[str]) -> None:
        """Read the texts of candidates not held yet (a large store holds none at start)."""
        missing = [i for i in ids if i not in self._by_id]
        if missing and not self.in_memory:
            if len(self._by_id) + len(missing) > 10 * self.candidates * max(1, len(self._sizes)):
                # Bounded: kept texts are dropped, except the ones asked for now.
                self._by_id = {i: self._by_id[i] for i in ids if i in self._by_id}
            self._by_id.update((c.id, c) for c in self.index.chunks(missing))

    def _dense(self, embedding: list[float], n: int) -> dict[str | None, dict[str, float]]:
        """Cosine similarity of the top ``n`` chunks overall (key None) and per language."""
        if self._matrix is None:  # not in memory
            # One ANN query, split by language: a filtered query per language is slow in
            # Chroma. A language with no chunk among the nearest has no candidate.
            stored = self._revision[1] if self._revision else n
            found = self.index.nearest(embedding, min(stored, n * max(1, len(self._sizes))))
            return _by_language(((cid, lang, sim) for cid, sim, lang in found), n)
        query = np.asarray(embedding, dtype=np.float32)
        out: dict[str | None, dict[str, float]] = {}
        groups: list[tuple[str | None, np.ndarray]] = [(None, np.arange(len(self._chunks)))]
        for group, rows in [*groups, *self._rows.items()]:
            sims = self._matrix[rows] @ query
            # The top n without sorting every row (10k rows: ~6 ms sorted, <1 ms this way).
            top = np.argpartition(-sims, n - 1)[:n] if n < len(sims) else np.arange(len(sims))
            best = top[np.argsort(-sims[top], kind="stable")]
            out[group] = {self._chunks[int(rows[i])].id: float(sims[i]) for i in best}
        return out

    def scores(self, query: str, mode: Mode = "hybrid"
               ) -> tuple[dict[str, float], dict[str, float]]:
        """Fused score of every candidate chunk (higher is better) and its cosine similarity."""
        self._refresh()
        total = sum(self._sizes.values())
        if not total:
            return {}, {}
        n = min(self.candidates, total)
        embedding = self.index.embedder.get_query_embedding(query)
        dense_by_lang = self._dense(embedding, n)
        if mode == "dense":
            return dense_by_lang[None], dense_by_lang[None]
        use_lexical = mode != "dense+lang"
        answer_type = expected_answer_type(query) if mode == "hybrid" else "other"
        fused: dict[str, float] = {}
        similarity: dict[str, float] = {}
        overall = _stats(list(dense_by_lang[None].values()), n)
        lexical = self._lexical(query, n) if use_lexical else {}
        lexical_overall = lexical.get(None, ({}, 0.0, {}))
        for lang, size in self._sizes.items():
            dense = dense_by_lang.get(lang)
            if not dense:
                continue
            similarity.update(dense)
            # A language with only a handful of chunks gives no usable spread of its own.
            small = size < MIN_POOL
            mean, std = overall if small else _stats(list(dense.values()), n)
            # Chunks outside the dense top n get the lowest score that was seen.
            unseen = (min(dense.values()) - mean) / std
            candidates = set(dense)
            lexical_z: dict[str, float] = {}
            zero_z = 0.0
            if use_lexical:
                own = lexical.get(lang) or ({}, 0.0, {})
                lexical_z, zero_z, _ = lexical_overall if small else own
                candidates |= set(own[2])
            for cid in candidates:
                score = (dense[cid] - mean) / std if cid in dense else unseen
                score += self.bm25_weight * lexical_z.get(cid, zero_z)
                fused[cid] = score
        if answer_type != "other":
            self._load(list(fused))
            for cid in fused:
                if can_answer(answer_type, self._by_id[cid].text):
                    fused[cid] += self.answer_type_boost
        return fused, similarity

    def _lexical(self, query: str, n: int
                 ) -> dict[str | None, tuple[dict[str, float], float, dict[str, float]]]:
        """BM25 per language (key None: over all chunks): the z-scores of the top ``n``
        matches, the z-score a chunk without a match gets, and the raw scores. One FTS5 query
        for every language at once, split afterwards: 4 queries cost 4 times as much."""
        total = sum(self._sizes.values())
        tops = _by_language(self.lexical.top_with_language(query, n * max(1, len(self._sizes))),
                            n)
        return {lang: (*self._lexical_z(top, n, total if lang is None else self._sizes.get(
            lang, 0)), top) for lang, top in tops.items()}

    @staticmethod
    def _lexical_z(top: dict[str, float], n: int, members: int) -> tuple[dict[str, float], float]:
        """Standardised against the top ``n`` scores, where chunks without a match count
        as 0."""
        values = list(top.values()) + [0.0] * max(0, min(n, members) - len(top))
        if not values:
            return {}, 0.0
        mean, std = _stats(values, n)
        return {cid: (v - mean) / std for cid, v in top.items()}, -mean / std

    def retrieve(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Passage]:
        scores, similarity = self.scores(query, mode)
        order = sorted(scores, key=lambda cid: (-scores[cid], cid))[:k]
        self._load(order)
        return [Passage.from_chunk(self._by_id[cid], scores[cid], similarity.get(cid, 0.0))
                for cid in order]

    def by_words(self, query: str, k: int) -> list[Passage]:
        """The ``k`` chunks that match ``query`` best word for word (BM25 alone, no
        embedding): to look up names and titles, not to answer."""
        self._refresh()
        top = self.lexical.top(query, k)
        order = sorted(top, key=lambda cid: (-top[cid], cid))[:k]
        self._load(order)
        return [Passage.from_chunk(self._by_id[cid], top[cid]) for cid in order
                if cid in self._by_id]

    def lexical_overlap(self, query: str, text: str) -> float:
        """Summed IDF of the query's terms that ``text`` contains (corpus statistics)."""
        self._refresh()
        present = set(tokenize(text))
        return sum(v for t, v in self._idf(query).items() if t in present)

    def _idf(self, query: str) -> dict[str, float]:
        """IDF of the query's tokens, remembered per query: evidence selection asks for each
        span of the same question."""
        if self._idf_cache[0] != (query, self._revision):
            self._idf_cache = ((query, self._revision), self.lexical.idf(query))
        return self._idf_cache[1]

    def embedding(self, chunk_id: str) -> list[float] | None:
        """The stored vector of a chunk (when vectors are held in memory)."""
        self._refresh()
        chunk = self._by_id.get(chunk_id)
        return chunk.embedding if chunk is not None else None  # none read above the limit


def _by_language(found: Iterable[tuple[str, str, float]], n: int
                 ) -> dict[str | None, dict[str, float]]:
    """Split one ranked result, (chunk id, language, score) best first, into the top ``n``
    overall (key None) and the top ``n`` of each language."""
    out: dict[str | None, dict[str, float]] = {None: {}}
    for cid, lang, score in found:
        if len(out[None]) < n:
            out[None][cid] = score
        own = out.setdefault(lang, {})
        if len(own) < n:
            own[cid] = score
    return out


def _stats(values: list[float], n: int) -> tuple[float, float]:
    top = sorted(values, reverse=True)[:n]
    mean = sum(top) / len(top)
    var = sum((v - mean) ** 2 for v in top) / len(top)
    return mean, (math.sqrt(var) or 1.0)
