"""Sources that disagree with an answer: shown beside it, never merged into it.

An answer is held to the passages it cites. A planted or mistaken article can be the passage
retrieved ("the Korean ambassador to Vietnam is Kim Jong Un"), and the answer is then
grounded in it. Here the answer itself is the search query: the other articles' passages
closest to it are the ones that speak of the same thing. When one of them is close enough (or
is cited beside the one the answer rests on), states values of the same kind (amounts, or
names of people) and none of the answer's, while no article but the one the answer rests on
states the answer's values, the sources disagree, and the answer carries that passage as a
``Conflict``. One article that agrees outweighs one that does not: the three real articles'
"150 billion" is not doubted by a planted "900 billion".

Measured (docs/robustness.md): at the default closeness 0.88, no conflict on any of 198
answers of the eval (dev sample and test), and the planted 900 billion is found (0.897).

Model-free and language-independent: amounts are compared as values (``quantities``), people
by the names lexicon's entities across scripts, or, for a name the lexicon lacks ("Kim Jong
Un"), by its letters in the passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import names, quantities
from .markers import _MARKER
from .people import capitalised_runs
from .retrieve import Passage

PEOPLE = ("person",)


@dataclass(frozen=True)
class Conflict:
    """A passage of another article that states something else than the answer does."""

    passage: Passage
    kind: str  # "amount" or "person"
    theirs: tuple[str, ...]  # the values it states, as written there


@dataclass(frozen=True)
class Values:
    amounts: tuple[float, ...]
    people: frozenset[str]  # entities of the names lexicon
    other_names: tuple[str, ...]  # capitalised names the lexicon lacks, as written

    @property
    def empty(self) -> bool:
        return not (self.amounts or self.people or self.other_names)


def values(text: str, language: str) -> Values:
    """The amounts (of 32 or more, or with a scale word: small numbers are days and months)
    and the people that ``text`` names."""
    text = _MARKER.sub(" ", text)
    amounts = tuple(a.value for a in quantities.amounts(text) if _is_amount(a))
    people = frozenset(m.entity for m in names.mentions(text, PEOPLE))
    others = tuple(text[start:end] for start, end in capitalised_runs(text))
    return Values(amounts, people, others)


def _is_amount(amount: quantities.Amount) -> bool:
    """An amount worth comparing: scaled, or 32 or more and not a year (small numbers are
    days and months, written differently in each language)."""
    if amount.scaled:
        return True
    return amount.value >= 32 and not (1800 <= amount.value <= 2099
                                       and amount.value == int(amount.value))


def _holds(answer: Values, passage: str) -> dict[str, bool | None]:
    """Per kind, whether the passage states one of the answer's values (None: the answer
    states none of that kind)."""
    theirs = values(passage, "")
    out: dict[str, bool | None] = {"amount": None, "person": None}
    if answer.amounts:
        out["amount"] = any(quantities.same(a, b) for a in answer.amounts for b in theirs.amounts)
    if answer.people or answer.other_names:
        out["person"] = bool(answer.people & theirs.people) or any(
            name.casefold() in passage.casefold() for name in answer.other_names)
    return out


def _stated(kind: str, passage: str) -> tuple[str, ...]:
    """The values of ``kind`` that ``passage`` states, as written there."""
    clean = _MARKER.sub(" ", passage)
    if kind == "amount":
        return tuple(a.text.strip() for a in quantities.amounts(clean) if _is_amount(a))
    return tuple(clean[m.start:m.end] for m in names.mentions(clean, PEOPLE))


def find(answer: str, language: str, cited: Sequence[Passage], near: Sequence[Passage],
         closeness: float) -> list[Conflict]:
    """Passages of other articles that contradict the answer: a cited one, or one of ``near``
    (retrieved with the answer as the query, ``similarity`` to it set) at least
    ``closeness`` similar, that states values of a kind the answer states and none of the
    answer's, while no article but those the answer rests on states the answer's values."""
    mine = values(answer, language)
    if mine.empty or not cited:
        return []
    ids = {p.id for p in cited}
    pool = list(cited) + [p for p in near if p.id not in ids and p.similarity >= closeness]
    held = [(p, _holds(mine, p.text)) for p in pool]  # each passage read once, both kinds
    found: list[Conflict] = []
    for kind in ("amount", "person"):
        verdicts = [(p, h[kind]) for p, h in held]
        grounds = {p.doc_id for p, v in verdicts if v and p.id in ids}
        if not grounds or any(v for p, v in verdicts if p.doc_id not in grounds):
            continue  # nothing of this kind to hold it to, or another article agrees
        for p, v in verdicts:
            if p.doc_id not in grounds and v is False and (theirs := _stated(kind, p.text)):
                found.append(Conflict(p, kind, theirs))
                break
    return found
