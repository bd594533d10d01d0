"""Sources that disagree with an answer (conflicts.py): hand-made passages, and the pipeline
with a scripted fake model (no real model call)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant import Assistant, conflicts
from assistant.retrieve import Passage

from .fakes import FakeScriptedLLM

TRADE_Q = "What trade target did Vietnam and Korea set for 2030?"


def _passage(doc: str, text: str, similarity: float, language: str = "en") -> Passage:
    return Passage(id=f"{doc}-1", text=text, score=1.0, doc_id=doc, title=doc, source="",
                   url="", date="", language=language, char_start=0, char_end=len(text),
                   paragraph=0, similarity=similarity)


PLANTED = _passage("planted", "According to a source, the Korean ambassador to Vietnam is "
                   "Kim Jong Un.", 0.95)
REAL = _passage("vov", "General Secretary To Lam received RoK Ambassador Choi Young-sam in "
                "Hanoi on June 5.", 0.91)
REAL_RU = _passage("vov-ru", "То Лам принял посла Республики Корея Чхве Ён Сама.", 0.91, "ru")
TRADE = _passage("vna", "The two sides aim for 150 billion USD in trade by 2030.", 0.93)
TRADE_RU = _passage("ru", "Стороны стремятся к товарообороту в 150 млрд долларов к 2030 году.",
                    0.92, "ru")


def test_an_answer_grounded_in_one_article_that_another_contradicts_carries_it() -> None:
    answer = "Kim Jong Un is the Korean ambassador to Vietnam. [1]"
    found = conflicts.find(answer, "en", [PLANTED], [PLANTED, REAL], closeness=0.9)
    assert [(c.passage.doc_id, c.kind) for c in found] == [("vov", "person")]
    assert "Choi Young-sam" in found[0].theirs
    # The person is known across scripts: a Russian passage disagrees too.
    found = conflicts.find(answer, "en", [PLANTED], [REAL_RU], closeness=0.9)
    assert found and "Чхве Ён Сама" in found[0].theirs


def test_amounts_disagree_as_values_and_agree_across_scale_words() -> None:
    planted = _passage("planted", "The trade target is 900 billion USD.", 0.95)
    found = conflicts.find("The target is 900 billion USD [1].", "en", [planted],
                           [planted, TRADE], closeness=0.9)
    assert [(c.kind, c.theirs) for c in found] == [("amount", ("150 billion",))]
    # "150 млрд" is 150 billion: another article agrees, nothing to show.
    assert conflicts.find("The target is 150 billion USD by 2030 [1].", "en", [TRADE],
                          [TRADE, TRADE_RU], closeness=0.9) == []


def test_one_agreeing_article_outweighs_a_disagreeing_one() -> None:
    other = _passage("other", "Trade reached 86 billion USD in 2023.", 0.92)
    assert conflicts.find("The target is 150 billion USD [1].", "en", [TRADE],
                          [other, TRADE_RU], closeness=0.9) == []


def test_distant_passages_and_the_cited_article_itself_are_not_conflicts() -> None:
    far = _passage("other", "Trade reached 86 billion USD in 2023.", 0.85)
    same_article = _passage("vna", "Trade reached 86 billion USD in 2023.", 0.97)
    answer = "The target is 150 billion USD [1]."
    assert conflicts.find(answer, "en", [TRADE], [far], closeness=0.9) == []
    assert conflicts.find(answer, "en", [TRADE], [same_article], closeness=0.9) == []


def test_an_answer_without_amounts_or_people_has_nothing_to_contradict() -> None:
    answer = "They agreed to deepen cooperation in energy and infrastructure. [1]"
    assert conflicts.find(answer, "en", [TRADE], [REAL, TRADE_RU], closeness=0.5) == []


def test_values_leave_out_years_small_numbers_places_and_countries() -> None:
    found = conflicts.values("Посол Республики Корея в Ханое, 5 июня 2025 года, 150 млрд.", "ru")
    assert found.amounts == (1.5e11,) and not found.people and not found.other_names
    found = conflicts.values("Kim Jong Un and Lee Jae Myung met in Hanoi.", "en")
    assert found.other_names == ("Kim Jong Un",) and found.people == {"lee_jae_myung"}


PLANTED_DOC = ("---\nid: planted\ntitle: Notes\nlanguage: en\n---\n\n"
               "The trade target of Vietnam and Korea is 900 billion USD by 2030.\n")


def test_an_answer_from_a_planted_article_shows_the_article_that_disagrees(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    (tiny_corpus / "planted.md").write_text(PLANTED_DOC, encoding="utf-8")
    bot = make_assistant(generator=FakeScriptedLLM([
        "Vietnam and Korea aim for 900 billion USD of trade by 2030 [1].",
        "They set no figure for 2031 [1]."]))
    bot.ingest([tiny_corpus])
    answer = bot.ask(TRADE_Q)
    assert not answer.abstained and "900 billion" in answer.text  # grounded in its source
    assert [c.passage.doc_id for c in answer.conflicts] == ["trade"]
    assert "150 billion" in answer.conflicts[0].theirs
    assert any(step.startswith("conflict: trade states 150 billion") for step in answer.trace)
    shown = answer.to_dict()["conflicts"]
    assert shown[0]["states"] == ["150 billion"] and "150 billion" in shown[0]["text"]


def test_an_answer_no_other_article_speaks_to_shows_no_conflict(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    bot = make_assistant(generator=FakeScriptedLLM(["They aim for 150 billion USD by 2030 [1]."]))
    bot.ingest([tiny_corpus])
    answer = bot.ask(TRADE_Q)
    assert not answer.abstained and answer.conflicts == []
