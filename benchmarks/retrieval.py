"""Retrieval benchmark: index build time for the corpus and query latency (query embedding
included), each retrieval mode measured in the same run. Prints a table and writes JSON.

Usage: python benchmarks/retrieval.py [--builds 3] [--rounds 3] [--out out/bench-retrieval.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from assistant import Assistant
from assistant.config import PROJECT_ROOT
from assistant.evaluate import load_qa, percentile
from assistant.retrieve import MODES, standalone_query


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--qa", default=str(PROJECT_ROOT / "eval" / "dev.jsonl"))
    parser.add_argument("--out", default="out/bench-retrieval.json")
    args = parser.parse_args()

    builds = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.builds):
            bot = Assistant(vectorstore_dir=Path(tmp) / f"vs{n}")
            started = time.perf_counter()
            report = bot.sync_corpus()
            builds.append(time.perf_counter() - started)
            chunks = bot.index.count()
            assert report is not None and report.added_chunks == chunks

        queries = [standalone_query(i.question, i.history) for i in load_qa(Path(args.qa))]
        results = {}
        for mode in MODES:
            bot.retrieve("warm-up", mode=mode)
            times = []
            for _ in range(args.rounds):
                for q in queries:
                    started = time.perf_counter()
                    bot.retriever.retrieve(q, k=5, mode=mode)
                    times.append((time.perf_counter() - started) * 1000)
            results[mode] = {
                "p50_ms": round(percentile(times, 0.5), 2),
                "p95_ms": round(percentile(times, 0.95), 2),
                "n": len(times),
            }
        embed_times = []
        for q in queries:
            started = time.perf_counter()
            bot.embedder.get_query_embedding(q)
            embed_times.append((time.perf_counter() - started) * 1000)

    out = {
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "corpus_chunks": chunks,
        "index_build_s": {"median": round(statistics.median(builds), 2),
                          "all": [round(b, 2) for b in builds]},
        "query_embedding_ms_p50": round(percentile(embed_times, 0.5), 2),
        "retrieval_latency": results,
        "goals": {"retrieval_p50_ms": 25, "index_build_s": 10},
    }
    print(f"index build: median {out['index_build_s']['median']} s over {args.builds} builds "
          f"({chunks} chunks)")
    print(f"query embedding alone: p50 {out['query_embedding_ms_p50']} ms")
    print("| mode | p50 ms | p95 ms | n |\n|---|---|---|---|")
    for mode, r in results.items():
        print(f"| {mode} | {r['p50_ms']} | {r['p95_ms']} | {r['n']} |")
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
