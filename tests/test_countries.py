"""Countries a question names (prompts/countries.json, every ISO 3166 country in the 11
languages), and the abstention for a country no article mentions. The sentences here were
written for these tests, not taken from the lexicon's source or the eval."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant, countries
from assistant.lexical import LexicalIndex

from .conftest import CORPUS, REPO
from .fakes import FakeScriptedLLM

LANGUAGES = ("en", "ru", "id", "vi", "ko", "ja", "zh", "fr", "de", "es", "th")


def test_the_lexicon_holds_every_country_in_every_claimed_language() -> None:
    found = countries.lexicon()
    assert len(found) == 249
    for code in ("FR", "JP", "US", "AU", "BR", "EG", "DE", "IN", "KR", "VN"):
        assert set(found[code]) >= set(LANGUAGES), code


@pytest.mark.parametrize(("text", "codes"), [
    ("Quel rôle joue l'Allemagne dans ce partenariat ?", {"DE"}),
    ("Wie viel exportiert Brasilien?", {"BR"}),
    ("¿Qué dijo el presidente de Argentina?", {"AR"}),
    ("Apa hubungan Mesir dengan kawasan ini?", {"EG"}),
    ("Thủ tướng Ấn Độ đã nói gì?", {"IN"}),
    ("Что говорили о Франции и Китае?", {"FR", "CN"}),
    ("이집트의 수도는 어디입니까?", {"EG"}),
    ("인도네시아와 인도의 교역 규모는?", {"ID", "IN"}),
    ("ブラジルの大統領は誰ですか", {"BR"}),
    ("德国总理是谁？", {"DE"}),
    ("ประธานาธิบดีฝรั่งเศสคือใคร", {"FR"}),
    ("Frankreichs Präsident sprach über Kanada.", {"FR", "CA"}),
    ("Hàn Quốc và Nga đã ký gì?", {"KR"}),  # a bare "Nga" is also a given name
    ("Что говорили в США и России?", {"US", "RU"}),
    ("North Korea and Korea", {"KP", "KR"}),
])
def test_a_country_is_named_in_any_language(text: str, codes: set[str]) -> None:
    assert countries.named(text) == codes


@pytest.mark.parametrize("text", [
    "Hai bên thống nhất những biện pháp nào?",  # "pháp" is not France in lower case
    "Ý nghĩa của chuyến thăm là gì?",  # "Ý" opening a sentence: "the meaning"
    "Mỹ thuật có được nhắc đến không?",
    "어떤 인도적 지원을 약속했나요?",  # 인도적 (humanitarian), not 인도 (India)
    "このニュースのタイトルは何ですか",  # タイトル, not タイ (Thailand)
    "Кубок какой страны упоминается?",
    "Тогда о чём договорились стороны?",
    "Mục tiêu là 150 tỷ đô la Mỹ.",  # a currency, not the country
    "เป้าหมายคือ 150,000 ล้านดอลลาร์สหรัฐ",
    "목표는 1,500억 미국 달러입니다.",
    "ใช้เวลาว่างอย่างไร",  # Thai has no spaces: short forms are not looked for
    "Ông Nguyễn Tuấn Anh đã phát biểu gì?",  # a given name, not England
    "Bà Nguyễn Thị Nga là ai?",  # a given name, not Russia
    "กรุณาตอบเป็นภาษาอังกฤษ",  # "in English", not England
])
def test_words_that_only_look_like_a_country_are_not_one(text: str) -> None:
    assert countries.named(text) == set()


def test_no_eval_question_names_a_country_the_articles_never_mention() -> None:
    """A false match costs an answerable question its answer: none of the eval's 371
    questions (178 name a country) names one outside the articles."""
    corpus = set().union(*(countries.named(line) for path in CORPUS.glob("*.md")
                           for line in path.read_text(encoding="utf-8").splitlines()))
    for split in ("dev", "test"):
        for line in (REPO / "eval" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            assert not countries.named(item["question"]) - corpus, item["id"]


def test_the_lexical_index_finds_a_name_in_its_inflected_forms(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    index.add([("a", "ru", "Делегация Франции прибыла в Сеул."),
               ("b", "ko", "일본과의 협력을 논의했다.")])
    assert index.mentions(["Франция"]) and index.mentions(["일본"])
    assert index.mentions(["Germany", "Франция"])  # one of several
    assert not index.mentions(["Германия"]) and not index.mentions(["Japan"])
    assert not index.mentions(["!!!"]) and not index.mentions([])


def test_a_question_about_a_country_no_article_mentions_is_not_answered(
        make_assistant: Callable[..., Assistant], tiny_corpus: Path) -> None:
    # The question about France is refused before any model call: the script starts with
    # the reply to the second question.
    bot = make_assistant(generator=FakeScriptedLLM(["They aim for 150 billion USD [1].",
                                                    "目标是1500亿美元 [1]。"]))
    bot.ingest([tiny_corpus])
    answer = bot.ask("Who is the President of France?")
    assert answer.abstained and answer.model_calls == 0
    assert "the sources never mention France" in answer.trace
    # A country the articles do mention is asked about as usual, in any language's form.
    answer = bot.ask("What trade target did Vietnam set with Korea for 2030?")
    assert answer.model_calls == 1 and not answer.abstained
    assert not any("never mention" in step for step in bot.ask("韩国的目标是什么？").trace)
