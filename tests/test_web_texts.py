"""The web chat's texts and HTML, without a browser: every claimed language has the whole
interface, input problems are said in the page's language, and citation links preview their
source sentence, escaped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.answer import Citation
from assistant.errors import InputError
from assistant.retrieve import Passage
from assistant.texts import prompt_data, t
from assistant.uploads import add_documents, remove_upload, uploads_dir
from assistant.web_html import input_problem, linkify, render_citations, turn_of, turn_panel

CLAIMED = ["en", "ru", "id", "vi", "ko", "zh", "ja", "fr", "de", "es", "th"]


def test_every_claimed_language_has_every_interface_text() -> None:
    table = prompt_data("ui.json")
    for lang in CLAIMED:
        assert set(table[lang]) == set(table["en"]), lang
        assert all(v.strip() for v in table[lang].values()), lang


@pytest.mark.parametrize("lang", CLAIMED)
def test_input_problems_are_said_in_the_pages_language(lang: str) -> None:
    too_long = input_problem(InputError("The question is 5000 characters long; raise "
                                        "ASSISTANT_MAX_QUESTION_CHARS.", kind="too_long"),
                             lang, 2000)
    assert "2000" in too_long and "ASSISTANT_" not in too_long
    assert too_long == t("error_too_long", lang).format(limit=2000)
    if lang != "en":
        assert too_long != t("error_too_long", "en").format(limit=2000)
    # A fault without a localized text keeps its own message.
    assert input_problem(InputError("k must be at least 1"), lang, 10) == "k must be at least 1"


def test_citation_links_preview_their_sentence_escaped() -> None:
    cite = Citation(number=1, passage_id="p", doc_id="d", title="t", source="s", url="",
                    date="", language="en", text="x", sentence='Trade of "150" <b>billion</b>',
                    sentence_start=0, sentence_end=1)
    out = linkify("Target <script> [1] and [2].", [cite])
    assert '<a class="cite" href="#src-1" title="Trade of &quot;150&quot; &lt;b&gt;billion' in out
    assert '<a class="cite" href="#src-2" title="">[2]</a>' in out
    assert "<script>" not in out and "&lt;script&gt;" in out


@pytest.mark.parametrize("lang", ["ko", "th"])
def test_an_unfaithful_translation_shows_the_original_and_says_why(lang: str) -> None:
    cite = Citation(number=1, passage_id="p", doc_id="d", title="t", source="s", url="",
                    date="", language="en", text="Trade of 150 billion USD.",
                    sentence="Trade of 150 billion USD.", sentence_start=0, sentence_end=25,
                    translation_unfaithful=True)
    out = render_citations([cite], lang)
    assert "Trade of 150 billion USD." in out and t("translation_unfaithful", lang) in out


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_an_article_that_disagrees_is_shown_under_the_sources_and_labelled(lang: str) -> None:
    cite = Citation(number=1, passage_id="p", doc_id="planted", title="Notes", source="",
                    url="", date="", language="en", text="The target is 900 billion USD.",
                    sentence="The target is 900 billion USD.", sentence_start=0,
                    sentence_end=30)
    other = Passage(id="q", text="They aim for 150 billion <b>USD</b>.", score=1.0,
                    doc_id="trade", title="Trade goal", source="Wire", url="", date="",
                    language="en", char_start=0, char_end=10, paragraph=0)
    turn = {"citations": [cite.__dict__], "conflicts": [other.__dict__]}
    out = turn_panel(turn, lang)
    assert out.index("900 billion") < out.index(t("disagree", lang)) < out.index("150 billion")
    assert "&lt;b&gt;USD" in out  # escaped like every passage
    assert t("disagree", lang) not in turn_panel({"citations": [cite.__dict__]}, lang)


def test_an_earlier_answer_is_matched_to_its_own_turn() -> None:
    """Clicking an answer finds its turn by question and text; a stopped answer, a question
    bubble or a bubble out of range finds none."""
    first = {"question": "When <ties>?", "answer": "In 1992 [1].", "citations": [{"n": 1}]}
    second = {"question": "Where?", "answer": "In Phu Quoc [2].", "citations": [{"n": 2}]}
    chat = [
        {"role": "user", "content": "When &lt;ties&gt;?"},
        {"role": "assistant", "content": linkify(first["answer"])},
        {"role": "user", "content": "Where?"},
        {"role": "assistant", "content": "Searching <i>(stopped)</i>"},
        {"role": "user", "content": "Where?"},
        {"role": "assistant", "content": linkify(second["answer"])},
    ]
    turns = [first, second]
    # Gradio 6 hands messages back as lists of parts.
    chat[1] = dict(chat[1], content=[{"type": "text", "text": chat[1]["content"]}])
    assert turn_of(chat, turns, 1) is first
    assert turn_of(chat, turns, 5) is second
    assert turn_of(chat, turns, 3) is None and turn_of(chat, turns, 2) is None
    assert turn_of(chat, turns, 0) is None and turn_of(chat, turns, 6) is None


def test_uploads_index_good_files_refuse_bad_ones_and_can_be_removed(
        make_assistant: Callable[..., Assistant], tmp_path: Path) -> None:
    from tests.fakes import FakeHashEmbedding
    from tests.pdfs import text_pdf

    bot = make_assistant(embed_model=FakeHashEmbedding(), corpus_dir=tmp_path / "corpus")
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "Ferry line (2026).pdf"
    good.write_bytes(text_pdf(["A new ferry line links Busan and Hai Phong."], title="Ferry"))
    bad = incoming / "notes.md"
    bad.write_text("---\nid: [broken\n---\n\nBody.", encoding="utf-8")
    seen: list[tuple[int, int]] = []
    note, rows, choices, cleared = add_documents(bot, [str(good), str(bad)], "ru",
                                                 progress=lambda *done: seen.append(done))
    assert seen[0] == (0, 1) and seen[-1] == (1, 1)  # the page's bar hears chunks embedded
    assert "Добавлено файлов: 1" in note and "Не добавлено" in note and "notes.md" in note
    assert str(incoming) not in note  # no server paths shown
    assert [r[0] for r in rows] == ["Ferry"] and cleared is None
    kept = uploads_dir(bot) / "Ferry-line-2026.pdf"
    assert kept.is_file() and not (uploads_dir(bot) / "notes.md").exists()
    assert choices["choices"] == [("Ferry", str(kept.resolve()))]
    note, rows, _ = remove_upload(bot, str(kept.resolve()), "en")
    assert note == "✅ Removed." and rows == [] and not kept.exists()
    # Only uploaded files can be removed from the page.
    assert remove_upload(bot, "/etc/passwd", "en")[0] == ""
