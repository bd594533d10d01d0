"""Local runtime benchmark: load time and prompt / generation speed of the bundled model with
llama.cpp's weight repacking on and off, measured in one process with the two runtimes taking
turns (the box's speed drifts, so only a same-run comparison means anything). Prints a table
and writes JSON.

Usage: python benchmarks/runtime.py [--rounds 8] [--out out/bench-runtime.json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from assistant.config import load_settings
from assistant.llm import build_llm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--out", default="out/bench-runtime.json")
    args = parser.parse_args()

    from llama_index.core.base.llms.types import ChatMessage, MessageRole

    settings = load_settings()
    runtimes: dict[str, Any] = {}
    load_s: dict[str, float] = {}
    for name, repack in (("repack", True), ("plain", False)):
        started = time.perf_counter()
        runtimes[name] = build_llm(settings.model_copy(update={"llm": "local",
                                                               "llm_repack": repack}))
        load_s[name] = round(time.perf_counter() - started, 2)

    words = " ".join(p.read_text(encoding="utf-8") for p in
                     sorted(settings.corpus_dir.glob("*.md"))).split()
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in runtimes}
    for i in range(args.rounds):
        # A new prompt each round (~300 tokens, like an answer prompt), so no cache serves it.
        text = " ".join(random.Random(i).sample(words, 220))
        prompt = f"{i}. Summarise in one sentence: {text}"
        chat = [ChatMessage(role=MessageRole.USER, content=prompt)]
        for name in list(runtimes) if i % 2 else list(runtimes)[::-1]:
            started = time.perf_counter()
            reply = runtimes[name].chat(chat, max_tokens=30)
            timings = reply.raw["timings"]
            runs[name].append({"prompt_tokens": timings["prompt_n"],
                               "prompt_tok_s": timings["prompt_per_second"],
                               "gen_tok_s": timings["predicted_per_second"],
                               "total_s": time.perf_counter() - started})

    out: dict[str, Any] = {"model": runtimes["plain"].metadata.model_name,
                           "threads": settings.llm_threads,
                           "rounds": args.rounds, "runtimes": {}}
    print(f"{'runtime':8s} {'load s':>7s} {'prompt tok/s':>13s} {'gen tok/s':>10s} {'call s':>7s}")
    for name, rows in runs.items():
        med = {k: round(statistics.median(r[k] for r in rows), 2)
               for k in ("prompt_tokens", "prompt_tok_s", "gen_tok_s", "total_s")}
        out["runtimes"][name] = {"load_s": load_s[name], "median": med}
        print(f"{name:8s} {load_s[name]:7.2f} {med['prompt_tok_s']:13.1f} {med['gen_tok_s']:10.1f} "
              f"{med['total_s']:7.2f}")
    plain, repack = (out["runtimes"][n]["median"]["prompt_tok_s"] for n in ("plain", "repack"))
    out["prompt_speed_plain_over_repack"] = round(plain / repack, 2)
    print(f"prompt processing, plain / repack: {out['prompt_speed_plain_over_repack']}x")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
