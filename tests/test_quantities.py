"""Amounts with scale words, compared as values (the small model mistranslates scale words)."""

from __future__ import annotations

import pytest

from assistant import quantities


@pytest.mark.parametrize(("text", "value"), [
    ("5 juta wisatawan", 5e6), ("5 triệu lượt", 5e6), ("5 млн туристов", 5e6),
    ("пять", None), ("500万人", 5e6), ("500만 명", 5e6), ("5백만", 5e6), ("5万", 5e4),
    ("US$150 billion", 1.5e11), ("150 млрд долларов", 1.5e11), ("1,500억 달러", 1.5e11),
    ("1500亿美元", 1.5e11), ("150 miliar USD", 1.5e11), ("150 Milliarden", 1.5e11),
    ("1,5 млн", 1.5e6), ("2024", 2024.0),
])
def test_amount_values(text: str, value: float | None) -> None:
    found = quantities.amounts(text)
    if value is None:
        assert found == []
    else:
        assert found and quantities.same(found[0].value, value)


def test_a_year_after_an_amount_is_its_own_number() -> None:
    assert [a.value for a in quantities.amounts("2024년 5만명")] == [2024.0, 5e4]


def test_wrong_scale_finds_the_amount_it_was_meant_to_be() -> None:
    [(amount, meant)] = quantities.wrong_scale("大约有5万游客", "5 juta wisatawan pada 2024")
    assert amount.text == "5万" and meant == 5e6
    assert quantities.wrong_scale("大约有500万游客", "5 juta wisatawan") == []
    # different digits: not a scale mistake (the number check reports it instead)
    assert quantities.wrong_scale("7万", "5 juta") == []


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "5 million"), ("ru", "5 млн"), ("vi", "5 triệu"), ("id", "5 juta"),
    ("ko", "500만"), ("zh", "500万"), ("ja", "500万"), ("fr", "5 millions"),
    ("de", "5 Millionen"),
])
def test_render_in_each_language(language: str, expected: str) -> None:
    assert quantities.render(5e6, language) == expected


@pytest.mark.parametrize(("answer", "language", "fixed"), [
    ("El objetivo es $150 billetes en 2030 [1]", "es",
     "El objetivo es $150 mil millones billetes en 2030 [1]"),
    ("Mục tiêu là 150 đô la vào năm 2030 [1]", "vi", "Mục tiêu là 150 tỷ đô la vào năm 2030 [1]"),
])
def test_a_dropped_scale_is_restored(answer: str, language: str, fixed: str) -> None:
    assert quantities.repair_scales(answer, "150 miliar USD pada tahun 2030", language) == fixed


@pytest.mark.parametrize(("answer", "sources"), [
    ("150 miliar USD pada tahun 2030 [1]", "150 miliar USD pada tahun 2030"),  # right already
    ("Sumber [15] menyebut 150 miliar", "150 miliar USD"),  # a marker is no amount
    ("30 tahun hubungan", "30 tahun; 300 juta USD"),  # the sources hold 30 itself
    ("lebih dari 5 negara", "5 juta wisatawan"),  # under 10: too likely a plain count
])
def test_a_bare_number_is_left_alone_where_it_may_be_meant(answer: str, sources: str) -> None:
    assert quantities.wrong_scale(answer, sources) == []


@pytest.mark.parametrize(("answer", "language", "kept"), [
    ("목표는 150 miliar (1,500억) USD입니다 [1].", "ko", "목표는 1,500억 USD입니다 [1]."),
    ("Target 150 miliar (1500억) USD", "id", "Target 150 miliar USD"),
    ("Il y a 5 juta (5 millions) de visiteurs", "fr", "Il y a 5 millions de visiteurs"),
    ("Có 5 (năm) người", "vi", "Có 5 (năm) người"),  # no amount in the bracket
])
def test_an_amount_written_twice_keeps_the_askers_form(answer: str, language: str,
                                                       kept: str) -> None:
    assert quantities.prefer_askers_amount(answer, language) == kept


def test_repair_rewrites_only_the_wrong_amount() -> None:
    fixed = quantities.repair_scales("2024년 관광객은 5만명 [1]", "5 juta wisatawan 2024", "ko")
    assert fixed == "2024년 관광객은 500만명 [1]"


def test_annotation_writes_large_amounts_the_askers_way() -> None:
    text = "5 juta wisatawan; US$150 billion by 2030"
    assert quantities.annotate(text, "zh") == (
        "5 juta (500万) wisatawan; US$150 billion (1500亿) by 2030")
    assert quantities.annotate(text, "id") == (
        "5 juta wisatawan; US$150 billion (150 miliar) by 2030")
    assert quantities.annotate("tăng 7% năm 2024", "ko") == "tăng 7% năm 2024"


def test_prompt_sources_show_amounts_in_the_askers_language() -> None:
    from assistant import answer as answering
    from assistant.retrieve import Passage

    text = "Товарооборот 150 млрд долларов к 2030 году"
    passage = Passage(id="p", text=text, score=1.0, doc_id="d", title="", source="", url="",
                      date="", language="ru", char_start=0, char_end=len(text), paragraph=0)
    assert "150 млрд (1,500억) долларов" in answering.format_sources([passage], "ko")
    repeated = "교역액은 1,500억 (1,500억) 달러 [1]"
    assert answering.strip_preamble(repeated) == "교역액은 1,500억 달러 [1]"


def test_a_copied_amount_hint_is_dropped() -> None:
    assert quantities.drop_repeated_amounts(
        "1,500억 달러(1,500억 원) 이상으로 [1]") == "1,500억 달러 이상으로 [1]"
    assert quantities.drop_repeated_amounts("150 млрд долл. (150 млрд USD)") == "150 млрд долл."
    assert quantities.drop_repeated_amounts("5 juta (500만) 명") == "5 juta (500만) 명"
    kept = "150 billion USD (2030 target) and 7% (2024)"
    assert quantities.drop_repeated_amounts(kept) == kept


def test_a_scale_inside_a_word_is_no_figure() -> None:
    # "berkelanjutan" holds "juta"; 조, 만 and 천 are syllables of everyday Korean words.
    assert not quantities.has_figure("kerja sama yang efektif dan berkelanjutan")
    assert not quantities.has_figure("양국은 협조를 강화하기로 하고 정상들이 만났다")
    assert not quantities.has_figure("Die Zusammenarbeit wird vertieft.")
    assert quantities.has_figure("обменялись пятью миллионами туристов")
    assert quantities.has_figure("sekitar lima juta wisatawan")
    assert quantities.has_figure("五百万游客") and quantities.has_figure("5만 명")
