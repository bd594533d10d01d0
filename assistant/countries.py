"""Which countries a text names, in any of the 11 languages, from a complete lexicon.

``prompts/countries.json`` holds every ISO 3166 country (generated from pycountry by
``scripts/countries.py``). A question about a country that no article mentions ("Who is the
President of France?") cannot be answered from the sources, however close its words are to
theirs; the small model answers it from memory and cites a passage.

Matching leans towards missing a name rather than seeing one that is not there, since a name
seen wrongly turns an answerable question into an abstention:
- Latin and Cyrillic forms match case-sensitively as whole words ("biện pháp" is not "Pháp"),
  and a short one-word form does not count at the start of a sentence ("Ý nghĩa ..." is
  "the meaning of", not Italy);
- Russian forms take their case endings ("Франции", "Китая");
- Hangul and kana forms must stand alone or before a particle ("인도의", not "인도적"; "タイの",
  not "タイトル"); Thai forms, written without spaces, only when four letters or longer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .quantities import currency_words
from .texts import prompt_data

_HANGUL = "\uac00-\ud7a3"
_KANA = "\u3040-\u30ff"
_THAI = "\u0e00-\u0e7f"
_LETTER = r"[^\W\d_]"
# Korean particles and the nationality suffix: a closed class, so this list is complete.
_PARTICLES = ("은|는|이|가|을|를|의|에|에서|에게|와|과|도|로|으로|만|보다|처럼|까지|부터|"
              "이나|나|랑|이랑|하고|과의|와의|에는|에서는|인|산")
_SHORT = 4  # letters of a one-word form that does not count at a sentence's start
# Russian case endings by the nominative's ending (one-word forms only).
_RU_ENDINGS = (("ия", "ия|ии|ию|ией"), ("я", "я|и|е|ю|ей"), ("а", "а|ы|е|у|ой"),
               ("й", "й|я|ю|ем|е"), ("ь", "ь|и|ью"))


def _latin_or_cyrillic(form: str) -> str:
    body = re.escape(form)
    if re.fullmatch(r"[\u0400-\u04ff]+", form):
        for ending, endings in _RU_ENDINGS:
            if form.endswith(ending):
                body = re.escape(form[: -len(ending)]) + f"(?:{endings})"
                break
        else:
            body += "(?:а|у|ом|е)?"
    else:
        body += "(?:s|'s|’s)?"
    pattern = rf"(?<!{_LETTER}){body}(?!{_LETTER})"
    if " " not in form and len(form) <= _SHORT:
        # Not where a sentence starts: a capital there says nothing about a name.
        pattern = rf"(?<![.!?。？！]\s)(?<![.!?。？！])(?<!^){pattern}"
    return pattern


def _pattern(form: str) -> str | None:
    if re.search(f"[{_THAI}]", form):
        return re.escape(form) if len(form) >= 4 else None
    if re.search(f"[{_HANGUL}]", form):
        return rf"(?<![{_HANGUL}]){re.escape(form)}(?![{_HANGUL}])|" \
               rf"(?<![{_HANGUL}]){re.escape(form)}(?=(?:{_PARTICLES})(?![{_HANGUL}]))"
    if re.search(f"[{_KANA}]", form):
        return rf"(?<![\u30a0-\u30ff]){re.escape(form)}(?![\u30a0-\u30ff])"
    if re.search(r"[\u3400-\u9fff]", form):
        return re.escape(form) if len(form) >= 2 else None
    return _latin_or_cyrillic(form)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, dict[str, list[str]]]:
    """Country code -> language -> written forms."""
    countries: dict[str, dict[str, list[str]]] = prompt_data("countries.json")["countries"]
    return countries


@lru_cache(maxsize=1)
def _matchers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """(country, pattern) for every form, by the form's first two letters (one for a
    one-letter form): a text is read once, and only the forms that start where it stands
    are tried (~5,000 forms; one regex per country read every text 249 times, ~100 ms)."""
    found: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for code in lexicon():
        for form in forms_of(code):
            if pattern := _pattern(form):
                found.setdefault(form[:2], []).append((code, re.compile(pattern, re.MULTILINE)))
    return found


@lru_cache(maxsize=1)
def _currency() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A currency's name just before or after a match: "đô la Mỹ", "ดอลลาร์สหรัฐ",
    "미국 달러" name a currency, not the country (prompts/currencies.json, all languages)."""
    either = currency_words()
    return (re.compile(rf"(?:{either})\s*$", re.IGNORECASE),
            re.compile(rf"\s*(?:{either})", re.IGNORECASE))


# A state's name with the word for peninsula names land, not the state: "朝鲜半岛",
# "朝鮮半島" and "bán đảo Triều Tiên" are the Korean Peninsula, not North Korea. The other
# languages say it with an adjective ("Korean", "корейский") or with a name the check
# already allows (South Korea's).
_LAND_BEFORE = re.compile(r"(?:bán đảo)\s*$", re.IGNORECASE)
_LAND_AFTER = re.compile(r"\s*(?:半岛|半島)")


def named(text: str) -> set[str]:
    """The codes of the countries ``text`` names. A name inside a longer one
    ("인도" in "인도네시아", "Guinea" in "Papua New Guinea") is the longer one's; one that
    names a currency ("đô la Mỹ") or a peninsula ("朝鲜半岛") does not count."""
    before, after = _currency()
    matchers = _matchers()
    spans: list[tuple[int, int, str]] = []
    for i in range(len(text)):
        for code, pattern in matchers.get(text[i:i + 2], []) + matchers.get(text[i], []):
            if ((m := pattern.match(text, i))
                    and not before.search(text, max(0, i - 24), i)
                    and not after.match(text, m.end())
                    and not _LAND_BEFORE.search(text, max(0, i - 12), i)
                    and not _LAND_AFTER.match(text, m.end())):
                spans.append((i, m.end(), code))
    return {code for start, end, code in spans
            if not any(s <= start and end <= e and (e - s) > (end - start)
                       for s, e, _ in spans)}


def forms_of(code: str) -> list[str]:
    """Every written form of a country, in every language."""
    return sorted({f for fs in lexicon()[code].values() for f in fs})


def name_of(code: str, language: str) -> str:
    forms = lexicon()[code]
    return (forms.get(language) or forms.get("en") or [code])[0]
