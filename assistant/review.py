"""The review of a draft answer without asking the model to answer again: the enabled
checks, the repairs that need no model (a mistranslated amount rewritten, a failing tail
cut), the translation of an answer whose only fault is its language, and the quote of a
passage when no answer passes (the extractive fallback, off by default)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import answer, checks, claims, markers, names, repairs, support, texts
from .answer import Citation
from .config import Settings
from .index import ChunkIndex
from .retrieve import Passage
from .stages import Budget
from .translation import Translator


class Reviewer:
    """Holds answers to the ``enabled`` checks; translates with ``translator``; ``index``
    gives the chunk index whose words a name must be among (``check_outside_names``)."""

    def __init__(self, settings: Settings, enabled: Sequence[str], translator: Translator,
                 index: Callable[[], ChunkIndex]) -> None:
        self.settings = settings
        self.enabled = tuple(enabled)
        self.translator = translator
        self._index = index
        self._vocab: tuple[tuple[int, int], frozenset[str]] | None = None

    def repair(self, text: str, language: str, evidence: list[Passage], question: str,
               budget: Budget) -> tuple[str, list[checks.Problem]]:
        """Fix what can be fixed without asking the model to answer again: mistranslated
        amounts are rewritten, sentences that fail after a sound first one are cut, and an
        answer whose only fault is its language is translated (a short translation costs less
        than a second answer, and keeps its facts)."""
        text = repairs.reattribute(repairs.repair_scales(text, language, evidence), evidence,
                                   question)
        found = self.problems(text, language, evidence, question)
        if checks.is_task_output(found):
            return text, found  # a poem's first line is no answer: nothing to cut or translate
        if checks.only_language_is_wrong(found):
            plain = repairs.without_foreign_asides(text, language)
            if plain != text and not self.problems(plain, language, evidence, question):
                return plain, []
        if found and (lead := repairs.supported_lead(text, language, evidence, question,
                                                     self.enabled)):
            return lead, []
        if checks.only_language_is_wrong(found) and (
                translated := self.translated(text, language, evidence, question, budget)):
            return translated, []
        return text, found

    def translated(self, text: str, language: str, evidence: list[Passage], question: str,
                   budget: Budget) -> str | None:
        """An answer put into ``language``, its markers kept, when the budget allows it and
        the translation keeps every figure and name and passes the checks; else None."""
        words, marks = markers.split_markers(text)
        raw = self.translator.within(words, language, budget)
        if raw is None:
            return None
        translated = repairs.repair_scales(markers.attach_markers(raw, marks), language,
                                           evidence)
        if (repairs.faithful(words, translated)
                and not self.problems(translated, language, evidence, question)):
            return translated
        return None

    def problems(self, text: str, language: str, evidence: list[Passage], question: str
                 ) -> list[checks.Problem]:
        """What the enabled checks find wrong with an answer (``checks.problems``)."""
        return checks.problems(text, language, evidence, question, self.enabled)

    def outside(self, text: str, language: str, question: str) -> list[checks.Problem]:
        """A problem when the answer names someone or something no article mentions (a name
        from the model's memory: no list of names can hold it), where the setting asks."""
        if not self.settings.check_outside_names:
            return []
        outside = claims.names_outside(text, language, self._vocabulary(), question)
        return [checks.problem("names", names=", ".join(outside))] if outside else []

    def _vocabulary(self) -> frozenset[str]:
        """Every word of the indexed passages and of the known names' forms, per index
        revision (an ingest adds words)."""
        index = self._index()
        revision = index.revision
        if self._vocab is None or self._vocab[0] != revision:
            forms = [f for entry in names.entities().values() for fs in entry.values()
                     for f in fs]
            self._vocab = (revision, claims.vocabulary(
                [c.text for c in index.all_chunks()] + forms))
        return self._vocab[1]

    def quote_source(self, attempt: str, evidence: list[Passage], question: str) -> int:
        """The passage an extractive answer quotes (1-based): scored by the question, and by
        the facts the model found when they are real."""
        # The failed attempt points at its passage only by its sentences whose facts are in
        # the sources: an invented date would lead to whichever passage shares its digits.
        pointer = repairs.real_facts(attempt, evidence, question)
        quotable = answer.could_answer(evidence, question)
        best = support.attribute(f"{pointer} {question}", [evidence[n - 1] for n in quotable],
                                 question)
        return quotable[best - 1]

    def quote(self, best: int, language: str, evidence: list[Passage], question: str,
              passages: list[Passage], budget: Budget) -> tuple[str, list[Citation]] | None:
        """The answer when the model's cannot be used: what passage ``best`` says, in the
        asker's language (its sentence quoted), or translated when it is foreign and the
        translation keeps its numbers and names; None when a foreign passage cannot be
        translated faithfully within the budget."""
        span = evidence[best - 1]
        citations = answer.make_citations([best], evidence, span.text, question, passages)
        citation = citations[0]
        if citation.language != language:
            # The span the model read is shorter than the sentence: the small model
            # translates it more faithfully, and faster.
            raw = self.translator.within(span.text, language, budget)
            if raw is None:
                return None
            translated = repairs.repair_scales(raw, language, [span])
            if (repairs.faithful(span.text, translated)
                    and not self.problems(f"{translated} [1]", language, [span], question)):
                citation.translation = translated
                return texts.message("extractive_translated", language).format(
                    n=1, text=" ".join(translated.split())), citations
            return None
        return answer.extractive_text(language, citation.sentence, 1), citations
