"""Gradio web chat: a thin adapter over the Assistant service."""

from __future__ import annotations

import html
from typing import Any

from .errors import AssistantError
from .service import Assistant


def _format_passages(bot: Assistant, message: str) -> str:
    try:
        passages = bot.retrieve(message)
    except AssistantError as exc:
        return f"⚠️ {exc}"
    lines = []
    for n, p in enumerate(passages, start=1):
        meta = " · ".join(x for x in (p.source, p.date, p.language) if x)
        lines.append(f"**[{n}] {html.escape(p.display_title)}** ({html.escape(meta)})\n\n"
                     f"> {html.escape(p.text)}")
    return "\n\n".join(lines) or "No passages found."


def build_app(bot: Assistant) -> Any:
    import gradio as gr

    def respond(message: str, history: list[Any]) -> str:
        return _format_passages(bot, message)

    return gr.ChatInterface(
        respond,
        title="Vietnam – Republic of Korea relations: sources",
        api_name="chat",
    )


def launch(bot: Assistant, host: str | None = None, port: int | None = None) -> None:
    app = build_app(bot)
    app.queue(default_concurrency_limit=1).launch(
        server_name=host or bot.settings.host,
        server_port=port or bot.settings.port,
        share=False,
        show_error=False,
    )
