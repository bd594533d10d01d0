"""Documents added through the web chat: checked with the same reader as `assistant ingest`,
kept in the corpus folder's uploads/, listed and removable. Messages follow the page's
language (``prompts/ui.json``)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

from .errors import AssistantError
from .ingest import Progress
from .service import Assistant
from .texts import t

UPLOAD_TYPES = [".md", ".markdown", ".txt", ".html", ".htm", ".pdf"]
DOC_HEADERS = ["title", "language", "date", "chunks", "file"]


def uploads_dir(bot: Assistant) -> Path:
    """Where uploaded files are kept: inside the corpus folder, so a restart indexes them
    again, and apart, so removing one never touches the articles that came with the corpus."""
    return bot.settings.corpus_dir / "uploads"


def listing(bot: Assistant) -> tuple[list[list[Any]], list[tuple[str, str]]]:
    """The indexed documents as table rows (title, language, date, chunks, file), and the
    uploaded ones as (title, path) choices to remove, from one read of the index."""
    try:
        docs = bot.documents()
    except AssistantError:
        return [], []
    root = str(uploads_dir(bot).resolve())
    rows = [[d["title"] or Path(str(d["path"])).name, d["language"], d["date"], d["chunks"],
             Path(str(d["path"])).name] for d in docs]
    choices = [(str(d["title"] or Path(str(d["path"])).name), str(d["path"])) for d in docs
               if str(d["path"]).startswith(root + "/")]
    return rows, choices


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.-]+", "-", Path(name).stem).strip("-.") or "document"
    return f"{stem[:80]}{Path(name).suffix.lower()}"


def add_documents(bot: Assistant, files: list[Any] | None, lang: str,
                  progress: Progress | None = None) -> tuple[Any, ...]:
    """Check each uploaded file with the same reader as ``assistant ingest``; keep and index
    the good ones (a bad one changes nothing), and say what happened in the page's language.
    ``progress(done, total)`` hears the chunks embedded."""
    import gradio as gr

    from .corpus import load_document
    from .errors import DocumentError

    folder = uploads_dir(bot)
    folder.mkdir(parents=True, exist_ok=True)
    kept, problems = [], []
    for f in files or []:
        source = Path(f if isinstance(f, str) else getattr(f, "name", str(f)))
        name = _safe_name(source.name)
        try:
            load_document(source)
        except DocumentError as exc:
            problems.append(str(exc).replace(str(source), name))
            continue
        target = folder / name
        shutil.copyfile(source, target)
        kept.append(target)
    report = bot.ingest(kept, progress=progress) if kept else None
    if report:
        problems += [e.replace(str(folder) + "/", "") for e in report.errors]
    lines = []
    if report and (report.changed_files or report.unchanged_files):
        lines.append("✅ " + t("added", lang).format(
            n=report.changed_files + report.unchanged_files, chunks=report.added_chunks))
    if problems:
        lines.append("⚠️ " + t("not_added", lang))
        lines += [f"- {html.escape(p)}" for p in problems]
    rows, choices = listing(bot)
    return "\n".join(lines), rows, gr.update(choices=choices), None


def remove_upload(bot: Assistant, path: str | None, lang: str) -> tuple[Any, ...]:
    """Drop an uploaded document from the index and delete its kept file."""
    import gradio as gr

    root = uploads_dir(bot).resolve()
    if path and Path(path).resolve().parent == root:
        bot.remove_document(path)
        Path(path).unlink(missing_ok=True)
        note = "✅ " + t("removed", lang)
    else:
        note = ""
    rows, choices = listing(bot)
    return note, rows, gr.update(choices=choices, value=None)


def documents_section(bot: Assistant, lang_state: Any) -> Any:
    """The web chat's "Your documents" section: upload (with a progress bar of the passages
    indexed), the indexed documents, and removing an upload. Built inside a gr.Blocks; the
    section itself is returned, for its label to follow the asker's language."""
    import gradio as gr

    with gr.Accordion(t("documents", "en"), open=False, elem_id="documents") as section:
        gr.Markdown(t("documents_help", "en"))
        files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, elem_id="upload",
                        label=t("documents", "en"))
        status = gr.Markdown(elem_id="upload-status")
        rows, choices = listing(bot)
        indexed = gr.Dataframe(rows, headers=DOC_HEADERS, interactive=False,
                               elem_id="indexed", label=t("indexed", "en"))
        with gr.Row():
            removable = gr.Dropdown(choices, show_label=False, elem_id="removable", scale=3)
            remove = gr.Button(t("remove", "en"), size="sm", scale=1, elem_id="remove")

    # Gradio finds its progress bar by this default value.
    def upload(f: Any, lang: str, bar: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        return add_documents(bot, f, lang, progress=lambda done, total: bar(
            (done, total), desc=t("indexing", lang), unit="chunks"))

    files.upload(upload, inputs=[files, lang_state], outputs=[status, indexed, removable, files],
                 concurrency_limit=1, concurrency_id="model", api_visibility="private")
    remove.click(lambda path, lang: remove_upload(bot, path, lang),
                 inputs=[removable, lang_state], outputs=[status, indexed, removable],
                 api_visibility="private")
    return section
