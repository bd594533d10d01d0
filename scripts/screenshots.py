"""The README's screenshots: desktop light with a translated source, desktop dark, phone.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only light dark phone]

Starts the web chat on a copy of the corpus with the real local models, asks each question
in Debian's chromium (scripts/ensure-browser.sh installs it with the CJK fonts), and saves
one picture per view. It refuses to save a picture of a wrong answer, of an abstention or of
a withheld translation: the README shows only what a user would trust. The questions are
demo questions written for the pictures, not eval items.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 240_000
FINAL = "#sources .src[id^=src-], #sources .empty, #sources .closest"


@dataclass(frozen=True)
class View:
    name: str
    question: str
    expect: str  # a regex the answer must match
    theme: str = "light"
    viewport: tuple[int, int] = (1280, 900)
    translate: bool = False  # open the first source's translation


VIEWS = [
    View("light", "In 2024, how many people travelled between Vietnam and Korea?",
         r"5 million (visitors|tourists|people|travellers)", translate=True),
    View("dark", "Việt Nam và Hàn Quốc đặt mục tiêu thương mại song phương bao nhiêu vào năm "
         "2030?", r"150 tỷ", theme="dark"),
    View("phone", "한국과 베트남은 2030년까지 양국 교역액 목표를 얼마로 정했나요?",
         r"1,?500억", viewport=(390, 844)),
]


class ShotError(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _shoot(browser: Any, url: str, view: View, out: Path) -> str:
    width, height = view.viewport
    page = browser.new_page(viewport={"width": width, "height": height},
                            is_mobile=width < 600)
    page.goto(f"{url}?__theme={view.theme}")
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('.pending')", timeout=60_000)
    page.fill("#question textarea", view.question)
    page.press("#question textarea", "Enter")
    page.wait_for_selector("#send", state="visible", timeout=TIMEOUT_MS)
    page.wait_for_selector(FINAL, timeout=TIMEOUT_MS)
    answer = page.query_selector_all('[data-testid="bot"]')[-1].inner_text()
    if not re.search(view.expect, answer) or page.query_selector("#sources .closest"):
        raise ShotError(f"{view.name}: the answer is not the expected one: {answer!r}")
    if view.translate:
        page.locator("button.translate").first.click()
        page.wait_for_selector("#sources .translation", timeout=TIMEOUT_MS)
        if page.query_selector("#sources .translation i"):
            raise ShotError(f"{view.name}: the translation was withheld as unfaithful")
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{view.name}.png"), full_page=view.viewport[0] < 600)
    page.close()
    return answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", help="views to take (default: all)")
    args = parser.parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from playwright.sync_api import sync_playwright

    from assistant import Assistant
    from assistant.web import launch

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(REPO / "corpus", corpus)
        bot = Assistant(corpus_dir=corpus, cache_dir=REPO / ".cache",
                        vectorstore_dir=Path(tmp) / "vs")
        bot.sync_corpus()
        port = _free_port()
        launch(bot, host="127.0.0.1", port=port, block=False)
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        failed = 0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            for view in VIEWS:
                if args.only and view.name not in args.only:
                    continue
                # Greedy decoding still varies a little with the model's prompt cache: a
                # second try, in a fresh page, is what a user's Regenerate would give.
                for attempt in (1, 2):
                    try:
                        answer = _shoot(browser, f"http://127.0.0.1:{port}/", view, args.out)
                        print(f"{view.name}: {answer[:100]!r}")
                        break
                    except ShotError as exc:
                        print(f"not saved (try {attempt}): {exc}", file=sys.stderr)
                else:
                    failed += 1
            browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
