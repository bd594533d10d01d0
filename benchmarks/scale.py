"""Scale benchmark: retrieval on synthetic corpora of N chunks, in the embedded store and on a
`chroma run` server.

The chunks are the real corpus's chunks recombined (two or three random chunks each, with
the language of the first); each vector is a random mix of its parts' real vectors plus
Gaussian noise, renormalised: fast, but denser in near-ties than real vectors (said in the
output and in docs/scale.md). For each size it measures:
- load: chunks/s written into Chroma and the lexical index (SQLite FTS5), and peak RSS;
- cold start: a new Assistant on the store until its first retrieval has returned;
- retrieval latency p50/p95 over the dev questions, query embedding included;
- ANN recall@5: the top 5 of the candidates the retriever asks Chroma's HNSW index for,
  against exact cosine search over the same vectors.

Above ASSISTANT_MEMORY_SEARCH_LIMIT (50k) the retriever loads nothing at start-up and asks
Chroma's ANN index; below it, search is exact over vectors held in memory.

Usage: python benchmarks/scale.py [--sizes 10000,100000] [--queries 40] [--stores embedded,server]
       [--out FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant import Assistant
from assistant.config import PROJECT_ROOT
from assistant.evaluate import load_qa, percentile
from assistant.index import lexical_path
from assistant.lexical import LexicalIndex

COLD = """
import json, sys, time; t0 = time.perf_counter()
from assistant import Assistant
bot = Assistant(**json.loads(sys.argv[1]), retrieval="hybrid")
bot.retrieve("Where will APEC 2027 be held?")
# VmHWM, not ru_maxrss: Linux carries the parent's ru_maxrss over into a child process.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(time.perf_counter() - t0, int(hwm.split()[1]) // 1024)
"""


def _sentences(bot: Assistant) -> list[tuple[str, str, np.ndarray]]:
    chunks = bot.index.all_chunks(with_embeddings=True)
    return [(c.text, str(c.metadata.get("language", "")), np.asarray(c.embedding))
            for c in chunks]


def build(where: dict[str, Any], size: int, real: list[tuple[str, str, np.ndarray]],
          seed: int = 0) -> tuple[float, np.ndarray, list[str]]:
    """Fill the store ``where`` names with ``size`` synthetic chunks; returns seconds, vectors
    and ids."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    bot = Assistant(**where)
    lexical = LexicalIndex(lexical_path(bot.settings))
    vectors = np.zeros((size, len(real[0][2])), dtype=np.float32)
    ids: list[str] = []
    started = time.perf_counter()
    batch = 5000
    for start in range(0, size, batch):
        rows = []
        for i in range(start, min(size, start + batch)):
            picked = rng.sample(real, rng.choice((2, 3)))
            text = " ".join(p[0] for p in picked)
            # The chunk's vector: its sentences' vectors, randomly weighted, plus noise. Mixing
            # spreads the vectors as real ones are; perturbing only the first sentence's
            # vector made 85 tight clusters where the exact top 5 was decided by noise.
            weights = noise.dirichlet(np.ones(len(picked)))
            v = sum(w * p[2] for w, p in zip(weights, picked, strict=True))
            v = v + noise.normal(0, 0.02, len(v))
            vectors[i] = v / np.linalg.norm(v)
            ids.append(f"syn-{i}")
            rows.append((ids[-1], picked[0][1], text))
        bot.index.collection.add(
            ids=[r[0] for r in rows], documents=[r[2] for r in rows],
            embeddings=vectors[start:start + len(rows)].tolist(),
            metadatas=[{"language": r[1], "doc_id": "synthetic", "path": "synthetic"}
                       for r in rows])
        lexical.add(rows)
    return time.perf_counter() - started, vectors, ids


def measure(where: dict[str, Any], vectors: np.ndarray, ids: list[str], questions: list[str]
            ) -> dict[str, Any]:
    cold = subprocess.run([sys.executable, "-c", COLD, json.dumps(where)], capture_output=True,
                          text=True, check=False,
                          env=os.environ | {"PYTHONPATH": str(PROJECT_ROOT)})
    if cold.returncode:
        raise SystemExit(f"cold start failed on {where}:\n{cold.stderr[-3000:]}")
    cold_s, cold_rss = cold.stdout.split()
    bot = Assistant(**where)
    bot.retrieve("warm-up")
    times = []
    for q in questions:
        started = time.perf_counter()
        bot.retrieve(q, k=5)
        times.append((time.perf_counter() - started) * 1000)
    # Recall of the ANN candidates the retriever itself asks for (its candidate pool for
    # every language, at once), top 5 against exact search over the same vectors.
    pool = bot.settings.candidates * max(1, len(bot.retriever._sizes))
    hits = 0
    for q in questions:
        e = np.asarray(bot.embedder.get_query_embedding(q), dtype=np.float32)
        exact = {ids[i] for i in np.argsort(-(vectors @ e))[:5]}
        ann = {cid for cid, _, _ in bot.index.nearest(e.tolist(), pool)[:5]}
        hits += len(exact & ann)
    return {"cold_start_s": round(float(cold_s), 2), "cold_start_rss_mb": int(cold_rss),
            "retrieval_ms": {"p50": round(percentile(times, 0.5), 1),
                             "p95": round(percentile(times, 0.95), 1)},
            "ann_recall@5": round(hits / (5 * len(questions)), 3)}


@contextlib.contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """A `chroma run` server on a free loopback port, storing under ``folder``."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run_size(size: int, store: str, real: list[tuple[str, str, np.ndarray]],
             questions: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        where: dict[str, Any] = {"vectorstore_dir": str(Path(tmp) / "store"),
                                 "cache_dir": str(Path(tmp) / "cache")}
        if store == "server":
            url = stack.enter_context(chroma_server(Path(tmp) / "chroma"))
            where |= {"chroma_url": url, "collection": f"bench-{size}"}
        seconds, vectors, ids = build(where, size, real)
        return {"chunks": size, "store": store, "load_chunks_per_s": round(size / seconds),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                **measure(where, vectors, ids, questions)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--stores", default="embedded,server")
    parser.add_argument("--out", default="out/bench-scale.json")
    args = parser.parse_args()
    source = Assistant()
    source.sync_corpus()
    real = _sentences(source)
    questions = [i.question for i in load_qa(PROJECT_ROOT / "eval" / "dev.jsonl")
                 if not i.history][: args.queries]
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for store in args.stores.split(","):
            rows.append(run_size(size, store, real, questions))
            print(json.dumps(rows[-1]), flush=True)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "note": "synthetic chunks: the corpus's chunks recombined; each vector is a "
                      "random mix of its parts' real vectors plus noise (sigma 0.02), "
                      "renormalised; the server is `chroma run` on loopback; cold start RSS "
                      "is the serving process's",
              "rows": rows}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print("| chunks | store | load chunks/s | cold start s | cold RSS MB | retrieval p50 ms | "
          "p95 ms | ANN recall@5 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['chunks']} | {r['store']} | {r['load_chunks_per_s']} | "
              f"{r['cold_start_s']} | {r['cold_start_rss_mb']} | {r['retrieval_ms']['p50']} | "
              f"{r['retrieval_ms']['p95']} | {r['ann_recall@5']} |")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
