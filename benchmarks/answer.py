"""Answer benchmark: this pipeline vs a naive RAG pipeline with the same local model, measured
in one run, plus cold start and peak memory. Prints a table and writes JSON.

The naive pipeline: dense-only top-3 chunks of ~400 characters, llama-index's default QA
prompt, up to 256 new tokens, no checks. Each pipeline runs as one block so that neither evicts
the other's prompt cache mid-way.

Usage: python benchmarks/answer.py [--every 5] [--out out/bench-answer.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant import Assistant
from assistant.config import PROJECT_ROOT
from assistant.evaluate import load_qa, percentile

COLD_START = """
import time; t0 = time.perf_counter()
from assistant import Assistant
bot = Assistant(); bot.sync_corpus(); bot.retrieve("warm-up"); bot.llm
print(time.perf_counter() - t0)
"""


def naive_answer(bot: Assistant, question: str) -> tuple[str, float]:
    from llama_index.core.base.llms.types import ChatMessage, MessageRole
    from llama_index.core.prompts.default_prompts import DEFAULT_TEXT_QA_PROMPT

    started = time.perf_counter()
    passages = bot.retriever.retrieve(question, k=3, mode="dense")
    context = "\n\n".join(p.text for p in passages)
    user = DEFAULT_TEXT_QA_PROMPT.format(context_str=context, query_str=question)
    reply = bot.llm.chat([ChatMessage(role=MessageRole.USER, content=user)], max_tokens=256)
    return reply.message.content or "", (time.perf_counter() - started) * 1000


def _p(values: list[float]) -> dict[str, int]:
    return {"p50": round(percentile(values, 0.5)), "p95": round(percentile(values, 0.95))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=int, default=5, help="use every Nth eval question")
    parser.add_argument("--qa", default=str(PROJECT_ROOT / "eval" / "qa.jsonl"))
    parser.add_argument("--out", default="out/bench-answer.json")
    args = parser.parse_args()

    cold = [float(subprocess.run([sys.executable, "-c", COLD_START], check=True,
                                 capture_output=True, text=True).stdout.split()[-1])
            for _ in range(3)]

    items = load_qa(Path(args.qa))[:: args.every]
    with tempfile.TemporaryDirectory() as tmp:
        ours = Assistant()
        ours.sync_corpus()
        # ~400-character chunks, as in the naive set-up measured before this pipeline existed.
        naive = Assistant(vectorstore_dir=Path(tmp) / "naive", chunk_tokens=100,
                          chunk_overlap_sentences=0, generator=ours.llm)
        naive.sync_corpus()
        naive_answer(naive, "warm-up")
        naive_ms = [naive_answer(naive, i.question)[1] for i in items]
        ours.ask("warm-up question about trade")
        answers = [ours.ask(i.question, history=i.history) for i in items]
    ours_ms = [a.timings["total_ms"] for a in answers]
    first = [a.timings["first_token_ms"] for a in answers if "first_token_ms" in a.timings]
    rss_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024

    out = {
        "questions": len(items),
        "naive_ms": _p(naive_ms),
        "ours_ms": _p(ours_ms),
        "ours_retries": sum(1 for a in answers if a.attempts > 1),
        "ours_extractive": sum(1 for a in answers if a.fallback),
        "ours_first_token_ms_p50": round(percentile(first, 0.5)) if first else None,
        "speedup_p50": round(percentile(naive_ms, 0.5) / percentile(ours_ms, 0.5), 2),
        "cold_start_s": {"median": round(sorted(cold)[1], 2), "all": [round(c, 2) for c in cold]},
        "peak_rss_mb": round(rss_mb),
        "goals": {"speedup_p50": 1.5, "first_token_ms_p50": 2000, "total_ms_p50": 5000,
                  "cold_start_s": 10},
    }
    print(f"{len(items)} questions, same local model, same run")
    print("| pipeline | p50 ms | p95 ms |\n|---|---|---|")
    rows = (("naive (top-3 chunks, no checks)", "naive_ms"), ("this pipeline", "ours_ms"))
    for name, key in rows:
        print(f"| {name} | {out[key]['p50']} | {out[key]['p95']} |")
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
