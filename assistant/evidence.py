"""What the model reads: for each top passage, its span closest to the question."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .answer import asks_to_override
from .chunking import candidate_spans, extend_span
from .config import Settings
from .retrieve import Passage


class EvidencePicker:
    """Picks evidence spans with ``embedder`` (a llama-index embedding) and
    ``lexical_overlap`` (query, text -> shared rare words, ``Retriever.lexical_overlap``);
    span vectors are remembered across questions."""

    def __init__(self, settings: Settings, embedder: Callable[[], Any],
                 lexical_overlap: Callable[[str, str], float]) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lexical_overlap = lexical_overlap
        self._span_vectors: dict[str, list[float]] = {}

    def pick(self, query: str, passages: list[Passage]) -> list[Passage]:
        """For each top passage, its span closest to the question, duplicates dropped.

        Prompt processing costs ~19 ms a token here, so the model gets one short span per
        passage (a sentence, or a run of clauses of a long sentence) instead of whole chunks.
        A run that stops before its sentence ends is grown to the right, up to half as long
        again: what the question matches is often the clause that introduces the answer.
        """
        picked: list[Passage] = []
        seen: set[str] = set()
        query_vector = None
        for p in passages:
            if len(picked) >= self.settings.evidence_passages:
                break
            # An article that tells the reader to drop the rules is not evidence of anything;
            # the small model might obey it.
            spans = [(a, b) for a, b in candidate_spans(p.text, self.settings.evidence_tokens)
                     if not asks_to_override(p.text[a:b], p.language)]
            if not spans:
                continue
            best = spans[0]
            if len(spans) > 1:
                if query_vector is None:
                    query_vector = self._embedder().get_query_embedding(query)
                span_texts = [p.text[a:b] for a, b in spans]
                vectors = self._embed(span_texts)
                scores = [self._score(query, t, v, query_vector)
                          for t, v in zip(span_texts, vectors, strict=True)]
                best = spans[max(range(len(spans)), key=scores.__getitem__)]
            best = extend_span(p.text, best, self.settings.evidence_tokens * 3 // 2)
            text = p.text[best[0]:best[1]]
            key = " ".join(text.split())
            if key in seen:
                continue
            seen.add(key)
            picked.append(dataclasses.replace(
                p, text=text, char_start=p.char_start + best[0], char_end=p.char_start + best[1]))
        return picked

    def _embed(self, spans: list[str]) -> list[list[float]]:
        """Span vectors, remembered: the same passages come back for related questions, and
        embedding their spans is most of the time spent outside the model (~20 ms a span)."""
        missing = [t for t in dict.fromkeys(spans) if t not in self._span_vectors]
        if missing:
            if len(self._span_vectors) > 50_000:
                self._span_vectors.clear()
            self._span_vectors.update(zip(
                missing, self._embedder().get_text_embedding_batch(missing), strict=True))
        return [self._span_vectors[t] for t in spans]

    def _score(self, query: str, text: str, vector: list[float],
               query_vector: list[float]) -> float:
        # The small embedder barely tells apart clauses of one passage; shared rare words
        # (names, "Comprehensive Strategic Partnership", years) do.
        score = sum(x * y for x, y in zip(vector, query_vector, strict=True))
        return score + self.settings.span_lexical_weight * self._lexical_overlap(query, text)
