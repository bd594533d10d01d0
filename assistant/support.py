"""What supports an answer: the numbers and names no given passage holds, the passage whose
words it copied, the passage and sentence that best back it. Every check and repair builds
on these; model-free and deterministic."""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import names, people, quantities
from .answer_type import (
    month_words,
    months_as_numbers,
    named_months,
    season_words,
    seasons_of,
)
from .chunking import split_sentences
from .lexical import tokenize
from .markers import (
    _MARKER,
    _NUMBER,
    numbers,
)
from .retrieve import Passage


def ground_question(question: str, passages: Sequence[Passage]) -> str:
    """The question without the amounts and years that no passage holds. Small numbers stay:
    "ngày 5/6" and "6월 5일" are dates that a source writes "June 5"."""
    text = " ".join(p.text for p in passages)
    held = numbers(text)
    values = [a.value for a in quantities.amounts(text)]
    kept: list[tuple[int, int]] = []  # amounts a source states with another scale word
    out = question
    for amount in reversed(quantities.amounts(question)):
        if not amount.scaled:
            continue
        if any(quantities.same(amount.value, v) for v in values):
            kept.append((amount.start, amount.end))
        else:
            out = out[:amount.start] + " " * (amount.end - amount.start) + out[amount.end:]

    def keep(m: re.Match[str]) -> str:
        raw = m.group(0)
        if any(a <= m.start() < b for a, b in kept) or (raw.isdigit() and int(raw) <= 31):
            return raw
        return raw if numbers(raw) <= held else " " * len(raw)

    return _NUMBER.sub(keep, out)


def unsupported_numbers(answer: str, cited: Sequence[Passage], question: str = "") -> set[str]:
    """Numbers in the answer that the cited passages do not contain; an amount written with
    another scale word ("1,500억" for "150 billion") counts as contained. The question's
    numbers count only where the cited passages hold them (small ones always: a "5/6" asked
    is a "June 5" written): "the 2027 summit [2]" citing a passage about 2025 is not grounded,
    whatever another passage says. A month the answer writes as a number ("5월 3일") counts as
    contained where a cited passage names that month ("May 3 to 4")."""
    given = " ".join([ground_question(question, cited)] + [p.text for p in cited])
    allowed = numbers(given)
    values = [a.value for a in quantities.amounts(given)]
    for amount in quantities.amounts(_MARKER.sub(" ", answer)):
        if amount.scaled and any(quantities.same(amount.value, v) for v in values):
            allowed |= numbers(amount.text)
    allowed |= months_as_numbers(answer) & named_months(given)
    # A month the answer names is a figure of its date: "В феврале [1]" needs a cited passage
    # that names February or writes it as a number ("5/2/2025"). The question's months do
    # not count: "in August?" is a premise, not a source.
    sourced = " ".join(p.text for p in cited)
    held = named_months(sourced) | months_as_numbers(sourced)
    bare = _MARKER.sub(" ", answer)
    months = {word for n, word in month_words(bare).items() if n not in held}
    # A season is a time too: "le printemps [1]" needs a cited passage that names spring, or
    # a month of it, in any language.
    seasons = set(season_words(sourced)) | seasons_of(held)
    unheld = {word for season, word in season_words(bare).items() if season not in seasons}
    return {n for n in numbers(answer) if n not in allowed} | months | unheld


def unsupported_names(answer: str, cited: Sequence[Passage], question: str = "") -> list[str]:
    """Names of places and people in the answer that neither the cited passages nor the
    question mention, in any language ("Fukuoka" where the source says "Фукуок"), and
    people the names lexicon lacks that they do not hold ("Kim Jong Un", people.py)."""
    text = _MARKER.sub(" ", answer)
    sources = [p.text for p in cited]
    return names.unsupported(text, [question] + sources) + people.invented(
        text, sources, question)


def invents(answer: str, passages: Sequence[Passage], question: str) -> bool:
    """The answer states numbers or names that no given passage (nor the question) holds."""
    return bool(unsupported_numbers(answer, passages, question)
                or unsupported_names(answer, passages, question))


def answer_words(answer: str, question: str) -> set[str]:
    """The answer's own words: not its numbers, stems or markers, nor the question's words."""
    words = {t for t in tokenize(_MARKER.sub(" ", answer))
             if not t[0].isdigit() and not t.endswith("~")}  # "~": stems, not words
    return words - set(tokenize(question))


def wording_sources(answer: str, passages: Sequence[Passage], question: str,
                    least: int = 2) -> set[int]:
    """Numbers (1-based) of the passages holding ``least`` of the answer's words that at most
    half of the given passages hold (words every passage has, like "the", prove nothing)."""
    vocab = [set(tokenize(p.text)) for p in passages]
    rare = {w for w in answer_words(answer, question)
            if sum(w in v for v in vocab) * 2 <= len(passages)}
    return {n for n, v in enumerate(vocab, 1) if len(rare & v) >= least}


def copied_from(answer: str, passages: Sequence[Passage], cited: Sequence[int],
                question: str, least: int = 2) -> int | None:
    """The passage the answer copies its wording from, when it cites another: ``least`` of
    its words (not the question's) are found in that passage alone among those given, and
    none of the cited ones' own words are ("Pusat Kebudayaan" copied from the Indonesian
    source while citing an English one). A single shared word happens by chance."""
    words = answer_words(answer, question)
    vocab = [set(tokenize(p.text)) for p in passages]
    own = [v - set().union(*(o for j, o in enumerate(vocab) if j != i))
           for i, v in enumerate(vocab)]
    # A lower-case Latin word inside an answer in another script ("kuotaと") is copied, not
    # met by chance: it counts twice.
    copied = ({w for w in tokenize(" ".join(_LATIN_RUN.findall(answer))) if w in words}
              if _NON_LATIN.search(answer) else set())
    shared = [len(words & o) + len(copied & o) for o in own]
    if any(shared[n - 1] for n in cited):
        return None
    best = max(range(len(passages)), key=shared.__getitem__)
    return best + 1 if shared[best] >= least else None


_KANA_HAN_HANGUL = r"\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3"
_LATIN = r"A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LATIN_RUN = re.compile(rf"(?<![{_LATIN}])[a-z\u00df-\u024f\u1e00-\u1eff]{{3,}}(?![{_LATIN}])")
_NON_LATIN = re.compile(rf"[\u0400-\u04ff{_KANA_HAN_HANGUL}]")


# --- citations ------------------------------------------------------------------------------

def supporting_sentence(passage: Passage, answer: str, question: str = "") -> tuple[str, int, int]:
    """The passage sentence that best supports the answer: shared numbers weigh most."""
    sentences = split_sentences(passage.text) or []
    if not sentences:
        return passage.text, passage.char_start, passage.char_end
    answer_numbers = numbers(answer)
    wanted = set(tokenize(answer + " " + question))

    def score(i: int) -> tuple[float, int]:
        s = passage.text[sentences[i].start:sentences[i].end]
        return (3 * len(answer_numbers & numbers(s)) + len(wanted & set(tokenize(s))), -i)

    best = sentences[max(range(len(sentences)), key=score)]
    return (passage.text[best.start:best.end], passage.char_start + best.start,
            passage.char_start + best.end)


def attribute(answer: str, passages: Sequence[Passage], question: str) -> int:
    """Number (1-based) of the given passage that best supports an answer with no marker: one
    that holds all its numbers and names, then the one whose own words it copies, then the
    most shared numbers and words (a Russian answer shares more words with a Russian passage
    than with the English one that holds its year)."""
    answer_numbers = numbers(answer)
    wanted = set(tokenize(answer))
    copied = copied_from(answer, passages, [], question)

    def score(i: int) -> tuple[bool, bool, float, int]:
        p = passages[i]
        return (not invents(answer, [p], question), copied == i + 1,
                3 * len(answer_numbers & numbers(p.text)) + len(wanted & set(tokenize(p.text))),
                -i)

    return max(range(len(passages)), key=score) + 1
