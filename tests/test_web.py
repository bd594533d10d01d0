"""The web chat in a real browser (Debian chromium driven by Playwright), with the real local
models. Screenshots go to the test's output folder (and out/screenshots/ for the README)."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant
from assistant.checks import answer_language
from assistant.texts import message, t

from .conftest import CHROMIUM, CORPUS, REPO, free_port

pytestmark = [pytest.mark.slow, pytest.mark.browser]
VI_Q = "Việt Nam và Hàn Quốc đặt mục tiêu kim ngạch thương mại song phương bao nhiêu vào năm 2030?"
RU_Q = "Какой объём двусторонней торговли Вьетнам и Корея хотят достичь к 2030 году?"
ANSWER_TIMEOUT_MS = 240_000
FINAL = "#sources .src[id^=src-], #sources .empty, #sources .closest"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (apt-get install chromium); .ci/run installs it")
    os.environ["ASSISTANT_ALLOW_MODEL_REQUESTS"] = "true"
    from assistant.web import launch

    folder = tmp_path_factory.mktemp("web")
    corpus = folder / "corpus"  # a copy: uploads go into it, never into the repository
    shutil.copytree(CORPUS, corpus)
    bot = Assistant(corpus_dir=corpus, cache_dir=REPO / ".cache",
                    vectorstore_dir=folder / "vs")
    bot.sync_corpus()
    port = free_port()
    launch(bot, host="127.0.0.1", port=port, block=False)
    url = f"http://127.0.0.1:{port}/"
    yield url


class Chat:
    """One browser tab on the app; records any request that leaves the machine."""

    def __init__(self, browser: Any, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 1000})
        self.external: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", self._request)
        self.page.on("dialog", self._dialog)
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea", timeout=60_000)
        # The page is ready when nothing is in a pending (faded) state any more.
        self.page.wait_for_function("() => !document.querySelector('.pending')",
                                    timeout=60_000)

    def _request(self, request: Any) -> None:
        if not re.match(r"^(https?://(127\.0\.0\.1|localhost)[:/]|data:|blob:)", request.url):
            self.external.append(request.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def bot_messages(self) -> list[str]:
        return [m.inner_text() for m in self.page.query_selector_all('[data-testid="bot"]')]

    def submit(self, question: str) -> None:
        self.page.fill("#question textarea", question)
        self.page.press("#question textarea", "Enter")

    def wait_answer(self) -> str:
        """The previous answer's sources leave the panel when retrieval is done; the final
        answer is in when its cited sources (or the "no sources" note, or the closest passages
        after an abstention) appear."""
        self.page.wait_for_selector(FINAL, state="detached", timeout=ANSWER_TIMEOUT_MS)
        self.page.wait_for_selector(FINAL, timeout=ANSWER_TIMEOUT_MS)
        self.page.wait_for_timeout(300)
        return self.bot_messages()[-1]

    def wait_done(self) -> str:
        """The last answer, once the page is idle again (Send back) with its final sources:
        for a page whose answer may have finished while another page was being watched."""
        self.page.wait_for_selector("#send", state="visible", timeout=ANSWER_TIMEOUT_MS)
        self.page.wait_for_selector(FINAL, timeout=ANSWER_TIMEOUT_MS)
        return self.bot_messages()[-1]

    def ask_expecting_error(self, question: str) -> str:
        before = len(self.bot_messages())
        self.submit(question)
        self.page.wait_for_function(
            """(n) => { const b = document.querySelectorAll('[data-testid="bot"]');
                       return b.length > n && b[b.length - 1].innerText.startsWith('⚠️'); }""",
            arg=before, timeout=60_000)
        return self.bot_messages()[-1]

    def ask(self, question: str) -> str:
        self.submit(question)
        return self.wait_answer()

    def shot(self, folder: Path, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def _any_page_shows(chats: list[Chat], pattern: re.Pattern[str], seconds: float) -> bool:
    """Whether, within ``seconds``, the text of any of the pages matches ``pattern``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(pattern.search(c.page.inner_text("body")) for c in chats):
            return True
        chats[0].page.wait_for_timeout(200)
    return False


def _screens(tmp_path: Path) -> Path:
    return tmp_path / "screenshots"


def test_chat_in_two_languages_sources_translate_abstain_and_xss(
    browser: Any, app_url: str, tmp_path: Path,
) -> None:
    chat = Chat(browser, app_url)
    shots = _screens(tmp_path)

    # A blank question makes no bubble, only a hint; bad input gets a short message in the
    # page's language, with no setting names, and the app keeps serving.
    chat.submit("   ")
    chat.page.wait_for_function(
        "() => document.querySelector('#status').innerText.includes('Type a question first')",
        timeout=30_000)
    assert chat.bot_messages() == []
    too_long = chat.ask_expecting_error("Việt Nam " * 300)
    assert "2000 characters at most" in too_long and "ASSISTANT_" not in too_long

    vi = chat.ask(VI_Q)
    assert answer_language(vi, "?") == "vi", vi
    assert re.search(r"\[1\]", vi) and "150" in vi
    assert chat.page.is_visible("#sources #src-1")
    assert "150" in chat.page.inner_text("#sources #src-1 mark")
    assert "tiếng Việt" in chat.page.inner_text("#status")
    assert chat.page.input_value("#question textarea") == ""
    assert "Gửi" in chat.page.inner_text("#send")  # the interface follows the asker
    assert "Tài liệu của bạn" in chat.page.inner_text("#documents")
    chat.shot(shots, "1-vietnamese")

    # The Vietnamese answer cites a passage in another language: translate it in place.
    button = chat.page.locator("button.translate").first
    button.click()
    chat.page.wait_for_selector("#sources .translation", timeout=ANSWER_TIMEOUT_MS)
    translated = chat.page.inner_text("#sources .translation")
    assert answer_language(translated, "?") == "vi", translated
    # Labelled as a machine translation; it keeps the figure, or is withheld with a note.
    assert t("translation", "vi").lower() in translated.lower(), translated
    assert "150" in translated or t("translation_unfaithful", "vi") in translated, translated
    chat.shot(shots, "2-translated")
    readme_shot = REPO / "out" / "screenshots"
    readme_shot.mkdir(parents=True, exist_ok=True)
    chat.page.screenshot(path=str(readme_shot / "ui.png"), full_page=False)

    ru = chat.ask(RU_Q)
    assert answer_language(ru, "?") == "ru", ru
    assert "[1]" in ru and "150" in ru
    assert chat.page.is_visible("#sources #src-1")
    chat.shot(shots, "3-russian")

    chat.page.click("#clear")  # a new conversation: no history pulls in the trade topic
    chat.page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"bot\"]').length === 0")
    assert chat.page.inner_text("#sources").strip() == ""
    abstained = chat.ask("Какая столица у Бразилии?")
    assert abstained.strip() == message("not_in_sources", "ru")
    # The closest passages stay, labelled as not answering the question.
    assert "Ответа на вопрос в них нет" in chat.page.inner_text("#sources")
    chat.shot(shots, "4-not-in-sources")

    attack = '<img src=x onerror=alert(1)> <script>alert(2)</script> Что это?'
    chat.ask(attack)
    user_texts = [m.inner_text() for m in chat.page.query_selector_all('[data-testid="user"]')]
    assert any("<img src=x onerror=alert(1)>" in u for u in user_texts)
    assert not chat.page.query_selector("#chat img[src='x']")
    assert chat.dialogs == []
    chat.shot(shots, "5-html-is-text")
    assert chat.external == [], chat.external


def test_the_answer_shows_its_steps_and_never_text_that_is_then_replaced(
        browser: Any, app_url: str) -> None:
    """Every text the answer's bubble shows, recorded as the page changes: the pipeline's
    steps while it works, then only text that stays (the final answer grows, never changes)."""
    chat = Chat(browser, app_url)
    chat.page.evaluate(
        """() => { window.seen = [];
            new MutationObserver(() => {
                const bots = document.querySelectorAll('[data-testid="bot"]');
                const text = bots.length ? bots[bots.length - 1].innerText.trim() : '';
                if (text && window.seen[window.seen.length - 1] !== text) window.seen.push(text);
            }).observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    final = chat.ask("Where will the seventh Vietnam–Korea cultural exchange festival be held?")
    seen = chat.page.evaluate("() => window.seen")
    steps = [t(key, "en").split("{")[0] for key in
             ("thinking", "step_read", "step_write", "step_check", "step_retry")]
    assert any(text.startswith(steps[1].split(" ")[0]) for text in seen), seen  # "Reading 5 …"
    assert any(text in (steps[2], steps[3]) for text in seen), seen  # writing or checking
    for text in seen:
        assert text in steps or text.startswith(steps[1]) or final.strip().startswith(text), (
            text, seen)
    assert seen[-1] == final.strip()


def test_four_people_chat_at_once(browser: Any, app_url: str, tmp_path: Path) -> None:
    """Four browser sessions ask at once, in four languages: each is queued with its place
    shown, and each gets its own answer, in its own language, with no error."""
    others = [("en", "What bilateral trade target did Vietnam and Korea set for 2030?"),
              ("id", "Berapa target perdagangan bilateral Vietnam dan Korea pada tahun 2030?")]
    first, second = Chat(browser, app_url), Chat(browser, app_url)
    more = [Chat(browser, app_url) for _ in others]
    first.submit(VI_Q)
    second.submit(RU_Q)  # the local model answers one at a time: the others are queued
    for chat, (_, question) in zip(more, others, strict=True):
        chat.submit(question)
    # Those waiting see their place in the queue, not a frozen page. Which request reaches the
    # server first is not fixed, so any of the four pages may be the one being answered.
    chats = [first, second, *more]
    assert _any_page_shows(chats, re.compile(r"queue: \d+/\d+"), seconds=60), (
        [c.page.inner_text("body")[:300] for c in chats])
    vi = first.wait_done()
    ru = second.wait_done()
    assert answer_language(vi, "?") == "vi" and "150" in vi, vi
    assert answer_language(ru, "?") == "ru" and "150" in ru, ru
    assert "tiếng Việt" in first.page.inner_text("#status")
    assert "русский" in second.page.inner_text("#status")
    for chat, (lang, _) in zip(more, others, strict=True):
        text = chat.wait_done()
        assert not text.startswith("⚠️") and answer_language(text, "?") == lang, text
        assert f"({lang})" in chat.page.inner_text("#status")
    first.shot(_screens(tmp_path), "parallel-1")
    second.shot(_screens(tmp_path), "parallel-2")


def test_gradio_client_endpoint(app_url: str) -> None:
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    result = client.predict("Какая столица у Бразилии?", api_name="/ask")
    assert result["abstained"] is True and result["language"] == "ru"
    # A question that cannot be asked is an error that says why, not an opaque AppError.
    for bad, reason in (("   ", "empty"), ("x" * 5000, "limit is")):
        with pytest.raises(Exception, match=reason):
            client.predict(bad, api_name="/ask")


def test_stop_frees_the_chat_and_nothing_is_stuck(browser: Any, app_url: str) -> None:
    """Send turns into Stop while an answer runs; stopping says so in the bubble, brings Send
    back, and the next question is answered. A blank question leaves no bubble."""
    chat = Chat(browser, app_url)
    chat.submit("Where will APEC 2027 take place?")
    chat.page.wait_for_selector("#stop", state="visible", timeout=30_000)
    assert not chat.page.is_visible("#send")
    chat.page.click("#stop")
    chat.page.wait_for_selector("#send", state="visible", timeout=30_000)
    try:
        chat.page.wait_for_function(
            """() => { const b = document.querySelectorAll('[data-testid="bot"]');
                       return b.length && b[b.length - 1].innerText.includes('stopped'); }""",
            timeout=30_000)
    except Exception:
        raise AssertionError(f"no stopped bubble: {chat.bot_messages()!r}") from None
    before = len(chat.bot_messages())
    chat.submit("   ")
    chat.page.wait_for_timeout(1_500)
    assert len(chat.bot_messages()) == before  # no empty bubble for a blank question
    answer = chat.ask("When did Vietnam and the Republic of Korea establish diplomatic ties?")
    assert "1992" in answer or "sources" in answer.lower(), answer
    assert not chat.external
    # The conversation survives a reload (kept in this browser).
    chat.page.reload()
    chat.page.wait_for_selector("#question textarea", timeout=60_000)
    chat.page.wait_for_function(
        """(a) => [...document.querySelectorAll('[data-testid="bot"]')]
                  .some(b => b.innerText.includes(a))""", arg=answer[:20], timeout=30_000)


def test_an_earlier_answer_shows_its_own_sources(browser: Any, app_url: str) -> None:
    """Every answer keeps its sources: clicking the first answer after a second one brings
    the first one's sources back into the panel."""
    chat = Chat(browser, app_url)
    chat.ask("When did Vietnam and the Republic of Korea establish diplomatic ties?")
    first = chat.page.inner_text("#sources")
    answered = chat.page.query_selector("#sources .src") is not None
    chat.page.wait_for_selector("#send", state="visible", timeout=30_000)
    chat.ask("Where will APEC 2027 take place?")
    second = chat.page.inner_text("#sources")
    chat.page.query_selector_all('[data-testid="bot"]')[0].click(position={"x": 4, "y": 4})
    # An answer shows its citations again; an abstention its closest passages, labelled.
    chat.page.wait_for_function(
        "(e) => document.querySelector('#sources').innerText.includes(e)",
        arg=first.strip()[:80], timeout=30_000)
    assert first != second or not answered
    _past_chats(chat)
    assert not chat.external


def _chats(chat: Chat) -> list[str]:
    return [x.strip() for x in chat.page.inner_text("#chats").split("\n") if x.strip()][1:]


def _past_chats(chat: Chat) -> None:
    """The sidebar lists past chats, titled by their first question: a new chat keeps the old
    one listed, the list survives a reload, a chat can be renamed, opened again with its
    messages, and deleted."""
    page = chat.page
    page.click("#sidebar .toggle-button")
    page.wait_for_function("() => document.querySelector('#chats').innerText.includes("
                           "'When did Vietnam')", timeout=30_000)
    assert _chats(chat) == ["When did Vietnam and the Republic of Korea establish diplom…"]
    page.click("#new-chat")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"bot\"]')", timeout=30_000)
    page.reload()
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('.pending')", timeout=60_000)
    assert not chat.bot_messages()  # the new chat is open after the reload
    page.click("#sidebar .toggle-button")
    page.get_by_label("When did Vietnam", exact=False).check()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"bot\"]').length === 2",
        timeout=30_000)
    page.fill("#chat-title textarea, #chat-title input", "Diplomatic ties and APEC")
    page.click("#rename")
    page.wait_for_function("() => document.querySelector('#chats').innerText.includes("
                           "'Diplomatic ties and APEC')", timeout=30_000)
    page.reload()
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"bot\"]').length === 2",
        timeout=30_000)  # the renamed chat was the open one
    page.click("#sidebar .toggle-button")
    assert _chats(chat) == ["Diplomatic ties and APEC"]
    page.click("#delete-chat")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"bot\"]')", timeout=30_000)
    assert _chats(chat) == []


def test_an_uploaded_article_becomes_answerable_and_a_broken_file_is_refused(
        browser: Any, app_url: str, tmp_path: Path) -> None:
    article = tmp_path / "ferry.md"
    article.write_text("---\nid: ferry\ntitle: Ferry line\nlanguage: en\n---\n\n"
                       "A new ferry line will link Busan and Hai Phong from March 2026.\n",
                       encoding="utf-8")
    broken = tmp_path / "broken.md"
    broken.write_text("---\nid: [oops\n---\n\nBody.", encoding="utf-8")
    chat = Chat(browser, app_url)
    chat.page.click("#documents button")  # open the section
    chat.page.set_input_files("#upload input[type=file]", [str(article), str(broken)])
    chat.page.wait_for_function(
        "() => document.querySelector('#upload-status').innerText.includes('added')",
        timeout=120_000)
    status = chat.page.inner_text("#upload-status")
    assert "1 file(s) added" in status and "broken.md" in status, status
    assert "Ferry line" in chat.page.inner_text("#indexed")
    answer = chat.ask("Which two cities will the new ferry line link?")
    assert "Busan" in answer, answer


AXE = REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def test_accessibility_dark_mode_and_phone(browser: Any, app_url: str, tmp_path: Path) -> None:
    """axe-core (from npm, scripts/ensure-browser.sh) finds no serious or critical violation
    in either theme, every visible control has a name; dark mode is photographed with an
    answer, its highlight readable, and the page fits a phone's width."""
    assert AXE.is_file(), "axe-core is missing: run scripts/ensure-browser.sh"
    shots = REPO / "out" / "screenshots"
    for theme in ("light", "dark"):
        chat = Chat(browser, f"{app_url}?__theme={theme}")
        chat.page.add_script_tag(path=str(AXE))
        found = chat.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
        assert found == [], found
        unnamed = chat.page.evaluate(
            """() => [...document.querySelectorAll('button, input, textarea, select')]
                .filter(e => e.offsetParent !== null)
                .filter(e => !(e.getAttribute('aria-label') || e.innerText.trim() ||
                               e.getAttribute('title') || e.labels?.length ||
                               e.getAttribute('aria-labelledby') || e.placeholder))
                .map(e => e.outerHTML.slice(0, 80))""")
        assert unnamed == [], unnamed
    dark = Chat(browser, f"{app_url}?__theme=dark")
    assert "150" in dark.ask(VI_Q)
    # The highlight keeps the theme's text colour on a translucent background: light text
    # on a dark page stays readable (it was white on pale yellow).
    mark, body = dark.page.evaluate(
        "() => { const m = document.querySelector('#sources mark');"
        " return m && [getComputedStyle(m).color + '|' + getComputedStyle(m).backgroundColor,"
        " getComputedStyle(document.querySelector('#sources')).color]; }")
    text, background = mark.split("|")
    assert text == body, (text, body)
    alpha = re.search(r"rgba\([^)]*,\s*([\d.]+)\)", background)
    assert alpha and float(alpha.group(1)) <= 0.5, background
    dark.shot(shots, "dark")
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(app_url)
    phone.wait_for_selector("#question textarea", timeout=60_000)
    phone.screenshot(path=str(shots / "phone.png"), full_page=True)
    assert phone.evaluate("() => document.documentElement.scrollWidth <= 400")
