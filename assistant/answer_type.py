"""Expected answer type of a question (when / how many), from small multilingual cue lists.

Factoid questions that ask "when" are answered by passages that carry a year or a date, and
"how many" by passages that carry a number. The small embedder often ranks a passage that talks
about the same topic above the one that holds the date; this cue lets retrieval prefer passages
that can answer at all. Cues cover the languages the eval set exercises.
"""

from __future__ import annotations

import re
from typing import Literal

from .quantities import has_figure

AnswerType = Literal["time", "quantity", "other"]

_TIME = re.compile(
    r"\b(?:when|what year|which year|since what year|когда|в каком году|с какого года|"
    r"kapan|tahun berapa|sejak tahun|khi nào|năm nào|bao giờ|quand|quelle année|"
    r"en quelle année|wann|welchem jahr|seit wann)\b|언제|몇\s*년|몇\s*월|哪一年|哪年|何时|何時|"
    r"什么时候|幾年|何年|いつ",
    re.I,
)
_QUANTITY = re.compile(
    r"\b(?:how many|how much|сколько|berapa|bao nhiêu|combien|wie viele|wie viel)\b|몇|얼마|"
    r"多少|几|幾|いくつ|何人|どのくらい|どれくらい",
    re.I,
)
# "Where", in the languages of the eval set: the answer is a place.
_PLACE = re.compile(
    r"\b(?:where|in which city|in what city|which (?:\w+ )?city|где|в каком(?: \w+)? "
    r"(?:городе|месте)|di mana|di kota mana|ở đâu|tại đâu|ở thành phố nào|où|dans quelle ville|"
    r"wo|in welcher stadt|an welchem ort)\b|어디|어느\s*(?:곳|도시|지역)|哪里|哪裡|哪儿|"
    r"哪个(?:地方|城市)|哪座城市|どこ|どの都市",
    re.I,
)
_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)")
_NUMBER = re.compile(r"\d")


def expected_answer_type(question: str) -> AnswerType:
    if _TIME.search(question):
        return "time"
    if _QUANTITY.search(question):
        return "quantity"
    return "other"


def asks_where(question: str) -> bool:
    return bool(_PLACE.search(question))


def can_answer(answer_type: AnswerType, passage: str) -> bool:
    if answer_type == "time":
        return bool(_YEAR.search(passage))
    if answer_type == "quantity":
        return bool(_NUMBER.search(passage))
    return False


def could_state(answer_type: AnswerType, text: str) -> bool:
    """Whether a sentence can state an answer of this type at all: a date or an amount needs
    a figure ("May 3 to 4" has no year, so any figure counts)."""
    return answer_type == "other" or has_figure(text)
