"""Names of places and people across languages (`prompts/names.json`).

The small model reads "в Фукуоке" (Phu Quoc, in Russian) and writes "Fukuoka"; it reads
"Choi Young-sam" and writes the better-known "Lee Jae-myung". Four uses follow:
- ``annotate`` adds the asker's form after a foreign-script name in the evidence, so the model
  need not transliterate;
- ``unsupported`` lists names in an answer that its cited sources (and the question) do not
  contain, whatever language either is written in;
- ``misplaced`` lists the places an answer to "where?" names when its sources mention them,
  but not as where anything happens ("Seoul will support ..." is the Korean side);
- ``topics`` finds the terms (APEC, ODA) and topic words (a festival, a convention) a
  question asks about in any of their forms, so that an answer can be held to a passage that
  is about them.

Matching is forgiving where writing varies: Latin names ignore case, diacritics and spacing
("Tô Lâm" = "To Lam", "Hanoi" = "Ha Noi"), Russian names take case endings ("Ханое",
"Фукуоке"), Korean names take particles ("푸꾸옥에서").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from .errors import ConfigError


@dataclass(frozen=True)
class Mention:
    entity: str
    start: int
    end: int


def fold(text: str) -> tuple[str, list[int]]:
    """Lower case without diacritics ("Tô Lâm" -> "to lam"), with each folded character's
    index in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in "đĐ":
            base = "d"
        elif ch in "ёЁ":
            base = "е"
        elif "\u0e00" <= ch <= "\u0e7f":
            # Thai vowel and tone marks are letters of the word, not diacritics: without
            # them "เว้" (Hue) would be "เว", the start of "เวียดนาม".
            base = ch
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", ch)
                           if unicodedata.category(c) != "Mn").lower()
        out.append(base)
        where.extend([i] * len(base))
    return "".join(out), where


def _pattern(form: str, compound: bool = False) -> tuple[re.Pattern[str], bool]:
    """Regex over folded text for one written form; the flag says whether it may take a
    Russian case ending in place of its last letter. A ``compound`` form may end a longer
    Latin word."""
    words = [w for w in re.split(r"[\s\-‐・]+", fold(form)[0]) if w]
    sep = r"[\s\-‐・]*"
    body = sep.join(re.escape(w) for w in words)
    last = words[-1]
    if re.fullmatch(r"[а-я]+", last):
        stem = last[:-1] if len(last) > 3 and last[-1] in "аеиоуыэюяйь" else last
        body = sep.join([re.escape(w) for w in words[:-1]] + [re.escape(stem) + "[а-я]{0,3}"])
        return re.compile(rf"(?<![а-я]){body}(?![а-я])"), stem != last
    if re.search(r"[a-z]", last):
        before = "" if compound else "(?<![a-z0-9])"
        return re.compile(rf"{before}{body}(?![a-z0-9])"), False
    if re.fullmatch(r"[\u30a0-\u30ff]+", last):
        return re.compile(rf"(?<![\u30a1-\u30fa\u30fc]){body}(?![\u30a1-\u30fa\u30fc])"), False
    return re.compile(body), False  # Hangul and Chinese characters: particles attach


@cache
def _text() -> str:
    return resources.files("assistant").joinpath("prompts", "names.json").read_text(
        encoding="utf-8")


@cache
def entities() -> dict[str, dict[str, list[str]]]:
    return parse(_text())


KINDS = ("place", "person", "term", "topic", "country")
NAMES = ("place", "person")
# Written the same in every translation: a topic word ("festival") may be rendered freely.
PROPER = ("place", "person", "term")


@cache
def kinds() -> dict[str, str]:
    """Each entry's kind: a place (the default), a person, a term such as APEC or ODA, or a
    topic: a common noun such as "festival", matched in any case and at the end of a
    compound ("Kulturaustauschfestival"), or a country other than Vietnam and Korea, matched
    in any case so its adjectives ("российский") count."""
    entities()  # the file is checked there
    return {e["id"]: e.get("kind", "place") for e in json.loads(_text())["entities"]}


@cache
def places() -> frozenset[str]:
    return frozenset(e for e, kind in kinds().items() if kind == "place")


def _well_formed(entry: object) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return False
    forms = entry.get("forms")
    return (entry.get("kind", "place") in KINDS
            and isinstance(forms, dict) and bool(forms.get("en"))
            and all(isinstance(written, list) and written
                    and all(isinstance(f, str) and f.strip() for f in written)
                    for written in forms.values()))


def parse(text: str) -> dict[str, dict[str, list[str]]]:
    """The name list, checked: it is data people extend by hand."""
    where = "assistant/prompts/names.json"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where} is not valid JSON ({exc}); fix the line it names.") from None
    out: dict[str, dict[str, list[str]]] = {}
    for n, entry in enumerate(data.get("entities", []) if isinstance(data, dict) else [], 1):
        if not _well_formed(entry):
            raise ConfigError(
                f"{where}: entry {n} must look like "
                '{"id": "hanoi", "forms": {"en": ["Hanoi"], "ru": ["Ханой"]}} '
                "(an id, and non-empty lists of names per language, English included; "
                'people add "kind": "person", terms such as APEC "kind": "term", common '
                'nouns such as "festival" "kind": "topic", third countries "kind": "country").')
        out[entry["id"]] = entry["forms"]
    if not out:
        raise ConfigError(f'{where} has no "entities" list.')
    return out


@cache
def _patterns(wanted: tuple[str, ...]) -> list[tuple[str, re.Pattern[str], str, bool, bool]]:
    out = []
    for entity, forms in entities().items():
        kind = kinds()[entity]
        if kind not in wanted:
            continue
        for written in dict.fromkeys(f for fs in forms.values() for f in fs):
            pattern, stemmed = _pattern(written, compound=kind == "topic")
            out.append((entity, pattern, fold(written)[0], stemmed,
                        kind in ("topic", "country")))
    return out


def mentions(text: str, wanted: tuple[str, ...] = NAMES) -> list[Mention]:
    """Known names in ``text`` (of the ``wanted`` kinds: places and people unless asked), in
    order. Latin and Cyrillic names start with a capital
    ("hue" is not Huế). Overlaps: the longer match wins, then a written form over a form plus
    an ending over a stem with another ending ("Фукуоке" is Phu Quoc's "Фукуок" + "е" rather
    than Fukuoka's "Фукуок(а)")."""
    folded, where = fold(text)
    found = []
    for entity, pattern, written, stemmed, any_case in _patterns(wanted):
        for m in pattern.finditer(folded):
            if not any_case and text[where[m.start()]].islower():
                continue
            surface = m.group(0)
            rank = 2 if surface == written else int(not stemmed or surface.startswith(written))
            found.append((m.start(), m.end(), rank, entity))
    found.sort(key=lambda f: (-(f[1] - f[0]), -f[2], f[0]))
    taken: list[Mention] = []
    for start, end, _, entity in found:
        if any(start < t.end and t.start < end for t in taken):
            continue
        taken.append(Mention(entity, start, end))
    return sorted((Mention(m.entity, where[m.start], where[m.end - 1] + 1)
                   for m in taken), key=lambda m: m.start)


def form_in(entity: str, language: str) -> str:
    forms = entities()[entity]
    own = forms.get(language) or forms.get("en") or next(iter(forms.values()))
    return own[0]


def annotate(text: str, language: str, replace: bool = False,
             seen: set[str] | None = None) -> str:
    """``text`` with the asker's form after each name written otherwise: "в Фукуоке" ->
    "в Фукуоке (Phú Quốc)" for a Vietnamese question; with ``replace``, "в Phú Quốc" (text
    about to be translated, where the original form would only be transliterated again).
    Names in ``seen`` were annotated already (each costs prompt time); new ones are added.
    Text to translate has its terms replaced too: the model renders "АТЭС" as "어트스"."""
    out, last = [], 0
    for m in mentions(text, PROPER if replace else NAMES):
        target = form_in(m.entity, language)
        written = fold(text[m.start:m.end])[0]
        if re.sub(r"\W", "", fold(target)[0]) in re.sub(r"\W", "", written):
            continue
        if seen is not None and not replace:
            if m.entity in seen:
                continue
            seen.add(m.entity)
        if replace:
            out += [text[last:m.start], target]
        else:
            out += [text[last:m.end], f" ({target})"]
        last = m.end
    return "".join(out) + text[last:]


def unsupported(answer: str, sources: Sequence[str], wanted: tuple[str, ...] = NAMES
                ) -> list[str]:
    """Names in ``answer`` (as written there; of the ``wanted`` kinds) that none of
    ``sources`` mentions in any form."""
    known = {m.entity for s in sources for m in mentions(s, wanted)}
    return list(dict.fromkeys(answer[m.start:m.end] for m in mentions(answer, wanted)
                              if m.entity not in known))


# A place said to be where something happens: after "in", "в городе", "tại thành phố", "di
# kota", "à", "in der Stadt" (folded text), before "에서" or "で", after "在".
_LOCATIVE_BEFORE = re.compile(
    r"(?:^|[^\w])(?:in|at|во?|на|tai|o|trong|di|a|au|en|dans|im|nach)\s+"
    r"(?:(?:the|la|le|der|dem)\s+)?(?:(?:city|town|province|capital|port|городе|провинции|"
    r"столице|thanh pho|tinh|thu do|kota|provinsi|ibu kota|ville|stadt|provinz|hauptstadt)"
    r"\s+(?:of\s+|de\s+|d')?)?$")
_LOCATIVE_AFTER = re.compile(r"^\s*(?:시|市|도|省)?\s*(?:에서|에|で|に)")
_LOCATIVE_CJK_BEFORE = re.compile(r"[在于於][\u4e00-\u9fff]{0,4}$")


@lru_cache(maxsize=1024)
def located(text: str) -> frozenset[str]:
    """Places that ``text`` says something is in or happens in: "АТЭС-2027 в Фукуоке" locates
    Phu Quoc; "что Сеул окажет поддержку" (Seoul as the Korean government) locates nothing.
    Kept per text: the checks ask it of the same few passages for every sentence of every
    attempt (~2 ms a passage)."""
    found = set()
    for m in mentions(text):
        if m.entity not in places():
            continue
        before = fold(text[max(0, m.start - 40):m.start])[0]
        if (_LOCATIVE_BEFORE.search(before) or _LOCATIVE_CJK_BEFORE.search(before)
                or _LOCATIVE_AFTER.match(text[m.end:m.end + 6])):
            found.add(m.entity)
    return frozenset(found)


def topics(text: str) -> set[str]:
    """The terms (APEC, ODA) and topics (a festival) that ``text`` mentions, in any of
    their written forms."""
    # Each kind on its own: "联合国海洋法公约" (UNCLOS) also speaks of a convention (公约).
    return {m.entity for kind in ("term", "topic") for m in mentions(text, (kind,))}


def misplaced(answer: str, sources: Sequence[str]) -> list[str]:
    """The places an answer to "where?" names (as written there) when no source says that
    anything happens in any of them; empty when one of them is, or when it names no known
    place. The small model answers "Seoul" from "Seoul will support Vietnam in organising
    APEC 2027": the name is in the source, but not as the place asked for."""
    named = [m for m in mentions(answer) if m.entity in places()]
    if not named:
        return []
    where = set().union(*(located(s) for s in sources))
    if any(m.entity in where for m in named):
        return []
    return list(dict.fromkeys(answer[m.start:m.end] for m in named))


def prefer_hints(text: str) -> str:
    """"à Fukuoka (Phu Quoc)" -> "à Phu Quoc": a known name in brackets right after another
    known name is the annotation the prompt put after the source's form, copied by a model
    that transliterated that form wrongly ("в Фукуоке" read as Fukuoka). The annotation comes
    from the name list, the model's reading does not."""
    found = mentions(text)
    out, last = [], 0
    for a, b in zip(found, found[1:], strict=False):
        close = re.match(r"\s*[)）]", text[b.end:])
        if (a.start >= last and a.entity != b.entity and close
                and re.fullmatch(r"\s*[(（]\s*", text[a.end:b.start])):
            out += [text[last:a.start], text[b.start:b.end]]
            last = b.end + close.end()
    return "".join(out) + text[last:]


def drop_repeats(text: str) -> str:
    """Remove brackets that only repeat the words before them: the model copies the
    annotation of what it translated ("Сеул (Seoul)" becomes "Seoul (Seoul)")."""
    def keep(match: re.Match[str]) -> str:
        inner = re.sub(r"\W", "", fold(match.group(1))[0])
        before = re.sub(r"\W", "", fold(text[max(0, match.start() - 40):match.start()])[0])
        return "" if inner and before.endswith(inner) else match.group(0)

    return re.sub(r"\s*[(（]\s*([^()（）\[\]]{1,40}?)\s*[)）]", keep, text)
