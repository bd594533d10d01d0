"""The committed corpus: clean, complete, with metadata taken from the texts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from assistant.corpus import METADATA_FIELDS, clean_text, is_debris, load_document, normalize_line

from .conftest import CORPUS, SEEDS

CORPUS_FILES = sorted(CORPUS.glob("*.md"))
SOURCE_LINE = re.compile(r"^\s*(Source|Sumber)\s*:", re.I)


def _by_seed() -> dict[str, Path]:
    out = {}
    for path in CORPUS_FILES:
        doc = load_document(path)
        out[doc.extra["seed_file"]] = path
    return out


def test_one_clean_file_per_seed() -> None:
    assert len(CORPUS_FILES) == 5
    if SEEDS.is_dir():
        assert sorted(_by_seed()) == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_seeds_are_present_in_ci() -> None:
    """CI lays shared/ beside the clone: there the cleaning test must run, not skip."""
    if os.environ.get("CI") and not SEEDS.is_dir():
        pytest.fail(f"{SEEDS} is missing, so the no-sentence-lost test cannot run")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else [],
                         ids=lambda p: p.name)
def test_no_article_sentence_lost(seed: Path) -> None:
    """Every non-debris line of the seed survives, whitespace-normalised, in the corpus body."""
    doc = load_document(_by_seed()[seed.name])
    body = re.sub(r"\s+", " ", doc.body)
    kept_elsewhere = {doc.title}
    checked = 0
    for line in seed.read_text(encoding="utf-8").splitlines():
        if is_debris(line):
            continue
        text = normalize_line(line)
        if SOURCE_LINE.match(text):
            value = text.split(":", 1)[1].strip()
            assert value in (doc.source, doc.url), f"source line {text!r} not in metadata"
            continue
        if text in kept_elsewhere:
            continue
        assert text in body, f"lost from {seed.name}: {text[:80]!r}"
        checked += 1
    assert checked >= 4


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_debris_removed(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.(jpe?g|png)\b", text, re.I)
    assert "Bình luận" not in text
    assert not re.search(r"^\s*\|", text, re.M)
    assert not re.search(r"\|\s*$", text, re.M)
    assert not re.search(r"[ \t]{2,}", text)
    assert "\n\n\n" not in text


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_metadata(path: Path) -> None:
    doc = load_document(path)
    front = path.read_text(encoding="utf-8").split("---")[1]
    for field in METADATA_FIELDS:
        assert re.search(rf"^{field}:", front, re.M), f"{field} missing from front matter"
    assert re.fullmatch(r"[a-z]{2}", doc.language)
    assert doc.date == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.date)
    assert doc.url == "" or doc.url.startswith("https://")
    assert doc.extra.get("seed_file", "").endswith(".txt")
    # Metadata that is stated must be findable in the seed text.
    if SEEDS.is_dir():
        seed = (SEEDS / doc.extra["seed_file"]).read_text(encoding="utf-8")
        for value in (doc.source, doc.url, doc.title):
            assert value == "" or value in seed, value


def test_clean_text_handles_debris() -> None:
    raw = (
        "First sentence of the article.\n    |\n |\n|\n"
        "photo123 456.jpg\nCaption of a photo |\n   \nSource: VNA\nBình luận\n"
    )
    paragraphs, meta = clean_text(raw)
    assert paragraphs == ["First sentence of the article.", "Caption of a photo"]
    assert meta == {"source": "VNA"}


def test_clean_text_source_url() -> None:
    _, meta = clean_text("Text.\nSumber: https://vietnamnet.vn/some-article.html")
    assert meta == {"url": "https://vietnamnet.vn/some-article.html", "source": "vietnamnet.vn"}


def test_photo_captions_are_debris() -> None:
    """Captions repeat the article, sometimes wrongly (a VOV caption names the ambassador
    "Lee Jae-myung"; the body, Choi Young-sam): they are not sources."""
    raw = (
        "To Lam (R) receives RoK Ambassador to Vietnam Lee Jae-myung in Hanoi on June 5\n"
        "President Luong Cuong (left) and President Lee Jae Myung |\n"
        "Sekretaris Jenderal To Lam menulis di buku tamu. Foto: VNA\n"
        "The ambassador (R) was received in Hanoi.\n"
        "Photo: the APEC venue is a plain sentence about a photo, kept as such.\n"
    )
    paragraphs, _ = clean_text(raw)
    assert paragraphs == [
        "The ambassador (R) was received in Hanoi.",
        "Photo: the APEC venue is a plain sentence about a photo, kept as such.",
    ]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_no_captions_in_corpus(path: Path) -> None:
    assert not re.search(r"\((R|L|left|right)\)|Foto:", path.read_text(encoding="utf-8"))
