"""Ingest at scale, with a fake embedder: progress counted in chunks against a true total,
embedding in batches, and a run cut short that the next run finishes without redoing work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant, cli
from assistant.errors import EmbedderError
from assistant.index import EMBED_BATCH
from tests.fakes import FakeHashEmbedding

Factory = Callable[..., Assistant]


class FakeCountingEmbedding(FakeHashEmbedding):
    """The hashed-trigram fake that counts the passages it embeds and can fail on purpose
    after a given number, like an embedder killed part-way through a long document."""

    embedded: int = 0
    fail_after: int = -1

    def _get_text_embedding(self, text: str) -> list[float]:
        if 0 <= self.fail_after <= self.embedded:
            raise RuntimeError("embedder stopped (fake)")
        self.embedded += 1
        return super()._get_text_embedding(text)


def _long_document(folder: Path, sentences: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = " ".join(f"Sentence number {i} says that item {i} costs {i * 7} dollars."
                    for i in range(sentences))
    path = folder / "long.md"
    path.write_text(f"---\nid: long\ntitle: A long document\nlanguage: en\n---\n\n{body}\n",
                    encoding="utf-8")
    return path


def test_progress_counts_chunks_to_a_true_total(make_assistant: Factory, tiny_corpus: Path
                                                ) -> None:
    _long_document(tiny_corpus, 400)
    seen: list[tuple[int, int]] = []
    bot = make_assistant(embed_model=FakeHashEmbedding())
    report = bot.ingest([tiny_corpus], progress=lambda done, total: seen.append((done, total)))
    stored = bot.index.count()
    assert report.added_chunks == stored > EMBED_BATCH  # the long document takes batches
    assert seen[0] == (0, stored) and seen[-1] == (stored, stored)
    assert {total for _, total in seen} == {stored}
    assert all(a[0] < b[0] for a, b in zip(seen, seen[1:], strict=False))
    assert len(seen) > 3  # moves within the long document, not once per file
    # Nothing to embed the second time: the bar still runs to its total, at once.
    again: list[tuple[int, int]] = []
    bot.ingest([tiny_corpus], progress=lambda done, total: again.append((done, total)))
    assert again[-1] == (stored, stored)


def test_an_interrupted_ingest_keeps_finished_batches_and_resumes(
        make_assistant: Factory, tiny_corpus: Path) -> None:
    folder = tiny_corpus.parent / "long-only"
    _long_document(folder, 400)
    failing = FakeCountingEmbedding(fail_after=EMBED_BATCH * 2 + 5)
    with pytest.raises(EmbedderError, match="run the same ingest again"):
        make_assistant(embed_model=failing).ingest([folder])
    bot = make_assistant(embed_model=FakeCountingEmbedding())
    kept = bot.index.count()
    assert kept == EMBED_BATCH * 2  # two whole batches were written before the failure
    report = bot.ingest([folder])
    total = bot.index.count()
    embedder = bot.embedder
    assert isinstance(embedder, FakeCountingEmbedding)
    assert embedder.embedded == total - kept == report.added_chunks  # only the rest
    # The resumed index is the same as one built in a single run.
    fresh = make_assistant(embed_model=FakeHashEmbedding(),
                           vectorstore_dir=tiny_corpus.parent / "fresh")
    fresh.ingest([folder])
    assert sorted(c.id for c in fresh.index.all_chunks()) == sorted(
        c.id for c in bot.index.all_chunks())


def test_cli_ingest_shows_a_chunk_bar_with_rate(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    _long_document(docs, 200)
    monkeypatch.setattr("assistant.service.Assistant", lambda: Assistant(
        corpus_dir=docs, vectorstore_dir=tmp_path / "vs", embed_model=FakeHashEmbedding()))
    assert cli.main(["ingest"]) == 0
    err = capsys.readouterr().err
    assert "chunk/s" in err and "ingest: 100%" in err
