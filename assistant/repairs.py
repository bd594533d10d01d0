"""Repairs that fix an answer without asking the model again: citations moved to the passage
that holds the facts, mistranslated scale words rewritten, a failing tail cut, translations
cleaned of lead-ins and held to the original's figures and names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import names, quantities
from .answer import strip_preamble
from .answer_type import (
    drop_days,
    months_as_numbers,
    named_months,
)
from .checks import _cited_or_all, foreign_script, misplaces, problems
from .chunking import split_sentences
from .markers import (
    _MARKER,
    attach_markers,
    clean_markers,
    is_bare,
    numbers,
    remap,
)
from .retrieve import Passage
from .support import (
    copied_from,
    invents,
    unsupported_numbers,
    wording_sources,
)

# "am 30. Oktober", "der 21. Präsident": a German ordinal, not the end of a sentence.
_ORDINAL = re.compile(r"(?<![\d.,])\d{1,2}\.$")


def _sentences(text: str) -> list[str]:
    """An answer's sentences; a marker standing after the full stop stays with its sentence,
    and so does what follows an ordinal."""
    out: list[str] = []
    for s in split_sentences(text):
        piece = text[s.start:s.end]
        if out and (is_bare(piece) or _ORDINAL.search(out[-1])):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def real_facts(answer: str, passages: Sequence[Passage], question: str) -> str:
    """The answer's sentences whose numbers and names one of the given passages holds: these
    point at the passage to quote. A sentence that takes its place from one passage and its
    year from another ("Gyeongju, where the 2027 summit is held") points at neither. A day
    that no passage holds is dropped first: "am 25. August 2025" got its month and year from
    the passage to quote, and only its day is invented (an invented count or amount makes the
    whole sentence suspect)."""
    kept = []
    for sentence in _sentences(answer):
        sentence = drop_days(sentence, unsupported_numbers(sentence, passages, question))
        if any(not invents(sentence, [p], question) and not misplaces(sentence, [p], question)
               for p in passages):
            kept.append(sentence)
    return " ".join(kept)


def supported_lead(text: str, language: str, passages: Sequence[Passage], question: str,
                   enabled: Sequence[str] | None = None) -> str | None:
    """The answer cut after its last leading sentence that passes every check, when what
    follows fails: asked for one sentence, the model sometimes goes on and invents ("This
    phrase refers to ... built in 2016"). The cut part's markers are kept for the lead."""
    parts = _sentences(text)
    for k in range(len(parts) - 1, 0, -1):
        markers = "".join(m.group(0) for m in _MARKER.finditer(" ".join(parts[k:])))
        lead = " ".join(parts[:k])
        lead = reattribute(lead if _MARKER.search(lead) else attach_markers(lead, markers),
                           passages, question)
        if not problems(lead, language, passages, question, enabled):
            return lead
    return None


def reattribute(text: str, passages: Sequence[Passage], question: str) -> str:
    """Point the markers at the passage that holds the answer's numbers and names when the
    cited ones do not, or at the passage whose words it copied: the small model often states
    the right fact and cites its neighbour (it copies "Чхве Ён Сам" from source [1] and cites
    [2]). A cited passage that the answer's own wording comes from keeps its marker, and the
    holder of the missing fact is cited beside it: the answer joined the two."""
    cleaned, cited = clean_markers(text, len(passages))
    cited_passages = [passages[n - 1] for n in cited]
    if not cited:
        return text
    kept: list[int] = []
    if invents(cleaned, cited_passages, question):
        # A year or amount the question asked about, restated beside a passage that lacks it,
        # pins the question's premise on that passage ("Gyeongju, where the 2027 summit is
        # held [2]" with [2] about 2025): citing a second passage that has the number does
        # not make that claim true, so the passage it copied does not keep its marker.
        restated = unsupported_numbers(cleaned, cited_passages, question) & numbers(question)
        wording = set() if restated else wording_sources(cleaned, passages, question)
        kept = [n for n in cited if n in wording]
        holders = [n for n in range(1, len(passages) + 1) if n not in kept and not invents(
            cleaned, [passages[k - 1] for k in kept + [n]], question)]
    else:
        holders = [n for n in [copied_from(cleaned, passages, cited, question)]
                   if n and not invents(cleaned, [passages[n - 1]], question)]
    if not holders:
        return text
    best = holders[0]
    text, now = remap(text, {n: n if n in kept else best for n in range(1, len(passages) + 1)})
    if best not in now:
        last = list(_MARKER.finditer(text))[-1]
        text = f"{text[:last.end()]}[{best}]{text[last.end():]}"
    return text


_ASIDE = re.compile(r"\s*[(（]([^()（）]*)[)）]")


def without_foreign_asides(text: str, language: str) -> str:
    """The answer without bracketed asides in a script foreign to ``language``: the model
    copies a name's source form after its hint and garbles it ("Gyeongju City (Kёнджu)"),
    which leaves a sound answer with a stray foreign word."""
    return _ASIDE.sub(lambda m: "" if foreign_script(m.group(1), language) else m.group(0), text)


def repair_scales(text: str, language: str, passages: Sequence[Passage]) -> str:
    """Fix amounts whose scale word the model mistranslated ("5万" for "5 juta")."""
    cited = clean_markers(text, len(passages))[1]
    sources = " ".join(p.text for p in _cited_or_all(cited, passages))
    return quantities.repair_scales(text, sources, language)


_ABOUT_TRANSLATION = re.compile(
    r"translat|перевод|переве|翻訳|翻译|語訳|번역|bản dịch|dịch sang|terjemah|übersetz|tradu",
    re.I)
# "日本語訳: …", "Перевод: …": a label on the translation's own line.
_LABEL = re.compile(r"^\s*([^:：\n]{1,30})[:：]\s*(?=\S)")


def translation_only(reply: str) -> str:
    """The translation itself: the small model wraps it in a lead-in line, quotes and a
    closing remark ("This is the translation into Russian...")."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", reply) if p.strip()]
    while len(paragraphs) > 1 and (paragraphs[0].endswith((":", "：")) or (
            len(paragraphs[0]) < 80 and _ABOUT_TRANSLATION.search(paragraphs[0]))):
        paragraphs.pop(0)
    text = strip_preamble(paragraphs[0]).lstrip("-• ") if paragraphs else ""
    label = _LABEL.match(text)
    if label and _ABOUT_TRANSLATION.search(label.group(1)):
        text = text[label.end():]
    if len(text) > 1 and text[0] in "\"“«„「" and text[-1] in "\"”»“」":
        text = text[1:-1].strip()
    return text


def keeps_amounts(original: str, translated: str) -> bool:
    """Every amount and year of ``original`` is in ``translated`` with the same value (the
    model likes to spell "5 juta" out as "five million", which no check can then see). Small
    numbers are left out: dates legitimately change form ("5/6" becomes "June 5")."""
    values = [a.value for a in quantities.amounts(_MARKER.sub(" ", translated))]
    return all(any(quantities.same(a.value, v) for v in values)
               for a in quantities.amounts(_MARKER.sub(" ", original))
               if a.scaled or a.value >= 100)


def keeps_names(original: str, translated: str) -> bool:
    """Every person, place and term of ``original`` is in ``translated``, in any of its forms.
    Asked to keep them, the small model still drops them: "саммита 에이펙-2027 в 푸꾸옥"
    came back as "에피크-2027에서", which no longer says where the summit is."""
    return not names.unsupported(original, [translated], names.PROPER)


def keeps_months(original: str, translated: str) -> bool:
    """Every month ``original`` names is in ``translated``, by name or as a number ("May 3
    to 4" came back as "từ ngày 3 đến 4": the days kept, the month lost)."""
    kept = named_months(translated) | months_as_numbers(translated)
    return named_months(original) <= kept


def faithful(original: str, translated: str) -> bool:
    """Whether a translation can stand for ``original``: its amounts, months and names are
    kept, and it brings in no country the original does not mention (the small model rendered
    "Vietnam–Republic of Korea (RoK) festival" as "越南・ロシア共和国 festival")."""
    return (keeps_amounts(original, translated) and keeps_months(original, translated)
            and keeps_names(original, translated)
            and not names.unsupported(translated, [original], ("country",)))
