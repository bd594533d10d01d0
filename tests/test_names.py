"""Names across languages: matching, prompt annotation and the answer check (model-free)."""

from __future__ import annotations

import pytest

from assistant import answer as answering
from assistant import checks, names, repairs, support
from assistant.errors import ConfigError
from assistant.retrieve import Passage

RU_VENUE = "То Лам попросил поддержать Вьетнам в организации саммита АТЭС-2027 в Фукуоке."


def _passage(text: str, language: str = "ru") -> Passage:
    return Passage(id=text[:8], text=text, score=1.0, doc_id="d", title="", source="", url="",
                   date="", language=language, char_start=0, char_end=len(text), paragraph=0)


def _found(text: str) -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.entity) for m in names.mentions(text)]


def test_names_match_across_spellings_cases_and_particles() -> None:
    assert _found("Tổng Bí thư Tô Lâm tiếp Đại sứ tại Hà Nội") == [
        ("Tô Lâm", "to_lam"), ("Hà Nội", "hanoi")]
    assert _found("To Lam met him in Hanoi") == [("To Lam", "to_lam"), ("Hanoi", "hanoi")]
    assert _found("переговоры в Ханое с Ли Чжэ Мёном") == [
        ("Ханое", "hanoi"), ("Ли Чжэ Мёном", "lee_jae_myung")]
    assert _found("정상회의는 푸꾸옥에서 열립니다") == [("푸꾸옥", "phu_quoc")]
    assert _found("トー・ラム書記長はハノイで") == [("トー・ラム", "to_lam"), ("ハノイ", "hanoi")]


def test_a_case_ending_prefers_the_name_it_completes() -> None:
    # "в Фукуоке" is Phu Quoc's "Фукуок" + "е"; Fukuoka is "Фукуока".
    assert _found(RU_VENUE)[-1] == ("Фукуоке", "phu_quoc")
    assert _found("саммит в Фукуока")[-1] == ("Фукуока", "fukuoka")


def test_words_that_only_contain_a_name_are_not_names() -> None:
    assert names.mentions("The hue of Seoulites; Hanoians") == []
    assert names.mentions("회담 후에 발표했다") == []


def test_annotation_gives_the_askers_form_of_foreign_names() -> None:
    assert names.annotate(RU_VENUE, "vi").endswith("в Фукуоке (Phú Quốc).")
    assert "То Лам (To Lam)" in names.annotate(RU_VENUE, "en")
    assert "Фукуоке (푸꾸옥)" in names.annotate(RU_VENUE, "ko")
    assert names.annotate(RU_VENUE, "ru") == RU_VENUE
    assert names.annotate("To Lam in Hanoi", "vi") == "To Lam in Hanoi"  # same letters
    assert names.annotate(RU_VENUE, "en", replace=True).endswith("в Phu Quoc.")


def test_thai_names_match_and_their_marks_count() -> None:
    # Written for this test. Thai vowel and tone marks are letters: without them "เว้" (Hue)
    # would be the start of "เวียดนาม" (Vietnam).
    text = "ประธานาธิบดีอี แจ-มยองพบกับโต เลิมที่กรุงโซล ก่อนเดินทางไปเมืองเว้ของเวียดนาม"
    assert [m.entity for m in names.mentions(text)] == [
        "lee_jae_myung", "to_lam", "seoul", "hue"]
    assert names.mentions("เวียดนามและเกาหลีใต้", names.KINDS) == []
    assert "Tô Lâm (โต เลิม)" in names.annotate("Tổng Bí thư Tô Lâm tại Seoul", "th")


def test_every_name_has_a_form_in_each_script_the_assistant_answers_in() -> None:
    # Latin-script languages read the English form; the others need their own. Korean
    # "후에" (Hue) is left out: it is also the word "after".
    for entity, forms in names.entities().items():
        assert {"ru", "ja", "th"} <= set(forms), entity
        assert "ko" in forms or entity == "hue", entity


def test_text_to_translate_has_its_terms_replaced_too() -> None:
    summit = "Лидеры обсудили саммит АТЭС-2027 и ОПР."
    assert names.annotate(summit, "ko", replace=True) == (
        "Лидеры обсудили саммит 에이펙-2027 и 공적개발원조.")
    assert names.annotate(summit, "fr", replace=True) == "Лидеры обсудили саммит APEC-2027 и ODA."
    # In the answer prompt terms stay as the source writes them (only names get a hint).
    assert names.annotate(summit, "ko") == summit


def test_prompt_sources_carry_the_annotation() -> None:
    text = answering.format_sources([_passage(RU_VENUE)], "id")
    assert text.startswith("[1] То Лам (To Lam)") and "Фукуоке (Phu Quoc)" in text
    assert answering.format_sources([_passage(RU_VENUE)]) == f"[1] {RU_VENUE}"
    twice = answering.format_sources([_passage(RU_VENUE), _passage("То Лам сказал.")], "en")
    assert twice.count("(To Lam)") == 1


def test_unsupported_names_are_found_in_any_language() -> None:
    assert names.unsupported("The summit will be in Fukuoka [1].", [RU_VENUE]) == ["Fukuoka"]
    assert names.unsupported("Hội nghị sẽ diễn ra tại Phú Quốc [1].", [RU_VENUE]) == []
    assert names.unsupported("富国岛 [1]", [RU_VENUE]) == []


def test_an_answer_naming_what_its_source_does_not_is_a_problem() -> None:
    given = [_passage("The APEC summits: in the RoK in 2025 and in Vietnam in 2027.", "en"),
             _passage(RU_VENUE)]
    found = checks.problems("Ho Chi Minh City will host the 2027 summit [1].", "en", given,
                               "Which city will host the 2027 summit?")
    assert found == [checks.problem("names", names="Ho Chi Minh City")]
    # A name from the question may be repeated.
    assert checks.problems("In Hanoi, 2027 was named [1].", "en", given,
                              "What was said in Hanoi?") == []


def test_a_place_is_located_only_where_the_source_says_something_happens_there() -> None:
    assert names.located(RU_VENUE) == {"phu_quoc"}
    for text, where in [
        ("что Сеул окажет поддержку Вьетнаму в подготовке АТЭС-2027", set()),
        ("Во второй половине 30 октября в городе Кёнджу (Республика Корея)", {"gyeongju"}),
        ("At the talks in Gyeongju city on October 30", {"gyeongju"}),
        ("The festival will take place in the city of Suwon, RoK", {"suwon"}),
        ("Festival diadakan di kota Suwon", {"suwon"}), ("Lễ hội tại thành phố Suwon", {"suwon"}),
        ("회담은 경주에서 열렸다", {"gyeongju"}), ("峰会将在富国岛举行", {"phu_quoc"}),
        ("the Vice Mayor of Ulsan City met To Lam", set()),
        ("To Lam met him in Hanoi", {"hanoi"}),  # a person is never a place
    ]:
        assert names.located(text) == where, text


def test_asked_where_a_place_the_source_does_not_put_anything_in_is_a_problem() -> None:
    # "Seoul will support ... APEC 2027" names Seoul, as the Korean side, not as the venue.
    seoul = _passage("что Сеул окажет поддержку Вьетнаму в организации АТЭС-2027.")
    given = [seoul, _passage(RU_VENUE)]
    where = "Which Vietnamese city will host APEC 2027?"
    assert checks.problems("Seoul will host APEC 2027 [1].", "en", given, where) == [
        checks.problem("place", places="Seoul")]
    assert checks.problems("Phu Quoc will host APEC 2027 [2].", "en", given, where) == []
    # Not asked where; or no known place named: nothing to check.
    assert checks.problems("Seoul will support it [1].", "en", given,
                              "Who will support APEC 2027?") == []
    assert checks.problems("The Korean side will host it [1].", "en", given, where) == []
    # The quoted fallback is looked for among passages that place something somewhere.
    assert answering.could_answer(given, where) == [2]
    assert answering.could_answer(given, "Who will support APEC 2027?") == [1, 2]
    assert repairs.real_facts("Seoul will host APEC 2027 [1].", given, where) == ""


def test_a_cited_passage_must_mention_the_term_asked_about_when_one_given_does() -> None:
    investment = _passage("Korea will support investment in infrastructure and energy.", "en")
    oda = _passage("Korea akan memperluas dukungan ODA untuk infrastruktur dan iklim.", "id")
    given = [investment, oda]
    asked = "В каких областях Корея расширит официальную помощь развитию (ОПР)?"
    assert names.topics(asked) == {"oda"} and names.topics(oda.text) == {"oda"}
    assert checks.problems("Корея поможет в инфраструктуре [1].", "ru", given, asked) == [
        checks.problem("term", terms="ODA")]
    assert checks.problems("Корея поможет в инфраструктуре [2].", "ru", given, asked) == []
    # No given passage mentions it, or the question names no term: nothing to check.
    assert checks.problems("Корея поможет в инфраструктуре [1].", "ru", [investment],
                              asked) == []
    assert checks.problems("Корея поможет в инфраструктуре [1].", "ru", given,
                              "Где Корея поможет?") == []
    assert answering.could_answer(given, asked) == [2]
    # Terms are not names: they are neither annotated in prompts nor checked as names.
    assert names.mentions("ODA APEC АТЭС") == [] and names.annotate("ОПР", "en") == "ОПР"


def test_topic_words_match_in_any_case_and_inside_compounds() -> None:
    assert names.topics("第7回ベトナム・韓国文化交流フェスティバルはどこで開かれますか？") == {
        "festival"}
    assert names.topics("Wo findet das Kulturaustauschfestival statt?") == {"festival"}
    assert names.topics("На какую международную конвенцию сослались стороны?") == {
        "convention"}
    assert names.topics("le festival") == names.topics("Le Festival") == {"festival"}
    # A term that is a convention speaks of both; a Korean 협약 alone is any agreement (an MoU).
    assert names.topics("联合国海洋法公约") == {"unclos", "convention"}
    assert names.topics("유엔해양법협약") == {"unclos"} and names.topics("업무협약") == set()
    assert names.topics("the Festivalo brand") == set()
    # Topics are free to be translated: neither annotated nor required in a translation.
    assert names.annotate("Фестиваль в Сувоне", "en", replace=True).startswith("Фестиваль")
    assert repairs.keeps_names("фестиваль в Сувоне", "祭り in Suwon")


def test_a_translation_that_brings_in_a_country_is_not_faithful() -> None:
    original = ("The seventh Vietnam–Republic of Korea (RoK) cultural exchange festival will "
                "take place in Suwon, RoK, from May 3 to 4.")
    assert not repairs.faithful(original, "第七回越南・ロシア共和国文化交換フェスティバルは、"
                                            "スウォン（ロシア）で5月3日から4日に開催されます。")
    assert repairs.faithful(original, "第7回ベトナム・韓国文化交流フェスティバルは5月3日から"
                                        "4日まで韓国のスウォンで開催されます。")
    # Adjectives count as the country, in any case; the original's own countries may stay.
    assert repairs.faithful("российские и американские компании",
                              "Russian and American companies")
    assert not repairs.faithful("корейские компании", "Korean and Chinese companies")
    assert names.mentions("my friend", ("country",)) == []

def test_an_answer_without_a_marker_is_held_to_the_passage_it_will_be_attributed_to() -> None:
    clause = _passage("Стороны подтвердили общие стратегические взгляды на необходимость "
                      "поддержания мира и стабильности в Восточном море,")
    unclos = _passage("in accordance with international law and the United Nations Convention "
                      "on the Law of the Sea (UNCLOS) 1982.", "en")
    asked = "На какую международную конвенцию сослались стороны, говоря о Восточном море?"
    copied = ("Стороны подтвердили общие стратегические взгляды на необходимость поддержания "
              "мира и стабильности в Восточном море.")
    assert support.attribute(copied, [clause, unclos], asked) == 1
    assert checks.problems(copied, "ru", [clause, unclos], asked) == [
        checks.problem("term", terms="convention")]
    assert checks.problems("Они сослались на ЮНКЛОС 1982 года.", "ru", [clause, unclos],
                              asked) == []


def test_no_swap_to_an_own_language_passage_that_drops_the_term_asked() -> None:
    unclos = _passage("Peace in the East Sea, in accordance with the United Nations Convention "
                      "on the Law of the Sea (UNCLOS) 1982.", "en")
    clause = _passage("Мир и стабильность в Восточном море.")
    asked = "На какую конвенцию сослались стороны?"
    answer = "Стороны говорили о мире в Восточном море [1]."

    def similar(a: Passage, b: Passage) -> float:
        return 0.95

    assert answering.prefer_own_language([1], [unclos, clause], "ru", answer, similar) == {1: 2}
    assert answering.prefer_own_language([1], [unclos, clause], "ru", answer, similar,
                                         question=asked) == {}


def test_marker_moves_to_the_passage_that_names_the_person() -> None:
    given = [_passage("Ambassador Choi Young-sam was received on June 5.", "en"),
             _passage("To Lam met President Lee Jae-myung on June 5.", "en")]
    assert repairs.reattribute("Посол: Чхве Ён Сам [2].", given, "") == "Посол: Чхве Ён Сам [1]."
    # No given passage names him: the marker stays and the answer has a problem.
    answer = "The ambassador received on June 5 was Moon Jae-in [1]."
    assert repairs.reattribute(answer, given, "") == answer
    assert checks.problems(answer, "en", given, "") == [
        checks.problem("names", names="Moon Jae-in")]


def test_repeated_bracketed_names_are_dropped() -> None:
    assert names.drop_repeats("Seoul (Seoul) will help [2].") == "Seoul will help [2]."
    assert names.drop_repeats("慶州（慶州）で") == "慶州で"
    assert names.drop_repeats("Phú Quốc (Фукуок) [1]") == "Phú Quốc (Фукуок) [1]"


def test_a_copied_annotation_wins_over_the_models_reading_of_the_name() -> None:
    # The prompt said "в Фукуоке (Phu Quoc)"; the model read the Russian as Fukuoka.
    assert names.prefer_hints("Le sommet aura lieu à Fukuoka (Phu Quoc), en 2027. [3]") == (
        "Le sommet aura lieu à Phu Quoc, en 2027. [3]")
    assert names.prefer_hints("Gặp nhau ở Gyeongju（Kyongju）và Seoul (Ha Noi)") == (
        "Gặp nhau ở Gyeongju（Kyongju）và Ha Noi")
    # the same place twice, a country, or a bracket that is not right after the name: kept
    for text in ("Phú Quốc (Фукуок) [1]", "Gyeongju (Hàn Quốc)", "Seoul, (Hanoi)",
                 "Seoul (and Hanoi)"):
        assert names.prefer_hints(text) == text
    assert answering.strip_preamble("Answer:\nSeoul (Seoul) [1].") == "Seoul [1]."


def test_every_name_has_an_english_form_and_no_form_is_shared() -> None:
    owners: dict[str, str] = {}
    for entity, forms in names.entities().items():
        assert forms.get("en"), f"{entity} needs an 'en' form (the fallback for every language)"
        for written in {f for fs in forms.values() for f in fs}:
            key = names.fold(written)[0]
            assert owners.setdefault(key, entity) == entity, f"{written!r} names two entities"
            assert [m.entity for m in names.mentions(written, names.KINDS)] == [entity], written


@pytest.mark.parametrize("text", [
    '{"entities": [{"id": "hue", "forms": {"vi": ["Huế"]}}]}',  # no English form
    '{"entities": [{"id": "hue", "forms": {"en": []}}]}',
    '{"entities": [{"forms": {"en": ["Hue"]}}]}',
    '{"entities": [{"id": "hue", "kind": "city", "forms": {"en": ["Hue"]}}]}',
    '{"entities": []}',
    '{"entities": [',
])
def test_a_broken_name_list_says_how_to_fix_it(text: str) -> None:
    with pytest.raises(ConfigError, match="names.json"):
        names.parse(text)
