"""Reading Markdown, text and HTML; chunking; the multilingual BM25 tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import lexical
from assistant.chunking import (
    candidate_spans,
    chunk_text,
    count_tokens,
    extend_span,
    split_sentences,
)
from assistant.corpus import iter_files, load_document
from assistant.errors import DocumentError
from assistant.lexical import LexicalIndex, tokenize


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\nid: x1\ntitle: T\ndate: 2025-06-05\nlanguage: en\nextra: 1\n---\n\nBody.\n"
    )
    doc = load_document(path)
    assert (doc.id, doc.title, doc.date, doc.language, doc.body) == (
        "x1", "T", "2025-06-05", "en", "Body.")
    assert doc.extra == {"extra": "1"}


def test_markdown_without_front_matter_gets_id_from_name(tmp_path: Path) -> None:
    path = tmp_path / "My Article.md"
    path.write_text("Just text.")
    assert load_document(path).id == "My-Article"


def test_invalid_front_matter_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\n\nBody")
    with pytest.raises(DocumentError, match="front matter is invalid"):
        load_document(path)


def test_html_drops_scripts_and_keeps_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Visit</title><script>alert(1)</script></head><body>"
        "<nav>Menu</nav><h1>Leaders meet</h1><p>They met in Hanoi.</p>"
        "<p>Trade &amp; investment grew.</p><footer>Bình luận</footer></body></html>"
    )
    doc = load_document(path)
    assert doc.title == "Visit"
    assert "alert" not in doc.body and "Menu" not in doc.body
    assert doc.body == "Leaders meet\n\nThey met in Hanoi.\n\nTrade & investment grew."


def test_plain_text_is_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text("Line one.\n |\nimg 123.jpg\nLine two.\nSource: VOV")
    doc = load_document(path)
    assert doc.body == "Line one.\n\nLine two." and doc.source == "VOV"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.pdf", b"%PDF", "cannot be read as a PDF"),
        ("x.docx", b"PK\x03\x04", "unsupported file type"),
        ("x.txt", b"\xff\xfe\x00bad", "not UTF-8"),
        ("x.md", b"   \n\n", "no article text"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, name: str, content: bytes,
                                    message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=message):
        load_document(path)


def test_iter_files_skips_hidden_and_readme(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "a.md").write_text("x")
    (tmp_path / "README.md").write_text("x")
    (tmp_path / "b.md").write_text("x")
    (tmp_path / "c.jpg").write_text("x")
    assert [p.name for p in iter_files([tmp_path])] == ["b.md"]
    with pytest.raises(DocumentError, match="no such file"):
        list(iter_files([tmp_path / "missing"]))


def test_sentences_and_paragraphs() -> None:
    body = "First one. Second one!\n\nТретье предложение? 第四句。第五句。"
    sentences = [(body[s.start:s.end], s.paragraph) for s in split_sentences(body)]
    assert sentences == [
        ("First one.", 0), ("Second one!", 0), ("Третье предложение?", 1),
        ("第四句。", 1), ("第五句。", 1),
    ]


def test_chunks_have_exact_offsets_and_respect_token_budget() -> None:
    body = " ".join(f"Sentence number {i} talks about trade and investment." for i in range(40))
    chunks = chunk_text(body, max_tokens=50, overlap=1)
    assert len(chunks) > 3
    for c in chunks:
        assert body[c.start:c.end] == c.text
        assert c.tokens <= 50 and count_tokens(c.text) <= 50 + 2
        assert c.text.endswith(".")
    # Consecutive chunks overlap by one sentence, and together cover the whole body.
    assert chunks[1].start < chunks[0].end
    assert chunks[0].start == 0 and chunks[-1].end == len(body)


def test_long_sentence_stands_alone() -> None:
    body = "Short. " + "word " * 300 + "end. Next."
    chunks = chunk_text(body, max_tokens=40, overlap=0)
    assert any(c.tokens > 40 and c.text.startswith("word") for c in chunks)


def test_clause_run_is_grown_to_what_it_introduces() -> None:
    text = ("He also wished to keep supporting Korean enterprises in expanding investment in "
            "Vietnam, especially in important areas such as, infrastructure, energy, new urban "
            "construction. Trade grew.")
    # The run closest to "In which areas?" within a small budget stops at "such as,".
    lead = max(candidate_spans(text, 9), key=lambda span: "areas" in text[slice(*span)])
    assert text[slice(*lead)] == "especially in important areas such as,"
    start, end = extend_span(text, lead, 40)
    assert start == lead[0] and text[start:end].endswith("new urban construction.")
    # Never past the budget, nor into the next sentence.
    short = extend_span(text, lead, 12)
    assert lead[1] < short[1] < end and count_tokens(text[slice(*short)]) <= 12
    whole = (0, text.index(" Trade"))
    assert extend_span(text, whole, 500) == whole


def test_chunk_ids_depend_on_content() -> None:
    a = chunk_text("One. Two.", 100, 0)[0]
    b = chunk_text("One. Three.", 100, 0)[0]
    assert a.chunk_id("d") == chunk_text("One. Two.", 100, 0)[0].chunk_id("d")
    assert a.chunk_id("d") != b.chunk_id("d") and a.chunk_id("d") != a.chunk_id("e")


def test_tokenizer_scripts() -> None:
    assert "150" in tokenize("US$150 billion") and "2030" in tokenize("by 2030.")
    assert "1000000" in tokenize("1,000,000 visitors")
    ru = tokenize("Переговоры переговорах")
    assert "перег~" in ru and ru.count("перег~") == 2
    assert "vietnam" in tokenize("Việt Nam Vietnam")  # diacritics folded
    ko = tokenize("베트남과 한국의")
    assert "베트" in ko and "베트남과" in ko
    zh = tokenize("越南和韩国")
    assert "越南" in zh and "韩国" in zh
    # A Latin word written onto kana or Hangul is still a word, not letter bigrams.
    assert {"apec", "kuota", "gdp"} <= set(tokenize("APECは kuotaと 한국GDP가"))
    assert "ap" not in tokenize("APECは")


def test_the_lexical_index_ranks_persists_and_updates(tmp_path: Path) -> None:
    """SQLite FTS5 over our tokens: the matching chunk first (Hangul too), per language;
    kept on disk, so a second process adds nothing; removal and re-adding are exact."""
    path = tmp_path / "lexical.sqlite3"
    index = LexicalIndex(path)
    rows = [("a", "en", "trade target 150 billion"), ("b", "en", "tourism grew fast"),
            ("c", "ko", "베트남과 한국의 무역"), ("d", "ru", "переговоры в Ханое")]
    assert index.add(rows) == 4
    assert next(iter(index.top("150", 3))) == "a"
    assert next(iter(index.top("한국 무역", 3))) == "c"
    assert list(index.top("переговорах", 3)) == ["d"]  # the 5-letter prefix meets the ending
    assert index.top("nothing matches", 3) == {}
    assert index.top("trade", 3, language="ko") == {}
    again = LexicalIndex(path)  # another process, the same file
    assert again.add(rows) == 0 and again.ids() == {"a", "b", "c", "d"}
    assert again.languages() == {"en": 2, "ko": 1, "ru": 1}
    again.remove(["a"])
    assert "a" not in index.top("150 trade", 3) and index.ids() == {"b", "c", "d"}
    idf = index.idf("tourism grew 무역")
    assert set(idf) >= {"tourism", "grew", "무역"} and all(v > 0 for v in idf.values())


def test_document_frequencies_follow_every_add_and_remove(tmp_path: Path) -> None:
    """The kept document frequencies equal FTS5's own count after adds and removals, and an
    index made before they were kept gets them counted when it is opened."""
    import sqlite3

    path = tmp_path / "lexical.sqlite3"
    index = LexicalIndex(path)

    def counts() -> tuple[dict[str, int], dict[str, int]]:
        with sqlite3.connect(path) as db:
            return (dict(db.execute("SELECT term, doc FROM df WHERE doc > 0")),
                    dict(db.execute("SELECT term, doc FROM vocab")))

    index.add([("a", "en", "korea trade korea"), ("b", "en", "korea apec"),
               ("c", "ko", "베트남과 한국의 무역")])
    index.remove(["a", "missing"])
    index.add([("d", "en", "apec trade")])
    kept, fts = counts()
    assert kept == fts and len(kept) > 5
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE df")
    LexicalIndex(path)  # an index from before the table
    assert counts()[0] == fts


def test_a_lexical_query_scores_a_bounded_number_of_chunks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Common words are dropped from the OR query once the chunks they would make it score
    pass MAX_POSTINGS; the rarest word always stays, and a small corpus keeps every word."""
    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    index.add([(f"k{i}", "en", "korea trade news") for i in range(40)]
              + [("apec", "en", "korea hosts apec"), ("quoc", "en", "apec in phu quoc")])
    everything = index.top_with_language("korea apec", 50)
    assert len(everything) == 42 and [c for c, _, _ in everything][:2] == ["apec", "quoc"]
    monkeypatch.setattr(lexical, "MAX_POSTINGS", 10)
    pruned = index.top_with_language("korea apec", 50)
    assert {c for c, _, _ in pruned} == {"apec", "quoc"}  # "korea" (41 chunks) was dropped
    assert {c for c, _, _ in index.top_with_language("korea", 50)} == {
        f"k{i}" for i in range(40)} | {"apec"}  # the only word stays, however common


def test_token_counting_works_offline_without_an_assistant(tmp_path: Path) -> None:
    """A program that only chunks text must not reach for tiktoken's download."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TIKTOKEN_CACHE_DIR"}
    # An empty temp dir (tiktoken's default cache) and a proxy that refuses every connection.
    env |= {"TMPDIR": str(tmp_path), "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9"}
    code = "from assistant.chunking import count_tokens; print(count_tokens('Hà Nội, 2030'))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert int(done.stdout) > 0
