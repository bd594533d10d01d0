"""The eval's own scoring (assistant/scoring.py) and the frozen fact split of eval/."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from assistant import scoring
from assistant.evaluate import load_qa

EVAL = Path(__file__).resolve().parent.parent / "eval"
BILLION_150 = [[{"num": 150e9}]]


@pytest.mark.parametrize(("text", "language"), [
    ("US$150 billion by 2030", "en"), ("1500억 달러", "ko"), ("1천500억 달러", "ko"),
    ("150 млрд долларов", "ru"), ("150 miliar USD", "id"), ("150 tỷ USD", "vi"),
    ("1500亿美元", "zh"), ("1,500億ドル", "ja"), ("150 milliards de dollars", "fr"),
    ("150 Milliarden Dollar", "de"), ("150 mil millones", "es"), ("150.000 millones", "es"),
    ("150,000 ล้านดอลลาร์", "th"), ("1.5 แสนล้าน", "th"),
])
def test_the_same_amount_passes_in_every_language(text: str, language: str) -> None:
    assert scoring.key_passes(BILLION_150, [], text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("150억 달러", "ko"),  # 15 billion
    ("150 million dollars", "en"), ("150 mili đô la", "vi"),
    ("150 billions de dollars", "fr"),  # a French billion is 10^12
    ("15 tỷ USD", "vi"), ("150", "en"),
])
def test_a_wrong_scale_fails(text: str, language: str) -> None:
    assert not scoring.key_passes(BILLION_150, [], text, language)


def test_a_near_year_or_count_is_not_the_same_value() -> None:
    for wrong in ("2025", "2030", "2017"):
        assert not scoring.key_passes([[{"num": 2027}]], [], f"APEC {wrong} [1]", "en"), wrong
    assert scoring.key_passes([[{"num": 2027}]], [], "APEC 2027 [1]", "en")
    assert not scoring.key_passes([[{"num": 1.5e11}]], [], "US$149 billion", "en")
    assert scoring.key_passes([[{"num": 1.5e11}]], [], "1500억 달러", "ko")


def test_numbers_need_word_boundaries_and_markers_are_not_numbers() -> None:
    assert not scoring.key_passes([[{"num": 2030}]], [], "by 20300", "en")
    assert scoring.key_passes([[{"num": 2030}]], [], "Đến năm 2030 [1].", "vi")
    assert not scoring.key_passes([[{"num": 1}]], [], "Hanoi [1].", "en")


def test_literals_match_whole_words_in_alphabetic_scripts_and_anywhere_in_others() -> None:
    assert scoring.literal_matches("Gyeongju", "President Lee hosted him in Gyeongju.")
    assert scoring.literal_matches("Gyeongju", "Gyeongju에서 회담")  # a particle after a name
    assert not scoring.literal_matches("Gyeong", "Gyeongju")
    assert scoring.literal_matches("Кёндж*", "в Кёнджу")
    assert scoring.literal_matches("경주", "경주에서")
    assert scoring.literal_matches("infra*", "infrastructure")
    assert not scoring.literal_matches("infra", "infrastructure")


def test_must_not_fails_a_known_wrong_value() -> None:
    must = [["Phu Quoc"]]
    assert scoring.key_passes(must, ["Da Nang"], "APEC 2027 is in Phu Quoc.", "en")
    assert not scoring.key_passes(must, ["Da Nang"], "Phu Quoc or Da Nang.", "en")


@pytest.mark.parametrize(("text", "language"), [
    ("The exact figure is not mentioned in the sources [1].", "en"),
    ("The sources do not say who will attend.", "en"),
    ("В источниках не указано, кто это был.", "ru"),
    ("Các nguồn tài liệu tôi có không đề cập đến câu hỏi này.", "vi"),
    ("출처에는 그 금액이 언급되지 않았습니다.", "ko"),
    ("资料中没有提到具体日期。", "zh"),
    ("Las fuentes no mencionan la fecha exacta.", "es"),
    ("แหล่งข้อมูลไม่ได้ระบุวันที่", "th"),
])
def test_saying_the_sources_do_not_answer_is_an_abstention(text: str, language: str) -> None:
    assert scoring.says_not_in_sources(text, language)


def test_an_answer_is_not_an_abstention() -> None:
    assert not scoring.says_not_in_sources("APEC 2027 will be held in Phu Quoc [1].", "en")


def test_unsupported_claims_find_invented_names_and_figures() -> None:
    cited = [("To Lam received Ambassador Choi Young-sam in Hanoi on June 5.", "en")]
    claims = scoring.unsupported_claims(
        "On June 5, To Lam met Emmanuel Macron in Hanoi and pledged 200 billion USD.",
        "en", cited)
    assert set(claims.unsupported) == {"Emmanuel", "Macron", "200 billion"}
    ok = scoring.unsupported_claims("To Lam received Choi Young-sam in Hanoi [1].", "en", cited)
    assert ok.unsupported == []


def test_names_in_another_script_are_held_to_the_corpus() -> None:
    cited = [("The talks were held in Gyeongju.", "en")]
    corpus = "Переговоры прошли в Кёнджу. The talks were held in Gyeongju."
    checked = scoring.unsupported_claims("Переговоры прошли в Кёнджу.", "ru", cited, "", corpus)
    assert checked.unsupported == [] and checked.unchecked == ["Кёнджу"]
    invented = scoring.unsupported_claims("Встреча была в Пусане.", "ru", cited, "", corpus)
    assert invented.unsupported == ["Пусане"]


def test_a_compound_of_names_is_held_name_by_name() -> None:
    cited = [("Вьетнам и Корея подписали соглашение.", "ru")]
    corpus = "Вьетнам и Корея подписали соглашение. Vietnam and Korea signed it."
    found = scoring.unsupported_claims("It deepened Vietnam-Korea ties [1].", "en", cited, "",
                                       corpus)
    assert found.unsupported == [] and found.unchecked == ["Vietnam", "Korea"]
    made_up = scoring.unsupported_claims("It deepened Vietnam-Atlantis ties [1].", "en", cited,
                                         "", corpus)
    assert made_up.unsupported == ["Atlantis"]
    one = scoring.unsupported_claims("Choi Young-sam spoke [1].", "en",
                                     [("Choi Young-sam spoke.", "en")])
    assert one.unsupported == []


def test_the_test_split_is_frozen() -> None:
    digest, name = (EVAL / "test.sha256").read_text().split()
    assert name == "eval/test.jsonl"
    assert hashlib.sha256((EVAL / "test.jsonl").read_bytes()).hexdigest() == digest, (
        "eval/test.jsonl changed: the test split is frozen (tune on dev only)")


def test_the_split_is_by_fact_and_covers_what_the_issue_asks() -> None:
    dev, test = load_qa(EVAL / "dev.jsonl"), load_qa(EVAL / "test.jsonl")
    cluster = {i.fact.split(":")[0] for i in dev}
    assert not cluster & {i.fact.split(":")[0] for i in test}, "a fact on both sides"
    items = dev + test
    assert len(items) >= 300 and len({i.fact for i in items if i.answerable}) >= 120
    assert sum(not i.answerable for i in items) >= 50
    assert sum(bool(i.history) for i in items) >= 30
    pairs = Counter(i.pair for i in items if i.pair)
    assert sum(1 for n in pairs.values() if n == 2) >= 40
    languages = Counter(i.lang for i in items)
    assert len(languages) >= 11 and min(languages.values()) >= 10
    for split in (dev, test):
        assert {i.lang for i in split} == set(languages)
        assert sum(not i.answerable for i in split) >= 25


def test_thresholds_have_floors_and_ceilings() -> None:
    from assistant.evaluate import check_thresholds

    report = {"overall": {"n": 10, "accuracy": 0.8, "unsupported_rate": 0.05},
              "per_language": {}}
    assert check_thresholds(report, {"accuracy": 0.7, "max": {"unsupported_rate": 0.1}}) == []
    assert check_thresholds(report, {"accuracy": 0.9, "max": {"unsupported_rate": 0.02}}) == [
        "overall accuracy = 0.800 < 0.9", "overall unsupported_rate = 0.05 > 0.02"]
