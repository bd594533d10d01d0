"""Evaluation over a question–answer set (``eval/qa.jsonl`` format): loading, scoring, reports."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

KS = (1, 3, 5)


@dataclass
class QAItem:
    id: str
    lang: str
    question: str
    answerable: bool
    must: list[list[str]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)

    def evidence_hit(self, text: str) -> bool:
        return any(re.search(p, text, re.I) for p in self.evidence)

    def answer_passes(self, text: str) -> bool:
        return all(any(re.search(p, text, re.I) for p in group) for group in self.must)


def load_qa(path: Path) -> list[QAItem]:
    """Parse and validate a QA file; every problem names its line."""
    if not path.is_file():
        raise InputError(f"{path}: no such QA file.")
    items: list[QAItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg}).") from None
        if not isinstance(raw, dict):
            raise InputError(f"{where}: each line must be a JSON object.")
        missing = [k for k in ("id", "lang", "question", "answerable") if k not in raw]
        if missing:
            raise InputError(f"{where}: missing field(s) {', '.join(missing)}.")
        try:
            item = QAItem(
                id=str(raw["id"]),
                lang=str(raw["lang"]),
                question=str(raw["question"]),
                answerable=bool(raw["answerable"]),
                must=[[str(p) for p in group] for group in raw.get("must") or []],
                evidence=[str(p) for p in raw.get("evidence") or []],
                history=[(str(q), str(a)) for q, a in raw.get("history") or []],
            )
        except (TypeError, ValueError):
            raise InputError(
                f"{where}: 'must' must be a list of lists of regexes, 'evidence' a list of "
                "regexes and 'history' a list of [question, answer] pairs."
            ) from None
        for pattern in item.evidence + [p for g in item.must for p in g]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise InputError(f"{where}: invalid regex {pattern!r} ({exc}).") from None
        if item.answerable and not item.evidence:
            raise InputError(f"{where}: an answerable item needs at least one 'evidence' regex.")
        if item.id in seen:
            raise InputError(f"{where}: duplicate id {item.id!r}.")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise InputError(f"{path}: contains no questions.")
    return items


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def retrieval_scores(items: Iterable[QAItem], search: Callable[[QAItem], list[str]]
                     ) -> dict[str, Any]:
    """hit@k and MRR for answerable items, overall and per language, plus per-item rows."""
    rows = []
    for item in items:
        if not item.answerable:
            continue
        started = time.perf_counter()
        texts = search(item)
        ms = (time.perf_counter() - started) * 1000
        first = next((i for i, t in enumerate(texts, start=1) if item.evidence_hit(t)), None)
        rows.append({"id": item.id, "lang": item.lang, "rank": first, "ms": ms})
    return {"overall": _summarise(rows), "per_language": _by_language(rows), "items": rows}


def _summarise(rows: list[dict[str, Any]]) -> dict[str, float]:
    n = len(rows)
    out: dict[str, float] = {"n": n}
    for k in KS:
        out[f"hit@{k}"] = sum(1 for r in rows if r["rank"] and r["rank"] <= k) / n if n else 0.0
    out["mrr"] = sum(1 / r["rank"] for r in rows if r["rank"]) / n if n else 0.0
    times = [r["ms"] for r in rows]
    out["latency_ms_p50"] = percentile(times, 0.5)
    out["latency_ms_p95"] = percentile(times, 0.95)
    return out


def _by_language(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r["lang"]].append(r)
    return {lang: _summarise(rs) for lang, rs in sorted(groups.items())}


def check_thresholds(report: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """Failures as readable lines; thresholds look like {"hit@5": 0.9, "per_language": {...}}."""
    failures = []
    overall = report["overall"]
    for metric, floor in thresholds.items():
        if metric in ("per_language", "min_language_n"):
            continue
        if overall.get(metric, 0.0) < floor:
            failures.append(f"overall {metric} = {overall.get(metric, 0.0):.3f} < {floor}")
    min_n = thresholds.get("min_language_n", 5)
    for metric, floor in (thresholds.get("per_language") or {}).items():
        for lang, scores in report["per_language"].items():
            if scores["n"] >= min_n and scores.get(metric, 0.0) < floor:
                failures.append(f"{lang} {metric} = {scores.get(metric, 0.0):.3f} < {floor}")
    return failures


def format_table(report: dict[str, Any], metrics: Iterable[str]) -> str:
    metrics = list(metrics)
    header = "| lang | n | " + " | ".join(metrics) + " |"
    lines = [header, "|" + "---|" * (len(metrics) + 2)]
    rows = list(report["per_language"].items()) + [("all", report["overall"])]
    for lang, scores in rows:
        cells = " | ".join(_fmt(scores.get(m)) for m in metrics)
        lines.append(f"| {lang} | {int(scores['n'])} | {cells} |")
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.0f}" if value >= 10 else f"{value:.2f}"
    return "–" if value is None else str(value)


def write_report(report: dict[str, Any], out_dir: Path, markdown: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (out_dir / "report.md").write_text(markdown)
    return out_dir / "report.json"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
