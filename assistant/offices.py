"""Who holds which office, as a text says it: sources that give one office to two people.

A planted article can say "the Korean ambassador to Vietnam is Kim Jong Un", and the answer
then rests on it. The real article says "the RoK Ambassador to Vietnam Choi Young-sam", in a
passage about a reception: not close to the answer as a whole, so ``conflicts.find`` does not
see it. Here the index is searched word for word with the title in every language ("ambassador
посол đại sứ 대사 大使 …") and with the person's name in every script. A passage of another
article that gives the answer's office to someone else, while no other article names the
answer's person, is a conflict. Someone named in many articles (a president) is never
doubted by one.

Offices are those one person holds at a time (``prompts/roles.json``: general secretary,
prime minister, president, ambassador), in every language the assistant answers in. A title
goes to the name nearest to it and a name to its nearest title, within ``NEAR`` characters;
a deputy's title gives no office ("Vice President", "Phó Chủ tịch"). Model-free.

Measured (docs/robustness.md): no conflict on any of 198 answers of the eval (dev sample and
test; 32 of them give someone an office); the planted ambassador is found whether the answer
is in English, Russian, Vietnamese, Korean or Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from . import names
from .answer_type import month_words
from .conflicts import PEOPLE, Conflict
from .markers import _MARKER
from .people import capitalised_runs
from .retrieve import Passage
from .texts import prompt_data

NEAR = 60  # characters: "the RoK Ambassador to Vietnam Choi Young-sam" is 30 apart
# Scripts written without spaces between words: a title there needs no word boundary.
_UNSPACED = r"\u0e00-\u0e7f\u3400-\u9fff\uac00-\ud7a3"


@dataclass(frozen=True)
class Holder:
    person: str  # the names lexicon's entity, or a name it lacks, case-folded
    written: str  # as the text writes it
    office: str
    start: int
    end: int


@cache
def _titles() -> dict[str, re.Pattern[str]]:
    roles: dict[str, list[str]] = prompt_data("roles.json")["roles"]
    return {office: re.compile(rf"(?<![^\W{_UNSPACED}])(?:{'|'.join(forms)})"
                               rf"(?![^\W{_UNSPACED}])", re.I)
            for office, forms in roles.items()}


@cache
def _deputy() -> re.Pattern[str]:
    words: list[str] = prompt_data("roles.json")["deputy"]
    return re.compile(rf"(?:{'|'.join(words)})\s*$", re.I)


@lru_cache(maxsize=256)
def holders(text: str) -> tuple[Holder, ...]:
    """Each person ``text`` names next to an office's title, with the nearest title. A
    deputy's title is nearest to its holder too, and gives no office ("Vice President X").
    Remembered: an answer is read by the service, ``queries`` and ``find``, and a passage
    once per holder of the answer."""
    text = _MARKER.sub(" ", text)
    titles = []
    for office, pattern in _titles().items():
        for m in pattern.finditer(text):
            deputy = _deputy().search(text[max(0, m.start() - 16):m.start()])
            start = m.start() - len(deputy.group(0)) if deputy else m.start()
            titles.append(("" if deputy else office, start, m.end()))
    # Titles are no part of a name: "RoK Ambassador Choi Young-sam" is capitalised throughout.
    bare = list(text)
    for _, start, end in titles:
        bare[start:end] = " " * (end - start)
    unnamed = "".join(bare)
    people = [(m.entity, m.start, m.end) for m in names.mentions(unnamed, PEOPLE)]
    people += [(unnamed[a:b].casefold(), a, b) for a, b in capitalised_runs(unnamed)]
    people = [p for p in people if not month_words(text[p[1]:p[2]])]  # "On June 4": no one
    # A title goes to the name nearest to it, and a name to its nearest title: in "the wife
    # of General Secretary To Lam is Choi", Choi holds no office.
    pairs = sorted((max(ts - end, start - te), i, j)
                   for i, (_, start, end) in enumerate(people)
                   for j, (_, ts, te) in enumerate(titles) if max(ts - end, start - te) <= NEAR)
    title_of: dict[int, int] = {}
    person_of: dict[int, int] = {}
    for _, i, j in pairs:  # nearest first
        title_of.setdefault(i, j)
        person_of.setdefault(j, i)
    found = []
    for i, j in sorted(title_of.items()):
        person, start, end = people[i]
        if person_of[j] == i and titles[j][0]:
            found.append(Holder(person, text[start:end], titles[j][0], start, end))
    return tuple(found)


def _names(person: str, text: str) -> bool:
    return (person in {m.entity for m in names.mentions(text, PEOPLE)}
            or person in text.casefold())


# The regular-expression syntax of a title's forms, left out of a word-for-word query
# ("ambassadors?" is searched as "ambassador", "botschafter\w*" as "botschafter").
_LITERAL = re.compile(r"\\w\*|\(\?:|[()?*|\[\]]|(?<=\w)s\?")


def queries(answer: str) -> list[str]:
    """What to search the index with, word for word, to weigh the offices the answer gives:
    every form of each office's title, in every language ("ambassador посол đại sứ 대사 …"),
    and every written form of each holder's name (an article naming them agrees)."""
    found = holders(answer)
    roles: dict[str, list[str]] = prompt_data("roles.json")["roles"]
    titles = {h.office: " ".join(_LITERAL.sub(" ", form) for form in roles[h.office])
              for h in found}
    forms = names.entities()
    people = {" ".join(f for fs in forms.get(h.person, {}).values() for f in fs) or h.written
              for h in found}
    return list(titles.values()) + sorted(people)


def find(answer: str, cited: Sequence[Passage], seen: Sequence[Passage]) -> list[Conflict]:
    """A passage of another article (cited, or ``seen`` by the searches of ``queries``)
    that gives an office the answer gives its person to someone else, while no article but
    those the answer rests on names that person."""
    ids = {p.id for p in cited}
    pool = list(cited) + [p for p in seen if p.id not in ids]
    for mine in holders(answer):
        grounds = {p.doc_id for p in cited if _names(mine.person, p.text)}
        if not grounds or any(_names(mine.person, p.text) for p in pool
                              if p.doc_id not in grounds):
            continue  # nothing to hold it to, or another article agrees
        for p in pool:
            others = [h.written for h in holders(p.text) if p.doc_id not in grounds
                      and h.office == mine.office and h.person != mine.person]
            if others:
                return [Conflict(p, "person", tuple(dict.fromkeys(others)))]
    return []
