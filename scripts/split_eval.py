"""Split blind-written eval items into eval/dev.jsonl and eval/test.jsonl BY FACT.

Usage: python scripts/split_eval.py WRITTEN.jsonl [...]   (run once; test.jsonl is then frozen)

Facts that are really one fact go to the same side: facts are joined when they share an
amount of 10,000 or more ("150 billion", "5 million"; years would join unrelated facts) or when
their evidence overlaps in an article (the same clause). Clusters whose evidence overlaps what
the old, tuned-on eval (git history: eval/qa.jsonl) pointed at go to dev, so the test split
holds only facts nobody tuned for. The rest alternate by a stable hash until the sides are even.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
FIELDS = ("id", "fact", "fact_text", "paragraph", "lang", "kind", "question", "answerable",
          "must", "must_not", "evidence", "history", "pair")


def bodies() -> dict[str, str]:
    """Every article's body, whitespace-flattened."""
    return {path.stem: " ".join(path.read_text(encoding="utf-8").split("---", 2)[-1].split())
            for path in sorted((ROOT / "corpus").glob("*.md"))}


def spans(evidence: list[str], docs: dict[str, str]) -> list[tuple[str, int, int]]:
    """Where each evidence string stands in the articles: (doc, start, end)."""
    out = []
    for e in evidence:
        flat = " ".join(e.split())
        for doc, body in docs.items():
            out += [(doc, m.start(), m.end()) for m in re.finditer(re.escape(flat), body)]
    return out


def old_spans(docs: dict[str, str]) -> list[tuple[str, int, int]]:
    """Where the old tuned-on eval's evidence regexes matched (git history: eval/qa.jsonl)."""
    try:
        old = subprocess.run(["git", "show", "a622b19:eval/qa.jsonl"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
    except subprocess.CalledProcessError:
        return []
    out = []
    for line in old.splitlines():
        for pattern in json.loads(line).get("evidence") or []:
            for doc, body in docs.items():
                out += [(doc, m.start(), m.end()) for m in re.finditer(pattern, body, re.I)]
    return out


def overlapping(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def amounts(item: dict) -> set[float]:
    values = set()
    for group in item.get("must") or []:
        for alt in group:
            # Years join unrelated facts (2025 is the year of half the corpus): only amounts.
            if isinstance(alt, dict) and alt["num"] >= 10_000:
                values.add(float(alt["num"]))
    return values


def main(paths: list[str]) -> None:
    items = [json.loads(line) for p in paths
             for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = bodies()
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    located: list[tuple[str, tuple[str, int, int]]] = []
    for item in items:
        find(item["fact"])
        located += [(item["fact"], span) for span in spans(item.get("evidence") or [], docs)]
        for value in amounts(item):
            union(item["fact"], f"n:{value}")
    # Evidence that overlaps in an article is the same clause: the same fact.
    for i, (fact, span) in enumerate(located):
        for other, span2 in located[i + 1:]:
            if overlapping(span, span2):
                union(fact, other)
    tuned = {find(fact) for fact, span in located
             if any(overlapping(span, old) for old in old_spans(docs))}
    clusters: dict[str, list[dict]] = {}
    for item in items:
        clusters.setdefault(find(item["fact"]), []).append(item)
    dev: list[dict] = []
    test: list[dict] = []

    def weight(rows: list[dict], answerable: bool) -> int:
        return sum(r["answerable"] == answerable for r in rows)

    for root in sorted(clusters, key=lambda r: hashlib.sha256(r.encode()).hexdigest()):
        group = clusters[root]
        # Answerable and unanswerable items are balanced apart: each side needs both.
        kind = any(r["answerable"] for r in group)
        side = dev if root in tuned or weight(dev, kind) < weight(test, kind) else test
        for item in group:
            item["fact"] = f"c{hashlib.sha256(root.encode()).hexdigest()[:8]}:{item['fact']}"
        side.extend(group)
    for name, rows in (("dev", dev), ("test", test)):
        rows.sort(key=lambda r: r["id"])
        with open(EVAL / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps({k: r[k] for k in FIELDS if k in r}, ensure_ascii=False)
                        + "\n")
        facts = {r["fact"].split(":")[0] for r in rows}
        print(f"{name}: {len(rows)} items, {len(facts)} fact clusters, "
              f"{sum(not r['answerable'] for r in rows)} unanswerable")
    digest = hashlib.sha256((EVAL / "test.jsonl").read_bytes()).hexdigest()
    (EVAL / "test.sha256").write_text(f"{digest}  eval/test.jsonl\n")
    print(f"tuned-on clusters sent to dev: {len(tuned)}; test sha256 {digest}")


if __name__ == "__main__":
    main(sys.argv[1:])
