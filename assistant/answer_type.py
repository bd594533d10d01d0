"""Expected answer type of a question (when / how many), from small multilingual cue lists.

Factoid questions that ask "when" are answered by passages that carry a year or a date, and
"how many" by passages that carry a number. The small embedder often ranks a passage that talks
about the same topic above the one that holds the date; this cue lets retrieval prefer passages
that can answer at all. Cues cover the 11 languages the product claims (en ru id vi ko zh ja fr
de es th); Thai, written without spaces, matches inside text, the others as words.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from .quantities import has_figure
from .texts import prompt_data

AnswerType = Literal["time", "quantity", "other"]

_TIME = re.compile(
    r"\b(?:what year|which year|since what year|как\w* год\w*|с какого года|"
    r"kapan|tahun berapa|sejak tahun|khi nào|năm nào|bao giờ|quelle année|"
    r"en quelle année|wann|welchem jahr|seit wann|en qué año|qué año|desde qué año|"
    r"desde cuándo|cuándo)\b|언제|몇\s*년|몇\s*월|哪一年|哪年|何时|何時|"
    r"什么时候|幾年|何年|いつ|เมื่อไร|เมื่อไหร่|ปีใด|ปีไหน|ปีอะไร|วันไหน|วันที่เท่าไร|เดือนใด|เดือนไหน",
    re.I,
)
# "When", "когда" and "quand" also join clauses ("the phrase he used when praising Korea",
# "что он сказал, когда приехал"): they ask for a time where a sentence starts with them
# ("And when?" too), before the verb that opens an English question, or right before "?".
_WHEN = re.compile(
    r"(?:^|[.?!？。]|\b(?:and|but|so|since|until|till|from|и|а|но|с|до|et|mais|depuis|"
    r"jusqu'à|à))\s*(?:when|когда|quand)\b|\bwhen\s+(?:did|do|does|is|was|were|will|are|has|"
    r"have|had|can|could|would|should|shall)\b|\b(?:when|когда|quand)\s*[?？]",
    re.I | re.M,
)
# Ordinals ask for a number too ("the 21st president"): "keberapa", "какой по счёту", "第何代";
# so do rates and percentages ("какие темпы роста", "성장률"). Cues in scripts without spaces
# match inside words, so the common words that contain one are excluded: Thai "เกี่ยวกับ"
# (about) holds "กี่" (how many), Chinese "几乎" (almost) "几", Japanese "幾分" (somewhat) "幾".
_QUANTITY = re.compile(
    r"\b(?:how many|how much|сколько|berapa|ke-?\s?berapa|bao nhiêu|thứ mấy|combien\w*|"
    r"wie viele|wie viel|wievielt\w*|по сч[её]ту|rate|percentage|темп\w*|процент\w*|laju|"
    r"persentase|tốc độ|tỷ lệ|phần trăm|taux|pourcentage|Wachstumsrate|Prozent\w*|"
    r"cuántos|cuántas|cuánto|cuánta|qué porcentaje|porcentaje|tasa)\b|몇|얼마|"
    r"성장률|증가율|비율|퍼센트|多少|几(?!乎)|幾(?!分)|いくつ|何人|第何|何代|何番|何回|どのくらい|どれくらい|"
    r"增长率|增長率|成長率|比率|百分比|割合|パーセント|เท่าไร|เท่าไหร่|(?<![เแโใไ])กี่|ร้อยละ|เปอร์เซ็นต์|อัตรา",
    re.I,
)
# "Where", in the languages of the eval set: the answer is a place.
_PLACE = re.compile(
    r"\b(?:where|in which city|in what city|which (?:\w+ )?city|где|в каком(?: \w+)? "
    r"(?:городе|месте)|di mana|di kota mana|ở đâu|tại đâu|ở thành phố nào|où|dans quelle ville|"
    r"wo|in welcher stadt|an welchem ort|dónde|en qué ciudad|en qué lugar)\b|어디|"
    r"어느\s*(?:곳|도시|지역)|哪里|哪裡|哪儿|哪个(?:地方|城市)|哪座城市|どこ|どの都市|ที่ไหน|"
    r"เมืองใด|เมืองไหน|จังหวัดใด|จังหวัดไหน|สถานที่ใด",
    re.I,
)
_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)")
_NUMBER = re.compile(r"\d")


def expected_answer_type(question: str) -> AnswerType:
    if _TIME.search(question) or _WHEN.search(question):
        return "time"
    if _QUANTITY.search(question):
        return "quantity"
    return "other"


# Thai writes years in the Buddhist era, 543 ahead ("พ.ศ. 2567", "ปี 2567" = 2024); only a
# number after one of those two markers is read so, not any 25xx ("2500 คน" is a count).
_THAI_YEAR = re.compile(r"(?:พ\.\s?ศ\.|ปี)\s*(25\d\d)(?!\d)")
_BUDDHIST_ERA = 543


def years(text: str) -> set[str]:
    """The calendar years ``text`` names, as Gregorian years ("ปี 2567" -> {"2024"})."""
    found = set(_YEAR.findall(text))
    return found | {str(int(y) - _BUDDHIST_ERA) for y in _THAI_YEAR.findall(text)
                    if 1800 <= int(y) - _BUDDHIST_ERA <= 2099}


def asks_where(question: str) -> bool:
    return bool(_PLACE.search(question))


def can_answer(answer_type: AnswerType, passage: str) -> bool:
    if answer_type == "time":
        return bool(_YEAR.search(passage))
    if answer_type == "quantity":
        return bool(_NUMBER.search(passage))
    return False


# The twelve months by name (en, ru, id, fr, de, es, th; ko, zh, ja and vi write them as
# numbers). English "May" only with its capital: "may" is a verb.
_MONTH_NAMES = (
    r"January|Jan|январ\w*|Januari|janvier|Januar|enero|มกราคม",
    r"February|Feb|феврал\w*|Februari|février|Februar|febrero|กุมภาพันธ์",
    r"March|Mar|март\w*|Maret|mars|März|marzo|มีนาคม",
    r"April|Apr|апрел\w*|avril|abril|เมษายน",
    r"(?-i:May)|ма[яйе]|Mei|mai|mayo|พฤษภาคม",
    r"June|Jun|июн\w*|Juni|juin|junio|มิถุนายน",
    r"July|Jul|июл\w*|Juli|juillet|julio|กรกฎาคม",
    r"August|Aug|август\w*|Agustus|août|agosto|สิงหาคม",
    r"September|Sept?|сентябр\w*|septembre|septiembre|setiembre|กันยายน",
    r"October|Oct|октябр\w*|Oktober|octobre|octubre|ตุลาคม",
    r"November|Nov|ноябр\w*|novembre|noviembre|พฤศจิกายน",
    r"December|Dec|декабр\w*|Desember|décembre|Dezember|diciembre|ธันวาคม",
)
_MONTH = "(?:" + "|".join(_MONTH_NAMES) + ")"
# A word boundary, except between Thai letters (Thai writes no spaces between words).
_WORD_START = r"(?<![^\W\u0e00-\u0e7f])"
_WORD_END = r"(?![^\W\u0e00-\u0e7f])"
_NAMED_MONTH = [re.compile(rf"{_WORD_START}(?:{names}){_WORD_END}", re.I)
                for names in _MONTH_NAMES]
# A number an answer writes as a month: "5월", "10月", "tháng 8", "ngày 5/6", "30/10/2025".
_MONTH_NUMBER = re.compile(
    r"(?<!\d)(\d{1,2})\s*[월月]|\btháng\s+(\d{1,2})(?!\d)|"
    r"\bngày\s+\d{1,2}\s*[/-]\s*(\d{1,2})(?!\d)|(?<![\d/])\d{1,2}/(\d{1,2})/\d{4}(?!\d)",
    re.I,
)
_DAY = r"\d{1,2}(?:\s*(?:-|–|—|to|bis|au|по|до|hingga|sampai)\s*\d{1,2})?"
# Calendar dates: "May 3 to 4", "3-4 мая", "ngày 5/6", "tháng 10", "6월 5일", "10月30日".
_DATE = re.compile(
    rf"(?<!\d){_DAY}\.?\s+{_MONTH}\b|\b{_MONTH}\s+{_DAY}(?!\d)|"
    r"\b(?:ngày|tháng)\s+\d{1,2}(?:\s*[/-]\s*\d{1,2})*|\d{1,2}\s*[월月](?:\s*\d{1,2}\s*[일日])?|"
    r"\d{1,2}\s*[일日]",
    re.I,
)
# A sum of money: a currency sign before an amount and its scale word ("US$150 billion"), or
# a currency word after them ("150 млрд долларов", "1,500억 달러", "20 mil millones de dólares";
# Thai vowel and tone marks are no word characters to Python). Only after: "won 5 medals".
_MONEY = re.compile(
    r"(?:US\$|\$|USD|€|₩)\s*\d[\d.,]*(?:\s*[^\W\d_]{1,12})?|"
    r"\d[\d.,]*\s*(?:(?:[^\W\d_]|[\u0e31-\u0e4e]){1,12}\s*){0,3}"
    r"(?:USD|US dollars?|dollars?|Dollar|dolar|доллар\w*|долл\b|đô la|dólar\w*|ดอลลาร์|"
    r"달러|美元|ドル|won\b|원|euros?\b|Euro\b|VND|đồng)",
    re.I,
)
# Questions about money or about a date, where a sum or a date is the answer.
_ASKS_MONEY = re.compile(
    r"trade|turnover|invest|value|GDP|budget|dollar|USD|торгов|товарооборот|инвест|ВВП|"
    r"доллар|perdagangan|nilai|investasi|thương mại|kim ngạch|đầu tư|giá trị|교역|무역|투자|"
    r"달러|贸易|貿易|投资|投資|美元|commerce|échanges|Handel|Wert|comerci|inversi|valor|"
    r"dólar|PIB|BIP|presupuesto|금액|金额|金額|ドル|การค้า|มูลค่า|ลงทุน|ดอลลาร์",
    re.I,
)
_ASKS_DATE = re.compile(r"date|дат[аеуы]|числа|tanggal|ngày|날짜|며칠|日付|何日|几号|哪天|日期|"
                        r"Datum|fecha|qué día|วันที่|วันใด|วันไหน", re.I)
# A span of years or an anniversary: "30 years", "30-летие", "30 năm", "30年", "30주년".
_YEARS_SPAN = re.compile(
    r"(?<![\d.,])\d{1,3}(?:\s*|-)(?:years?|year-old|th anniversary|лет\w*|летн\w*|год[а]?\b|"
    r"năm\b|tahun|ans?\b|années|años|Jahr\w*|周年|週年|年|주년|년|ปี)", re.I)
# Questions about how long or how many years, where such a span is the answer.
_ASKS_YEARS = re.compile(
    r"how long|how many years|сколько лет|как долго|bao lâu|bao nhiêu năm|berapa (?:lama|tahun)|"
    r"combien d'(?:ans|années)|depuis combien|wie lange|wie viele Jahre|多少年|多久|几年|何年|"
    r"몇\s*년|얼마나\s*오래|anniversar|годовщин|юбиле|kỷ niệm|peringatan|周年|週年|주년|"
    r"Jahrestag|cuánto tiempo|cuántos años|aniversario|何年間|กี่ปี|นานเท่าไร|นานแค่ไหน|ครบรอบ",
    re.I)


def asks_count(question: str) -> bool:
    """A how-many question that a year, a date or a sum of money cannot answer."""
    return (expected_answer_type(question) == "quantity" and not _ASKS_MONEY.search(question)
            and not _ASKS_DATE.search(question))


def could_state(answer_type: AnswerType, text: str, question: str = "") -> bool:
    """Whether a sentence can state an answer of this type at all: a date or an amount needs
    a figure ("May 3 to 4" has no year, so any figure counts). Given the question, "how many
    tourists?" is not answered by years, calendar dates or sums of money, which the small
    model copies from a neighbouring clause, nor by a span of years ("30 years of relations")
    unless it asks how long; a question about trade or a date keeps those."""
    if answer_type != "quantity" or not question:
        return answer_type == "other" or has_figure(text)
    text = re.sub(r"\[\d+\]", " ", text)
    if not _ASKS_DATE.search(question):
        text = _DATE.sub(" ", text)
    if not _ASKS_MONEY.search(question):
        text = _MONEY.sub(" ", text)
    if not _ASKS_YEARS.search(question):
        text = _YEARS_SPAN.sub(" ", text)  # "after 30 years of relations": not a count of flights
    return has_figure(_YEAR.sub(" ", text))


# The whole names only, without English abbreviations: "Mar" is also Spanish for sea, "Jan"
# a given name.
_ABBREVIATIONS = {"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept?", "Oct", "Nov", "Dec"}
_FULL_MONTH = [re.compile(rf"{_WORD_START}(?:{names}){_WORD_END}", re.I)
               for names in ("|".join(a for a in n.split("|") if a not in _ABBREVIATIONS)
                             for n in _MONTH_NAMES)]


def named_months(text: str) -> set[str]:
    """The months ``text`` names in words, as numbers ("в августе 2025" -> {"8"})."""
    return {str(n) for n, pattern in enumerate(_NAMED_MONTH, 1) if pattern.search(text)}


def month_words(text: str) -> dict[str, str]:
    """The months ``text`` names by their whole names, number to the word as written
    ("в феврале" -> {"2": "феврале"}); "Mar" (also Spanish for sea) is no month here."""
    found = ((str(n), pattern.search(text)) for n, pattern in enumerate(_FULL_MONTH, 1))
    return {n: m.group(0) for n, m in found if m}


def months_as_numbers(text: str) -> set[str]:
    """The numbers ``text`` writes as months ("5월 3일" -> {"5"}, "ngày 5/6" -> {"6"})."""
    return {str(int(m.group(1) or m.group(2) or m.group(3) or m.group(4)))
            for m in _MONTH_NUMBER.finditer(text)}


def drop_days(text: str, days: set[str]) -> str:
    """``text`` without those of ``days`` that it writes as the day of a date ("am 25. August"
    -> "am . August"); the same number elsewhere stays."""
    def drop(date: re.Match[str]) -> str:
        return re.sub(r"(?<!\d)\d{1,2}(?!\d)",
                      lambda d: " " if d.group(0) in days else d.group(0), date.group(0))

    return _DATE.sub(drop, text)


@cache
def _season_patterns() -> dict[str, re.Pattern[str]]:
    """One pattern per season (prompts/seasons.json): words bounded as months are, Korean
    words before their particles ("봄에", and "올봄", this spring), Chinese and Japanese
    characters standing alone ("春に", not "春節")."""
    data = prompt_data("seasons.json")
    return {season: re.compile(
        rf"{_WORD_START}(?<!-)(?:{'|'.join(forms)}){_WORD_END}|"
        rf"(?<![\uac00-\ud7a3])(?:올|지난)?(?:{data['hangul'][season]})|"
        rf"(?<![\u3400-\u9fff])(?:{data['han'][season]})(?![\u3400-\u9fff])", re.I)
        for season, forms in data["forms"].items()}


def season_words(text: str) -> dict[str, str]:
    """The seasons ``text`` names, each to the word as written ("au printemps" ->
    {"spring": "printemps"})."""
    found = ((season, pattern.search(text)) for season, pattern in _season_patterns().items())
    return {season: m.group(0) for season, m in found if m}


def seasons_of(months: set[str]) -> set[str]:
    """The seasons that months (as numbers, "5") fall in: May is spring."""
    return {season for season, numbers in prompt_data("seasons.json")["months"].items()
            if {str(n) for n in numbers} & months}
