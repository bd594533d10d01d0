"""Answer benchmark: this pipeline vs a naive RAG pipeline with the same local model, measured
in one run, plus cold start and peak memory. Prints a table and writes JSON.

The naive pipeline: dense-only top-3 chunks of ~400 characters, llama-index's default QA
prompt, up to 256 new tokens, no checks. Each pipeline runs as one block so that neither evicts
the other's prompt cache mid-way.

``--evidence-passages 1,3`` also times this pipeline reading fewer evidence spans, in the same
run (their accuracy comes from ``ASSISTANT_EVIDENCE_PASSAGES=1 assistant eval``): the trade
between speed and right answers.

Usage: python benchmarks/answer.py [--every 5] [--evidence-passages 1,3] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from assistant import Assistant, naive
from assistant.config import PROJECT_ROOT
from assistant.evaluate import load_qa, percentile

T = TypeVar("T")

COLD_START = """
import time; t0 = time.perf_counter()
from assistant import Assistant, naive
bot = Assistant(); bot.sync_corpus(); bot.retrieve("warm-up"); bot.llm
print(time.perf_counter() - t0)
"""


def naive_answer(bot: Assistant, question: str) -> tuple[str, float]:
    reply = naive.naive_answer(bot, question)
    return reply.text, reply.timings["total_ms"]


def _p(values: list[float]) -> dict[str, int]:
    return {"p50": round(percentile(values, 0.5)), "p95": round(percentile(values, 0.95)),
            "max": round(max(values))}


def _measured(llm: Any, run: Callable[[], T]) -> tuple[T, dict[str, int]]:
    """What ``run`` returned and what the model did for it: calls, prompt tokens processed
    (after the cache), tokens generated. Prompt tokens are most of the latency on a CPU."""
    before = dict(getattr(llm, "usage", {}))
    result = run()
    after = dict(getattr(llm, "usage", {}))
    return result, {k: after[k] - before.get(k, 0) for k in after}


def _speedup(naive_ms: list[float], ours_ms: list[float]) -> float:
    return round(percentile(naive_ms, 0.5) / percentile(ours_ms, 0.5), 2)


def _work(usages: list[dict[str, int]]) -> dict[str, float] | None:
    if not usages or not usages[0]:
        return None  # a backend that does not count tokens
    return {
        "calls_mean": round(sum(u["calls"] for u in usages) / len(usages), 2),
        "prompt_tokens_p50": round(percentile([u["prompt_tokens"] for u in usages], 0.5)),
        "generated_tokens_p50": round(percentile([u["generated_tokens"] for u in usages], 0.5)),
    }


def _ask_all(bot: Assistant, items: list[Any]) -> list[tuple[Any, dict[str, int]]]:
    """Each question through ``bot``'s full pipeline, after one warm-up question that fills
    the prompt cache with the fixed part of the prompt."""
    bot.ask("warm-up question about trade")
    return [_measured(bot.llm, partial(bot.ask, i.question, history=i.history)) for i in items]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=int, default=5, help="use every Nth eval question")
    parser.add_argument("--qa", default=str(PROJECT_ROOT / "eval" / "dev.jsonl"))
    parser.add_argument("--out", default="out/bench-answer.json")
    parser.add_argument("--evidence-passages", default="",
                        help="comma-separated spans-per-question settings to time as well")
    args = parser.parse_args()
    try:
        variants = [int(v) for v in args.evidence_passages.split(",") if v.strip()]
    except ValueError:
        parser.error("--evidence-passages takes numbers, e.g. 1,3")
    if any(v < 1 for v in variants):
        parser.error("--evidence-passages takes numbers of 1 or more")

    cold = [float(subprocess.run([sys.executable, "-c", COLD_START], check=True,
                                 capture_output=True, text=True).stdout.split()[-1])
            for _ in range(3)]

    items = load_qa(Path(args.qa))[:: args.every]
    with tempfile.TemporaryDirectory() as tmp:
        ours = Assistant()
        ours.sync_corpus()
        simple = naive.naive_assistant(ours, Path(tmp) / "naive")
        naive_answer(simple, "warm-up")
        naive_runs = [_measured(ours.llm, partial(naive_answer, simple, i.question))
                      for i in items]
        ours_runs = _ask_all(ours, items)
        fewer = {v: _ask_all(Assistant(evidence_passages=v, generator=ours.llm), items)
                 for v in variants}
    naive_ms = [ms for (_, ms), _ in naive_runs]
    answers = [a for a, _ in ours_runs]
    ours_ms = [a.timings["total_ms"] for a in answers]
    fewer_ms = {v: [a.timings["total_ms"] for a, _ in runs] for v, runs in fewer.items()}
    first = [a.timings["first_token_ms"] for a in answers if "first_token_ms" in a.timings]
    rss_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024

    out: dict[str, Any] = {
        "questions": len(items),
        "naive_ms": _p(naive_ms),
        "ours_ms": _p(ours_ms),
        "ours_retries": sum(1 for a in answers if a.attempts > 1),
        "ours_extractive": sum(1 for a in answers if a.fallback),
        "naive_model_work": _work([u for _, u in naive_runs]),
        "ours_model_work": _work([u for _, u in ours_runs]),
        "ours_first_token_ms_p50": round(percentile(first, 0.5)) if first else None,
        "speedup_p50": _speedup(naive_ms, ours_ms),
        "cold_start_s": {"median": round(sorted(cold)[1], 2), "all": [round(c, 2) for c in cold]},
        "peak_rss_mb": round(rss_mb),
        "fewer_evidence_passages": {
            str(v): {"ours_ms": _p(ms), "model_work": _work([u for _, u in fewer[v]]),
                     "speedup_p50": _speedup(naive_ms, ms)}
            for v, ms in fewer_ms.items()},
        "ours_model_calls_max": max(a.model_calls for a in answers),
        "goals": {"total_ms_p50": 9000, "total_ms_p95": 20000, "total_ms_max": 30000,
                  "model_calls_max": 2, "cold_start_s": 10},
    }
    print(f"{len(items)} questions, same local model, same run")
    print("| pipeline | p50 ms | p95 ms | max ms |\n|---|---|---|---|")
    rows = (("naive (top-3 chunks, no checks)", "naive_ms"), ("this pipeline", "ours_ms"))
    for name, key in rows:
        print(f"| {name} | {out[key]['p50']} | {out[key]['p95']} | {out[key]['max']} |")
    for name, key in (("naive", "naive_model_work"), ("this pipeline", "ours_model_work")):
        if out[key]:
            print(f"{name}: {out[key]['calls_mean']} model calls a question, p50 "
                  f"{out[key]['prompt_tokens_p50']} prompt tokens processed, "
                  f"{out[key]['generated_tokens_p50']} generated")
    for v, row in out["fewer_evidence_passages"].items():
        print(f"with {v} evidence span(s): p50 {row['ours_ms']['p50']} ms, "
              f"{row['speedup_p50']}x the naive pipeline; {row['model_work']}")
    print(f"speed-up at p50: {out['speedup_p50']}x; first token p50: "
          f"{out['ours_first_token_ms_p50']} ms")
    print(f"cold start with an existing index: median {out['cold_start_s']['median']} s; "
          f"peak RSS {out['peak_rss_mb']} MB")
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
