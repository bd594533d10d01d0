"""The abstention frontier: how many right answers a verifier must cut to abstain on the
unanswerable questions that the pipeline answers.

For every answer an eval report holds (not an abstention), the local model reads the cited
passages, the question and the answer, and is asked whether the passages state that answer
to that question. P(yes) comes from the first token's log-probabilities (one token, about 2 s
an item here). Abstaining below a threshold t turns answers into abstentions; the script
sweeps t and prints, for each, what the eval would then report: accuracy, abstention on
unanswerable questions and false abstention on answerable ones, and the ROC AUC of P(yes)
between right answers and answers to unanswerable questions.

It measures a design; it changes nothing in the pipeline. Run on the built index:
    .venv/bin/python scripts/frontier.py out/eval/dev/report.json [--out out/frontier.json]
The figures are in docs/eval.md ("the abstention frontier").
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant  # noqa: E402

PROMPT = (
    "Sources:\n{sources}\n\nQuestion: {question}\nAnswer: {answer}\n\n"
    "Do the sources state this answer to this question? Reply Yes or No."
)
THRESHOLDS = (0.0, 0.5, 0.8, 0.9, 0.92, 0.94, 0.96, 0.97, 0.98, 0.99, 1.01)


def p_yes(bot: Assistant, sources: str, question: str, answer: str) -> float:
    """P(Yes) against P(No) from the first reply token's log-probabilities."""
    llm = bot.llm
    request = {
        "messages": [{"role": "user", "content": PROMPT.format(
            sources=sources, question=question, answer=answer)}],
        "max_tokens": 1, "temperature": 0.0, "logprobs": True, "top_logprobs": 10,
    }
    with llm._lock:
        result = llm._server.handle_chat_completions(request)
    top = result["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
    mass = {"yes": 0.0, "no": 0.0}
    for entry in top:
        word = entry["token"].strip().lower()
        if word in mass:
            mass[word] += math.exp(entry["logprob"])
    total = mass["yes"] + mass["no"]
    return mass["yes"] / total if total else 0.5


def auc(positive: list[float], negative: list[float]) -> float:
    pairs = [(p > n) + 0.5 * (p == n) for p in positive for n in negative]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def sweep(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    out = []
    for t in THRESHOLDS:
        def kept(r: dict[str, Any], t: float = t) -> bool:
            return not r["abstained"] and r["p_yes"] >= t
        out.append({
            "threshold": t,
            "accuracy": sum(bool(r.get("correct")) and kept(r) for r in answerable)
            / len(answerable),
            "abstention": sum(not kept(r) for r in unanswerable) / len(unanswerable),
            "false_abstention": sum(not kept(r) for r in answerable) / len(answerable),
        })
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--out", default="out/frontier.json")
    args = parser.parse_args()
    rows = json.loads(Path(args.report).read_text(encoding="utf-8"))["items"]
    asked = {item["id"]: item["question"] for split in ("dev", "test")
             for item in map(json.loads, (ROOT / "eval" / f"{split}.jsonl").open())}
    bot = Assistant()
    chunks = {c.id: c.text for c in bot.index.all_chunks()}
    for row in rows:
        row["p_yes"] = 0.0
        if row["abstained"]:
            continue
        sources = "\n".join(f"[{i}] {chunks.get(pid, '')}"
                            for i, pid in enumerate(row["citations"], 1)) or "(none cited)"
        row["p_yes"] = p_yes(bot, sources, asked[row["id"]], row["answer"])
        kind = ("unanswerable" if not row["answerable"]
                else "right" if row.get("correct") else "wrong")
        print(f"{row['id']:8} {row['p_yes']:.2f} {kind}", flush=True)
    answered = [r for r in rows if not r["abstained"]]
    right = [r["p_yes"] for r in answered if r.get("correct")]
    unanswered = [r["p_yes"] for r in answered if not r["answerable"]]
    wrong = [r["p_yes"] for r in answered if r["answerable"] and not r.get("correct")]
    result = {
        "report": args.report,
        "auc_right_vs_unanswerable": auc(right, unanswered),
        "auc_right_vs_wrong_or_unanswerable": auc(right, wrong + unanswered),
        "sweep": sweep(rows),
        "items": [{k: r.get(k) for k in ("id", "answerable", "correct", "abstained", "p_yes")}
                  for r in rows],
    }
    print(f"AUC right vs unanswerable {result['auc_right_vs_unanswerable']:.2f}, "
          f"right vs the rest {result['auc_right_vs_wrong_or_unanswerable']:.2f}")
    print("| P(yes) below | accuracy | abstention | false abstention |")
    print("|---|---|---|---|")
    for s in result["sweep"]:
        print(f"| {s['threshold']:.2f} | {s['accuracy']:.2f} | {s['abstention']:.2f} | "
              f"{s['false_abstention']:.2f} |")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
