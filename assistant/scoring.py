"""The eval's own scoring: answer keys, amounts, abstentions and unsupported claims.

Deliberately independent of the pipeline: nothing here imports the answer checks, the
pipeline's name lists or its number code. The eval must not grade the pipeline with the
pipeline's own lexicons, or a blind spot in one is a blind spot in both. Its one lexicon
(scale words and ways of saying "the sources don't say", in every language the product
claims) is ``eval/lexicon.json``.

Answer keys (``must`` groups in eval/*.jsonl): every group must match, a group matches when
any of its alternatives does. An alternative is a literal string or ``{"num": value}``:
- a literal matches case-insensitively; in an alphabetic script (Latin, Cyrillic) it must
  start at a word start and end at a word end, unless it ends with ``*``; in Hangul, Han, kana
  and Thai, which attach particles or write no spaces, it matches anywhere;
- a number matches an amount of the answer with the same value, its scale word read in the
  answer's language: "US$150 billion" is 1.5e11, so "1500억" passes and "150억" (1.5e10) or
  "150 million" do not, and "2030" does not match inside "20300".
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).resolve().parent.parent / "eval" / "lexicon.json"

_ALPHA = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff"
_MARKER = re.compile(r"[\[【［]\s*\^?\d+(?:\s*[,;，、]\s*\d+)*\s*[\]】］]")
# A number: digits with thousands groups (1,500 / 1.500 / 1 500) and a decimal part.
_NUMBER = r"\d+(?:(?:[,.\u00a0\u202f\u2009 ])\d{3}(?!\d))*(?:[.,]\d+)?"


@cache
def lexicon() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LEXICON.read_text(encoding="utf-8"))
    return data


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def strip_markers(text: str) -> str:
    return _MARKER.sub(" ", text)


# --- amounts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Amount:
    value: float
    text: str
    scaled: bool


@cache
def _scale_pattern(language: str) -> tuple[re.Pattern[str], tuple[tuple[str, float], ...]]:
    scales = lexicon()["scales"]
    table = [(p, float(v)) for p, v in scales.get(language, []) if not str(p).startswith("_")]
    table += [(p, float(v)) for p, v in scales["all"]]
    alternation = "|".join(f"(?:{p})" for p, _ in table)
    pattern = re.compile(rf"({_NUMBER})\s*(?:({alternation})(?![{_ALPHA}]))?", re.I)
    return pattern, tuple(table)


def _to_float(raw: str) -> float:
    raw = re.sub(r"[\u00a0\u202f\u2009 ]", "", raw)
    groups = re.split(r"[.,]", raw)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))  # 1,500 / 1.500.000: thousands separators
    if len(groups) == 2:
        return float(f"{groups[0]}.{groups[1]}")  # 1.5 / 1,5: a decimal
    return float("".join(groups))


_CJK = re.compile(r"(?:\d+(?:,\d{3})*(?:\.\d+)?\s*[조兆억亿億만万萬천千]\s*)+\d*")


def _cjk_value(text: str) -> float:
    units = lexicon()["cjk_units"]
    total = section = 0.0
    parts = re.findall(r"(\d+(?:,\d{3})*(?:\.\d+)?)?\s*([조兆억亿億만万萬천千])?", text)
    for number, unit in parts:
        n = float(number.replace(",", "")) if number else 0.0
        if not unit:
            section += n
            continue
        scale = float(units[unit])
        if scale < 1e4:  # 천/千 inside a section: 1천500억
            section += (n or 1.0) * scale
        else:
            total += (section + n) * scale
            section = 0.0
    return total + section


def _thai_scale(after: str) -> tuple[float, int]:
    for word, scale in sorted(lexicon()["thai_units"].items(), key=lambda kv: -len(kv[0])):
        stripped = after.lstrip()
        if stripped.startswith(word):
            return float(scale), len(after) - len(stripped) + len(word)
    return 1.0, 0


def amounts(text: str, language: str = "en") -> list[Amount]:
    """The amounts written with digits in ``text``, each with its scale word applied."""
    text = unicodedata.normalize("NFC", strip_markers(text))
    found: list[Amount] = []
    taken: list[tuple[int, int]] = []
    for m in _CJK.finditer(text):
        found.append(Amount(_cjk_value(m.group(0)), m.group(0), True))
        taken.append(m.span())
    pattern, table = _scale_pattern(language)
    for m in pattern.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if m.start() and text[m.start() - 1].isdigit():
            continue
        value = _to_float(m.group(1))
        word = m.group(2)
        if word:
            scale = next(v for p, v in table if re.fullmatch(p, word, re.I))
            found.append(Amount(value * scale, m.group(0), True))
            continue
        scale, length = _thai_scale(text[m.end():])
        if length:
            found.append(Amount(value * scale, text[m.start():m.end() + length], True))
        else:
            found.append(Amount(value, m.group(0), False))
    return found


def same_value(a: float, b: float) -> bool:
    """Equal up to float rounding only: a relative tolerance of any size lets near years pass
    for each other (0.5% of 2027 is 10, so "2025" passed for 2027)."""
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


# --- answer keys --------------------------------------------------------------------------

def literal_matches(literal: str, text: str) -> bool:
    literal = normalize(literal.strip())
    prefix = literal.endswith("*")
    literal = literal.rstrip("*").strip()
    left = rf"(?<![{_ALPHA}])" if re.match(rf"[{_ALPHA}]", literal) else ""
    right = "" if prefix or not re.search(rf"[{_ALPHA}]$", literal) else rf"(?![{_ALPHA}])"
    body = r"\s+".join(re.escape(w) for w in literal.split())
    return re.search(left + body + right, normalize(text)) is not None


def alternative_matches(alternative: str | dict[str, float], text: str, language: str) -> bool:
    if isinstance(alternative, dict):
        return any(same_value(a.value, float(alternative["num"]))
                   for a in amounts(text, language))
    return literal_matches(alternative, text)


def group_matches(group: list[Any], text: str, language: str) -> bool:
    return any(alternative_matches(alt, text, language) for alt in group)


def key_passes(must: list[list[Any]], must_not: list[Any], text: str, language: str) -> bool:
    text = strip_markers(text)
    return (all(group_matches(g, text, language) for g in must)
            and not any(alternative_matches(a, text, language) for a in must_not))


# --- abstention ---------------------------------------------------------------------------

def says_not_in_sources(text: str, language: str) -> bool:
    """The reply says in words that the sources do not answer ("X is not mentioned in the
    sources [1]" is an abstention, whatever marker it carries)."""
    phrases = lexicon()["abstention"]
    return any(re.search(phrases[code], strip_markers(text), re.I)
               for code in dict.fromkeys([language, "en"]) if code in phrases)


# --- unsupported claims -------------------------------------------------------------------

_LATIN_NAME = re.compile(r"(?<![\w'’-])([A-Z][A-Za-z\u00c0-\u024f\u1e00-\u1eff'’-]*[A-Za-z]|"
                         r"[A-Z]{2,})(?![\w'’-])")
_CYRILLIC_NAME = re.compile(r"(?<![\w-])([А-ЯЁ][а-яёА-ЯЁ-]*[а-яёА-ЯЁ]|[А-ЯЁ]{2,})(?![\w-])")
# Languages that capitalise every noun, or where capitals carry no signal of a name.
_NOUN_CAPITALS = {"de"}


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for m in re.finditer(r"[.!?。！？:\n]\s*", text):
        starts.add(m.end())
    for m in re.finditer(r"^\s*", text):
        starts.add(m.end())
    return starts


def _names(text: str, language: str) -> list[str]:
    """Capitalised words and acronyms, sentence-initial words left out (a capital there says
    nothing); in German only acronyms (every noun is capitalised)."""
    starts = _sentence_starts(text)
    out: list[str] = []
    for pattern in (_LATIN_NAME, _CYRILLIC_NAME):
        for m in pattern.finditer(text):
            word = m.group(1)
            before, after = text[max(0, m.start() - 20):m.start()], text[m.end():]
            if re.search(r"\d\s?(?:[^\W\d]+\.?\s)?$", before) or re.match(r"\W?\s?\d", after):
                continue  # next to an amount it is its unit: "150 billion USD", "US$150"
            acronym = word.isupper() and len(word) >= 2
            if not acronym and (m.start() in starts or language in _NOUN_CAPITALS):
                continue
            # "Vietnam-Korea" names two countries, each of which a source may write alone
            # ("Вьетнам и Корея"); "Young-sam" is one name.
            parts = word.split("-")  # _LATIN_NAME and _CYRILLIC_NAME admit only this dash
            out += parts if len(parts) > 1 and all(p[:1].isupper() for p in parts) else [word]
    return out


def _script(word: str) -> str:
    return "cyrillic" if re.search(r"[\u0400-\u04ff]", word) else "latin"


def _stem_in(word: str, text: str) -> bool:
    """Found as a word, or (inflected languages) as a word sharing its first 5 letters."""
    w = normalize(word)
    stem = w[: max(5, len(w) - 3)] if len(w) > 6 else w
    return re.search(rf"(?<![{_ALPHA}]){re.escape(stem)}", normalize(text)) is not None


@dataclass
class Claims:
    unsupported: list[str]
    unchecked: list[str]


def unsupported_claims(answer: str, language: str, cited: list[tuple[str, str]],
                       question: str = "", corpus: str = "") -> Claims:
    """Names and figures of ``answer`` that no cited passage holds.

    ``cited`` are (text, language) of the cited passages. A figure counts when its value is
    at least 32 or it carries a scale word (smaller bare numbers are days and months, written
    differently in each language). A name in the script of a cited passage must be in one;
    a name in another script (a Russian answer citing an English passage) cannot be matched
    by simple code: it counts when the question or the corpus (``corpus``, every passage in
    any language) holds it, so names from the model's memory still show, and it is listed as
    unchecked.
    """
    text = strip_markers(answer)
    problems: list[str] = []
    unchecked: list[str] = []
    cited_values = [a.value for t, lang in cited for a in amounts(t, lang)]
    for amount in amounts(text, language):
        if not amount.scaled and amount.value < 32:
            continue
        if not any(same_value(amount.value, v) for v in cited_values):
            problems.append(amount.text.strip())
    scripts = {_script(t) for t, _ in cited}
    cited_text = " ".join(t for t, _ in cited)
    for name in _names(text, language):
        if _stem_in(name, question):
            continue
        if _script(name) in scripts:
            if not _stem_in(name, cited_text):
                problems.append(name)
        elif _stem_in(name, corpus):
            unchecked.append(name)
        else:
            problems.append(name)
    return Claims(list(dict.fromkeys(problems)), list(dict.fromkeys(unchecked)))
