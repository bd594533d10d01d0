"""Hybrid retrieval: dense (overall and per corpus language) plus BM25, fused by reciprocal rank.

Dense retrieval alone favours passages in the question's own language; ranking each corpus
language separately and fusing the lists gives every language a fair share of the top ranks.
BM25 catches numbers and names that the small embedder blurs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .index import ChunkIndex, StoredChunk
from .lexical import BM25

Mode = Literal["hybrid", "dense", "dense+lang", "dense+bm25"]


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
    ranks: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_chunk(cls, chunk: StoredChunk, score: float, ranks: dict[str, int]) -> Passage:
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
            ranks=ranks,
        )

    @property
    def display_title(self) -> str:
        """The stated title, or the passage's opening words when the article states none."""
        if self.title:
            return self.title
        words = self.text.split()
        return " ".join(words[:10]) + (" …" if len(words) > 10 else "")


def standalone_query(question: str, history: Sequence[tuple[str, str]] | None) -> str:
    """Retrieval query for a follow-up: the previous user question carries the missing topic.

    Done without a model on purpose: a rewrite by the small generator drifts into other
    languages, and the embedder and BM25 only need the topic words.
    """
    if not history:
        return question
    previous = history[-1][0]
    return f"{previous}\n{question}"


class Retriever:
    def __init__(self, index: ChunkIndex, rrf_k: int = 60, candidates: int = 20) -> None:
        self.index = index
        self.rrf_k = rrf_k
        self.candidates = candidates
        self._revision: tuple[int, int] | None = None
        self._chunks: list[StoredChunk] = []
        self._by_id: dict[str, StoredChunk] = {}
        self._languages: list[str] = []
        self._bm25: BM25 | None = None

    def _refresh(self) -> None:
        revision = self.index.revision
        if revision == self._revision:
            return
        self._chunks = self.index.all_chunks()
        self._by_id = {c.id: c for c in self._chunks}
        self._languages = sorted({str(c.metadata.get("language", "")) for c in self._chunks})
        self._bm25 = BM25([c.text for c in self._chunks])
        self._revision = revision

    def _dense(self, embedding: list[float], n: int, language: str | None = None) -> list[str]:
        from llama_index.core.vector_stores.types import (
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        filters = None
        if language is not None:
            filters = MetadataFilters(filters=[MetadataFilter(key="language", value=language)])
        result = self.index.store.query(
            VectorStoreQuery(query_embedding=embedding, similarity_top_k=n, filters=filters)
        )
        return list(result.ids or [])

    def rankings(self, query: str, mode: Mode = "hybrid") -> dict[str, list[str]]:
        """Each ranked list of chunk ids that goes into the fusion, by name."""
        self._refresh()
        n = min(self.candidates, len(self._chunks))
        if n == 0:
            return {}
        embedding = self.index.embedder.get_query_embedding(query)
        lists: dict[str, list[str]] = {"dense": self._dense(embedding, n)}
        if mode in ("hybrid", "dense+lang") and len(self._languages) > 1:
            for lang in self._languages:
                lists[f"dense:{lang}"] = self._dense(embedding, n, language=lang)
        if mode in ("hybrid", "dense+bm25") and self._bm25 is not None:
            lists["bm25"] = [self._chunks[i].id for i, _ in self._bm25.top(query, n)]
        return lists

    def retrieve(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Passage]:
        lists = self.rankings(query, mode)
        fused: dict[str, float] = defaultdict(float)
        ranks: dict[str, dict[str, int]] = defaultdict(dict)
        for name, ids in lists.items():
            for rank, chunk_id in enumerate(ids, start=1):
                fused[chunk_id] += 1.0 / (self.rrf_k + rank)
                ranks[chunk_id][name] = rank
        order = sorted(fused, key=lambda cid: (-fused[cid], cid))[:k]
        return [
            Passage.from_chunk(self._by_id[cid], fused[cid], ranks[cid])
            for cid in order
            if cid in self._by_id
        ]

    def chunk(self, chunk_id: str) -> Any:
        self._refresh()
        return self._by_id.get(chunk_id)
