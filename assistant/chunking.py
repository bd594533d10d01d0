"""Sentence-aware chunking sized in tokens, with exact character offsets into the body."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) before whitespace,
# or at CJK full stops, which need no following space.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)\]]*\s+|(?<=[。！？])")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Chunk:
    text: str
    start: int
    end: int
    paragraph_start: int
    paragraph_end: int
    tokens: int

    def chunk_id(self, doc_id: str) -> str:
        """Derived from content and position, so unchanged text keeps its id across ingests."""
        key = f"{doc_id}\x00{self.start}\x00{self.end}\x00{self.text}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


@lru_cache(maxsize=1)
def _encoding():  # type: ignore[no-untyped-def]
    import tiktoken

    from .config import prepare_offline_environment

    # Counting tokens must not depend on an Assistant having been built first: without the
    # bundled copy tiktoken downloads the encoding, which fails offline.
    prepare_offline_environment()
    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def split_sentences(body: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    para_start = 0
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(body)]
    bounds = []
    for index, (gap_start, gap_end) in enumerate(paragraphs + [(len(body), len(body))]):
        bounds.append((index, para_start, gap_start))
        para_start = gap_end
    for index, start, end in bounds:
        pos = start
        text = body[start:end]
        for match in _SENTENCE_END.finditer(text):
            cut = start + match.start()
            _add(sentences, body, pos, cut, index)
            pos = start + match.end()
        _add(sentences, body, pos, end, index)
    return sentences


# No sentence is longer than this: an unbroken line (a pasted table, a base64 blob) is cut
# into pieces at spaces where it has any, else anywhere. Real sentences are far shorter.
MAX_SENTENCE_CHARS = 1_000


def _add(out: list[Sentence], body: str, start: int, end: int, paragraph: int) -> None:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = body.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        _add(out, body, start, cut, paragraph)
        start = cut
        while start < end and body[start].isspace():
            start += 1
    if end > start:
        out.append(Sentence(start, end, paragraph))


def chunk_text(body: str, max_tokens: int = 160, overlap: int = 1) -> list[Chunk]:
    """Pack whole sentences into chunks of at most ``max_tokens`` (a longer sentence stands alone).

    Consecutive chunks share ``overlap`` sentences so a fact at a boundary keeps its context.
    """
    sentences = split_sentences(body)
    sizes = [count_tokens(body[s.start:s.end]) for s in sentences]
    chunks: list[Chunk] = []
    i = 0
    while i < len(sentences):
        j = i
        total = sizes[i]
        while j + 1 < len(sentences) and total + sizes[j + 1] <= max_tokens:
            j += 1
            total += sizes[j]
        first, last = sentences[i], sentences[j]
        chunks.append(
            Chunk(
                text=body[first.start:last.end],
                start=first.start,
                end=last.end,
                paragraph_start=first.paragraph,
                paragraph_end=last.paragraph,
                tokens=total,
            )
        )
        if j + 1 >= len(sentences):
            break
        i = max(j + 1 - overlap, i + 1)
    return chunks


_CLAUSE_END = re.compile(r"(?<=[,;:])\s+|\s+(?=[–—-]\s)|(?<=[，；：、])")


def candidate_spans(text: str, max_tokens: int) -> list[tuple[int, int]]:
    """Spans of ``text`` to choose evidence from: each sentence that fits in ``max_tokens``,
    and for longer sentences every run of whole clauses that fits (or a lone long clause)."""
    spans: list[tuple[int, int]] = []
    for s in split_sentences(text):
        if count_tokens(text[s.start:s.end]) <= max_tokens:
            spans.append((s.start, s.end))
            continue
        clauses = []
        pos = s.start
        for m in _CLAUSE_END.finditer(text, s.start, s.end):
            if m.start() > pos:
                clauses.append((pos, m.start()))
            pos = m.end()
        if s.end > pos:
            clauses.append((pos, s.end))
        sizes = [count_tokens(text[a:b]) for a, b in clauses]
        for i in range(len(clauses)):
            total, j = sizes[i], i
            while j + 1 < len(clauses) and total + sizes[j + 1] <= max_tokens:
                j += 1
                total += sizes[j]
            spans.append((clauses[i][0], clauses[j][1]))
    return list(dict.fromkeys(spans))


def extend_span(text: str, span: tuple[int, int], max_tokens: int) -> tuple[int, int]:
    """``span`` grown clause by clause to the right, within its sentence, while it fits in
    ``max_tokens``. The clauses closest to a question are often the ones that introduce the
    answer, and a run cut there stops right before it ("especially in important areas such
    as," | "infrastructure, energy, new urban construction.")."""
    start, end = span
    sentence_end = next((s.end for s in split_sentences(text) if s.start <= start < s.end), end)
    ends = [m.start() for m in _CLAUSE_END.finditer(text, end, sentence_end)] + [sentence_end]
    for candidate in ends:
        if candidate <= end:
            continue
        if count_tokens(text[start:candidate]) > max_tokens:
            break
        end = candidate
    return start, end
