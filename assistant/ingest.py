"""Ingesting files and folders into the chunk index, with progress counted in chunks.

Two passes. The first reads every file, refuses duplicates (the same id, or the same article
under two names) and counts the chunks each file makes; nothing is kept in memory but the
counts. The second indexes file by file, in embedding batches (``ChunkIndex.index_document``),
so memory does not grow with the corpus, progress is known against a real total (rate and
ETA follow), and a run that stops part-way keeps every finished batch: chunk ids come from
content, and the next run embeds only what is missing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Document, iter_files, load_document
from .errors import DocumentError
from .index import ChunkIndex, store_errors
from .language import detect_language

# Called as progress(chunks_done, chunks_total) after each step of the work.
Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    added_chunks: int = 0
    removed_chunks: int = 0
    unchanged_files: int = 0
    changed_files: int = 0
    pruned_files: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [
            f"{self.changed_files} file(s) indexed",
            f"{self.unchanged_files} unchanged",
            f"{self.added_chunks} chunk(s) added",
            f"{self.removed_chunks} removed",
        ]
        if self.pruned_files:
            parts.append(f"{self.pruned_files} file(s) pruned")
        if self.errors:
            parts.append(f"{len(self.errors)} error(s)")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


def _claim(owners: dict[str, str], doc: Document) -> None:
    """Record that ``doc``'s file holds its id and its content; a DocumentError when another
    file of the same ingest already does (one of them would silently replace the other)."""
    for key, what, fix in ((f"id:{doc.id}", f"the id '{doc.id}'", "give each file its own id"),
                           (f"body:{hashlib.sha256(doc.body.encode()).hexdigest()}",
                            "the same article",
                            "remove one of the copies")):
        if owners.setdefault(key, doc.path) != doc.path:
            raise DocumentError(f"{doc.path}: {what} is also in {owners[key]}; {fix}. "
                                "This file was not indexed.")


def _plan(index: ChunkIndex, files: Sequence[Path], report: IngestReport
          ) -> list[tuple[Path, int]]:
    """The files to index, each with its chunk count; unreadable and duplicate files are
    reported and left out."""
    owners: dict[str, str] = {}  # id, and content, to the first file that had it
    plan = []
    for path in files:
        try:
            doc = load_document(path)
            _claim(owners, doc)
        except DocumentError as exc:
            report.errors.append(str(exc))
            continue
        plan.append((path, index.chunk_count(doc)))
    return plan


def ingest(index: ChunkIndex, paths: Sequence[Path], prune: bool = False,
           progress: Progress | None = None) -> IngestReport:
    """Index files and folders. Unreadable files are reported and skipped; the rest proceed.
    With ``prune``, chunks of files that are gone from the given folders are removed."""
    started = time.perf_counter()
    report = IngestReport()
    files = [p.resolve() for p in iter_files(paths)]
    plan = _plan(index, files, report)
    total = sum(n for _, n in plan)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None and n:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    for path, chunks in plan:
        before = done
        try:
            doc = load_document(path)  # read again: holding every document would not scale
        except DocumentError as exc:  # changed on disk since the first pass
            report.errors.append(str(exc))
            tick(chunks)
            continue
        if not doc.language:
            doc.language = detect_language(doc.body)
        with store_errors(index.settings):
            added, removed = index.index_document(doc, done=tick)
        if done < before + chunks:  # fewer chunks than counted (changed between passes)
            tick(before + chunks - done)
        report.added_chunks += added
        report.removed_chunks += removed
        if added or removed:
            report.changed_files += 1
        else:
            report.unchanged_files += 1
    if prune:
        seen = {str(p) for p in files}
        roots = [str(p.resolve()).rstrip("/") + "/" for p in paths if p.is_dir()]
        gone = [p for p in index.stored_paths()
                if p not in seen and any(p.startswith(root) for root in roots)]
        report.removed_chunks += index.remove_paths(gone)
        report.pruned_files = len(gone)
    report.seconds = time.perf_counter() - started
    return report
