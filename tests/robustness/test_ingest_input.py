"""Bad files at ingest: each is reported with what is wrong and how to fix it, the rest of the
batch is indexed, and nothing is lost or stored twice. Fake embedder: no model is loaded."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import DocumentError
from tests.fakes import FakeHashEmbedding
from tests.pdfs import text_pdf

GOOD = "---\nid: good\ntitle: Good\nlanguage: en\n---\n\nVietnam and Korea aim for trade.\n"


@pytest.fixture
def bot(make_assistant: Callable[..., Assistant]) -> Assistant:
    return make_assistant(embed_model=FakeHashEmbedding())


def _ingest_with(bot: Assistant, folder: Path, name: str, content: str | bytes) -> list[str]:
    """Ingest a folder holding a good article and the file ``name``; the report's errors.
    The good article is always indexed."""
    folder.mkdir(exist_ok=True)
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    bad = folder / name
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    report = bot.ingest([folder])
    assert {c.metadata["doc_id"] for c in bot.index.all_chunks()} >= {"good"}
    return report.errors


BAD_FILES = [
    ("latin-1", "bad.md", "Vi\xe9t Nam et la Cor\xe9e".encode("latin-1"), "not UTF-8"),
    ("binary", "bad.txt", bytes(range(256)) * 4, "not UTF-8"),
    ("nul bytes", "bad.txt", "text\x00with NUL bytes " * 10, "binary"),
    ("empty", "bad.md", "", "no article text"),
    ("front matter only", "bad.md", "---\nid: x\n---\n", "no article text"),
    ("broken front matter", "bad.md", "---\nid: [unclosed\n---\n\nBody.",
     "front matter is invalid"),
    ("front matter a list", "bad.md", "---\n- a\n- b\n---\n\nBody.", "must be a mapping"),
    ("date a number", "bad.md", "---\nid: d\ndate: 12\n---\n\nBody text.", "date must be"),
    ("javascript url", "bad.md", "---\nid: u\nurl: javascript:alert(1)\n---\n\nBody text.",
     "url must be"),
    ("language a sentence", "bad.md", "---\nid: l\nlanguage: the english one\n---\n\nBody.",
     "language must be"),
    ("alias bomb", "bad.md", "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, "
     "*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, "
     "*c, *c, *c]\n---\n\nBody.", "anchors or aliases"),
    ("huge front matter", "bad.md", "---\nid: h\nnote: " + "x" * 20_000 + "\n---\n\nBody.",
     "front matter is"),
    ("same id", "zcopy.md", "---\nid: good\ntitle: Other\n---\n\nA different article body.",
     "id 'good' is also in"),
    ("same content", "zcopy.md", GOOD.replace("id: good", "id: other"), "same article is also in"),
    ("same text file twice", "zcopy.txt", "Vietnam and Korea aim for trade.\n",
     "same article is also in"),
    ("too large", "big.txt", "Vietnam and Korea. " * 120_000, "split it"),
    ("broken pdf", "bad.pdf", b"%PDF-1.4\nnot really a pdf", "cannot be read as a PDF"),
    ("pdf without text", "scan.pdf", text_pdf([]), "no text layer"),
]


@pytest.mark.parametrize("name,content,reason", [c[1:] for c in BAD_FILES],
                         ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_reported_and_the_rest_is_indexed(bot: Assistant, tmp_path: Path,
                                                        name: str, content: str | bytes,
                                                        reason: str) -> None:
    errors = _ingest_with(bot, tmp_path / "docs", name, content)
    assert len(errors) == 1 and reason in errors[0] and name in errors[0], errors
    assert "Traceback" not in errors[0]


def test_a_file_with_an_id_already_taken_is_never_half_indexed(bot: Assistant,
                                                              tmp_path: Path) -> None:
    _ingest_with(bot, tmp_path / "docs", "zcopy.md", "---\nid: good\n---\n\nAnother body.")
    # Rerunning reports it again, embeds nothing, and the first file's article stays.
    again = bot.ingest([tmp_path / "docs"])
    assert again.added_chunks == 0 and len(again.errors) == 1
    assert {c.text for c in bot.index.all_chunks()} == {"Vietnam and Korea aim for trade."}


def test_an_unbroken_megabyte_line_becomes_bounded_chunks(bot: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "line.txt").write_text("x" * 300_000, encoding="utf-8")
    report = bot.ingest([folder])
    assert not report.errors
    assert max(len(c.text) for c in bot.index.all_chunks()) <= 1_000


def test_missing_paths_unknown_types_and_symlink_loops(bot: Assistant, tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file or folder"):
        bot.ingest([tmp_path / "missing"])
    with pytest.raises(DocumentError, match="no such file or folder"):
        bot.ingest([tmp_path / "docs" / ".." / ".." / "nowhere"])
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK\x03\x04")
    assert "unsupported file type '.docx'" in bot.ingest([odd]).errors[0]
    folder = tmp_path / "loop"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    os.symlink(folder, folder / "self")
    report = bot.ingest([folder])
    assert not report.errors and report.changed_files == 1


@pytest.mark.slow  # about a minute: the fast loop stays under two
def test_a_folder_of_a_thousand_small_files(bot: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1_000):
        (folder / f"a{n:04d}.txt").write_text(f"Article {n}: Vietnam and Korea met on day {n}.",
                                              encoding="utf-8")
    report = bot.ingest([folder])
    assert not report.errors and report.changed_files == 1_000
    assert bot.ingest([folder]).unchanged_files == 1_000  # a rerun embeds nothing


def test_a_pdf_article_is_indexed_with_its_title(bot: Assistant, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "ferry.pdf").write_bytes(text_pdf(["A new ferry line links Busan and Hai Phong.",
                                                 "It opens in March 2026."], title="Ferry"))
    report = bot.ingest([folder])
    assert not report.errors and report.added_chunks >= 1
    chunks = bot.index.all_chunks()
    assert chunks[0].metadata["title"] == "Ferry"
    assert any("Busan" in c.text for c in chunks)
