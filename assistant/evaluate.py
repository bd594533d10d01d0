"""Evaluation over a question–answer set (``eval/dev.jsonl``, ``eval/test.jsonl``): loading, runs
and reports; the answer keys are scored by ``scoring.py``."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import scoring
from .errors import InputError

KS = (1, 3, 5)


Alternative = str | dict[str, float]


@dataclass
class QAItem:
    """One eval question. ``must`` groups and ``must_not`` alternatives are literals or
    ``{"num": value}`` (see ``assistant.scoring``); ``evidence`` are literal substrings of a
    passage that states the answer; ``fact`` names the fact asked (the unit of the split)."""

    id: str
    lang: str
    question: str
    answerable: bool
    must: list[list[Alternative]] = field(default_factory=list)
    must_not: list[Alternative] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    fact: str = ""
    kind: str = "direct"
    pair: str = ""

    def evidence_hit(self, text: str) -> bool:
        flat = _flat(text)
        return any(_flat(e) in flat for e in self.evidence)

    def answer_passes(self, text: str) -> bool:
        return scoring.key_passes(self.must, self.must_not, text, self.lang)


def _flat(text: str) -> str:
    return " ".join(scoring.normalize(text).split())


def _alternative(value: Any) -> Alternative:
    if isinstance(value, dict) and set(value) == {"num"} and isinstance(value["num"], int | float):
        return {"num": float(value["num"])}
    if isinstance(value, str) and value.strip():
        return value
    raise TypeError(value)


def _item(raw: dict[str, Any]) -> QAItem:
    return QAItem(
        id=str(raw["id"]), lang=str(raw["lang"]), question=str(raw["question"]),
        answerable=bool(raw["answerable"]),
        must=[[_alternative(a) for a in group] for group in raw.get("must") or []],
        must_not=[_alternative(a) for a in raw.get("must_not") or []],
        evidence=[str(p) for p in raw.get("evidence") or []],
        history=[(str(q), str(a)) for q, a in raw.get("history") or []],
        fact=str(raw.get("fact") or raw["id"]), kind=str(raw.get("kind") or "direct"),
        pair=str(raw.get("pair") or ""),
    )


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
            item = _item(raw)
        except (TypeError, ValueError):
            raise InputError(
                f"{where}: 'must' must be a list of lists of alternatives (a non-empty string, "
                "or {\"num\": value}), 'must_not' a list of alternatives, 'evidence' a list of "
                "strings and 'history' a list of [question, answer] pairs."
            ) from None
        if item.answerable and not (item.evidence and item.must):
            raise InputError(f"{where}: an answerable item needs 'must' groups and at least "
                             "one 'evidence' string.")
        if item.id in seen:
            raise InputError(f"{where}: duplicate id {item.id!r}.")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise InputError(f"{path}: contains no questions.")
    return items


def select(items: list[QAItem], only: str | None) -> list[QAItem]:
    """Subset for quick runs: "every:3" or "id1,id2"."""
    if not only:
        return items
    if only.startswith("every:"):
        step = only.split(":", 1)[1]
        if not step.isdigit() or int(step) < 1:
            raise InputError(f"--only {only!r}: write every:N with a whole number N of 1 or more.")
        return items[:: int(step)]
    wanted = set(only.split(","))
    chosen = [i for i in items if i.id in wanted]
    if not chosen:
        raise InputError(f"--only {only!r} matches no item id.")
    return chosen


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
    """Failures as readable lines; thresholds look like {"hit@5": 0.9, "per_language": {...},
    "max": {"unsupported_rate": 0.02}}: floors, per-language floors, and ceilings."""
    failures = []
    overall = report["overall"]
    for metric, floor in thresholds.items():
        if metric in ("per_language", "min_language_n", "max"):
            continue
        if (overall.get(metric) or 0.0) < floor:
            failures.append(f"overall {metric} = {(overall.get(metric) or 0.0):.3f} < {floor}")
    for metric, ceiling in (thresholds.get("max") or {}).items():
        value = overall.get(metric)
        if value is None or value > ceiling:
            failures.append(f"overall {metric} = {value if value is None else round(value, 3)}"
                            f" > {ceiling}")
    min_n = thresholds.get("min_language_n", 5)
    for metric, floor in (thresholds.get("per_language") or {}).items():
        for lang, scores in report["per_language"].items():
            if scores["n"] >= min_n and (scores.get(metric) or 0.0) < floor:
                failures.append(f"{lang} {metric} = {(scores.get(metric) or 0.0):.3f} < {floor}")
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


def answer_row(item: QAItem, answer: Any, evidence_texts: list[str], corpus: str = ""
               ) -> dict[str, Any]:
    """Score one full answer (``answer`` is an assistant.answer.Answer, or any object with its
    text, abstained, citations, passages and timings).

    An answer is correct only when it is not an abstention, satisfies the key and is written
    in the asker's language: a quote in a foreign language answers nobody. A reply that says
    the sources do not cover the question is an abstention, whatever the pipeline flagged.
    """
    from .checks import answer_language

    lang = answer_language(answer.text, fallback="?", keep_quotes=True)
    abstained = bool(answer.abstained) or scoring.says_not_in_sources(answer.text, item.lang)
    row: dict[str, Any] = {
        "id": item.id, "lang": item.lang, "fact": item.fact, "kind": item.kind,
        "answerable": item.answerable, "abstained": abstained,
        "fallback": getattr(answer, "fallback", None),
        "answer": answer.text, "answer_lang": lang,
        "language_ok": lang == item.lang,
        "abstention_ok": abstained != item.answerable,
        "ms": answer.timings.get("total_ms", 0.0),
        "first_token_ms": answer.timings.get("first_token_ms"),
        "citations": [c.passage_id for c in answer.citations],
        "trace": list(getattr(answer, "trace", []) or []),
        "model_calls": getattr(answer, "model_calls", None),
        "drafts": list(getattr(answer, "drafts", []) or []),
    }
    first = next((i for i, t in enumerate(evidence_texts, start=1) if item.evidence_hit(t)), None)
    row["rank"] = first
    if not abstained:
        cited = [(c.text, c.language) for c in answer.citations]
        claims = scoring.unsupported_claims(answer.text, item.lang, cited, item.question, corpus)
        row["unsupported"] = claims.unsupported
        row["unchecked_names"] = claims.unchecked
    if item.answerable:
        row["key_ok"] = item.answer_passes(answer.text)
        row["correct"] = (not abstained) and row["key_ok"] and row["language_ok"]
        if not abstained:
            retrieved = {p.id for p in answer.passages}
            row["citation_valid"] = bool(answer.citations) and all(
                c.passage_id in retrieved for c in answer.citations
            ) and any(item.evidence_hit(c.text) for c in answer.citations)
    return row


def error_row(item: QAItem, error: str) -> dict[str, Any]:
    """A question whose answer failed with a model error: it scores as wrong on every count
    and has no latency (a timeout would skew the percentiles)."""
    row: dict[str, Any] = {
        "id": item.id, "lang": item.lang, "fact": item.fact, "kind": item.kind,
        "answerable": item.answerable, "abstained": False,
        "fallback": "error", "answer": "", "answer_lang": "?", "language_ok": False,
        "abstention_ok": False, "ms": None, "first_token_ms": None, "citations": [],
        "rank": None, "error": error, "trace": [], "model_calls": None,
    }
    if item.answerable:
        row["correct"] = False
    return row


def _share(rows: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> float | None:
    return sum(1 for r in rows if test(r)) / len(rows) if rows else None


def summarise_answers(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def agg(rs: list[dict[str, Any]]) -> dict[str, Any]:
        answerable = [r for r in rs if r["answerable"]]
        unanswerable = [r for r in rs if not r["answerable"]]
        answered = [r for r in answerable if "citation_valid" in r]
        replied = [r for r in rs if "unsupported" in r]
        out: dict[str, Any] = {"n": len(rs)}
        out["accuracy"] = _share(answerable, lambda r: r["correct"])
        out["language_match"] = _share(rs, lambda r: r["language_ok"])
        out["citation_validity"] = _share(answered, lambda r: r["citation_valid"])
        out["abstention"] = _share(unanswerable, lambda r: r["abstained"])
        out["false_abstention"] = _share(answerable, lambda r: r["abstained"])
        out["unsupported_rate"] = _share(replied, lambda r: bool(r["unsupported"]))
        out["abstention_accuracy"] = _share(rs, lambda r: r["abstention_ok"])
        for k in KS:
            out[f"hit@{k}"] = (sum(1 for r in answerable if r["rank"] and r["rank"] <= k)
                               / len(answerable) if answerable else None)
        times = [r["ms"] for r in rs if r["ms"] is not None]
        out["latency_ms_p50"] = percentile(times, 0.5)
        out["latency_ms_p95"] = percentile(times, 0.95)
        out["latency_ms_max"] = max(times) if times else 0.0
        firsts = [r["first_token_ms"] for r in rs if r["first_token_ms"] is not None]
        out["first_token_ms_p50"] = percentile(firsts, 0.5) if firsts else None
        calls = [r["model_calls"] for r in rs if r.get("model_calls") is not None]
        out["model_calls_mean"] = sum(calls) / len(calls) if calls else None
        out["model_calls_max"] = max(calls) if calls else None
        out["fallbacks"] = sum(1 for r in rs if r["fallback"] and r["fallback"] != "error")
        out["errors"] = sum(1 for r in rs if "error" in r)
        return out

    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r["lang"]].append(r)
        kinds[r.get("kind") or "direct"].append(r)
    return {
        "overall": agg(rows),
        "per_language": {lang: agg(rs) for lang, rs in sorted(groups.items())},
        "per_kind": {kind: agg(rs) for kind, rs in sorted(kinds.items())},
        "items": rows,
    }


ANSWER_METRICS = ["accuracy", "abstention", "false_abstention", "unsupported_rate",
                  "language_match", "citation_validity", "hit@5", "latency_ms_p50",
                  "latency_ms_p95", "latency_ms_max", "model_calls_mean"]


def side_by_side(reports: dict[str, dict[str, Any]], metrics: Iterable[str]) -> str:
    """One table of several runs' overall figures (dev, test, naive on test...), with the
    dev–test gap where both are there."""
    metrics = list(metrics)
    names = list(reports)
    gap = {"dev", "test"} <= set(names)
    lines = ["| metric | " + " | ".join(names) + (" | dev−test |" if gap else " |"),
             "|---|" + "---|" * (len(names) + gap)]
    for m in ["n", *metrics]:
        cells = [_fmt(reports[n]["overall"].get(m)) for n in names]
        if gap:
            a, b = reports["dev"]["overall"].get(m), reports["test"]["overall"].get(m)
            cells.append(_fmt(a - b) if isinstance(a, float) and isinstance(b, float)
                         and not m.startswith("latency") else "")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
