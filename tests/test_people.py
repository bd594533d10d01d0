"""People's names the names lexicon lacks (people.py): a name an answer brings in that no
source holds is found by its family name, in Latin and Cyrillic; capitalised phrases are not
names."""

from __future__ import annotations

import pytest

from assistant import people, support
from assistant.retrieve import Passage

SOURCES = ["Bui Thanh Son met the press in Hanoi.", "Министр Ли встретился с послом."]


@pytest.mark.parametrize("answer,invented", [
    # The small model's German answer to "who governs Korea?" (2026-12-05).
    ("Der Regierungsbeamter der Republik Korea ist Kim Jong Un. [1]", ["Kim Jong Un"]),
    ("Xi Jinping visited Hanoi [1].", ["Xi Jinping"]),
    ("Министр Буй Тхань Шон выступил [2].", ["Буй Тхань Шон"]),  # starts at the family name
    ("Ông Bùi Thanh Sơn phát biểu [1].", []),                     # held, without diacritics
    ("Minister Bui Thanh-Son spoke [1].", []),                    # hyphens and spaces alike
    ("La Cumbre Mekong-RoK se celebrará en Gyeongju [1].", []),   # an article, not Mrs La
    ("Die Gespräche fanden im Mai Statt [1].", []),               # a month, not Mr Mai
    ("The Comprehensive Strategic Partnership [1].", []),         # no family name
    ("Kim [1].", []),                                             # one word is no full name
])
def test_a_person_no_source_names_is_found_by_the_family_name(answer: str,
                                                              invented: list[str]) -> None:
    assert people.invented(answer, SOURCES, "Who spoke?") == invented


def test_a_name_is_only_held_to_sources_in_its_script() -> None:
    # "Нгуен Ба Хоан" cannot be compared with "Nguyen Ba Hoan" by letters: not doubted.
    assert people.invented("Nguyen Ba Hoan spoke [1].", ["Нгуен Ба Хоан выступил."]) == []
    assert people.invented("Nguyen Ba Hoan spoke [1].", ["Le Hoai Trung spoke."]) == [
        "Nguyen Ba Hoan"]
    # The question's names are the asker's: repeating them invents nothing.
    assert people.invented("Kim Jong Un is not in the sources [1].", ["Lee spoke."],
                           "Who is Kim Jong Un?") == []


def test_an_invented_person_is_an_unsupported_name_of_the_answer() -> None:
    cited = [Passage(id="a-1", text=SOURCES[0], score=1.0, doc_id="a", title="a", source="",
                     url="", date="", language="en", char_start=0, char_end=10, paragraph=0)]
    assert support.unsupported_names("Kim Jong Un spoke [1].", cited, "Who?") == ["Kim Jong Un"]
    assert support.invents("Kim Jong Un spoke [1].", cited, "Who?")


def test_capitalised_runs_leave_out_known_names_places_and_countries() -> None:
    text = "Lee Jae Myung met Nguyen Ba Hoan in Ho Chi Minh City, Республика Корея."
    assert [text[a:b] for a, b in people.capitalised_runs(text)] == ["Nguyen Ba Hoan"]
