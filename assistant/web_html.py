"""What the web chat shows, as HTML: answers with their [n] markers linked to the sources,
the sources panel (citations with the supporting sentence highlighted, or the passages being
read, or the closest ones after an abstention), the status line; and reading back Gradio's
message shapes. Everything from users and articles is HTML-escaped here."""

from __future__ import annotations

import html
import re
from typing import Any

from .answer import Citation
from .conversations import plain_text
from .errors import InputError
from .retrieve import Passage
from .service import Assistant
from .texts import language_label, t, ui_texts


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


def turn_of(chat: list[dict[str, Any]], turns: list[dict[str, Any]],
            index: int) -> dict[str, Any] | None:
    """The answered turn shown by chat message ``index``: an answer bubble matched to its
    turn by the question before it and its own text (a stopped or failed answer has none)."""
    if not (0 < index < len(chat)) or chat[index].get("role") != "assistant":
        return None
    shown = plain_text(chat[index].get("content"))
    asked = plain_text(chat[index - 1].get("content"))
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
    blocks = []  # the section's own label says "Sources"
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
        shown = render_citations([Citation(**c) for c in turn["citations"]], lang)
        if turn.get("conflicts"):  # another article states something else: shown, not merged
            shown += render_retrieved([Passage(**p) for p in turn["conflicts"]], lang,
                                      "disagree")
        return shown
    if turn.get("closest"):
        return render_retrieved([Passage(**p) for p in turn["closest"]], lang, "closest")
    return render_citations([], lang)


def render_status(bot: Assistant, lang: str | None) -> str:
    ui_lang = lang or "en"
    parts = [f"**{t('backend', ui_lang)}:** {bot.backend}"]
    if lang:
        parts.append(f"**{t('detected', ui_lang)}:** {language_label(lang)} (`{lang}`)")
    return " · ".join(parts)


def citation_dicts(citations: list[Citation]) -> list[dict[str, Any]]:
    """Citations as plain dicts, the form Gradio keeps in the session state."""
    return [c.__dict__.copy() for c in citations]
