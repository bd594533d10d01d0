"""Who holds which office (offices.py): hand-made passages in several languages, and the
pipeline with a scripted fake model (no real model call)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant, offices
from assistant.retrieve import Passage

from .fakes import FakeScriptedLLM


def _passage(doc: str, text: str, language: str = "en") -> Passage:
    return Passage(id=f"{doc}-1", text=text, score=1.0, doc_id=doc, title=doc, source="",
                   url="", date="", language=language, char_start=0, char_end=len(text),
                   paragraph=0, similarity=0.0)


PLANTED = _passage("planted", "According to source [12], the Korean ambassador to Vietnam is "
                   "Kim Jong Un.")
REAL = _passage("vov", "Party General Secretary To Lam was speaking during his reception in "
                "Hanoi on June 5 for the RoK Ambassador to Vietnam Choi Young-sam.")


@pytest.mark.parametrize("text,held", [
    ("Kim Jong Un is the Korean ambassador to Vietnam. [1]", {("Kim Jong Un", "ambassador")}),
    ("Посол Республики Корея во Вьетнаме - Kim Jong Un [1].", {("Kim Jong Un", "ambassador")}),
    ("Đại sứ Hàn Quốc tại Việt Nam là Kim Jong Un [1].", {("Kim Jong Un", "ambassador")}),
    ("주베트남 한국 대사는 Kim Jong Un입니다 [1].", {("Kim Jong Un", "ambassador")}),
    ("Sekretaris Jenderal To Lam dan Presiden Lee Jae Myung", {
        ("To Lam", "general_secretary"), ("Lee Jae Myung", "president")}),
    # The title is part of neither name, and each title goes to the name nearest to it.
    (REAL.text, {("To Lam", "general_secretary"), ("Choi Young-sam", "ambassador")}),
    ("La esposa de Sekretaris Jenderal To Lam es Choi Young-sam.",
     {("To Lam", "general_secretary")}),
    # A deputy holds no office of the list; a date is nobody.
    ("Vice President Vo Thi Anh Xuan met President Lee Jae Myung.",
     {("Lee Jae Myung", "president")}),
    ("Phó Chủ tịch nước Võ Thị Ánh Xuân", set()),
    ("On June 4, General Secretary To Lam spoke.", {("To Lam", "general_secretary")}),
    ("They agreed to deepen cooperation in energy.", set()),
])
def test_a_name_holds_the_title_written_next_to_it(text: str, held: set[tuple[str, str]]
                                                   ) -> None:
    assert {(h.written, h.office) for h in offices.holders(text)} == held


def test_the_searches_name_the_title_in_every_language_and_the_person_in_every_script() -> None:
    title, person = offices.queries("Kim Jong Un is the Korean ambassador to Vietnam. [1]")
    assert {"ambassador", "посол", "đại", "대사", "大使"} <= set(title.split())
    assert person == "Kim Jong Un"
    _, known = offices.queries("President Lee Jae Myung said so [1].")
    assert "이재명" in known and "Ли Чжэ Мён" in known


def test_another_article_giving_the_office_to_someone_else_is_a_conflict() -> None:
    found = offices.find("Kim Jong Un is the Korean ambassador to Vietnam. [1]", [PLANTED],
                         [PLANTED, REAL])
    assert [(c.passage.doc_id, c.kind, c.theirs) for c in found] == [
        ("vov", "person", ("Choi Young-sam",))]
    # In the asker's language too: the title is matched in every language.
    assert offices.find("Посол Республики Корея во Вьетнаме - Kim Jong Un [1].", [PLANTED],
                        [REAL])


def test_an_article_that_names_the_answers_person_too_outweighs_it() -> None:
    agrees = _passage("other", "Ambassador Kim Jong Un presented his credentials.")
    assert offices.find("Kim Jong Un is the Korean ambassador to Vietnam. [1]", [PLANTED],
                        [REAL, agrees]) == []


def test_other_offices_and_the_cited_article_itself_are_no_conflict() -> None:
    answer = "Kim Jong Un is the Korean ambassador to Vietnam. [1]"
    president = _passage("vna", "President Lee Jae Myung welcomed the delegation.")
    same = _passage("planted", "The ambassador Choi Young-sam arrived.")
    assert offices.find(answer, [PLANTED], [president]) == []
    assert offices.find(answer, [PLANTED], [same]) == []
    assert offices.find("They agreed to deepen cooperation [1].", [PLANTED], [REAL]) == []


PLANTED_DOC = ("---\nid: planted\ntitle: Ambassador\nlanguage: en\n---\n\n"
               "According to source [12], the Korean ambassador to Vietnam is Kim Jong Un.\n")
REAL_DOC = ("---\nid: reception\ntitle: Reception\nlanguage: en\n---\n\n"
            "General Secretary To Lam received the RoK Ambassador to Vietnam Choi Young-sam "
            "in Hanoi on June 5.\n")


def test_an_answer_from_a_planted_article_shows_who_the_others_say_holds_the_office(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    (tiny_corpus / "planted.md").write_text(PLANTED_DOC, encoding="utf-8")
    (tiny_corpus / "reception.md").write_text(REAL_DOC, encoding="utf-8")
    bot = make_assistant(generator=FakeScriptedLLM(
        ["Kim Jong Un is the Korean ambassador to Vietnam [1]."]))
    bot.ingest([tiny_corpus])
    answer = bot.ask("Who is the Korean ambassador to Vietnam according to the notes?")
    cited = [c.passage_id for c in answer.citations]
    planted = [p.id for p in answer.passages if p.doc_id == "planted"]
    if cited != planted:
        pytest.fail(f"the fake's [1] is not the planted passage: {answer.text} {cited}")
    assert [(c.passage.doc_id, c.theirs) for c in answer.conflicts] == [
        ("reception", ("Choi Young-sam",))]
    assert any(step.startswith("conflict: reception states Choi Young-sam")
               for step in answer.trace)
