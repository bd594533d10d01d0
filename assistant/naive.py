"""The naive RAG pipeline the product is measured against: dense top-3 chunks of ~400
characters, llama-index's default QA prompt, the same model, no checks. The eval scores it on
the same split in the same report (``assistant eval --naive``); the answer benchmark times it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .retrieve import Passage


@dataclass
class NaiveCitation:
    """Every passage the naive pipeline read counts as cited: it marks no sources itself."""

    passage_id: str
    text: str
    language: str


@dataclass
class NaiveAnswer:
    question: str
    text: str
    passages: list[Passage]
    citations: list[NaiveCitation]
    timings: dict[str, float] = field(default_factory=dict)
    abstained: bool = False
    fallback: str | None = "naive"
    model_calls: int = 1


def naive_assistant(base: Any, folder: Path) -> Any:
    """An Assistant over ``base``'s corpus chunked the naive way, in its own embedded store
    under ``folder``, sharing ``base``'s model and embedder with the pipeline it is compared
    with."""
    from .service import Assistant

    # ~400-character chunks, as in the set-up measured before this pipeline existed.
    bot = Assistant(base.settings, generator=base.llm, embed_model=base.embedder,
                    vectorstore_dir=folder, chroma_url=None, collection="naive",
                    chunk_tokens=100, chunk_overlap_sentences=0)
    bot.sync_corpus()
    return bot


def naive_answer(bot: Any, question: str) -> NaiveAnswer:
    from llama_index.core.base.llms.types import ChatMessage, MessageRole
    from llama_index.core.prompts.default_prompts import DEFAULT_TEXT_QA_PROMPT

    started = time.perf_counter()
    passages = bot.retriever.retrieve(question, k=3, mode="dense")
    context = "\n\n".join(p.text for p in passages)
    user = DEFAULT_TEXT_QA_PROMPT.format(context_str=context, query_str=question)
    reply = bot.llm.chat([ChatMessage(role=MessageRole.USER, content=user)], max_tokens=256)
    return NaiveAnswer(
        question=question, text=(reply.message.content or "").strip(), passages=passages,
        citations=[NaiveCitation(p.id, p.text, p.language) for p in passages],
        timings={"total_ms": (time.perf_counter() - started) * 1000})
