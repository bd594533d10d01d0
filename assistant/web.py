"""Gradio web chat: a thin adapter over the Assistant service (no retrieval or answering here).

Everything from users and articles is HTML-escaped before it is shown. The page loads no fonts,
scripts or telemetry from the internet.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import conversations
from .answer import Answer, Citation
from .conversations import bubble_text
from .errors import AssistantError, InputError
from .service import Assistant, Delta, Sources, Step
from .texts import t, ui_texts
from .uploads import documents_section
from .web_html import (
    citation_dicts,
    input_problem,
    linkify,
    render_citations,
    render_retrieved,
    render_status,
    translate_label,
    turn_of,
    turn_panel,
)

log = logging.getLogger(__name__)

MAX_SESSIONS = 10_000  # browser sessions whose Stops are remembered
SETTLE_SECONDS = 0.5  # how long after Stop a step already sent may still arrive


@dataclass
class Marks:
    """One browser session's counts, which tell an answer it was stopped."""

    stops: int = 0  # Stops pressed
    asks: int = 0  # questions sent
    stops_at_ask: int | None = None  # the Stops when the latest question was sent
    asks_at_stop: int = 0  # the questions when Stop was last pressed


def stopped_note(lang: str) -> str:
    return f"<i>({html.escape(t('stopped', lang))})</i>"


def with_stopped_note(chat: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The chat with "(stopped)" after the last answer's text, once."""
    note = stopped_note(lang)
    if chat and chat[-1].get("role") == "assistant" and (
            note not in (text := bubble_text(chat[-1]["content"]))):
        chat = chat[:-1] + [dict(chat[-1], content=f"{text} {note}")]
    return chat

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


def build_app(bot: Assistant) -> Any:
    import gradio as gr

    def chrome(lang: str, started: bool = True) -> tuple[Any, ...]:
        """Interface texts that follow the asker's language; the examples stay open until a
        chat has ``started``."""
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
            gr.update(label=t("sources", lang)),
            gr.update(label=t("examples", lang), open=not started),
        ) + ((gr.update(label=t("documents", lang)),) if documents is not None else ())

    # Stops and questions per browser session. Gradio cancels a running answer only at its next
    # step, and a step already on its way could land after Stop's update and overwrite the
    # "stopped" bubble: an answer asked before the session's latest Stop yields nothing more,
    # and Stop puts its bubble back once more after such a step had time to arrive (settle).
    marks: dict[str, Marks] = {}

    def marks_of(request: Any) -> Marks | None:
        session = str(getattr(request, "session_hash", None) or "")
        if not session:
            return None
        if session not in marks and len(marks) >= MAX_SESSIONS:
            del marks[next(iter(marks))]  # the oldest session: memory stays bounded
        return marks.setdefault(session, Marks())

    def respond(message: str, chat: list[dict[str, Any]] | None, turns: list[dict[str, Any]],
                lang: str, request: Any = None) -> Iterator[tuple[Any, ...]]:
        """The answer's steps, each checked against Stop right before it is sent."""
        mark = marks_of(request)
        if mark is None:
            yield from answering(message, chat, turns, lang)
            return
        seen = mark.stops if mark.stops_at_ask is None else mark.stops_at_ask
        mark.stops_at_ask = None
        for update in answering(message, chat, turns, lang):
            if mark.stops != seen:
                return  # stopped (also while it waited in the queue): closing frees the model
            yield update

    def answering(message: str, chat: list[dict[str, Any]] | None, turns: list[dict[str, Any]],
                  lang: str) -> Iterator[tuple[Any, ...]]:
        chat = list(chat or [])
        turns = list(turns or [])
        sources_html: Any = gr.update()
        if not (message or "").strip():
            # Nothing to ask: no empty bubble, a hint where the status is.
            yield (chat, sources_html, "⚠️ " + t("error_empty", lang), turns, lang, "",
                   *chrome(lang, started=bool(chat)))
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
                                  "language": lang, "citations": citation_dicts(event.citations),
                                  "closest": [p.__dict__.copy() for p in event.passages[:3]]
                                  if event.abstained else [],
                                  "conflicts": [c.passage.__dict__.copy()
                                                for c in event.conflicts]})
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
        last["citations"] = citation_dicts(citations)
        return render_citations(citations, target), turns

    def clear(lang: str) -> tuple[Any, ...]:
        """A new chat in the interface language the page has now."""
        return ([], "", render_status(bot, None), [], lang, "", *chrome(lang, started=False))

    with gr.Blocks(title="Vietnam – Korea relations assistant") as demo:
        turns_state = gr.State([])
        lang_state = gr.State("en")
        # The conversations are kept in the browser (localStorage), so a reload keeps them and
        # they never leave the machine they were typed on; or, with ASSISTANT_CHAT_HISTORY_DB,
        # on the server, the browser keeping only its key (assistant/conversations.py).
        saved = gr.BrowserState(None, storage_key="vietnam-korea-chat")
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
            # A section of its own, folded on request: on a phone the columns stack and the
            # sources come right under the answer, above the examples and documents.
            with gr.Column(scale=2, elem_id="sources-col"), gr.Accordion(
                    t("sources", "en"), open=True, elem_id="sources-section") as sources_section:
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
        # Folded away once a chat has begun (a phone has no room to spare).
        with gr.Accordion(t("examples", "en"), open=True, elem_id="examples") as examples:
            # The section's label says "Examples" in the page's language; no second one.
            gr.Examples(EXAMPLES, inputs=box).dataset.show_label = False
        documents = documents_section(bot, lang_state) if bot.settings.allow_uploads else None

        outputs = [chatbot, sources, status, turns_state, lang_state, box, header, box, send,
                   clear_btn, stop, new_btn, title_box, rename_btn, delete_btn,
                   sources_section, examples, *([documents] if documents is not None else [])]
        listed = [saved, chat_list]
        controls = [box, send, stop, clear_btn, new_btn, chat_list, rename_btn, delete_btn]

        def busy(request: Any = None) -> tuple[Any, ...]:
            """While an answer runs, nothing else can be sent (Send becomes Stop) and the chat
            cannot be switched, renamed or deleted under it."""
            if mark := marks_of(request):
                mark.asks += 1
                mark.stops_at_ask = mark.stops
            return (gr.update(interactive=False), gr.update(visible=False),
                    gr.update(visible=True), *[gr.update(interactive=False)] * 5)

        def idle() -> tuple[Any, ...]:
            return (gr.update(interactive=True), gr.update(visible=True),
                    gr.update(visible=False), *[gr.update(interactive=True)] * 5)

        def stopped(chat: list[dict[str, Any]] | None, typed: str,
                    lang: str, request: Any = None) -> tuple[Any, ...]:
            """The running answer is cancelled; its bubble says so instead of waiting forever.
            Stop can arrive before the answer's first update reached the page (the question is
            then still in the box): the question gets its own stopped bubble, so nothing is lost
            and an earlier answer is never marked as stopped."""
            if mark := marks_of(request):
                mark.stops += 1
                mark.asks_at_stop = mark.asks
            chat = list(chat or [])
            if (typed or "").strip():
                chat += [{"role": "user", "content": html.escape(typed)},
                         {"role": "assistant", "content": stopped_note(lang)}]
            else:
                chat = with_stopped_note(chat, lang)
            _, *rest = idle()
            return (chat, gr.update(value="", interactive=True), *rest)

        def again(chat: list[dict[str, Any]] | None, turns: list[dict[str, Any]],
                  lang: str, request: Any = None) -> Iterator[tuple[Any, ...]]:
            """Ask the last question again, in place of its answer."""
            chat = list(chat or [])
            asked = [i for i, m in enumerate(chat) if m.get("role") == "user"]
            if not asked:
                return
            question = html.unescape(bubble_text(chat[asked[-1]]["content"]))
            turns = list(turns or [])
            if turns and turns[-1]["question"] == question:
                turns = turns[:-1]
            yield from respond(question, chat[:asked[-1]], turns, lang, request)

        def settle(chat: list[dict[str, Any]] | None, lang: str,
                   request: Any = None) -> Any:
            """Stop's bubble is final. A step the answer sent just before Stop can reach the page
            after Stop's update; a moment later the stopped chat is put back, unless a new
            question was sent meanwhile."""
            mark = marks_of(request)
            time.sleep(SETTLE_SECONDS)
            if mark is None or mark.asks != mark.asks_at_stop:
                return gr.update()
            return with_stopped_note(list(chat or []), lang)

        # Gradio hands a function the request by its parameter's type (see show_turn below).
        for takes_request in (respond, stopped, again, busy, settle):
            takes_request.__annotations__["request"] = gr.Request

        keeper = (conversations.ServerStore(bot.settings.chat_history_db, frozenset(ui_texts()))
                  if bot.settings.chat_history_db else
                  conversations.BrowserStore(frozenset(ui_texts())))

        def listing_of(held: object, store: conversations.Store) -> tuple[Any, Any]:
            """What the browser keeps, and the sidebar's list."""
            return keeper.keep(held, store), gr.update(
                choices=conversations.choices(store), value=store["current"],
                label=t("chats", store["lang"]))

        def keep(chat: list[dict[str, Any]] | None, turns: list[dict[str, Any]], lang: str,
                 held: object) -> tuple[Any, Any]:
            """The page's conversation saved as the current chat (an emptied one is dropped)."""
            return listing_of(held, conversations.save(keeper.open(held), list(chat or []),
                                                       list(turns or []), lang))

        def shown(held: object, store: conversations.Store) -> tuple[Any, ...]:
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
                    *chrome(ui, started=bool(messages)), *listing_of(held, store))

        def restore(held: object) -> tuple[Any, ...]:
            """The chats this browser had before the reload; the last one open."""
            return shown(held, keeper.open(held))

        def open_chat(chat_id: str | None, held: object) -> tuple[Any, ...]:
            return shown(held, conversations.select(keeper.open(held), chat_id))

        def new_chat(held: object, lang: str) -> tuple[Any, ...]:
            return shown(held, dict(conversations.new(keeper.open(held)), lang=lang))

        def rename_chat(title: str, held: object) -> tuple[Any, ...]:
            store = keeper.open(held)
            return (*listing_of(held, conversations.rename(store, store["current"], title)), "")

        def delete_chat(held: object) -> tuple[Any, ...]:
            store = keeper.open(held)
            return shown(held, conversations.delete(store, store["current"]))

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
            settle, inputs=[chatbot, lang_state], outputs=[chatbot], queue=False,
            api_visibility="private").then(
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
