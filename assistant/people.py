"""Names of people that the names lexicon lacks ("Kim Jong Un", "Nguyen Ba Hoan").

The lexicon (``prompts/names.json``) knows the articles' people in every script; a user's
article, a planted one or the model's memory brings others. Two readings:
- ``capitalised_runs``: two or more capitalised words in a row, Latin or Cyrillic, that are
  no known name, place or country. Loose: in conflicts.py a run is only compared with other
  texts' runs, and a phrase ("The Comprehensive Strategic Partnership") does no harm there.
- ``invented``: those runs that start with a family name (``prompts/surnames.json``:
  Korean, Vietnamese, Chinese and Japanese, romanised and in Russian) and that neither the
  question nor any source holds. A capitalised phrase in the answer's language ("La Semana
  de Líderes", German nouns) starts with no family name, so this can hold an answer to the
  people it names. The small model answered "who governs Korea?" in German with "Kim Jong Un
  [1]", which no check saw.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from . import countries, names
from .answer_type import month_words
from .texts import prompt_data

# Letters of Latin and Cyrillic only: "Kim Jong Un입니다" is a name and a Korean ending.
_CAPITALISED = r"[A-ZÀ-ÖØ-ÞĐА-ЯЁ][A-Za-zÀ-ɏḀ-ỿА-яЁё'’-]*"
_RUN = re.compile(rf"(?<![\w'’-]){_CAPITALISED}(?:\s+{_CAPITALISED})+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)$")


def capitalised_runs(text: str) -> list[tuple[int, int]]:
    """Where ``text`` writes two or more capitalised words in a row that are no name, place
    or country of the lexicon ("Республики Корея" is a country)."""
    known = names.mentions(text, names.KINDS)
    return [(m.start(), m.end()) for m in _RUN.finditer(text)
            if not any(k.start < m.end() and m.start() < k.end for k in known)
            and not countries.named(m.group(0))]


@cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    data = prompt_data("surnames.json")
    return (frozenset(names.fold(n)[0] for n in data["latin"] + data["cyrillic"]),
            frozenset(data["not_first"]))


def _squeezed(text: str) -> str:
    """Folded, without spaces and hyphens: "Young-sam" is "Young Sam" is "youngsam"."""
    return re.sub(r"[\s\-‐-‒–]+", "", names.fold(text)[0])


def invented(answer: str, sources: Sequence[str], question: str = "") -> list[str]:
    """People's names in ``answer`` (a family name, then one to three capitalised words)
    that the lexicon lacks and neither ``question`` nor any of ``sources`` holds. A name is
    held to the sources written in its script only: "Nguyen Ba Hoan" cannot be compared with
    "Нгуен Ба Хоан", so it is not doubted where every source is Russian."""
    surnames, not_first = _surnames()
    held = _squeezed(" ".join([question, *sources]))
    scripts = {_script(s) for s in sources}
    found = []
    for start, end in capitalised_runs(answer):
        words = list(re.finditer(r"\S+", answer[start:end]))
        # The name starts at its family name: "Министр Буй Тхань Шон", "Der Beamte Kim Jong Un".
        at = next((i for i, w in enumerate(words)
                   if names.fold(w.group(0).split("-")[0])[0] in surnames), None)
        if at is None or at == len(words) - 1 or len(words) - at > 4:
            continue
        first = names.fold(words[at].group(0))[0]
        begin = start + words[at].start()
        run = answer[begin:end]
        if month_words(run) or (first in not_first and _SENTENCE_START.search(answer[:begin])):
            continue
        if _script(run) in scripts and _squeezed(run) not in held:
            found.append(run)
    return list(dict.fromkeys(found))


def _script(text: str) -> str:
    return "cyrillic" if re.search(r"[\u0400-\u04ff]", text) else "latin"
