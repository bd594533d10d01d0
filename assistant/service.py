"""The Assistant service: the one object the CLI, web UI and Python API all talk to."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from . import answer, checks, conflicts, countries, markers, offices, support, texts
from .answer import Answer, Citation
from .answer_type import could_state, expected_answer_type, years
from .config import Settings, load_settings, prepare_offline_environment
from .errors import InputError, ModelError
from .evidence import EvidencePicker
from .index import ChunkIndex
from .ingest import IngestReport, Progress, ingest
from .inputs import check_history, check_text
from .model_calls import ModelCalls
from .retrieve import Mode, Passage, Retriever, standalone_query
from .review import Reviewer
from .stages import Budget, Draft, Review, Run
from .translation import TranslationStore, Translator

History = Sequence[tuple[str, str]]
log = logging.getLogger(__name__)


@dataclass
class Sources:
    """First event of ``Assistant.stream``: the passages retrieved for the question."""

    passages: list[Passage]
    language: str


@dataclass
class Delta:
    """A piece of answer text. By default only the final answer's text is streamed, once the
    checks have passed it: it is what stays. With ``stream_drafts`` set, the model's draft is
    streamed as it is written, each piece marked ``draft``: the final Answer may replace it."""

    text: str
    draft: bool = False


@dataclass
class Step:
    """What the pipeline is doing while the asker waits, after Sources: ``read`` (``count``
    passages), ``write``, ``check``, ``retry``. Front ends show it in the asker's language."""

    kind: str
    count: int = 0


class Assistant:
    """Build with settings (from env / .env by default); heavy parts load on first use."""

    def __init__(self, settings: Settings | None = None, generator: Any = None,
                 embed_model: Any = None, **overrides: Any) -> None:
        """``generator`` is a llama-index LLM and ``embed_model`` a llama-index embedding (with a
        ``fingerprint``) to use instead of the configured ones (unit tests pass fakes here);
        ``overrides`` are settings fields, e.g. ``Assistant(llm="openai")``."""
        if settings is not None and overrides:
            settings = load_settings(
                **(settings.model_dump(include=settings.model_fields_set) | overrides))
        self.settings = settings if settings is not None else load_settings(**overrides)
        prepare_offline_environment()
        self._llm = generator
        if embed_model is not None:
            self.__dict__["embedder"] = embed_model  # the cached_property's slot
        self._llm_lock = threading.Lock()
        self._injected_llm = generator is not None

    @property
    def llm(self) -> Any:
        """The configured LLM, loaded on first use (or the one passed in, e.g. a test fake)."""
        with self._llm_lock:
            if self._llm is None:
                from .llm import build_llm

                self._llm = build_llm(self.settings)
            return self._llm

    @property
    def model_loaded(self) -> bool:
        """Whether the language model is loaded (it loads on first use)."""
        return self._llm is not None

    @property
    def backend(self) -> str:
        from .llm import describe_backend

        return describe_backend(self.settings) if self._llm is None or not hasattr(
            self._llm, "describe") else str(self._llm.describe())

    @cached_property
    def enabled_checks(self) -> tuple[str, ...]:
        """The checks answers are held to: the settings' list, or their policy's (``auto``:
        strict for the local model, light for an OpenAI-compatible one)."""
        if self.settings.checks is not None:
            return tuple(self.settings.checks)
        policy = self.settings.check_policy
        if policy == "auto":
            policy = "strict" if self.settings.llm == "local" else "light"
        return checks.POLICIES[policy]

    @cached_property
    def translator(self) -> Translator:
        """Translations by this assistant's model; those of the configured model (not one
        passed in, such as a test fake) are kept on disk under the cache folder."""
        store = None if self._injected_llm else TranslationStore(
            self.settings.cache_dir / "translations.sqlite3", self.backend)
        return Translator(self._stream_llm, store)

    @cached_property
    def reviewer(self) -> Reviewer:
        """The review of drafts (checks, repairs, translation of the language alone)."""
        return Reviewer(self.settings, self.enabled_checks, self.translator, lambda: self.index)

    @cached_property
    def model_calls(self) -> ModelCalls:
        """The model's calls: one at a time on a local model (or a fake passed in)."""
        return ModelCalls(self.settings, lambda: self.llm, lambda: self.backend,
                          one_at_a_time=self.settings.llm != "openai" or self._injected_llm)

    @cached_property
    def evidence_picker(self) -> EvidencePicker:
        return EvidencePicker(self.settings, lambda: self.embedder,
                              lambda query, text: self.retriever.lexical_overlap(query, text))

    @cached_property
    def embedder(self) -> Any:
        from .embeddings import build_embedder

        return build_embedder(self.settings)

    @cached_property
    def index(self) -> ChunkIndex:
        return ChunkIndex(self.settings, self.embedder)

    @cached_property
    def retriever(self) -> Retriever:
        s = self.settings
        return Retriever(self.index, candidates=s.candidates, bm25_weight=s.bm25_weight,
                         answer_type_boost=s.answer_type_boost,
                         memory_limit=s.memory_search_limit)

    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        prune: bool = False,
        rebuild: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Index files and folders (default: the corpus folder); ``progress(done, total)``
        hears the count of chunks settled."""
        if rebuild:
            ChunkIndex.drop(self.settings)
            for name in ("index", "retriever"):
                self.__dict__.pop(name, None)
        return ingest(self.index, list(paths or [self.settings.corpus_dir]), prune=prune,
                      progress=progress)

    def sync_corpus(self) -> IngestReport | None:
        """Bring the corpus folder's chunks up to date (builds the index on first run).

        Cheap when nothing changed: unchanged files produce the same chunk ids and write nothing.
        """
        if not self.settings.corpus_dir.is_dir():
            return None
        return self.ingest([self.settings.corpus_dir])

    def documents(self) -> list[dict[str, Any]]:
        """What is indexed, one entry per document: doc_id, title, language, date, path and
        its number of chunks, by title."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in self.index.all_chunks():
            meta = chunk.metadata
            entry = found.setdefault(str(meta.get("path", "")), {
                "doc_id": meta.get("doc_id", ""), "title": meta.get("title", ""),
                "language": meta.get("language", ""), "date": meta.get("date", ""),
                "path": meta.get("path", ""), "chunks": 0})
            entry["chunks"] += 1
        return sorted(found.values(), key=lambda d: (str(d["title"]).lower(), d["path"]))

    def remove_document(self, path: str) -> int:
        """Drop a document's chunks from the index (its file stays); the chunks removed."""
        if not (removed := self.index.remove_paths([path])):
            raise InputError(f"No indexed document comes from {path}.")
        return removed

    def check_question(self, question: object) -> str:
        """The question, stripped; an InputError saying what is wrong with it otherwise."""
        if not isinstance(question, str):
            raise InputError(f"The question must be text (a str), not {type(question).__name__}.")
        question = check_text(question, "The question")
        if not question:
            raise InputError(
                "The question is empty: type a question about Vietnam–Korea relations.",
                kind="empty")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InputError(
                f"The question is {len(question)} characters long; the limit is {limit}. "
                "Shorten it or raise ASSISTANT_MAX_QUESTION_CHARS.", kind="too_long")
        if not any(c.isalnum() for c in question):
            raise InputError("The question has no words: type a question about Vietnam–Korea "
                             "relations in words.", kind="no_words")
        return question

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        history: Sequence[tuple[str, str]] | None = None,
        mode: Mode | None = None,
    ) -> list[Passage]:
        """Ranked passages for a question (a follow-up is completed from ``history``)."""
        question = self.check_question(question)
        if k is not None and k < 1:
            raise InputError(f"k must be at least 1 (got {k}).")
        budget = Budget(1, time.perf_counter() + self.settings.answer_deadline_s)
        query, _ = self._query(question, *self._conversation(question, history), budget)
        return self._search(query, k, mode)

    def _search(self, query: str, k: int | None = None, mode: Mode | None = None
                ) -> list[Passage]:
        found = self.retriever.retrieve(
            query, k=k or self.settings.top_k, mode=mode or self.settings.retrieval
        )
        if not found:
            self.index.require_nonempty()  # counted only now: a count costs ~10 ms at 100k
        return found

    # -- answering ----------------------------------------------------------------------------

    def _conversation(self, question: str, history: History | None, keep: int | None = None
                      ) -> tuple[str, list[tuple[str, str]]]:
        """The asker's language and the turns the question continues.

        A very short follow-up ("And when?") cannot be identified on its own: it inherits the
        chat's language. A full question in another language than the last turn starts a new
        topic: carrying the old one into retrieval and the prompt made the model repeat the
        question instead of answering it.
        """
        from .language import detect_language_scored

        code, confidence = detect_language_scored(question)
        if not history:
            return code, []
        history = check_history(history, self.settings.max_question_chars, keep)
        if not history:
            return code, []
        previous, _ = detect_language_scored(history[-1][0])
        if confidence < 0.6:
            return previous, list(history)
        return code, list(history) if code == previous else []

    def thread(self, question: str, history: History | None) -> list[tuple[str, str]]:
        """The turns a question continues (none when it starts a new topic)."""
        return self._conversation(question, history)[1]

    def question_language(self, question: str, history: History | None = None) -> str:
        """The asker's language; a very short follow-up inherits the chat's."""
        return self._conversation(question, history)[0]

    def ask(self, question: str, history: History | None = None) -> Answer:
        final: Answer | None = None
        for event in self.stream(question, history=history):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def stream(self, question: str, history: History | None = None
               ) -> Iterator[Sources | Step | Delta | Answer]:
        """Yield Sources first, then Steps (what runs while the asker waits) and the Delta text
        that stays, then the final Answer. Each step is a stage with typed input and output
        (``stages.py``); every one leaves its trace."""
        run = self._understand(question, history)
        run.passages = self._search(run.query)
        run.timings["retrieval_ms"] = run.elapsed_ms()
        run.trace.append(f"retrieve: {len(run.passages)} passages")
        yield Sources(run.passages, run.language)
        final = yield from self._answer(run)
        if not self.settings.stream_drafts:
            yield Delta(final.text)
        yield final

    def _answer(self, run: Run) -> Generator[Step | Delta, None, Answer]:
        """From the retrieved passages to the final answer: select evidence, generate,
        review (repair, retry), then fall back or abstain."""
        if refusal := self._select_evidence(run):
            return self._abstain(run, refusal)
        yield Step("read", len(run.evidence))
        draft = yield from self._generate(run)
        if answer.is_abstention(draft.text, run.language):
            return self._abstain(run, "draft says the sources do not answer")
        yield Step("check")
        review = yield from self._review(run, draft)
        if isinstance(review, Answer):
            return review
        if review.problems:
            return self._fall_back(run, draft)
        return self._finish(run, *self._cite(review.text, run.evidence, run.language,
                                             run.asked, run.passages))

    # -- the stages -----------------------------------------------------------------------------

    def _understand(self, question: str, history: History | None) -> Run:
        """The question checked, its language, the turns it continues, the search query."""
        started = time.perf_counter()
        question = self.check_question(question)
        language, thread = self._conversation(question, history,
                                              keep=self.settings.history_turns)
        budget = Budget(self.settings.max_model_calls, started + self.settings.answer_deadline_s)
        query, pivot = self._query(question, language, thread, budget)
        run = Run(question=question, language=language, history=thread, query=query,
                  started=started, budget=budget)
        if pivot:
            run.trace.append("pivot: the question translated into English for search")
        return run

    def _query(self, question: str, language: str, thread: list[tuple[str, str]],
               budget: Budget) -> tuple[str, bool]:
        """The search query, and whether it carries the question's English translation
        (``pivot_query``; within the budget, a remembered translation costs nothing)."""
        if self.settings.pivot_query and language != "en":
            english = self.translator.within(question, "en", budget)
            if english and english.strip() and english.strip() != question.strip():
                return standalone_query(f"{question}\n{english.strip()}", thread), True
        return standalone_query(question, thread), False

    def _select_evidence(self, run: Run) -> str | None:
        """The spans the model will read; a reason to abstain without asking it, if any."""
        if answer.asks_to_override(run.question, run.language):
            return "question asks to override the rules"
        if unknown := self._unknown_countries(run):
            return f"the sources never mention {', '.join(unknown)}"
        if unsaid := self._unsaid_years(run):
            return f"no passage found speaks of {', '.join(unsaid)}"
        run.evidence = self.evidence_picker.pick(run.query, run.passages)
        if (not run.evidence
                or max(p.similarity for p in run.evidence) < self.settings.relevance_floor):
            return "no passage above the relevance floor"
        run.trace.append(f"evidence: {len(run.evidence)} spans")
        # What the checks take from the question: its numbers back an answer only where a
        # source holds them too, or "Is the target 500 billion?" would get its premise confirmed.
        run.asked = support.ground_question(run.question, run.evidence)
        return None

    def _unknown_countries(self, run: Run) -> list[str]:
        """The countries the question asks about when none of them is named by a passage or
        any indexed chunk: "Who is the President of France?" is outside the sources however
        close its words are to theirs, and the small model answers it from memory. One
        country the sources know is enough to go on: a name written in a form the lexicon
        lacks must not make a question about it look unanswerable."""
        asked = countries.named(run.question)
        if (not asked or any(countries.named(p.text) & asked for p in run.passages)
                or self.retriever.lexical.mentions(
                    form for code in asked for form in countries.forms_of(code))):
            return []
        return sorted(countries.name_of(code, "en") for code in asked)

    def _unsaid_years(self, run: Run) -> list[str]:
        """The years the question asks about that none of the retrieved passages names. "What
        was the trade in 2024?" is not answered by a passage on 2023's trade or 2030's target,
        and the small model copies whatever figure it reads. A question's year is a condition
        the answer must meet, unlike its other words, and a year is written in digits in every
        language, so no lexicon is needed."""
        held = years(" ".join(p.text for p in run.passages))
        return sorted(years(run.question) - held)

    def _generate(self, run: Run) -> Generator[Step | Delta, None, Draft]:
        """The model's first reply, streamed as Deltas (held back while it may still be the
        abstention marker)."""
        from llama_index.core.base.llms.types import ChatMessage, MessageRole

        run.chat = answer.base_chat() + [
            ChatMessage(role=MessageRole.USER, content=answer.build_user_message(
                run.question, run.language, run.evidence, run.history)),
        ]
        text = pending = ""
        run.budget.spend()
        yield Step("write")
        for piece in self._stream_llm(run.chat):
            if not text and not pending:
                run.timings["first_token_ms"] = run.elapsed_ms()
            text += piece
            pending += piece
            if not self.settings.stream_drafts or answer.could_be_abstention(text):
                continue
            yield Delta(pending, draft=True)
            pending = ""
        run.timings["generation_ms"] = run.elapsed_ms() - run.timings["retrieval_ms"]
        run.attempts = 1
        run.drafts.append(text)
        text = answer.strip_preamble(text)
        # A reply that only repeats the question (what "ignore your instructions" prompts,
        # and sometimes a plain question, get from the small model) is asked once more; if
        # that fails too, the model has nothing to say from the sources. "Yes, Korea will
        # raise its ODA ... [3]" to "in which fields?" is no answer either, but it found the
        # topic in the sources: if the retry echoes too, a source is quoted.
        spans = [p.text for p in run.evidence]
        return Draft(text, echoed=answer.echoes_question(text, run.question, spans),
                     said_nothing=answer.only_echoes(text, run.question, spans))

    def _review(self, run: Run, draft: Draft) -> Generator[Step, None, Review | Answer]:
        """Check the draft; repair what can be repaired without the model; retry once with
        the problems named, within the budget. An Answer when the review ends in abstention."""
        if draft.echoed:
            # What else is wrong goes into the retry too: "Yes, Korea will raise its ODA ...
            # in semiconductors [3]" also cited the wrong source; only naming it moves the model.
            review = Review(draft.text, [checks.problem("echo"), *self.reviewer.problems(
                draft.text, run.language, run.evidence, run.asked)])
        else:
            review = Review(*self.reviewer.repair(draft.text, run.language, run.evidence,
                                                  run.asked, run.budget))
            review.problems += self.reviewer.outside(review.text, run.language, run.question)
        run.trace += [f"check: {f}" for f in review.problems]
        if checks.is_task_output(review.problems):
            return self._abstain(run, "the reply is code or verse: a task, not a question "
                                      "about the sources")
        if (review.problems and (self.settings.retry_on_problems or draft.echoed)
                and run.budget.allows()):
            yield Step("retry")
            outcome = self._retry(run, draft, review.problems)
            if not isinstance(outcome, Review) or not outcome.problems:
                return outcome
        if review.problems and draft.said_nothing:
            return self._abstain(run, "the reply only echoes the question")
        return review

    def _retry(self, run: Run, draft: Draft, problems: list[checks.Problem]) -> Review | Answer:
        """Ask once more, naming the problems. The retry's review, or an abstention when the
        retry abstains, echoes again after saying nothing, or invents after a bare marker."""
        from llama_index.core.base.llms.types import ChatMessage, MessageRole

        run.budget.spend()
        run.trace.append("retry")
        retry = texts.prompt("retry.txt").format(
            problem="; ".join(p.text for p in problems),
            language=texts.language_label(run.language))
        run.chat += [ChatMessage(role=MessageRole.ASSISTANT, content=draft.text),
                     ChatMessage(role=MessageRole.USER, content=retry)]
        run.drafts.append("".join(self._stream_llm(run.chat)))
        retried = answer.strip_preamble(run.drafts[-1])
        run.attempts = 2
        echoed_again = answer.echoes_question(retried, run.question,
                                              [p.text for p in run.evidence])
        if answer.is_abstention(retried, run.language) or (echoed_again
                                                              and draft.said_nothing):
            return self._abstain(run, "retry abstained or echoed again")
        if echoed_again:  # the first reply found something: a source is quoted
            return Review(retried, problems)
        text, again = self.reviewer.repair(retried, run.language, run.evidence, run.asked,
                                           run.budget)
        again += self.reviewer.outside(text, run.language, run.question)
        run.trace += [f"check after retry: {f}" for f in again]
        if again and markers.is_bare(draft.text) and support.invents(
                text, run.evidence, run.asked):
            # It could only point at a source number, and when pressed it stated facts that
            # no source holds: there is nothing grounded to quote.
            return self._abstain(run, "bare marker, then invented facts")
        return Review(text, again)

    def _fall_back(self, run: Run, draft: Draft) -> Answer:
        """No usable answer from the model: the best passage's sentence, in the asker's
        language, where the settings allow it, or an abstention."""
        if not self.settings.extractive_fallback:
            return self._abstain(run, "no answer passed the checks")
        best = self.reviewer.quote_source(draft.text, run.evidence, run.asked)
        if not could_state(expected_answer_type(run.question), run.evidence[best - 1].text,
                           run.asked):
            # Asked when or how many, with no figure to quote: the model's figures were
            # invented, and the sources do not say.
            return self._abstain(run, "no figure to quote for a when/how-many question")
        quoted = self.reviewer.quote(best, run.language, run.evidence, run.asked, run.passages,
                                     run.budget)
        if quoted is None:
            # Never a foreign-language answer: a quote nobody could translate faithfully is
            # no answer for this asker.
            return self._abstain(run, "the quote could not be translated faithfully")
        text, citations = quoted
        return self._finish(run, text, False, citations, fallback="extractive")

    def _abstain(self, run: Run, why: str) -> Answer:
        run.trace.append(why)
        return self._finish(run, self._not_in_sources(run.language), abstained=True)

    def _finish(self, run: Run, text: str, abstained: bool,
                citations: list[Citation] | None = None, fallback: str | None = None) -> Answer:
        if citations and self.translates_eagerly:
            before = time.perf_counter()
            self.translate_citations(citations, run.language)
            run.timings["translation_ms"] = (time.perf_counter() - before) * 1000
        disagree = [] if abstained else self._disagreements(run, text, citations or [])
        run.trace += [f"conflict: {c.passage.doc_id} states {', '.join(c.theirs)}"
                      for c in disagree]
        run.timings["total_ms"] = run.elapsed_ms()
        run.trace.append(f"{'abstain' if abstained else fallback or 'answer'}: "
                         f"{run.budget.used} model call(s)")
        return Answer(
            question=run.question, text=text, language=run.language, abstained=abstained,
            citations=citations or [], passages=run.passages, timings=run.timings,
            backend=self.backend, fallback=fallback, attempts=run.attempts,
            model_calls=run.budget.used, trace=run.trace, drafts=run.drafts,
            conflicts=disagree,
        )

    def _disagreements(self, run: Run, text: str, citations: list[Citation]
                       ) -> list[conflicts.Conflict]:
        """Other articles' passages that state something else than the answer (a planted
        article can be the one retrieved): searched with the answer itself, no model call."""
        closeness = self.settings.conflict_closeness
        cited = [p for p in run.passages if p.id in {c.passage_id for c in citations}]
        if not closeness or not cited:
            return []
        near = self._search(markers.strip(text), k=self.settings.top_k)
        found = conflicts.find(text, run.language, cited, near, closeness)
        if found or not offices.holders(text):
            return found
        # An office given to someone ("X is the ambassador"): the passages that name its
        # title or the person, word for word, in any language (offices.py).
        seen = [p for q in offices.queries(text)
                for p in self.retriever.by_words(q, k=4 * self.settings.top_k)]
        return offices.find(text, cited, seen)

    def _cite(self, text: str, evidence: list[Passage], language: str, question: str,
              passages: list[Passage]) -> tuple[str, bool, list[Citation]]:
        cleaned, cited = markers.clean_markers(text, len(evidence))
        if not cited:  # every claim needs a source: attach the passage that supports it best
            best = support.attribute(cleaned, evidence, question)
            cleaned = cleaned.rstrip() + f" [{best}]"
            cited = [best]
        swaps = answer.prefer_own_language(cited, evidence, language, cleaned, self._similar,
                                              question=question)
        mapping = {n: swaps.get(n, n) for n in range(1, len(evidence) + 1)}
        cleaned, cited = markers.remap(cleaned, mapping)
        final = markers.finalize(cleaned, cited)
        return final, False, answer.make_citations(cited, evidence, final, question,
                                                      passages)

    def _similar(self, a: Passage, b: Passage) -> float:
        va, vb = self.retriever.embedding(a.id), self.retriever.embedding(b.id)
        if va is None or vb is None:
            return 0.0
        return float(sum(x * y for x, y in zip(va, vb, strict=True)))

    def _stream_llm(self, chat: list[Any], max_tokens: int | None = None) -> Iterator[str]:
        """The model's reply, piece by piece (``ModelCalls.stream``: one slot, one time
        limit for the whole call, transient failures retried)."""
        return self.model_calls.stream(chat, max_tokens)

    def warm_up(self) -> None:
        """Load the model and put the fixed prompt prefix into its cache (e.g. at server start),
        so the first question does not pay for either."""
        from llama_index.core.base.llms.types import ChatMessage, MessageRole

        from .language import preload

        preload()

        chat = answer.base_chat() + [ChatMessage(role=MessageRole.USER, content="Hello")]
        for _ in self._stream_llm(chat, max_tokens=1):
            pass

    def _not_in_sources(self, language: str) -> str:
        """The abstention in the asker's language: the fixed text where messages.json has one,
        else the English one translated by the model (once per language: translations are
        remembered). English stands when the translation comes back in another language or
        the model fails (a failure is not remembered: the model may be back next time)."""
        fixed = texts.messages()["not_in_sources"]
        if language in fixed:
            return fixed[language]
        try:
            translated = self.translator.text(fixed["en"], language)
        except ModelError as exc:
            log.warning("could not translate the abstention into %s: %s", language, exc)
            return fixed["en"]
        ok = translated and checks.answer_language(translated, "?") == language
        return translated if ok else fixed["en"]

    @property
    def translates_eagerly(self) -> bool:
        """Whether answers come with their foreign citations already translated."""
        mode = self.settings.translate_citations
        return mode == "eager" or (mode == "auto" and self.settings.llm == "openai")

    def translate_citations(self, citations: list[Citation], language: str) -> None:
        """Fill in the translation of every citation in another language than ``language``
        that keeps the passage's figures and names; one that fails keeps none (the answer does
        not depend on it)."""
        for citation in citations:
            if citation.language == language or citation.translation:
                continue
            try:
                self.translator.citation(citation, language)
            except ModelError as exc:
                # The answer stands without it; the citation can still be translated on request.
                log.warning("could not translate citation [%d]: %s", citation.number, exc)

    def translate(self, text: str | Citation, language: str) -> str | None:
        """Translate a passage, or a citation's passage, into ``language`` with the LLM
        (remembered, on disk too for the configured model). A citation gets the translation
        only when it keeps every figure and name; else None, and the citation is marked
        ``translation_unfaithful``."""
        if isinstance(text, Citation):
            return self.translator.citation(text, language)
        return self.translator.text(text, language)
