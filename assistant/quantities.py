"""Amounts with scale words ("5 juta", "150 млрд", "1,500억", "500万", "150 mil millones",
"150,000 ล้าน") as values, in the 11 languages the product claims.

The small model translates digits faithfully but not scale words: it turned "5 juta" (5 million)
into "5万" (50 thousand) and "150 billion" into "150억" (15 billion). Comparing digit strings
cannot see that, so amounts are compared as values, and a wrong scale can be rewritten in the
asker's language without asking the model again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest words first, so "백만" is read before "만". Thai, written without spaces, attaches its
# scale words the same way ("150,000 ล้าน" is 150 billion, "1.5 แสนล้าน" too).
_CJK_SCALES: list[tuple[str, float]] = [
    (r"ล้านล้าน", 1e12), (r"แสนล้าน", 1e11), (r"หมื่นล้าน", 1e10), (r"พันล้าน", 1e9),
    (r"ร้อยล้าน", 1e8), (r"ล้าน", 1e6), (r"แสน", 1e5), (r"หมื่น", 1e4), (r"พัน", 1e3),
    (r"백만", 1e6), (r"천만", 1e7), (r"십억", 1e9), (r"조", 1e12), (r"억", 1e8), (r"만", 1e4),
    (r"천", 1e3), (r"百万", 1e6), (r"千万", 1e7), (r"万亿", 1e12), (r"兆", 1e12),
    (r"亿|億", 1e8), (r"万|萬", 1e4), (r"千", 1e3),
]
_WORD_SCALES: list[tuple[str, float]] = [
    (r"trillions?|триллион\w*|трлн|triliun|nghìn\s+tỷ|billones|billón", 1e12),
    (r"billions?|bn|млрд|миллиард\w*|tỷ|tỉ|miliar|milyar|milliards?|Milliarden?|Mrd|"
     r"mil\s+millones", 1e9),
    (r"millions?|mln|млн|миллион\w*|triệu|juta|Millionen|Mio|millones|millón", 1e6),
    (r"thousands?|тыс|тысяч\w*|nghìn|ngàn|ribu|milliers?|Tausend|mil", 1e3),
]
_SCALES = _CJK_SCALES + _WORD_SCALES
_NUM = r"(?<![\d.,])(\d+(?:[.,]\d+)*)(?!\d)"
_WORD_SCALE = "|".join(f"(?:{p})" for p, _ in _WORD_SCALES)
# Hangul/CJK scale words attach to the next word ("5만명", "500万人"); others stand alone.
_AMOUNT = re.compile(
    _NUM + r"(?:\s*(" + "|".join(p for p, _ in _CJK_SCALES) + r")|\s*("
    + _WORD_SCALE + r")(?![^\W\d_]))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    text: str  # as written, e.g. "5万"
    start: int
    end: int
    value: float
    scaled: bool  # written with a scale word


def _number(raw: str) -> float:
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", raw):
        return float(re.sub(r"[.,]", "", raw))
    return float(raw.replace(",", "."))  # a decimal comma ("1,5 млн") or point


def _scale(word: str) -> float:
    for pattern, factor in _SCALES:
        if re.fullmatch(pattern, word, re.IGNORECASE):
            return factor
    return 1.0


def amounts(text: str) -> list[Amount]:
    out = []
    for m in _AMOUNT.finditer(text):
        try:
            base = _number(m.group(1))
        except ValueError:
            continue
        word = m.group(2) or m.group(3)
        out.append(Amount(m.group(0), m.start(), m.end(), base * (_scale(word) if word else 1.0),
                          bool(word)))
    return out


# An amount spelled out: a scale word standing alone ("пятью миллионами"), or a CJK scale after
# a numeral ("五百万"). Inside a word a scale is no amount: "berkelanjutan" holds "juta", and
# 조, 만 and 천 are syllables of "협조", "만나다", "천연".
_SPELLED_AMOUNT = re.compile(
    r"(?<![^\W\d_])(?:" + _WORD_SCALE + r")(?![^\W\d_])|"
    r"[一二三四五六七八九十百两几数][万萬亿億千]", re.IGNORECASE)


def has_figure(text: str) -> bool:
    """Digits or an amount spelled out: Russian articles write "пятью миллионами"."""
    return bool(re.search(r"\d", text) or _SPELLED_AMOUNT.search(text))


def same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


def wrong_scale(answer: str, sources: str) -> list[tuple[Amount, float]]:
    """Amounts in ``answer`` whose value no source amount has, each paired with the source
    value it was most likely meant to be (same leading digits, another scale). A scale word
    mistranslated ("150억" for 150 billion) or dropped ("$150 billetes") both count; a bare
    number is only taken for a dropped scale when it is 10 or more, no citation marker, and
    in a sentence (a bare "150 [1]" is sent back as no sentence, not completed here)."""
    given = amounts(sources)
    sentence = bool(re.search(r"[^\W\d_]{2,}", answer))
    source_values = [a.value for a in given]
    source_scaled = [a for a in given if a.scaled]
    out = []
    for a in amounts(answer):
        if any(same(a.value, v) for v in source_values):
            continue
        if not a.scaled and (not sentence or a.value < 10
                             or answer[max(0, a.start - 1):a.start] == "["):
            continue
        digits = _digits(a.value)
        meant = {s.value for s in source_scaled
                 if _digits(s.value) == digits and s.value > a.value}
        if len(meant) == 1:
            out.append((a, meant.pop()))
    return out


def _digits(value: float) -> str:
    """Significant digits of a value: 5e6 and 5e4 both give "5"; 1.5e11 gives "15"."""
    return re.sub(r"[.]|0+$", "", f"{value:.6e}".split("e")[0]).rstrip("0") or "0"


# How each language writes large amounts: (factor, word, space between digits and word).
_WORDS: dict[str, list[tuple[float, str, bool]]] = {
    "en": [(1e12, "trillion", True), (1e9, "billion", True), (1e6, "million", True)],
    "ru": [(1e12, "трлн", True), (1e9, "млрд", True), (1e6, "млн", True)],
    "vi": [(1e12, "nghìn tỷ", True), (1e9, "tỷ", True), (1e6, "triệu", True)],
    "id": [(1e12, "triliun", True), (1e9, "miliar", True), (1e6, "juta", True)],
    "fr": [(1e9, "milliards", True), (1e6, "millions", True)],
    "de": [(1e9, "Milliarden", True), (1e6, "Millionen", True)],
    "ko": [(1e12, "조", False), (1e8, "억", False), (1e4, "만", False)],
    "zh": [(1e12, "万亿", False), (1e8, "亿", False), (1e4, "万", False)],
    "ja": [(1e12, "兆", False), (1e8, "億", False), (1e4, "万", False)],
    "es": [(1e12, "billones", True), (1e9, "mil millones", True), (1e6, "millones", True)],
    "th": [(1e12, "ล้านล้าน", True), (1e6, "ล้าน", True)],  # "150,000 ล้าน" for 150 billion
}


# Thousands separator, and whether decimals take a comma ("1,5 млн").
_THOUSANDS = {"zh": "", "ja": "", "ru": " ", "fr": " ", "de": ".", "vi": ".", "id": ".",
              "es": "."}
_DECIMAL_COMMA = {"ru", "fr", "de", "vi", "id", "es"}


def render(value: float, language: str) -> str:
    """``value`` the way ``language`` writes it: 5e6 -> "5 million", "500万", "500만"."""
    for factor, word, spaced in _WORDS.get(language, _WORDS["en"]):
        if value >= factor:
            base = value / factor
            if base == int(base):
                number = f"{base:,.0f}".replace(",", _THOUSANDS.get(language, ","))
            else:
                number = f"{base:g}"
                if language in _DECIMAL_COMMA:
                    number = number.replace(".", ",")
            return f"{number}{' ' if spaced else ''}{word}"
    return f"{value:g}"


def prefer_askers_amount(answer: str, language: str) -> str:
    """Keep one form of an amount written twice, the asker's: the model copies the source's
    amount with the hint ``annotate`` gave it ("150 miliar (1,500억) USD" in a Korean answer)."""
    def flat(text: str) -> str:
        return re.sub(r"[\s.,]", "", text)

    for first in sorted(amounts(answer), key=lambda a: -a.start):
        bracket = re.match(r"\s*[(（]([^()（）]{1,30})[)）]", answer[first.end:])
        inside = amounts(bracket.group(1)) if bracket else []
        if not (bracket and first.scaled and len(inside) == 1 and inside[0].scaled
                and same(first.value, inside[0].value)):
            continue
        own = flat(render(first.value, language))
        end = first.end + bracket.end()
        if flat(inside[0].text) == own and flat(first.text) != own:
            answer = answer[:first.start] + inside[0].text + answer[end:]
        elif flat(first.text) == own:
            answer = answer[:first.end] + answer[end:]
    return answer


def repair_scales(answer: str, sources: str, language: str) -> str:
    """Rewrite amounts whose scale word was mistranslated (see ``wrong_scale``), and keep the
    asker's form of an amount written twice."""
    answer = prefer_askers_amount(answer, language)
    for amount, meant in sorted(wrong_scale(answer, sources), key=lambda x: -x[0].start):
        answer = answer[:amount.start] + render(meant, language) + answer[amount.end:]
    return answer


def annotate(text: str, language: str) -> str:
    """``text`` with large amounts also written the asker's way: "5 juta (500万)" for a Chinese
    question. The scale words are where the small model's translations go wrong (5万, 15억)."""
    for amount in sorted(amounts(text), key=lambda a: -a.start):
        if not amount.scaled:
            continue
        own = render(amount.value, language)
        if own.replace(" ", "") != amount.text.replace(" ", ""):
            text = f"{text[:amount.end]} ({own}){text[amount.end:]}"
    return text


def drop_repeated_amounts(text: str) -> str:
    """Remove a bracket that repeats the amount just written, whatever its unit words: the
    model copies the prompt's hint and garbles it ("1,500억 달러(1,500억 원)"). A bracket
    that writes the amount another way ("5 juta (500만)") stays: it may be the asker's form."""
    def keep(match: re.Match[str]) -> str:
        inside = amounts(match.group(1))
        before = [a for a in amounts(text[:match.start()]) if match.start() - a.end <= 12]
        if (len(inside) == 1 and inside[0].scaled and before
                and inside[0].text.replace(" ", "") == before[-1].text.replace(" ", "")):
            return ""
        return match.group(0)

    return re.sub(r"\s*[(（]([^()（）\[\]]{1,30})[)）]", keep, text)


# --- currencies ------------------------------------------------------------------------------
# Held like scale words: the model kept "150" and "milliards" of "US$150 billion" and made it
# "150 milliards d'euros". Forms per currency in prompts/currencies.json.

def _currency_form(form: str) -> str:
    stem = form.rstrip("*")
    body = re.escape(stem)
    if re.fullmatch(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff .'-]+", stem):
        # Latin and Cyrillic forms are whole words, "*" allowing endings (доллар*).
        return rf"{body}\w*" if form.endswith("*") else rf"{body}(?![^\W\d_])"
    if _hangul_syllable(stem):
        return ""  # 원, 동, 엔 are in many words: only right after an amount (below)
    return body


def _hangul_syllable(form: str) -> bool:
    return len(form) == 1 and "\uac00" <= form <= "\ud7a3"


def _currency_patterns() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    """Per currency: what may follow an amount (up to two words between: "150 milliards
    d'euros", "5 mil millones de dólares"), and what may stand right before it."""
    from .texts import prompt_data

    out = {}
    for code, entry in prompt_data("currencies.json").items():
        if code.startswith("_"):
            continue
        words = [f for f in map(_currency_form, entry["words"]) if f]
        syllables = [re.escape(w) for w in entry["words"] if _hangul_syllable(w)]
        after = rf"^\s*(?:(?:[^\W\d_]{{1,12}}['’-]?\s*){{0,2}}(?:{'|'.join(words)})"
        if syllables:
            after += rf"|^\s*(?:{'|'.join(syllables)})"
        after += ")"
        symbols = "|".join(re.escape(s) for s in entry["symbols"]) or r"(?!x)x"
        out[code] = (re.compile(after, re.I), re.compile(rf"(?:{symbols})\s*$"))
    return out


def currency_words() -> str:
    """A regex alternation of every currency's written words, in every language (single
    Hangul syllables left out, as above), longest first."""
    from .texts import prompt_data

    forms = {form for code, entry in prompt_data("currencies.json").items()
             if not code.startswith("_") for form in map(_currency_form, entry["words"]) if form}
    return "|".join(sorted(forms, key=len, reverse=True))


_CURRENCIES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def currencies(text: str) -> set[str]:
    """The currencies (ISO codes) that ``text`` states amounts in: "US$150 billion",
    "150 млрд долларов", "1500亿美元" all give {"USD"}."""
    if not _CURRENCIES:
        _CURRENCIES.update(_currency_patterns())
    found = set()
    for amount in amounts(text):
        after = text[amount.end:amount.end + 40]
        before = text[max(0, amount.start - 4):amount.start]
        found |= {code for code, (follows, precedes) in _CURRENCIES.items()
                  if follows.search(after) or precedes.search(before)}
    return found


def currency_name(code: str) -> str:
    """How the model is told a currency ("US dollars")."""
    from .texts import prompt_data

    return str(prompt_data("currencies.json")[code]["name"])
