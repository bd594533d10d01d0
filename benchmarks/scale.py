"""Scale benchmark: retrieval on synthetic corpora of N chunks in the embedded store.

The chunks are the real articles' sentences recombined (two or three random sentences each,
with the language of the first); their vectors are real sentence vectors perturbed with
Gaussian noise and renormalised, which is fast and keeps a realistic spread (said in the
output). For each size it measures:
- load: chunks/s written into Chroma and the lexical index (SQLite FTS5), and peak RSS;
- cold start: a new Assistant on the store until its first retrieval has returned;
- retrieval latency p50/p95 over the dev questions, query embedding included;
- ANN recall@5: Chroma's HNSW top 5 against exact cosine search over the same vectors.

Usage: python benchmarks/scale.py [--sizes 10000,100000] [--queries 40] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant import Assistant
from assistant.config import PROJECT_ROOT
from assistant.evaluate import load_qa, percentile
from assistant.index import lexical_path
from assistant.lexical import LexicalIndex

COLD = """
import sys, time; t0 = time.perf_counter()
from assistant import Assistant
bot = Assistant(vectorstore_dir=sys.argv[1], retrieval="hybrid")
bot.retrieve("Where will APEC 2027 be held?")
import resource
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _sentences(bot: Assistant) -> list[tuple[str, str, np.ndarray]]:
    chunks = bot.index.all_chunks(with_embeddings=True)
    return [(c.text, str(c.metadata.get("language", "")), np.asarray(c.embedding))
            for c in chunks]


def build(folder: Path, size: int, real: list[tuple[str, str, np.ndarray]],
          seed: int = 0) -> tuple[float, np.ndarray, list[str]]:
    """Fill a store at ``folder`` with ``size`` synthetic chunks; returns seconds, vectors
    and ids."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    bot = Assistant(vectorstore_dir=folder)
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
            v = picked[0][2] + noise.normal(0, 0.02, len(picked[0][2]))
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


def measure(folder: Path, vectors: np.ndarray, ids: list[str], questions: list[str]
            ) -> dict[str, Any]:
    cold = subprocess.run([sys.executable, "-c", COLD, str(folder)], capture_output=True,
                          text=True, check=False,
                          env=os.environ | {"PYTHONPATH": str(PROJECT_ROOT)})
    if cold.returncode:
        raise SystemExit(f"cold start failed on {folder}:\n{cold.stderr[-3000:]}")
    cold_s, cold_rss = cold.stdout.split()
    bot = Assistant(vectorstore_dir=folder)
    bot.retrieve("warm-up")
    times = []
    for q in questions:
        started = time.perf_counter()
        bot.retrieve(q, k=5)
        times.append((time.perf_counter() - started) * 1000)
    hits = 0
    for q in questions:
        e = np.asarray(bot.embedder.get_query_embedding(q), dtype=np.float32)
        exact = {ids[i] for i in np.argsort(-(vectors @ e))[:5]}
        ann = set(bot.index.collection.query(query_embeddings=[e.tolist()], n_results=5,
                                             include=[])["ids"][0])
        hits += len(exact & ann)
    return {"cold_start_s": round(float(cold_s), 2), "cold_start_rss_mb": int(cold_rss),
            "retrieval_ms": {"p50": round(percentile(times, 0.5), 1),
                             "p95": round(percentile(times, 0.95), 1)},
            "ann_recall@5": round(hits / (5 * len(questions)), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--out", default="out/bench-scale.json")
    args = parser.parse_args()
    source = Assistant()
    source.sync_corpus()
    real = _sentences(source)
    questions = [i.question for i in load_qa(PROJECT_ROOT / "eval" / "dev.jsonl")
                 if not i.history][: args.queries]
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, vectors, ids = build(Path(tmp), size, real)
            row = {"chunks": size, "load_chunks_per_s": round(size / seconds),
                   "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                   **measure(Path(tmp), vectors, ids, questions)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "note": "synthetic chunks: real sentences recombined; vectors are real ones "
                      "perturbed (sigma 0.02) and renormalised; embedded store",
              "rows": rows}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print("| chunks | load chunks/s | cold start s | cold RSS MB | retrieval p50 ms | "
          "p95 ms | ANN recall@5 |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['chunks']} | {r['load_chunks_per_s']} | {r['cold_start_s']} | "
              f"{r['cold_start_rss_mb']} | {r['retrieval_ms']['p50']} | "
              f"{r['retrieval_ms']['p95']} | {r['ann_recall@5']} |")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
