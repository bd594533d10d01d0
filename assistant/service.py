"""The Assistant service: the one object the CLI, web UI and Python API all talk to."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from .config import Settings, load_settings, prepare_offline_environment
from .errors import InputError
from .index import ChunkIndex, IngestReport
from .retrieve import Mode, Passage, Retriever, standalone_query


class Assistant:
    """Build with settings (from env / .env by default); heavy parts load on first use."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings if settings is not None else load_settings(**overrides)
        prepare_offline_environment(self.settings)

    @cached_property
    def embedder(self) -> Any:
        from .embeddings import build_embedder

        return build_embedder(self.settings.embedder)

    @cached_property
    def index(self) -> ChunkIndex:
        return ChunkIndex(self.settings, self.embedder)

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        return Retriever(self.index, candidates=s.candidates, bm25_weight=s.bm25_weight,
                         answer_type_boost=s.answer_type_boost,
                         memory_limit=s.memory_search_limit)

    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        prune: bool = False,
        rebuild: bool = False,
        progress: Callable[[Iterable[Path], int], Iterable[Path]] | None = None,
    ) -> IngestReport:
        if rebuild:
            ChunkIndex.drop(self.settings)
            for name in ("index", "retriever"):
                self.__dict__.pop(name, None)
        return self.index.ingest(list(paths or [self.settings.corpus_dir]), prune=prune,
                                 progress=progress)

    def sync_corpus(self) -> IngestReport | None:
        """Bring the corpus folder's chunks up to date (builds the index on first run).

        Cheap when nothing changed: unchanged files produce the same chunk ids and write nothing.
        """
        if not self.settings.corpus_dir.is_dir():
            return None
        return self.ingest([self.settings.corpus_dir])

    def check_question(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InputError(
                "The question is empty: type a question about Vietnam–Korea relations."
            )
        question = question.strip()
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InputError(
                f"The question is {len(question)} characters long; the limit is {limit}. "
                "Shorten it or raise ASSISTANT_MAX_QUESTION_CHARS."
            )
        return question

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        history: Sequence[tuple[str, str]] | None = None,
        mode: Mode | None = None,
    ) -> list[Passage]:
        """Ranked passages for a question (a follow-up is completed from ``history``)."""
        question = self.check_question(question)
        if k is not None and k < 1:
            raise InputError(f"k must be at least 1 (got {k}).")
        self.index.require_nonempty()
        query = standalone_query(question, history)
        return self.retriever.retrieve(
            query, k=k or self.settings.top_k, mode=mode or self.settings.retrieval
        )
