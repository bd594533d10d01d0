"""Gradio web chat: a thin adapter over the Assistant service (no retrieval or answering here).

Everything from users and articles is HTML-escaped before it is shown. The page loads no fonts,
scripts or telemetry from the internet.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from typing import Any

from . import conversations
from .answer import Answer, Citation
from .errors import AssistantError, InputError
from .retrieve import Passage
from .service import Assistant, Delta, Sources, Step
from .texts import language_label, t, ui_texts
from .uploads import (
    DOC_HEADERS,
    UPLOAD_TYPES,
    add_documents,
    listing,
    remove_upload,
)

log = logging.getLogger(__name__)

EXAMPLES = [
    "Việt Nam và Hàn Quốc đặt mục tiêu thương mại song phương bao nhiêu vào năm 2030?",
    "В каком городе 30 октября прошли переговоры президентов?",
    "2027년 APEC 정상회의는 베트남 어디에서 열리나요?",
    "Berapa banyak wisatawan yang saling berkunjung pada tahun 2024?",
    "When did Vietnam and the Republic of Korea establish diplomatic ties?",
]

CSS = """
.src {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
      margin-bottom: 8px;}
.src:target {outline: 2px solid var(--color-accent);}
.src .meta {font-size: 0.85em; opacity: 0.8; margin: 2px 0 6px;}
.src .cols {display: flex; gap: 12px;}
.src .cols > div {flex: 1;}
.src .label {font-size: 0.75em; text-transform: uppercase; opacity: 0.7;}
/* Translucent, so the text keeps the theme's colour: readable in light and dark mode. */
.src mark {background: rgba(255, 200, 0, 0.35); color: inherit; padding: 0 1px;}
a.cite {text-decoration: none; font-weight: 600;}
#status {font-size: 0.9em; overflow: visible !important;}
#status * {overflow: visible !important; max-height: none !important;}
/* Contrast of at least 4.5:1 (WCAG AA), checked with axe-core in both themes. */
#send, #stop {background: #b93a0b; border-color: #b93a0b; color: #fff;}
.show-api, footer a {color: var(--body-text-color) !important; opacity: 1 !important;}
"""


def translate_label(lang: str) -> str:
    if lang in ui_texts():
        return t("translate", lang)
    return f"Translate into {language_label(lang)}"


def linkify(text: str, citations: list[Citation] | None = None) -> str:
    """Escape the answer and make each [n] a link to source n in the panel; hovering it shows
    the sentence of the source that supports the answer."""
    sentences = {c.number: c.sentence for c in citations or []}

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        title = html.escape(sentences.get(n, ""), quote=True)
        return f'<a class="cite" href="#src-{n}" title="{title}">[{n}]</a>'

    return re.sub(r"\[(\d+)\]", link, html.escape(text))


def bubble_text(content: object) -> str:
    """A chat message's text as stored: Gradio 6 hands messages back as a list of parts
    (``[{"type": "text", "text": ...}]``), what was sent as a string."""
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) if isinstance(p, dict) else str(p)
                       for p in content)
    return str(content or "")


def _plain(content: object) -> str:
    """A chat bubble's text as the asker reads it: tags dropped, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", bubble_text(content))).split())


def turn_of(chat: list[dict[str, Any]], turns: list[dict[str, Any]],
            index: int) -> dict[str, Any] | None:
    """The answered turn shown by chat message ``index``: an answer bubble matched to its
    turn by the question before it and its own text (a stopped or failed answer has none)."""
    if not (0 < index < len(chat)) or chat[index].get("role") != "assistant":
        return None
    shown, asked = _plain(chat[index].get("content")), _plain(chat[index - 1].get("content"))
    for turn in reversed(turns):
        if (" ".join(str(turn.get("question", "")).split()) == asked
                and " ".join(str(turn.get("answer", "")).split()) == shown):
            return turn
    return None


def input_problem(exc: InputError, lang: str, limit: int) -> str:
    """What is wrong with the question, in the page's language where the kind is known."""
    key = f"error_{exc.kind}"
    if key in ui_texts()["en"]:
        return t(key, lang).format(limit=limit)
    return str(exc)


def _highlight(text: str, sentence: str) -> str:
    at = text.find(sentence) if sentence else -1
    if at < 0:
        return html.escape(text)
    return (html.escape(text[:at]) + "<mark>" + html.escape(sentence) + "</mark>"
            + html.escape(text[at + len(sentence):]))


def _meta(source: str, date: str, language: str, url: str, lang: str) -> str:
    parts = [html.escape(x) for x in (source, date, language_label(language)) if x]
    if url.startswith(("http://", "https://")):
        parts.append(f'<a href="{html.escape(url, quote=True)}" target="_blank" '
                     f'rel="noopener noreferrer">{html.escape(t("open", lang))} ↗</a>')
    return " · ".join(parts)


def render_citations(citations: list[Citation], lang: str) -> str:
    if not citations:
        return f'<p class="empty">{html.escape(t("no_sources", lang))}</p>'
    blocks = [f"<h3>{html.escape(t('sources', lang))}</h3>"]
    for c in citations:
        original = _highlight(c.text, c.sentence)
        cols = f'<div><div class="label">{html.escape(t("original", lang))}</div>{original}</div>'
        if c.translation or c.translation_unfaithful:
            shown = (html.escape(c.translation) if c.translation
                     else f'<i>{html.escape(t("translation_unfaithful", lang))}</i>')
            cols += (f'<div class="translation"><div class="label">'
                     f'{html.escape(t("translation", lang))}</div>{shown}</div>')
        blocks.append(
            f'<div class="src" id="src-{c.number}"><div><b>[{c.number}] '
            f"{html.escape(c.display_title)}</b></div>"
            f'<div class="meta">{_meta(c.source, c.date, c.language, c.url, lang)}</div>'
            f'<div class="cols">{cols}</div></div>'
        )
    return "\n".join(blocks)


def render_retrieved(passages: list[Passage], lang: str, label: str = "retrieved") -> str:
    """Passages as found; ``label`` says what they are: being read, or (after an abstention)
    the closest ones, which do not answer."""
    items = "".join(
        f'<div class="src"><div><b>{html.escape(p.display_title)}</b></div>'
        f'<div class="meta">{_meta(p.source, p.date, p.language, p.url, lang)}</div>'
        f"<div>{html.escape(p.text)}</div></div>"
        for p in passages
    )
    # The closest passages after an abstention are the answer's final panel (class "closest").
    return f'<div class="{label}"><p><i>{html.escape(t(label, lang))}</i></p>{items}</div>'


def turn_panel(turn: dict[str, Any] | None, lang: str) -> str:
    """The sources panel of an answered turn: its citations, or after an abstention the
    closest passages, labelled as not answering."""
    if not turn:
        return ""
    if turn.get("citations"):
        return render_citations([Citation(**c) for c in turn["citations"]], lang)
    if turn.get("closest"):
        return render_retrieved([Passage(**p) for p in turn["closest"]], lang, "closest")
    return render_citations([], lang)


def render_status(bot: Assistant, lang: str | None) -> str:
    ui_lang = lang or "en"
    parts = [f"**{t('backend', ui_lang)}:** {bot.backend}"]
    if lang:
        parts.append(f"**{t('detected', ui_lang)}:** {language_label(lang)} (`{lang}`)")
    return " · ".join(parts)


def _citation_dicts(citations: list[Citation]) -> list[dict[str, Any]]:
    """Citations as plain dicts, the form Gradio keeps in the session state."""
    return [c.__dict__.copy() for c in citations]


def build_app(bot: Assistant) -> Any:
    import gradio as gr

    def chrome(lang: str) -> tuple[Any, ...]:
        """Interface texts that follow the asker's language."""
        return (
            gr.update(value=f"## {t('title', lang)}\n{t('subtitle', lang)}"),
            gr.update(placeholder=t("placeholder", lang)),
            gr.update(value=t("send", lang)),
            gr.update(value=t("clear", lang)),
            gr.update(value=t("stop", lang)),
            gr.update(value=t("new_chat", lang)),
            gr.update(placeholder=t("chat_title", lang)),
            gr.update(value=t("rename", lang)),
            gr.update(value=t("delete_chat", lang)),
        )

    def respond(message: str, chat: list[dict[str, Any]] | None, turns: list[dict[str, Any]],
                lang: str) -> Iterator[tuple[Any, ...]]:
        chat = list(chat or [])
        turns = list(turns or [])
        sources_html: Any = gr.update()
        if not (message or "").strip():
            # Nothing to ask: no empty bubble, a hint where the status is.
            yield (chat, sources_html, "⚠️ " + t("error_empty", lang), turns, lang, "",
                   *chrome(lang))
            return
        shown = html.escape(message or "")
        chat.append({"role": "user", "content": shown})
        chat.append({"role": "assistant", "content": t("thinking", lang)})

        def out() -> tuple[Any, ...]:
            return (chat, sources_html, render_status(bot, lang), turns, lang, "", *chrome(lang))

        try:
            question = bot.check_question(message)
            history = [(x["question"], x["answer"]) for x in turns]
            yield out()
            partial = ""
            for event in bot.stream(question, history=history):
                if isinstance(event, Sources):
                    lang = event.language
                    sources_html = render_retrieved(event.passages, lang)
                    chat[-1]["content"] = t("thinking", lang)
                elif isinstance(event, Step):
                    chat[-1]["content"] = html.escape(
                        t(f"step_{event.kind}", lang).format(n=event.count))
                elif isinstance(event, Delta):
                    partial += event.text
                    # A draft may still be replaced: it says so.
                    chat[-1]["content"] = html.escape(partial) + (
                        f' <i class="draft">({html.escape(t("draft", lang))})</i>'
                        if event.draft else "")
                elif isinstance(event, Answer):
                    chat[-1]["content"] = linkify(event.text, event.citations)
                    turns.append({"question": question, "answer": event.text,
                                  "language": lang, "citations": _citation_dicts(event.citations),
                                  "closest": [p.__dict__.copy() for p in event.passages[:3]]
                                  if event.abstained else []})
                    sources_html = turn_panel(turns[-1], lang)
                yield out()
        except InputError as exc:  # said in the page's language
            chat[-1]["content"] = "⚠️ " + html.escape(
                input_problem(exc, lang, bot.settings.max_question_chars))
            yield out()
        except AssistantError as exc:  # a missing index, an unreachable model
            chat[-1]["content"] = "⚠️ " + html.escape(str(exc))
            yield out()
        except Exception:
            log.exception("answering failed")
            chat[-1]["content"] = "⚠️ " + html.escape(t("error", lang))
            yield out()

    def translate(number: int, turns: list[dict[str, Any]], lang: str) -> tuple[Any, Any]:
        if not turns:
            return gr.update(), turns
        last = turns[-1]
        citations = [Citation(**c) for c in last["citations"]]
        target = last["language"]
        for c in citations:
            if c.number == number and not c.translation:
                try:
                    bot.translate(c, target)
                except AssistantError as exc:
                    # Said in the page's language; the original stays, the log has the cause.
                    log.warning("translating citation [%d] failed: %s", number, exc)
                    c.translation = "⚠️ " + t("error", target)
        last["citations"] = _citation_dicts(citations)
        return render_citations(citations, target), turns

    def clear(lang: str) -> tuple[Any, ...]:
        """A new chat in the interface language the page has now."""
        return ([], "", render_status(bot, None), [], lang, "", *chrome(lang))

    with gr.Blocks(title="Vietnam – Korea relations assistant") as demo:
        turns_state = gr.State([])
        lang_state = gr.State("en")
        # The conversations are kept in the browser (localStorage), so a reload keeps them;
        # they never leave the machine they were typed on (assistant/conversations.py).
        saved = gr.BrowserState(conversations.empty(), storage_key="vietnam-korea-chat")
        with gr.Sidebar(open=False, elem_id="sidebar"):
            new_btn = gr.Button(t("new_chat", "en"), size="sm", elem_id="new-chat")
            chat_list = gr.Radio([], label=t("chats", "en"), elem_id="chats")
            title_box = gr.Textbox(show_label=False, placeholder=t("chat_title", "en"),
                                   elem_id="chat-title", max_length=120)
            with gr.Row():
                rename_btn = gr.Button(t("rename", "en"), size="sm", elem_id="rename")
                delete_btn = gr.Button(t("delete_chat", "en"), size="sm",
                                       elem_id="delete-chat")
        header = gr.Markdown(f"## {t('title', 'en')}\n{t('subtitle', 'en')}", elem_id="header")
        status = gr.Markdown(render_status(bot, None), elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                # Copy on every message; the retry icon on the last answer asks it again.
                chatbot = gr.Chatbot(elem_id="chat", height=460, sanitize_html=True,
                                     show_label=False, buttons=["copy"])
                with gr.Row():
                    box = gr.Textbox(placeholder=t("placeholder", "en"), show_label=False,
                                     scale=5, elem_id="question", autofocus=True)
                    send = gr.Button(t("send", "en"), variant="primary", scale=1, elem_id="send")
                    stop = gr.Button(t("stop", "en"), variant="stop", scale=1, elem_id="stop",
                                     visible=False)
                clear_btn = gr.Button(t("clear", "en"), elem_id="clear", size="sm")
                gr.Examples(EXAMPLES, inputs=box, label=t("examples", "en"))
                if bot.settings.allow_uploads:
                    with gr.Accordion(t("documents", "en"), open=False, elem_id="documents"):
                        gr.Markdown(t("documents_help", "en"))
                        files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES,
                                        elem_id="upload", label=t("documents", "en"))
                        upload_status = gr.Markdown(elem_id="upload-status")
                        rows, choices = listing(bot)
                        indexed = gr.Dataframe(rows, headers=DOC_HEADERS,
                                               interactive=False, elem_id="indexed",
                                               label=t("indexed", "en"))
                        with gr.Row():
                            removable = gr.Dropdown(choices, show_label=False,
                                                    elem_id="removable", scale=3)
                            remove = gr.Button(t("remove", "en"), size="sm", scale=1,
                                               elem_id="remove")
                    # Gradio finds its progress bar by this default value.
                    def upload(f: Any, lang: str,
                               bar: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
                        """Index the uploaded files; the status shows a bar of chunks
                        embedded, with its rate, while it works."""
                        return add_documents(bot, f, lang, progress=lambda done, total: bar(
                            (done, total), desc=t("indexing", lang), unit="chunks"))

                    files.upload(upload, inputs=[files, lang_state],
                                 outputs=[upload_status, indexed, removable, files],
                                 concurrency_limit=1, concurrency_id="model",
                                 api_visibility="private")
                    remove.click(lambda path, lang: remove_upload(bot, path, lang),
                                 inputs=[removable, lang_state],
                                 outputs=[upload_status, indexed, removable],
                                 api_visibility="private")
            with gr.Column(scale=2):
                sources = gr.HTML(elem_id="sources")

                @gr.render(inputs=[turns_state])
                def translate_buttons(turns: list[dict[str, Any]]) -> None:
                    if not turns:
                        return
                    last = turns[-1]
                    for c in last["citations"]:
                        if (c["language"] == last["language"] or c.get("translation")
                                or c.get("translation_unfaithful")):
                            continue
                        button = gr.Button(f"{translate_label(last['language'])} [{c['number']}]",
                                           size="sm", elem_classes=["translate"])
                        button.click(
                            lambda turns_, lang_, n=c["number"]: translate(n, turns_, lang_),
                            inputs=[turns_state, lang_state], outputs=[sources, turns_state],
                            concurrency_limit=1, concurrency_id="model", api_visibility="private",
                        )

        outputs = [chatbot, sources, status, turns_state, lang_state, box, header, box, send,
                   clear_btn, stop, new_btn, title_box, rename_btn, delete_btn]
        listed = [saved, chat_list]
        controls = [box, send, stop, clear_btn, new_btn, chat_list, rename_btn, delete_btn]

        def busy() -> tuple[Any, ...]:
            """While an answer runs, nothing else can be sent (Send becomes Stop) and the chat
            cannot be switched, renamed or deleted under it."""
            return (gr.update(interactive=False), gr.update(visible=False),
                    gr.update(visible=True), *[gr.update(interactive=False)] * 5)

        def idle() -> tuple[Any, ...]:
            return (gr.update(interactive=True), gr.update(visible=True),
                    gr.update(visible=False), *[gr.update(interactive=True)] * 5)

        def stopped(chat: list[dict[str, Any]] | None, typed: str,
                    lang: str) -> tuple[Any, ...]:
            """The running answer is cancelled; its bubble says so instead of waiting forever.
            Stop can arrive before the answer's first update reached the page (the question is
            then still in the box): the question gets its own stopped bubble, so nothing is lost
            and an earlier answer is never marked as stopped."""
            chat = list(chat or [])
            note = f"<i>({html.escape(t('stopped', lang))})</i>"
            if (typed or "").strip():
                chat += [{"role": "user", "content": html.escape(typed)},
                         {"role": "assistant", "content": note}]
            elif chat and chat[-1].get("role") == "assistant":
                chat[-1] = dict(chat[-1], content=f"{bubble_text(chat[-1]['content'])} {note}")
            _, *rest = idle()
            return (chat, gr.update(value="", interactive=True), *rest)

        def again(chat: list[dict[str, Any]] | None, turns: list[dict[str, Any]],
                  lang: str) -> Iterator[tuple[Any, ...]]:
            """Ask the last question again, in place of its answer."""
            chat = list(chat or [])
            asked = [i for i, m in enumerate(chat) if m.get("role") == "user"]
            if not asked:
                return
            question = html.unescape(bubble_text(chat[asked[-1]]["content"]))
            turns = list(turns or [])
            if turns and turns[-1]["question"] == question:
                turns = turns[:-1]
            yield from respond(question, chat[:asked[-1]], turns, lang)

        def store_of(stored: object) -> conversations.Store:
            return conversations.migrate(stored, frozenset(ui_texts()))

        def listing_of(store: conversations.Store) -> tuple[Any, Any]:
            return store, gr.update(choices=conversations.choices(store),
                                    value=store["current"], label=t("chats", store["lang"]))

        def keep(chat: list[dict[str, Any]] | None, turns: list[dict[str, Any]], lang: str,
                 stored: object) -> tuple[Any, Any]:
            """The page's conversation saved as the current chat (an emptied one is dropped)."""
            return listing_of(conversations.save(store_of(stored), list(chat or []),
                                                 list(turns or []), lang))

        def shown(store: conversations.Store) -> tuple[Any, ...]:
            """The page showing the store's current chat (or a new one), in its language. The
            question box is left alone: what someone typed meanwhile stays."""
            lang = store["lang"]
            chat = conversations.current(store)
            messages, turns = (chat["chat"], chat["turns"]) if chat else ([], [])
            if turns:
                lang = str(turns[-1].get("language") or lang)
            ui = lang if lang in ui_texts() else store["lang"]
            return (messages, turn_panel(turns[-1] if turns else None, ui),
                    render_status(bot, lang if messages else None), turns, ui, gr.update(),
                    *chrome(ui), *listing_of(store))

        def restore(stored: object) -> tuple[Any, ...]:
            """The chats this browser had before the reload; the last one open."""
            return shown(store_of(stored))

        def open_chat(chat_id: str | None, stored: object) -> tuple[Any, ...]:
            return shown(conversations.select(store_of(stored), chat_id))

        def new_chat(stored: object, lang: str) -> tuple[Any, ...]:
            return shown(dict(conversations.new(store_of(stored)), lang=lang))

        def rename_chat(title: str, stored: object) -> tuple[Any, ...]:
            store = store_of(stored)
            return (*listing_of(conversations.rename(store, store["current"], title)), "")

        def delete_chat(stored: object) -> tuple[Any, ...]:
            store = store_of(stored)
            return shown(conversations.delete(store, store["current"]))

        runs = []
        for trigger in (box.submit, send.click, chatbot.retry):
            started = trigger(busy, outputs=controls, queue=False, api_visibility="private")
            if trigger == chatbot.retry:
                answered = started.then(again, inputs=[chatbot, turns_state, lang_state],
                                        outputs=outputs, concurrency_limit=1,
                                        concurrency_id="model", show_progress="full",
                                        api_visibility="private")
            else:
                answered = started.then(respond, inputs=[box, chatbot, turns_state, lang_state],
                                        outputs=outputs, concurrency_limit=1,
                                        concurrency_id="model", show_progress="full",
                                        api_visibility="private")
            answered.then(idle, outputs=controls, queue=False, api_visibility="private").then(
                keep, inputs=[chatbot, turns_state, lang_state, saved], outputs=listed,
                queue=False, api_visibility="private")
            runs.append(answered)
        def show_turn(chat: list[dict[str, Any]] | None, turns: list[dict[str, Any]] | None,
                      evt: gr.SelectData) -> Any:
            """Clicking an earlier answer shows that answer's own sources."""
            index = evt.index if isinstance(evt.index, int) else (
                evt.index[0] if evt.index else -1)
            turn = turn_of(list(chat or []), list(turns or []), int(index))
            if turn is None:
                return gr.update()
            return turn_panel(turn, str(turn.get("language") or "en"))

        # Gradio finds the event-data parameter by its type; with postponed annotations and
        # gradio imported inside this function, the string "gr.SelectData" is not resolvable.
        show_turn.__annotations__["evt"] = gr.SelectData
        chatbot.select(show_turn, inputs=[chatbot, turns_state], outputs=[sources],
                       queue=False, api_visibility="private")
        stop.click(stopped, inputs=[chatbot, box, lang_state], outputs=[chatbot, *controls],
                   cancels=runs, queue=False, api_visibility="private").then(
            keep, inputs=[chatbot, turns_state, lang_state, saved], outputs=listed,
            queue=False, api_visibility="private")
        clear_btn.click(clear, inputs=[lang_state], outputs=outputs, api_visibility="private").then(
            keep, inputs=[chatbot, turns_state, lang_state, saved], outputs=listed,
            queue=False, api_visibility="private")
        chat_list.input(open_chat, inputs=[chat_list, saved], outputs=outputs + listed,
                        queue=False, api_visibility="private")
        new_btn.click(new_chat, inputs=[saved, lang_state], outputs=outputs + listed,
                      queue=False, api_visibility="private")
        rename_btn.click(rename_chat, inputs=[title_box, saved],
                         outputs=[*listed, title_box], queue=False, api_visibility="private")
        title_box.submit(rename_chat, inputs=[title_box, saved],
                         outputs=[*listed, title_box], queue=False, api_visibility="private")
        delete_btn.click(delete_chat, inputs=[saved], outputs=outputs + listed, queue=False,
                         api_visibility="private")
        # Hidden progress: the page's header and status are among the outputs, and a visible
        # progress state fades them to 20% opacity (unreadable, an accessibility failure) for
        # as long as the load takes on a busy machine.
        demo.load(restore, inputs=[saved], outputs=outputs + listed, show_progress="hidden",
                  api_visibility="private")

        def ask(question: str) -> dict[str, Any]:
            """Answer one question; returns the Answer as a dict (text, language, abstained,
            citations, timings). A question that cannot be answered is an error whose message
            says why (no traceback in the server log)."""
            try:
                return bot.ask(question).to_dict()
            except AssistantError as exc:
                raise gr.Error(str(exc), print_exception=False) from None

        gr.api(ask, api_name="ask", concurrency_limit=1, concurrency_id="model")
    return demo


def theme() -> Any:
    import gradio as gr

    # System fonts only: the default theme would fetch Google Fonts.
    return gr.themes.Default(
        font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )


def build_server_app(bot: Assistant) -> Any:
    """One ASGI app: the HTTP API (``http_api.py``) with the web chat mounted at /."""
    import gradio as gr

    from .http_api import build_api

    api = build_api(bot)
    chat = build_app(bot)
    chat.queue(default_concurrency_limit=1, max_size=64)
    return gr.mount_gradio_app(api, chat, path="/", footer_links=["api"], show_error=False,
                               theme=theme(), css=CSS)


def launch(bot: Assistant, host: str | None = None, port: int | None = None,
           block: bool = True) -> Any:
    """Serve the web chat and the HTTP API on one port; with ``block`` false, in a background
    thread, returning once the server accepts connections."""
    import threading
    import time

    import uvicorn

    config = uvicorn.Config(build_server_app(bot), host=host or bot.settings.host,
                            port=port or bot.settings.port, log_level="warning")
    server = uvicorn.Server(config)
    if block:
        server.run()
        return server
    threading.Thread(target=server.run, daemon=True, name="http-server").start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the web server did not start within 60 s")
        time.sleep(0.05)
    return server
