"""Where answers are lost, per eval split: retrieval, evidence selection, or the model.

For every answerable item of ``eval/dev.jsonl`` and ``eval/test.jsonl`` it asks the pipeline's
own stages (no model call) whether the item's gold quote (``evidence``) is
- among the 5 passages of each retrieval mode, and how deep in the default mode's list;
- inside the spans the model reads (``EvidencePicker``).
Given answer-eval reports (``--reports dev=PATH test=PATH``), it also counts the items where
one of the model's drafts (first answer or retry) passes the eval's key in the asker's
language: what perfect checks could return, against what the pipeline returned.

Run from the repository root, on the built index (about 2 minutes here):
    .venv/bin/python scripts/gap.py [--reports dev=out/.../report.json ...] [--out FILE]
The figures are in docs/eval.md ("where the dev-test gap comes from").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import Assistant, scoring  # noqa: E402
from assistant.checks import answer_language  # noqa: E402
from assistant.retrieve import Mode, standalone_query  # noqa: E402

MODES: tuple[Mode, ...] = ("dense", "dense+lang", "dense+lang+bm25", "hybrid")
DEPTHS = (1, 3, 5, 10, 15, 20, 30)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _holds(quotes: list[str], text: str) -> bool:
    return any(q in _norm(text) for q in quotes)


def stages(bot: Assistant, items: list[dict[str, Any]]) -> dict[str, float]:
    """Share of answerable items whose gold quote each stage keeps."""
    found: Counter[str] = Counter()
    answerable = [it for it in items if it["answerable"]]
    for it in answerable:
        quotes = [_norm(q) for q in it["evidence"]]
        history = [(q, a) for q, a in it.get("history") or []] or None
        for mode in MODES:
            found[f"{mode}: hit@5"] += any(_holds(quotes, p.text) for p in bot.retrieve(
                it["question"], 5, history, mode))
        ranked = bot.retrieve(it["question"], max(DEPTHS), history)
        rank = next((i for i, p in enumerate(ranked) if _holds(quotes, p.text)), None)
        for depth in DEPTHS:
            found[f"hybrid: hit@{depth}"] += rank is not None and rank < depth
        query = standalone_query(it["question"], bot.thread(it["question"], history))
        spans = bot.evidence_picker.pick(query, ranked[:bot.settings.top_k])
        found["in the spans read"] += any(_holds(quotes, p.text) for p in spans)
    return {k: round(v / len(answerable), 3) for k, v in sorted(found.items())}


def drafts(report: Path, items: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Answerable items right as returned, and with a right draft among the model's."""
    out: Counter[str] = Counter()
    for row in json.loads(report.read_text(encoding="utf-8"))["items"]:
        item = items[row["id"]]
        if not item["answerable"]:
            continue
        out["answerable"] += 1
        out["right"] += bool(row.get("correct"))
        keyed = [d for d in row.get("drafts") or []
                 if scoring.key_passes(item["must"], item.get("must_not", []), d, row["lang"])]
        right = any(answer_language(scoring.strip_markers(d), "?") == row["lang"] for d in keyed)
        out["a draft is right"] += right
        # The false abstentions that better checks could turn into right answers: a draft
        # passed the key (in the asker's language, or in another one a faithful translation
        # could fix). The rest bound false abstention from below for this model.
        if row.get("abstained"):
            out["abstained"] += 1
            out["abstained, a draft is right"] += right
            out["abstained, a draft passes the key in any language"] += bool(keyed)
    return dict(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", nargs="*", default=[], metavar="SPLIT=PATH")
    parser.add_argument("--out", default="out/gap.json")
    parser.add_argument("--drafts-only", action="store_true",
                        help="only the reports' drafts: no retrieval, seconds instead of minutes")
    args = parser.parse_args()
    result: dict[str, Any] = {}
    splits = {s: [json.loads(line) for line in (ROOT / "eval" / f"{s}.jsonl").open()]
              for s in ("dev", "test")}
    bot = None if args.drafts_only else Assistant()
    for split, items in splits.items() if bot else ():
        result[split] = stages(bot, items)
        print(split, json.dumps(result[split]), flush=True)
    for spec in args.reports:
        split, _, path = spec.partition("=")
        by_id = {it["id"]: it for it in splits[split]}
        result[f"{split} drafts"] = drafts(Path(path), by_id)
        print(f"{split} drafts", json.dumps(result[f"{split} drafts"]))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
