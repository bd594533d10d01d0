"""The Chroma-backed chunk index: opening the store, writing a document's chunks in embedding
batches, removing them, listing chunks (`ingest.py` walks files and folders).

Chunk ids are derived from content, so re-ingesting an unchanged file writes nothing. A changed
file is handled add-then-delete: a crash in between leaves extra old chunks that the next ingest
removes, never a document with chunks missing.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .chunking import chunk_text
from .config import Settings, redact
from .corpus import Document
from .embeddings import Embedder
from .errors import (
    AssistantError,
    EmbedderError,
    EmbedderMismatchError,
    EmptyIndexError,
    StoreError,
    StoreUnavailableError,
)

EMBEDDER_KEY = "embedder"
PAGE = 5_000  # records per read from the store
# Chunks embedded and written together: small enough that an interrupted ingest loses little
# and progress moves every few seconds, large enough to keep the embedder's batches full.
EMBED_BATCH = 64


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: dict[str, Any]
    embedding: list[float] | None = None


def make_client(settings: Settings) -> Any:
    """Embedded PersistentClient by default; an HTTP client when ASSISTANT_CHROMA_URL is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:
            raise StoreUnavailableError(
                f"Cannot reach the Chroma server at {redact(settings.chroma_url)} "
                f"({exc.__class__.__name__}). "
                "Start it with `chroma run --path vectorstore --host 127.0.0.1 --port 8000`, "
                "or unset ASSISTANT_CHROMA_URL to use the embedded store."
            ) from None
        return client
    settings.vectorstore_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.vectorstore_dir),
                                         settings=chroma_settings)
    except Exception as exc:  # chromadb raises InternalError, sqlite errors, panics as text
        raise StoreError(
            f"The index in {settings.vectorstore_dir} cannot be opened: it is damaged "
            f"({exc.__class__.__name__}: {str(exc)[:160]}). Rebuild it from the articles with "
            "`assistant ingest --rebuild` (it replaces the damaged store; the articles in "
            "corpus/ are not touched)."
        ) from None


def lexical_path(settings: Settings) -> Path:
    """Where the lexical index of this store lives: beside an embedded store, or, for a
    Chroma server, in this machine's cache (each worker keeps its own, synced by revision)."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", settings.collection)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        where = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{url.hostname}_{url.port or 8000}")
        return settings.cache_dir / "lexical" / f"{where}-{name}.sqlite3"
    return settings.vectorstore_dir / f"lexical-{name}.sqlite3"


@contextlib.contextmanager
def store_errors(settings: Settings) -> Iterator[None]:
    """Chroma failing in the middle of a session (the server stopped, the connection reset)
    becomes a StoreError that says where and what to check; the next call tries again, so
    the session recovers when the store is back."""
    try:
        yield
    except AssistantError:
        raise
    except Exception as exc:
        detail = f"{exc.__class__.__name__}: {redact(str(exc))[:160]}"
        if settings.chroma_url:
            raise StoreUnavailableError(
                f"The Chroma server at {redact(settings.chroma_url)} is not answering "
                f"({detail}). Check that it is running (`chroma run --path vectorstore --host "
                "127.0.0.1 --port 8000`), then ask again.") from None
        raise StoreError(
            f"The index in {settings.vectorstore_dir} failed ({detail}). If this repeats, "
            "rebuild it with `assistant ingest --rebuild` (the articles in corpus/ are not "
            "touched).") from None


# What an embedded Chroma store holds: its database and one folder per vector segment.
_STORE_FILE = "chroma.sqlite3"
_SEGMENT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def remove_damaged_store(folder: Path) -> None:
    """Delete the files an embedded Chroma store is made of, and nothing else in ``folder``
    (a rebuild of a store that cannot even be opened)."""
    for path in folder.iterdir() if folder.is_dir() else []:
        if path.name == _STORE_FILE or path.name.startswith(_STORE_FILE + "-"):
            path.unlink()
        elif path.is_dir() and _SEGMENT.fullmatch(path.name):
            shutil.rmtree(path)


# The search beam. The retriever asks for its candidates of every language at once (about
# 120), and HNSW searches with the larger of this beam and that count. On 100k chunks
# (docs/scale.md) recall@5 of the top 5 was 0.965 at 128, 0.995 at 256 and 1.0 at 512, for
# 3.9, 5.2 and 6.7 ms a query.
SEARCH_EF = 256


def _widen_search(collection: Any) -> None:
    """Give a collection made with a narrower search beam this one. The beam is a search-time
    setting (no rebuild); a store that cannot change it keeps its own, and still answers."""
    try:
        current = (collection.configuration_json or {}).get("hnsw") or {}
        if current and int(current.get("ef_search") or 0) < SEARCH_EF:
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
    except Exception:  # an older server, without a mutable configuration
        return


class ChunkIndex:
    def __init__(self, settings: Settings, embedder: Embedder, client: Any = None) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.settings = settings
        self.embedder = embedder
        self.client = client if client is not None else make_client(settings)
        self.collection = self._open_collection()
        self.store = ChromaVectorStore(chroma_collection=self.collection)
        self._revision = 0

    # -- opening ------------------------------------------------------------------------------

    def _where(self) -> str:
        return self.settings.chroma_url or str(self.settings.vectorstore_dir)

    def _open_collection(self) -> Any:
        name = self.settings.collection
        fingerprint = self.embedder.fingerprint
        try:
            existing = {c if isinstance(c, str) else c.name for c in self.client.list_collections()}
        except Exception as exc:
            raise StoreUnavailableError(
                f"Cannot list collections in {self._where()} ({exc}). Check the store is healthy."
            ) from None
        if name in existing:
            collection = self.client.get_collection(name)
            built_with = (collection.metadata or {}).get(EMBEDDER_KEY)
            if built_with != fingerprint:
                raise EmbedderMismatchError(
                    f"The index '{name}' in {self._where()} was built with embedder "
                    f"'{built_with}', but this configuration uses '{fingerprint}'. Its vectors "
                    "are not comparable. Rebuild it with `assistant ingest --rebuild`, or set "
                    "ASSISTANT_COLLECTION / ASSISTANT_VECTORSTORE_DIR to a separate index."
                )
            _widen_search(collection)
            return collection
        # A graph of degree 64 built with a beam of 200 (defaults 16 and 100): at 100k
        # near-duplicate chunks (docs/scale.md) recall@5 rose from 0.81 to 0.955, for ~15%
        # more build time and ~40 MB more graph.
        return self.client.create_collection(
            name, metadata={EMBEDDER_KEY: fingerprint, "hnsw:space": "cosine",
                            "hnsw:search_ef": SEARCH_EF, "hnsw:M": 64,
                            "hnsw:construction_ef": 200}
        )

    @staticmethod
    def drop(settings: Settings, client: Any = None) -> None:
        """Delete the collection whatever embedder built it (``ingest --rebuild``)."""
        if client is None:
            try:
                client = make_client(settings)
            except StoreError:
                if settings.chroma_url:
                    raise
                remove_damaged_store(settings.vectorstore_dir)
                # Chroma keeps the half-opened store of this path for the process: forget it.
                from chromadb.api.client import SharedSystemClient

                SharedSystemClient.clear_system_cache()
                return
        # A missing collection is already dropped.
        with contextlib.suppress(Exception):
            client.delete_collection(settings.collection)

    # -- reading ------------------------------------------------------------------------------

    def count(self) -> int:
        with store_errors(self.settings):
            return int(self.collection.count())

    @property
    def writes(self) -> int:
        """How many times this process changed the store."""
        return self._revision

    @property
    def revision(self) -> tuple[int, int]:
        """Changes whenever this process writes or the stored count changes."""
        return (self._revision, self.count())

    def all_chunks(self, with_embeddings: bool = False) -> list[StoredChunk]:
        include = ["documents", "metadatas"] + (["embeddings"] if with_embeddings else [])
        chunks: list[StoredChunk] = []
        # In pages: one get() of ~100k records fails in the embedded store ("too many SQL
        # variables").
        while True:
            with store_errors(self.settings):
                got = self.collection.get(include=include, limit=PAGE, offset=len(chunks))
            vectors = got["embeddings"] if with_embeddings else [None] * len(got["ids"])
            chunks += [
                StoredChunk(
                    id=i, text=t or "", metadata=dict(m or {}),
                    embedding=None if v is None else [float(x) for x in v],
                )
                for i, t, m, v in zip(got["ids"], got["documents"], got["metadatas"], vectors,
                                      strict=True)
            ]
            if len(got["ids"]) < PAGE:
                return chunks

    def ids(self) -> list[str]:
        """Every chunk id, read in pages without texts or vectors."""
        ids: list[str] = []
        while True:
            with store_errors(self.settings):
                got = self.collection.get(include=[], limit=PAGE, offset=len(ids))
            ids += got["ids"]
            if len(got["ids"]) < PAGE:
                return ids

    def chunks(self, ids: Iterable[str]) -> list[StoredChunk]:
        """The stored chunks (text and metadata) with these ids, in pages."""
        wanted = list(ids)
        found: list[StoredChunk] = []
        for start in range(0, len(wanted), PAGE):
            with store_errors(self.settings):
                got = self.collection.get(ids=wanted[start:start + PAGE],
                                          include=["documents", "metadatas"])
            found += [StoredChunk(id=i, text=t or "", metadata=dict(m or {}))
                      for i, t, m in zip(got["ids"], got["documents"], got["metadatas"],
                                         strict=True)]
        return found

    def nearest(self, embedding: list[float], n: int) -> list[tuple[str, float, str]]:
        """Chroma's approximate nearest ``n`` chunks: (id, cosine similarity, language)."""
        with store_errors(self.settings):
            got = self.collection.query(query_embeddings=[embedding], n_results=n,
                                        include=["distances", "metadatas"])
        return [(i, 1.0 - float(d), str((m or {}).get("language", "")))
                for i, d, m in zip(got["ids"][0], got["distances"][0], got["metadatas"][0],
                                   strict=True)]

    def require_nonempty(self) -> None:
        if self.count() == 0:
            raise EmptyIndexError(
                f"The index in {self._where()} is empty. Run `assistant ingest` "
                "(default: the corpus/ folder) first."
            )

    # -- writing ------------------------------------------------------------------------------

    def _nodes_for(self, doc: Document) -> list[Any]:
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        nodes = []
        base = doc.metadata()
        for n, chunk in enumerate(chunk_text(doc.body, self.settings.chunk_tokens,
                                             self.settings.chunk_overlap_sentences)):
            meta: dict[str, str | int] = dict(base)
            meta.update(
                chunk_index=n,
                char_start=chunk.start,
                char_end=chunk.end,
                paragraph_start=chunk.paragraph_start,
                paragraph_end=chunk.paragraph_end,
            )
            node = TextNode(
                id_=chunk.chunk_id(doc.id), text=chunk.text, metadata=meta,
                start_char_idx=chunk.start, end_char_idx=chunk.end,
                # llama-index writes the source node's id into the stored "doc_id" field.
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc.id)},
            )
            nodes.append(node)
        return nodes

    def _stored_for_path(self, path: str) -> dict[str, dict[str, Any]]:
        got = self.collection.get(where={"path": path}, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def index_document(self, doc: Document, done: Callable[[int], None] | None = None
                       ) -> tuple[int, int]:
        """Make the store hold exactly this document's current chunks. Returns (written, removed).

        A chunk whose text is unchanged keeps its id and vector, but is rewritten when its
        stored metadata differs (a title edited in the front matter, an index written by an
        older version): citations must show what the file says now. New chunks are embedded
        and written in batches of ``EMBED_BATCH``, so an interrupted ingest of a long document
        keeps what it finished and the next run embeds only the rest. ``done`` hears how many
        of the document's chunks each step settled.
        """
        tick = done or (lambda n: None)
        nodes = self._nodes_for(doc)
        wanted = {n.node_id for n in nodes}
        existing = self._stored_for_path(doc.path)
        outdated = [n for n in nodes if n.node_id in existing and any(
            existing[n.node_id].get(k) != v for k, v in n.metadata.items())]
        new_nodes = [n for n in nodes if n.node_id not in existing]
        tick(len(nodes) - len(new_nodes))
        stale = sorted(set(existing) - wanted)
        try:
            if outdated:
                ids = [n.node_id for n in outdated]
                got = self.collection.get(ids=ids, include=["embeddings"])
                stored = dict(zip(got["ids"], got["embeddings"], strict=True))
                for node in outdated:
                    node.embedding = [float(x) for x in stored[node.node_id]]
                self.collection.delete(ids=ids)
                self.store.add(outdated)
            for start in range(0, len(new_nodes), EMBED_BATCH):
                batch = new_nodes[start:start + EMBED_BATCH]
                vectors = self._embed(doc, [n.text for n in batch], written=start)
                for node, vector in zip(batch, vectors, strict=True):
                    node.embedding = vector
                self.store.add(batch)
                tick(len(batch))
            if stale:
                self.collection.delete(ids=stale)
        finally:
            # Whatever was written, even by a run cut short, is new to this process's readers.
            if new_nodes or stale or outdated:
                self._revision += 1
        return len(new_nodes) + len(outdated), len(stale)

    def _embed(self, doc: Document, texts: list[str], written: int) -> list[list[float]]:
        try:
            return list(self.embedder.get_text_embedding_batch(texts))
        except AssistantError:
            raise
        except Exception as exc:
            raise EmbedderError(
                f"Embedding {doc.path} failed ({exc.__class__.__name__}: "
                f"{redact(str(exc))[:160]}). Its first {written} new chunk(s) are indexed and "
                "kept; run the same ingest again to finish the rest.") from None

    def stored_paths(self) -> set[str]:
        """The source path of every stored chunk, read in pages without texts or vectors."""
        paths: set[str] = set()
        offset = 0
        while True:
            with store_errors(self.settings):
                got = self.collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            paths |= {str((m or {}).get("path", "")) for m in got["metadatas"]}
            offset += len(got["ids"])
            if len(got["ids"]) < PAGE:
                return paths

    def chunk_count(self, doc: Document) -> int:
        """How many chunks ``doc`` makes (to size a progress bar before any embedding)."""
        return len(chunk_text(doc.body, self.settings.chunk_tokens,
                              self.settings.chunk_overlap_sentences))

    def remove_paths(self, paths: Iterable[str]) -> int:
        removed = 0
        for path in paths:
            with store_errors(self.settings):
                ids = sorted(self.collection.get(where={"path": path}, include=[])["ids"])
                if ids:
                    self.collection.delete(ids=ids)
            removed += len(ids)
        if removed:
            self._revision += 1
        return removed
