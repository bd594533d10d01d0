"""Each registered check on its own: a claim it passes and one it sends back, with the kind of
problem it returns; the policies and the settings that choose which checks run."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from assistant import Assistant, checks, countries
from assistant.config import load_settings
from assistant.errors import ConfigError
from assistant.retrieve import Passage
from tests.fakes import FakeScriptedLLM

Factory = Callable[..., Assistant]


def _passage(text: str, language: str = "en") -> Passage:
    return Passage(id=text[:8], text=text, score=1.0, doc_id="d", title="", source="", url="",
                   date="", language=language, char_start=0, char_end=len(text), paragraph=0)


TRADE = _passage("The two sides aim for US$150 billion in bilateral trade by 2030.")
VENUE = _passage("Vietnam will host APEC 2027 in Phu Quoc.")
SEOUL = _passage("Seoul will support Vietnam in organising APEC 2027.")
ODA = _passage("Korea will expand its ODA for climate change and infrastructure.")
INVEST = _passage("Korean companies will invest more in semiconductors.")


def _of_article(text: str, article: str) -> Passage:
    """A passage whose article names the countries ``article`` names (as ingest keeps them)."""
    return dataclasses.replace(_passage(text), countries=tuple(sorted(countries.named(article))))


APEC_RU = _of_article("Вьетнам примет саммит АТЭС в 2027 году на острове Фукуок.",
                      "Вьетнам и Республика Корея ... Вьетнам примет саммит АТЭС в 2027 году.")


def _run(name: str, text: str, passages: list[Passage], question: str, language: str = "en"
         ) -> list[checks.Problem]:
    return checks.CHECKS[name](checks.Claim.of(text, language, passages, question))


# (check, answer that passes, answer it sends back, passages, question, language, kind)
CASES = [
    ("figure", "Trade should reach US$150 billion by 2030 [1].", "150 [1]", [TRADE],
     "How much trade do they aim for?", "en", "only_figure"),
    ("language", "Mục tiêu là 150 tỷ USD vào năm 2030 [1].",
     "The target is US$150 billion by 2030 [1].", [TRADE],
     "Mục tiêu thương mại là bao nhiêu?", "vi", "wrong_language"),
    ("numbers", "The target is US$150 billion by 2030 [1].",
     "The target is US$300 billion by 2030 [1].", [TRADE],
     "What is the trade target?", "en", "numbers"),
    ("names", "APEC 2027 will be held in Phu Quoc [1].",
     "APEC 2027 will be held in Da Nang [1].", [VENUE],
     "What will Vietnam host?", "en", "names"),
    ("place", "APEC 2027 will be held in Phu Quoc [2].", "APEC 2027 will be held in Seoul [1].",
     [SEOUL, VENUE], "Where will APEC 2027 be held?", "en", "place"),
    ("term", "Korea will expand ODA for climate change [1].",
     "Korea will invest in semiconductors [2].", [ODA, INVEST],
     "In which fields will Korea expand its ODA?", "en", "term"),
    ("scale", "Mục tiêu là 150 tỷ USD vào năm 2030 [1].",
     "Mục tiêu là 150 triệu USD vào năm 2030 [1].", [TRADE],
     "Mục tiêu thương mại là bao nhiêu?", "vi", "scale"),
    ("currency", "L'objectif est de 150 milliards de dollars d'ici 2030 [1].",
     "L'objectif est de 150 milliards d'euros d'ici 2030 [1].", [TRADE],
     "Quel est l'objectif commercial ?", "fr", "currency"),
    ("code", "They aim for US$150 billion in trade by 2030 [1].",
     "def target():\n    return 150 [1]", [TRADE], "Write code for the trade target.", "en",
     "code"),
    ("countries", "Vietnam will host APEC 2027 in Phu Quoc [1].",
     "Vietnam will host APEC 2027 in Thailand [1].", [APEC_RU], "Where will APEC 2027 be?",
     "en", "countries"),
    ("verse", "They aim for US$150 billion in trade by 2030 [1].",
     "Two nations trade,\nA hundred fifty billion,\nBy twenty thirty [1]", [TRADE],
     "Write a haiku about the trade target.", "en", "verse"),
]


@pytest.mark.parametrize(("answer", "source"), [
    # Written for this test: the same currency in another language's form passes.
    ("목표는 1,500억 달러입니다 [1].", "The target is US$150 billion."),
    ("目标是1500亿美元 [1]。", "Цель — 150 млрд долларов США."),
    ("Das Ziel sind 150 Milliarden US-Dollar [1].", "Target 150 miliar USD."),
    ("เป้าหมายคือ 150,000 ล้านดอลลาร์ [1]", "Mục tiêu 150 tỷ đô la."),
    ("Có 5 triệu lượt khách [1].", "5 juta wisatawan."),  # no currency at all
    ("2030년까지 동남아 협력 [1].", "Kerja sama hingga 2030."),  # 동 inside a word
])
def test_a_currency_in_any_language_form_matches_its_source(answer: str, source: str) -> None:
    assert _run("currency", answer, [_passage(source)], "?", "ko") == []


@pytest.mark.parametrize(("answer", "source"), [
    ("목표는 1,500억 원입니다 [1].", "The target is US$150 billion."),  # won for dollars
    ("Il s'agit de 5 millions de dollars [1].", "5 juta wisatawan."),  # visitors made dollars
])
def test_a_currency_the_sources_do_not_state_is_sent_back(answer: str, source: str) -> None:
    assert [p.kind for p in _run("currency", answer, [_passage(source)], "?")] == ["currency"]


@pytest.mark.parametrize("name,good,bad,passages,question,language,kind", CASES,
                         ids=[c[0] for c in CASES])
def test_each_check_passes_a_grounded_answer_and_names_what_is_wrong(
        name: str, good: str, bad: str, passages: list[Passage], question: str, language: str,
        kind: str) -> None:
    assert _run(name, good, passages, question, language) == []
    found = _run(name, bad, passages, question, language)
    assert [p.kind for p in found] == [kind]
    assert found[0].text  # a sentence the model can read in the retry, from problems.json


def test_every_registered_check_has_a_case_here() -> None:
    assert {c[0] for c in CASES} == set(checks.CHECKS)


def test_problems_runs_only_the_enabled_checks_in_registry_order() -> None:
    bad = "The target is US$300 billion by 2030 [1]."
    question = "Mục tiêu thương mại là bao nhiêu?"
    assert [p.kind for p in checks.problems(bad, "vi", [TRADE], question)] == [
        "wrong_language", "numbers"]
    assert [p.kind for p in checks.problems(bad, "vi", [TRADE], question, ["numbers"])] == [
        "numbers"]
    assert checks.problems("[1]", "en", [TRADE], question, ["numbers"]) == [
        checks.problem("empty")]


def test_problems_are_typed_values_with_the_models_sentence() -> None:
    found = checks.problem("numbers", numbers="300")
    assert found == checks.Problem("numbers", (("numbers", "300"),))
    assert found.text == "the numbers 300 are not in the cited sources"
    with pytest.raises(KeyError, match="problems.json"):
        checks.problem("no_such_kind")


def test_policies_strict_for_the_local_model_light_for_an_api(make_assistant: Factory) -> None:
    local = make_assistant(generator=FakeScriptedLLM([]))
    assert local.enabled_checks == tuple(checks.CHECKS) == checks.POLICIES["strict"]
    api = make_assistant(generator=FakeScriptedLLM([]), llm="openai", openai_api_key="k")
    assert api.enabled_checks == checks.POLICIES["light"]
    assert set(checks.POLICIES["light"]) < set(checks.CHECKS)
    chosen = make_assistant(generator=FakeScriptedLLM([]), checks="numbers, names")
    assert chosen.enabled_checks == ("numbers", "names")


def test_an_unknown_check_name_is_a_clear_configuration_error() -> None:
    with pytest.raises(ConfigError, match="unknown check.*numbrs.*the checks are: figure"):
        load_settings(checks="numbers,numbrs")


@pytest.mark.parametrize("answer", [
    "```python\ndef sort_numbers(numbers):\n    return sorted(numbers)\n``` [1]",
    "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2) [1]",
    "a, b = 0, 1\nwhile True:\n    print(a) [1]",
    "function sortNumbers(xs) { return xs.sort(); } [1]",
    # Code described in prose still names it as code (seen after a prompt change).
    "[1] The function `sort_numbers` takes a list of numbers and returns them sorted.",
    "The helper sort_numbers returns the list in ascending order [1].",
])
def test_program_code_is_sent_back(answer: str) -> None:
    found = checks.problems(answer, "en", [TRADE], "Write code that sorts numbers.", ["code"])
    assert [p.kind for p in found] == ["code"]


@pytest.mark.parametrize("answer", [
    "Return visits: the president will return to Hanoi in 2026 [1].",
    "If (and only if) the talks succeed, trade grows [1].",
    "import of Korean goods rose (5%) [1].",
    "The two sides agreed: first, trade; second, energy [1].",
])
def test_prose_is_not_code(answer: str) -> None:
    assert checks.problems(answer, "en", [TRADE], "What did they agree?", ["code"]) == []


@pytest.mark.parametrize("answer,language", [
    ("Những ngày vàng của Hà Nội,\nNgôi sao của những người yêu thương.\n"
     "Mùa thu, nơi hương vị đầy màu sắc [1]", "vi"),
    ("Two nations by the sea,\nTrade and friendship growing,\nOne hundred fifty [1]", "en"),
])
def test_verse_is_no_answer_from_the_sources(answer: str, language: str) -> None:
    found = checks.problems(answer, language, [TRADE], "Write a poem.", ["verse"])
    assert [p.kind for p in found] == ["verse"]
    # One sentence, even over two lines, is prose.
    assert checks.problems("The target is\n150 billion USD [1].", "en", [TRADE],
                           "What is the target?", ["verse"]) == []


@pytest.mark.parametrize("answer", [
    # Written for this test: a sentence, then a label and a list, is no poem (the
    # supported-lead repair cuts what follows the sentence).
    "Цель — 150 млрд долларов к 2030 году [1].\nОбъяснение:\n1. Торговля растёт.\n"
    "2. Обе стороны согласны.",
    "The target is US$150 billion by 2030.\n\nSource: [1]\n- trade\n- investment",
    "目标是2030年达到1500亿美元。\n说明：\n[1]\n• 贸易",
])
def test_a_sentence_with_a_list_is_not_verse(answer: str) -> None:
    assert checks.problems(answer, "ru", [TRADE], "Какова цель?", ["verse"]) == []


@pytest.mark.parametrize("answer,language", [
    ("ベトナムは2027年にロシアとフーコックでAPEC首脳会議を開催します。[1]", "ja"),
    ("เขาสนับสนุนการขยายบริษัทเกาหลีไปยังประเทศไทย [1]", "th"),
    ("APEC 2027 will be held in France [1].", "en"),
])
def test_a_country_no_cited_article_names_is_sent_back(answer: str, language: str) -> None:
    found = checks.problems(answer, language, [APEC_RU], "Where will APEC 2027 be?",
                            ["countries"])
    assert [p.kind for p in found] == ["countries"]


@pytest.mark.parametrize("answer,language,question", [
    # The article names both countries although the paragraph names one.
    ("베트남은 2027년에 한국과 함께 APEC을 준비합니다 [1].", "ko", "APEC은 어디서?"),
    # The question's own country, and the Korean Peninsula, which is no country.
    ("Japan will not host APEC 2027; Phu Quoc will [1].", "en", "Will Japan host APEC 2027?"),
    ("双方谈到了朝鲜半岛的和平。[1]", "zh", "双方谈到了什么？"),
    ("Bán đảo Triều Tiên cần hòa bình [1].", "vi", "Hai bên nói gì?"),
])
def test_countries_of_the_article_or_the_question_pass(answer: str, language: str,
                                                      question: str) -> None:
    assert checks.problems(answer, language, [APEC_RU], question, ["countries"]) == []


def test_a_store_indexed_before_articles_kept_countries_is_not_held_to_them() -> None:
    old = _passage("Vietnam will host APEC 2027 in Phu Quoc.")  # countries None
    assert checks.problems("APEC 2027 is in France [1].", "en", [old], "Where?",
                           ["countries"]) == []
