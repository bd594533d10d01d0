"""The checks an answer is held to, as a registry of units that return typed problems.

Each check reads a ``Claim`` (the answer, its cited passages, the question, the asker's
language) and returns ``Problem``s: the kind, for code to act on, and details that
``problems.json`` turns into the sentence the model reads when it is asked again. Settings
choose which checks run (``check_policy``, ``checks``); nothing parses those sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import countries, names, quantities
from .answer_type import (
    asks_where,
    could_state,
    expected_answer_type,
)
from .language import detect_language
from .markers import (
    _MARKER,
    clean_markers,
    is_bare,
)
from .retrieve import Passage
from .support import (
    _KANA_HAN_HANGUL,
    attribute,
    unsupported_names,
    unsupported_numbers,
)
from .texts import language_label, prompt_data


@dataclass(frozen=True)
class Problem:
    """Why an answer cannot be shown as it is: ``kind`` for code to act on, ``detail`` the
    values (figures, names, languages) that ``problems.json`` puts in its sentence."""

    kind: str
    detail: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """The sentence the model reads when it is asked again (``prompts/problems.json``)."""
        template: str = prompt_data("problems.json")[self.kind]
        return template.format(**dict(self.detail))

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


def problem(kind: str, **detail: str) -> Problem:
    if kind not in prompt_data("problems.json"):
        raise KeyError(f"no sentence for problem kind {kind!r} in prompts/problems.json")
    return Problem(kind, tuple(sorted(detail.items())))


@dataclass(frozen=True)
class Claim:
    """An answer as every check reads it: its words without markers, the passages it cites
    (all given ones when it cites none: it will be attributed to one of them), the question
    as the checks read it (``support.ground_question``) and the asker's language."""

    text: str
    cited: tuple[int, ...]
    language: str
    passages: tuple[Passage, ...]
    question: str

    @classmethod
    def of(cls, text: str, language: str, passages: Sequence[Passage], question: str
           ) -> Claim:
        cleaned, cited = clean_markers(text, len(passages))
        return cls(cleaned, tuple(cited), language, tuple(passages), question)

    @property
    def words(self) -> str:
        return _MARKER.sub("", self.text)

    @property
    def cited_passages(self) -> list[Passage]:
        return _cited_or_all(self.cited, self.passages)


Check = Callable[[Claim], list[Problem]]
CHECKS: dict[str, Check] = {}
# What a policy runs: a small local model is held to every check; a strong model behind an
# OpenAI-compatible API to the ones no model is above (grounded figures and names, the
# asker's language), so that its better wording is not sent back for the small model's faults.
POLICIES: dict[str, tuple[str, ...]] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check under ``name`` (the name settings and traces use)."""
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn
    return register


@check("figure")
def _figure(claim: Claim) -> list[Problem]:
    """A bare figure is no sentence; asked how many, an answer without the kind of figure
    that counts ("How much has Samsung invested?" answered with what Samsung does, "how many
    tourists?" answered with the trade target) does not answer."""
    words = claim.words
    if not re.search(r"[^\W\d_]{2,}", words):
        return [problem("only_figure")]
    if expected_answer_type(claim.question) == "quantity" and not could_state(
            "quantity", words, claim.question):
        return [problem("wrong_figure" if quantities.has_figure(words) else "no_figure")]
    return []


@check("language")
def _language(claim: Claim) -> list[Problem]:
    """Written in the asker's language, without words of another script mixed in."""
    found = answer_language(claim.text, claim.language)
    wanted = language_label(claim.language)
    if found != claim.language:
        return [problem("wrong_language", found=language_label(found), wanted=wanted)]
    if foreign := foreign_script(claim.words, claim.language):
        return [problem("mixed_script", wanted=wanted, foreign=foreign)]
    return []


@check("numbers")
def _numbers(claim: Claim) -> list[Problem]:
    """Every number is in a cited passage (or, where a passage holds it, the question)."""
    bad = unsupported_numbers(claim.text, claim.cited_passages, claim.question)
    return [problem("numbers", numbers=", ".join(sorted(bad)))] if bad else []


@check("names")
def _names(claim: Claim) -> list[Problem]:
    """Every name of a place or person is in a cited passage or the question, in any script."""
    missing = unsupported_names(claim.text, claim.cited_passages, claim.question)
    return [problem("names", names=", ".join(missing))] if missing else []


@check("place")
def _place(claim: Claim) -> list[Problem]:
    """Asked where, the place is one where a cited passage says something happens (an
    unknown name is the names check's problem, not this one's)."""
    if unsupported_names(claim.text, claim.cited_passages, claim.question):
        return []
    wrong = misplaces(claim.text, claim.cited_passages, claim.question)
    return [problem("place", places=", ".join(wrong))] if wrong else []


@check("term")
def _term(claim: Claim) -> list[Problem]:
    """A term the question asks about that a given passage mentions is in a cited one."""
    missed = off_topic(claim.text, claim.cited, claim.passages, claim.question)
    return [problem("term", terms=", ".join(missed))] if missed else []


@check("scale")
def _scale(claim: Claim) -> list[Problem]:
    """Amounts keep the scale word of the sources (150 billion is not 150억)."""
    sources = " ".join(p.text for p in claim.cited_passages)
    return [problem("scale", amount=amount.text, meant=quantities.render(meant, claim.language))
            for amount, meant in quantities.wrong_scale(claim.text, sources)]


@check("currency")
def _currency(claim: Claim) -> list[Problem]:
    """Amounts keep the currency of the sources (US$150 billion is not 150 milliards d'euros)."""
    given = quantities.currencies(" ".join(p.text for p in claim.cited_passages))
    wrong = quantities.currencies(claim.words) - given
    if not wrong:
        return []
    name = quantities.currency_name
    return [problem("currency", wrong=", ".join(name(c) for c in sorted(wrong)),
                    given=", ".join(name(c) for c in sorted(given)) or "none")]


@check("countries")
def _countries(claim: Claim) -> list[Problem]:
    """Every country the answer names is named by the question or by the article of a
    passage it cites (from the complete lexicon of ``countries.py``, in any language): the
    small model writes "Thailand" for "South Korea" in Thai, or puts APEC in Russia."""
    cited = claim.cited_passages
    if any(p.countries is None for p in cited):
        return []  # a store indexed before articles kept their countries
    known = countries.named(claim.question).union(*(p.countries or () for p in cited))
    extra = countries.named(claim.words) - known
    names_ = ", ".join(countries.name_of(c, claim.language) for c in sorted(extra))
    return [problem("countries", countries=names_)] if extra else []


# Program code in any programming language: a fenced block, an inline code span or a
# snake_case identifier ("`sort_numbers`"), or a line that opens a definition, a loop, an
# import or a statement the way code does. News articles hold none.
_CODE = re.compile("|".join((
    r"```",
    r"`[^`\n]+`",
    r"\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b",
    r"^\s*def \w+\s*\(",
    r"^\s*(?:function|func|fn)\s+\w+\s*\(",
    r"^\s*class \w+\s*[:({]",
    r"^\s*(?:import|from\s+[\w.]+\s+import)\s+[\w.*, ]+;?\s*$",
    r"^\s*#include\s*[<\"]",
    r"^\s*(?:public|private|static|void|int)\s+[\w<>\[\]]+\s+\w+\s*\(",
    r"^\s*(?:let|const|var)\s+\w+\s*=",
    r"^\s*for\s*\(.*;.*;|^\s*(?:for\s+\w+\s+in|while)\s+.+:\s*$",
    r"^\s*(?:while|if)\s*\(.*\)\s*\{",
    r"^\s*return\s+[\w().\[\]+\-*/ ]+;?\s*$",
    r"\bprint\(|\bconsole\.log\(|\bSystem\.out\.print",
    r"^\s*[\w.]+\s*=\s*[\w.]+\(.*\)\s*;?\s*$",
)), re.MULTILINE)


@check("code")
def _code(claim: Claim) -> list[Problem]:
    """Program code ("def sort_numbers(...)") cannot come from news articles: the model wrote
    it, whatever passage it cites."""
    if _CODE.search(claim.words) and not any(_CODE.search(p.text)
                                             for p in claim.cited_passages):
        return [problem("code")]
    return []


# Lines that are a reply's scaffolding, not its verse: a list item ("1. ", "- "), a label
# ("Explanation:", "Source: [3]") or a bare marker, markers read as everywhere else
# (``markers``). The small model often follows a right sentence with "Explanation:" and a
# numbered list; the supported-lead repair cuts that.
_SCAFFOLD = re.compile(r"^\s*(?:\d{1,2}[.)]\s|[-*•–]\s)|[:：]\s*$")


def _is_scaffold(line: str) -> bool:
    return is_bare(line) or bool(_SCAFFOLD.search(_MARKER.sub(" ", line)))


@check("verse")
def _verse(claim: Claim) -> list[Problem]:
    """Three lines or more that are neither list items nor labels: a poem or a song, the
    shape of what a request for one gets, and never of the one sentence asked for from news
    paragraphs (none of the dev sample's 613 replies had it). The answer is not in the
    sources, whatever it cites."""
    lines = [line for line in claim.text.splitlines() if not _is_scaffold(line)]
    return [problem("verse")] if len(lines) >= 3 else []


# What a request for a task gets, not an answer from the sources: asking again would only
# dress the same request up as one (the model wrote a source-like sentence under a poem).
TASK_OUTPUTS = ("code", "verse")

POLICIES.update(strict=tuple(CHECKS),
                light=("language", "numbers", "names", "currency", "code", "countries"))


def problems(text: str, language: str, passages: Sequence[Passage], question: str,
             enabled: Sequence[str] | None = None) -> list[Problem]:
    """Why an answer cannot be shown as it is (empty list: it can), from the ``enabled``
    checks in registry order (all when None). An answer with nothing but markers has one
    problem, and no check runs on it."""
    claim = Claim.of(text, language, passages, question)
    if is_bare(claim.text):
        return [problem("empty")]
    return [found for name, run in CHECKS.items() if enabled is None or name in enabled
            for found in run(claim)]


def misplaces(answer: str, passages: Sequence[Passage], question: str) -> list[str]:
    """Asked "where?", the places the answer names that no given passage says anything
    happens in (see ``names.misplaced``)."""
    if not asks_where(question):
        return []
    return names.misplaced(_MARKER.sub(" ", answer), [p.text for p in passages])


def off_topic(answer: str, cited: Sequence[int], passages: Sequence[Passage], question: str
              ) -> list[str]:
    """Terms the question asks about (APEC, ODA) that a given passage mentions and no cited
    one does: asked where Korea will expand its ODA, the small model answers from the
    investment sentence beside the ODA one."""
    asked = names.topics(question)
    if not asked:
        return []
    # An answer with no marker will be attributed to one passage: that one must be about the
    # term asked ("конвенция"), not the sentence beside it that the answer copied.
    about = ([passages[n - 1] for n in cited]
             or [passages[attribute(answer, passages, question) - 1]])
    cited_topics = set().union(*(names.topics(p.text) for p in about))
    given = set().union(*(names.topics(p.text) for p in passages))
    return [names.form_in(t, "en") for t in sorted(asked & given - cited_topics)]


def answer_language(text: str, fallback: str, keep_quotes: bool = False) -> str:
    """Language of the answer's own words: markers removed, and quoted source text too unless
    ``keep_quotes`` (the eval keeps them, so a quoted foreign sentence counts against it)."""
    stripped = _MARKER.sub(" ", text)
    return detect_language(stripped if keep_quotes else _without_quotes(stripped),
                           default=fallback)


def _without_quotes(text: str) -> str:
    return re.sub(r"[“«「\"„].*?[”»」\"“]", " ", text)


def _cited_or_all(cited: Sequence[int], passages: Sequence[Passage]) -> list[Passage]:
    """What an answer's facts must come from: its cited passages, or all given when it cites
    none (it will be attributed to one of them)."""
    return [passages[n - 1] for n in cited] or list(passages)




_SCRIPTS = {
    "Cyrillic": re.compile(r"[\u0400-\u04ff]{2,}"),
    "Hangul": re.compile(r"[\uac00-\ud7a3]"),
    "Chinese": re.compile(r"[\u4e00-\u9fff]"),
    "Japanese kana": re.compile(r"[\u3040-\u30ff]"),
    "Thai": re.compile(r"[\u0e00-\u0e7f]"),
}
# Scripts an answer in the language may contain (Latin names are fine everywhere).
_OWN_SCRIPTS = {"ru": {"Cyrillic"}, "uk": {"Cyrillic"}, "ko": {"Hangul"}, "zh": {"Chinese"},
                "ja": {"Chinese", "Japanese kana"}, "th": {"Thai"}}


# Lower-case Latin words: names and acronyms are capitalised, sentences of another language
# ("Korea memiliki 많은 hal", "в отрасли infrastructure") are not.
_LATIN_WORD = re.compile(r"(?<![^\W\d_])[a-z\u00df-\u024f\u1e00-\u1eff]{2,}(?![^\W\d_])")


# Lower-case Latin letters written onto kana, Han or Hangul ("kuotaと", "インフォラストラクture"):
# a word copied from a source, or one the model broke off halfway. Units follow a digit.
# "Young-samは" is a name: the parts of a hyphenated word belong to it.
_GLUED_LATIN = re.compile(
    rf"(?<=[{_KANA_HAN_HANGUL}])[a-z]{{3,}}(?![A-Za-z'’-])|"
    rf"(?<![\dA-Za-z'’-])[a-z]{{3,}}(?=[{_KANA_HAN_HANGUL}])")


def foreign_script(text: str, language: str) -> str | None:
    """A script the answer should not contain ("150 млрд" inside a Korean answer), or Latin
    words of another language inside an answer whose language has its own script."""
    own = _OWN_SCRIPTS.get(language, set())
    found = next((name for name, pattern in _SCRIPTS.items()
                  if name not in own and pattern.search(text)), None)
    if found is None and own and (len(_LATIN_WORD.findall(plain := _without_quotes(text))) >= 2
                                  or _GLUED_LATIN.search(plain)):
        return "Latin"
    return found


def is_task_output(found: Sequence[Problem]) -> bool:
    """Whether the answer is code or verse (``TASK_OUTPUTS``): nothing to repair or retry."""
    return any(p.kind in TASK_OUTPUTS for p in found)


def only_language_is_wrong(found: Sequence[Problem]) -> bool:
    return len(found) == 1 and found[0].kind in ("wrong_language", "mixed_script")
