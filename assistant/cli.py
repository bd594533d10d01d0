"""Command line: ``assistant ingest | search | ask | chat | eval | serve``.

A thin adapter over the Assistant service.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .config import load_settings, redact
from .errors import AssistantError, ConfigError, InputError, ModelError

EXIT_ERROR = 2
EXIT_BELOW_THRESHOLD = 3
# Model errors on this many questions in a row mean the backend is down, not one bad answer.
EVAL_ERRORS_IN_A_ROW = 3


class _ProgressBar:
    """A chunk counter on stderr with rate and ETA, shown when there is work to count."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, unit="chunk", desc="ingest", disable=total < 2,
                            file=sys.stderr, smoothing=0.1)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_ingest(args: argparse.Namespace) -> int:
    from .service import Assistant

    bot = Assistant()
    paths = [Path(p) for p in args.paths] or None
    bar = _ProgressBar()
    try:
        report = bot.ingest(paths, prune=args.prune, rebuild=args.rebuild, progress=bar)
    finally:
        bar.close()
    for error in report.errors:
        print(f"skipped: {error}", file=sys.stderr)
    print(report.summary())
    print(f"index now holds {bot.index.count()} chunk(s)")
    return 1 if report.errors else 0


def cmd_search(args: argparse.Namespace) -> int:
    from .service import Assistant

    bot = Assistant()
    bot.sync_corpus()
    passages = bot.retrieve(args.question, k=args.k)
    if args.json:
        print(json.dumps([p.__dict__ for p in passages], ensure_ascii=False, indent=2))
        return 0
    for n, p in enumerate(passages, start=1):
        meta = ", ".join(x for x in (p.source, p.date, p.language) if x)
        print(f"[{n}] {p.display_title} ({meta}) score={p.score:.4f}")
        print(f"    {p.text[:300]}{'…' if len(p.text) > 300 else ''}")
    return 0


def _print_answer(answer: Any, show_sources: bool = True) -> None:
    print(answer.text)
    if show_sources and answer.abstained and answer.passages:
        # What was found, labelled as not answering: the asker can judge for themselves.
        print("\nClosest passages (they do not answer the question):")
        for p in answer.passages[:3]:
            meta = ", ".join(x for x in (p.source, p.date, p.language) if x)
            more = "…" if len(p.text) > 300 else ""
            print(f"- {p.display_title} ({meta})\n    {p.text[:300]}{more}")
    if show_sources and answer.citations:
        print()
        for c in answer.citations:
            meta = ", ".join(x for x in (c.source, c.date, c.language) if x)
            print(f"[{c.number}] {c.display_title} ({meta}){' ' + c.url if c.url else ''}")
            print(f"    “{c.sentence}”")
            if c.translation:
                print(f"    → {' '.join(c.translation.split())}")
            elif c.translation_unfaithful:
                print("    → (machine translation not shown: it changed a figure or a name)")
    if show_sources and getattr(answer, "conflicts", None):
        print("\nAnother article says otherwise (the sources disagree; check both):")
        for conflict in answer.conflicts:
            p = conflict.passage
            print(f"- {p.display_title} ({', '.join(conflict.theirs)})\n    {p.text[:300]}")


def cmd_ask(args: argparse.Namespace) -> int:
    from .answer import Answer
    from .service import Assistant, Delta, Step

    bot = Assistant()
    bot.sync_corpus()
    final: Answer | None = None
    for event in bot.stream(args.question):
        if isinstance(event, Step) and args.stream and not args.json:
            print(f"[{event.kind}{f' {event.count}' if event.count else ''}] ", end="",
                  file=sys.stderr, flush=True)
        elif isinstance(event, Delta) and args.stream and not args.json:
            print(event.text, end="", file=sys.stderr, flush=True)
        elif isinstance(event, Answer):
            final = event
    if args.stream and not args.json:
        print(file=sys.stderr)
    assert final is not None
    if args.translate:
        bot.translate_citations(final.citations, final.language)
    if args.json:
        print(json.dumps(final.to_dict(), ensure_ascii=False, indent=2))
        return 0
    _print_answer(final)
    if args.explain:
        print(f"\nHow it was made ({final.model_calls} model call(s), "
              f"{final.timings.get('total_ms', 0) / 1000:.1f} s):")
        for step in final.trace:
            print(f"- {step}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from .service import Assistant

    bot = Assistant()
    bot.sync_corpus()
    history: list[tuple[str, str]] = []
    print(f"Ask about Vietnam–Korea relations ({bot.backend}). Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        try:
            answer = bot.ask(question, history=history)
        except AssistantError as exc:  # the chat and its history go on
            print(f"error: {exc}")
            continue
        _print_answer(answer)
        history.append((question, answer.text))


SPLITS = ("dev", "test")


def _eval_sets(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(name, file) of each set to run: ``--qa FILE``, or the named splits of eval/."""
    from .config import PROJECT_ROOT

    if args.qa:
        return [(Path(args.qa).stem, Path(args.qa))]
    names = [n.strip() for n in args.split.split(",") if n.strip()]
    unknown = [n for n in names if n not in SPLITS]
    if unknown or not names:
        raise InputError(f"--split {args.split!r}: name one or more of {', '.join(SPLITS)}, "
                         "comma-separated (e.g. --split dev,test).")
    return [(n, PROJECT_ROOT / "eval" / f"{n}.jsonl") for n in names]


def cmd_eval(args: argparse.Namespace) -> int:
    """Run each set, gate the test split (or the one set run) and, with --naive, score the
    naive pipeline on that same set; write one report per run plus a side-by-side summary."""
    from . import evaluate
    from .service import Assistant

    if not args.no_gate and not Path(args.thresholds).is_file():
        raise InputError(f"Thresholds file {args.thresholds} not found: pass --thresholds FILE, "
                         "or --no-gate to report without gating.")
    sets = [(name, evaluate.select(evaluate.load_qa(path), args.only))
            for name, path in _eval_sets(args)]
    bot = Assistant()
    bot.sync_corpus()
    # Every question is measured as a first-time asker meets it: no translation remembered
    # from an earlier run (the search pivot's, or a citation's) makes it faster or cheaper.
    bot.translator.store = None
    out = Path(args.out)
    reports: dict[str, dict[str, Any]] = {}
    code = 0
    # The gate, and the naive pipeline's run, are for the test split (or the one set run).
    gated = "test" if any(name == "test" for name, _ in sets) else sets[-1][0]
    for name, items in sets:
        gate = not args.no_gate and name == gated
        sub = argparse.Namespace(**{**vars(args), "out": str(out / name), "no_gate": not gate})
        bot.translator.forget()
        if args.retrieval_only:
            code = _retrieval_eval(sub, bot, items) or code
            continue
        code = _answer_eval(sub, bot, items, name=name) or code
        reports[name] = json.loads((out / name / "report.json").read_text())
        if args.naive and name == gated:
            naive_out = argparse.Namespace(**{**vars(sub), "no_gate": True,
                                              "out": str(out / f"naive-{name}")})
            _answer_eval(naive_out, bot, items, name=f"naive-{name}", naive=True)
            reports[f"naive {name}"] = json.loads(
                (out / f"naive-{name}" / "report.json").read_text())
    if len(reports) > 1:
        table = evaluate.side_by_side(reports, evaluate.ANSWER_METRICS)
        (out / "summary.md").write_text(f"# Answer eval, side by side\n\n{table}\n")
        print(table)
        print(f"summary: {out / 'summary.md'}")
    return code


def _retrieval_eval(args: argparse.Namespace, bot: Any, items: list[Any]) -> int:
    from . import evaluate

    def search(item: evaluate.QAItem) -> list[str]:
        return [p.text for p in bot.retrieve(item.question, k=5, history=item.history,
                                             mode=args.mode)]

    bot.retrieve("warm-up", k=1, mode=args.mode)  # loads the store and BM25 outside the timings
    report: dict[str, Any] = evaluate.retrieval_scores(items, search)
    report["mode"] = args.mode or bot.settings.retrieval
    report["qa_file"] = str(args.qa or args.split)
    metrics = ["hit@1", "hit@3", "hit@5", "mrr", "latency_ms_p50"]
    return _finish_report(args, report, "retrieval", metrics,
                          f"Retrieval eval ({report['mode']})")


def _finish_report(args: argparse.Namespace, report: dict[str, Any], section: str,
                   metrics: list[str], title: str) -> int:
    """Gate on eval/thresholds.json's ``section``, write report.json/.md, print the table."""
    from . import evaluate

    table = evaluate.format_table(report, metrics)
    failures: list[str] = []
    if not args.no_gate:
        thresholds = json.loads(Path(args.thresholds).read_text()).get(section, {})
        failures = evaluate.check_thresholds(report, thresholds)
    report["failures"] = failures
    md = f"# {title}\n\n{table}\n"
    if report.get("stopped"):
        md += f"\nIncomplete: {report['stopped']}\n"
    if report.get("errors"):
        md += "\nModel errors (counted as failed questions):\n" + "\n".join(
            f"- {e['id']}: {e['error']}" for e in report["errors"]) + "\n"
    if failures:
        md += "\nBelow threshold:\n" + "\n".join(f"- {f}" for f in failures) + "\n"
    path = evaluate.write_report(report, Path(args.out), md)
    print(table)
    print(f"report: {path}")
    for f in failures:
        print(f"BELOW THRESHOLD: {f}", file=sys.stderr)
    return EXIT_BELOW_THRESHOLD if failures else 0


def _answer_eval(args: argparse.Namespace, bot: Any, items: list[Any], name: str = "",
                 naive: bool = False) -> int:
    import shutil
    import tempfile

    from . import evaluate
    from .naive import naive_answer, naive_assistant

    corpus = " ".join(c.text for c in bot.index.all_chunks())  # names any passage holds
    ask: Any = bot.ask
    scratch: Path | None = None  # the naive pipeline's own store, removed after the run
    if naive:
        scratch = Path(tempfile.mkdtemp(prefix="naive-"))
        simple = naive_assistant(bot, scratch)

        def ask(question: str, history: Any = None) -> Any:
            return naive_answer(simple, question)

    rows = []
    stopped = ""
    in_a_row = 0
    for n, item in enumerate(items, start=1):
        try:
            answer = ask(item.question, history=item.history)
        except ModelError as exc:
            # A failed model call costs that question, not the report of the whole run.
            rows.append(evaluate.error_row(item, str(exc)))
            print(f"[{n}/{len(items)}] ERR {item.id}: {exc}", file=sys.stderr, flush=True)
            in_a_row += 1
            if in_a_row >= EVAL_ERRORS_IN_A_ROW:
                stopped = (f"stopped after {in_a_row} model errors in a row, at {item.id} "
                           f"({n}/{len(items)}): {exc}")
                break
            continue
        in_a_row = 0
        row = evaluate.answer_row(item, answer, [p.text for p in answer.passages], corpus)
        rows.append(row)
        mark = "ok " if row.get("correct", row["abstention_ok"]) else "BAD"
        print(f"[{name} {n}/{len(items)}] {mark} {item.id} {row['ms'] / 1000:.1f}s "
              f"{answer.text[:100]!r}", file=sys.stderr, flush=True)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    report: dict[str, Any] = evaluate.summarise_answers(rows)
    report["qa_file"] = str(args.qa or name)
    report["backend"] = ("naive: top-3 dense chunks, no checks, " if naive else "") + bot.backend
    report["errors"] = [{"id": r["id"], "error": r["error"]} for r in rows if "error" in r]
    if stopped:
        report["stopped"] = stopped
    code = _finish_report(args, report, "answer", evaluate.ANSWER_METRICS,
                          f"Answer eval: {name} ({report['backend']})")
    if stopped:
        print(f"error: {stopped}", file=sys.stderr)
        return EXIT_ERROR
    return code


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    from .service import Assistant
    from .web import launch

    settings = load_settings()
    host = args.host or settings.host
    if not is_loopback(host):
        if not args.insecure:
            raise ConfigError(
                f"Refusing to serve on {host}: other machines could use the assistant (and its "
                "model) with no login. Serve on 127.0.0.1 behind a reverse proxy that "
                "authenticates, or pass --insecure to accept that.")
        print(f"warning: serving on {host} with no login: anyone who reaches this address "
              "can use the assistant.", file=sys.stderr)
    bot = Assistant(settings)
    print(f"checking the index of {settings.corpus_dir} (the first time, every article is "
          "embedded: about a minute) …", file=sys.stderr, flush=True)
    report = bot.sync_corpus()
    if report is not None and report.changed_files:
        print(f"indexed the corpus: {report.summary()}")

    def warm() -> None:
        try:
            bot.warm_up()
        except AssistantError as exc:  # the chat shows the same error when asked
            print(f"warning: {exc}", file=sys.stderr)

    # Loading the model and caching the prompt prefix now spares the first question both.
    threading.Thread(target=warm, daemon=True).start()
    port = args.port or bot.settings.port
    print(f"serving on http://{host}:{port} ({bot.backend}); Ctrl-C stops", flush=True)
    launch(bot, host=host, port=port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Source-grounded assistant on Vietnam–Republic of Korea relations.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index articles (Markdown, text, HTML files or folders)")
    p.add_argument("paths", nargs="*", help="files or folders (default: corpus/)")
    p.add_argument("--prune", action="store_true",
                   help="remove chunks of files that were deleted from the given folders")
    p.add_argument("--rebuild", action="store_true", help="drop the index and rebuild it")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="show the passages retrieved for a question")
    p.add_argument("question")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer one question with cited sources")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.add_argument("--stream", action="store_true", help="show the answer as it is written")
    p.add_argument("--translate", action="store_true",
                   help="translate cited passages into the question's language")
    p.add_argument("--explain", action="store_true",
                   help="print the pipeline's trace: the stages that ran, what the checks found")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="chat in the terminal (keeps history)")
    p.set_defaults(func=cmd_chat)

    from .config import PROJECT_ROOT

    p = sub.add_parser("eval", help="evaluate on a question–answer set")
    p.add_argument("--split", default="test",
                   help="eval/dev.jsonl, eval/test.jsonl or both: dev, test or dev,test "
                        "(default test; tune on dev only)")
    p.add_argument("--qa", default=None, help="a QA file to run instead of the splits")
    p.add_argument("--naive", action="store_true",
                   help="also score the naive pipeline (top-3 chunks, no checks) on the test "
                        "split (or the one set run)")
    p.add_argument("--out", default="out/eval")
    p.add_argument("--retrieval-only", action="store_true")
    p.add_argument("--mode", choices=["dense", "dense+lang", "dense+lang+bm25", "hybrid"],
                   default=None, help="retrieval variant (default: ASSISTANT_RETRIEVAL)")
    p.add_argument("--thresholds", default=str(PROJECT_ROOT / "eval" / "thresholds.json"))
    p.add_argument("--no-gate", action="store_true", help="report only; never fail on thresholds")
    p.add_argument("--only", default=None,
                   help="comma-separated item ids, or every:N for every Nth item")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the web chat")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--insecure", action="store_true",
                   help="allow binding an address other machines reach, with no login")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Bytes that are not UTF-8 (on stdin, or in arguments, which Python already reads this
    # way) become lone surrogates, which the question checks name; printing never fails on
    # what cannot be encoded.
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "backslashreplace"),
                           (sys.stderr, "backslashreplace")):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=errors)
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AssistantError as exc:
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
