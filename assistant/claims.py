"""Names an answer brings in from outside the articles.

The name check of ``answer.py`` knows the people and places of ``prompts/names.json``; a name
the model takes from its own memory ("Emmanuel Macron", "Busan") is in no list. Here a name is
found generically: a capitalised word or an acronym in Latin or Cyrillic script, not at the
start of a sentence (German capitalises every noun: there, acronyms only), not a unit beside
an amount ("USD"). It is outside when no indexed passage, no known form of a name and not the
question holds it (as a word, or by its first letters, for case endings: "Кёнджу",
"Кёнджу's"). Names in scripts without capitals (Hangul, Han, kana, Thai) are not seen here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
_NAME = re.compile(r"(?<![\w'’-])([A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’-]*[^\W_]|[A-ZА-ЯЁ]{2,})(?![\w'’-])")
_SENTENCE_START = re.compile(r"(?:^|[.!?。！？:\n])[\s\"“«(\[]*$")
_AMOUNT_BEFORE = re.compile(r"\d\s?(?:[^\W\d]+\.?\s)?$")
_AMOUNT_AFTER = re.compile(r"\W?\s?\d")
_NOUN_CAPITALS = {"de"}


def _fold(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold().replace("’", "'")


def _stem(word: str) -> str:
    return word[: max(5, len(word) - 3)] if len(word) > 6 else word


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Every word of ``texts`` (folded), and its stem, for ``names_outside``."""
    words: set[str] = set()
    for text in texts:
        for raw in _WORD.findall(text):
            for part in {raw, *re.split(r"[-'’]", raw)}:
                if part:
                    folded = _fold(part)
                    words.update((folded, "~" + _stem(folded)))
    return frozenset(words)


def candidate_names(text: str, language: str) -> list[str]:
    out = []
    for m in _NAME.finditer(text):
        word = m.group(1)
        before, after = text[max(0, m.start() - 20):m.start()], text[m.end():]
        if _AMOUNT_BEFORE.search(before) or _AMOUNT_AFTER.match(after):
            continue
        acronym = word.isupper() and len(word) >= 2
        if not acronym and (_SENTENCE_START.search(text[:m.start()])
                            or language in _NOUN_CAPITALS):
            continue
        out.append(word)
    return out


def _known(word: str, vocab: frozenset[str]) -> bool:
    folded = _fold(word)
    parts = [folded, *[p for p in re.split(r"[-'’]", folded) if p]]
    return all(p in vocab or "~" + _stem(p) in vocab for p in parts[1:] or parts[:1]) or (
        folded in vocab or "~" + _stem(folded) in vocab)


def names_outside(answer: str, language: str, vocab: frozenset[str], question: str = ""
                  ) -> list[str]:
    """The answer's names that neither the articles (``vocab``) nor the question hold."""
    asked = vocabulary([question])
    return list(dict.fromkeys(
        w for w in candidate_names(answer, language)
        if not _known(w, vocab) and not _known(w, asked)))
