"""Load benchmark: N concurrent clients through the OpenAI-compatible HTTP API, with the real
local model, bounded in time. Reports throughput, latency p50/p95 (first token and full
answer), errors, "busy" refusals, server RSS, and whether every answer belongs to its own
question (its language is the question's, and no two questions got the same text).
Prints a table and writes JSON.

The questions are the first N of the dev split, one per language in turn, so that a mixed-up
answer would show up as a wrong language. Half of the clients stream.

Usage: python benchmarks/load.py [--clients 16] [--limit-s 600] [--out out/bench-load.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from assistant import Assistant
from assistant.checks import answer_language
from assistant.config import PROJECT_ROOT
from assistant.evaluate import load_qa, percentile


def _questions(n: int) -> list[tuple[str, str]]:
    """N dev questions (answerable, not follow-ups), taking languages in turn."""
    by_lang: dict[str, list[str]] = {}
    for item in load_qa(PROJECT_ROOT / "eval" / "dev.jsonl"):
        if item.answerable and not item.history:
            by_lang.setdefault(item.lang, []).append(item.question)
    out: list[tuple[str, str]] = []
    while len(out) < n:
        for lang in sorted(by_lang):
            if by_lang[lang] and len(out) < n:
                out.append((lang, by_lang[lang].pop(0)))
    return out


def _ask(url: str, question: str, stream: bool, timeout: float) -> dict[str, Any]:
    body = json.dumps({"model": "m", "stream": stream,
                       "messages": [{"role": "user", "content": question}]}).encode()
    request = urllib.request.Request(f"{url}/v1/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    first: float | None = None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            if not stream:
                text = json.loads(reply.read())["choices"][0]["message"]["content"]
                first = time.perf_counter()
            else:
                parts = []
                for raw in reply:
                    line = raw.decode().strip()
                    if not line.startswith("data: {"):
                        continue
                    event = json.loads(line[6:])
                    piece = (event.get("choices") or [{}])[0].get("delta", {}).get("content")
                    if piece:
                        first = first or time.perf_counter()
                        parts.append(piece)
                text = "".join(parts)
    except urllib.error.HTTPError as exc:
        return {"status": exc.code, "error": exc.read().decode()[:200]}
    except OSError as exc:
        return {"status": 0, "error": f"{exc.__class__.__name__}: {exc}"}
    done = time.perf_counter()
    return {"status": 200, "text": text, "ms": (done - started) * 1000,
            "first_ms": ((first or done) - started) * 1000}


def _busy(result: dict[str, Any]) -> bool:
    """Refused by the API's limit on pending questions (503, code "busy")."""
    return result["status"] == 503 and '"code":"busy"' in result.get("error", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--limit-s", type=float, default=600.0)
    parser.add_argument("--out", default="out/bench-load.json")
    args = parser.parse_args()

    from assistant.web import launch

    bot = Assistant()
    bot.sync_corpus()
    bot.warm_up()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = launch(bot, host="127.0.0.1", port=port, block=False)
    url = f"http://127.0.0.1:{port}"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    questions = _questions(args.clients)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        futures = [pool.submit(_ask, url, q, i % 2 == 0, args.limit_s)
                   for i, (_, q) in enumerate(questions)]
        finished, unfinished = wait(futures, timeout=args.limit_s)
    wall = time.perf_counter() - started
    server.should_exit = True
    results = [f.result() if f in finished else {"status": -1} for f in futures]
    answered = [(lang, r) for (lang, _), r in zip(questions, results, strict=True)
                if r["status"] == 200]
    texts = [r["text"] for _, r in answered]
    # A mixed-up answer would come back in another question's language.
    own = [answer_language(r["text"], "?") == lang for lang, r in answered]
    report = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                   f"{__import__('os').cpu_count()} cores",
        "clients": args.clients, "limit_s": args.limit_s, "wall_s": round(wall, 1),
        "answered": len(answered), "unfinished": len(unfinished),
        "errors": [r for r in results if r["status"] not in (200, -1) and not _busy(r)],
        "busy": sum(1 for r in results if _busy(r)),
        "throughput_per_min": round(len(answered) / wall * 60, 2),
        "latency_ms": {"p50": round(percentile([r["ms"] for _, r in answered], 0.5)),
                       "p95": round(percentile([r["ms"] for _, r in answered], 0.95))},
        "first_token_ms": {"p50": round(percentile([r["first_ms"] for _, r in answered], 0.5)),
                           "p95": round(percentile([r["first_ms"] for _, r in answered],
                                                   0.95))},
        "answer_language_is_the_questions": sum(own), "distinct_texts": len(set(texts)),
        "rss_mb": {"before": rss_before,
                   "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024},
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print("| clients | answered | errors | busy | wall s | per min | p50 ms | p95 ms | "
          "first p50 | own language | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.clients} | {len(answered)} | {len(report['errors'])} | {report['busy']} | "
          f"{report['wall_s']} | {report['throughput_per_min']} | "
          f"{report['latency_ms']['p50']} | {report['latency_ms']['p95']} | "
          f"{report['first_token_ms']['p50']} | {sum(own)}/{len(answered)} | "
          f"{report['rss_mb']['peak']} |")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
