"""Articles: reading Markdown-with-front-matter, plain text and HTML files, and cleaning raw text.

A ``Document`` keeps its ``body`` exactly as chunk offsets refer to it: for Markdown that is the
text after the front matter, for HTML the extracted text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from . import countries
from .errors import DocumentError

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".pdf"}
METADATA_FIELDS = ("id", "title", "source", "url", "date", "language")


@dataclass
class Document:
    id: str
    body: str
    path: str = ""
    title: str = ""
    source: str = ""
    url: str = ""
    date: str = ""
    language: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        meta = "|".join(getattr(self, f) for f in METADATA_FIELDS)
        return hashlib.sha256((meta + "\x00" + self.body).encode()).hexdigest()[:16]

    def metadata(self) -> dict[str, str]:
        return {
            "doc_id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "date": self.date,
            "language": self.language,
            "path": self.path,
            "doc_hash": self.content_hash,
            # The countries the whole article names (ISO codes): a passage is one paragraph,
            # and an answer's country must be one its article names (check "countries").
            "countries": ",".join(sorted(countries.named(f"{self.title}\n{self.body}"))),
        }


# --- cleaning -------------------------------------------------------------------------------

_IMAGE_LINE = re.compile(r"^\s*\S+(?:\s+\S+)?\.(?:jpe?g|png|gif|webp|bmp|svg)\s*$", re.I)
_PIPES_ONLY = re.compile(r"^[\s|]*$")
# Comment widgets copied along with Vietnamese news pages ("Comments", "Your comment will be
# reviewed before posting").
_WIDGET_LINE = re.compile(
    r"^\s*(?:Bình luận(?: của bạn sẽ được xét duyệt trước khi đăng)?|Comments?|Комментари[ий])\s*$",
    re.I,
)
# Photo captions name who stands where ("To Lam (R) receives ...", no full stop) or end with
# the photo credit ("... Foto: VNA"). They repeat the article, and not always faithfully: a VOV
# caption calls the ambassador "Lee Jae-myung" where the body says Choi Young-sam.
_PHOTO_POSITION = re.compile(
    r"\((?:\d\w*,?\s*)?(?:R|L|C|left|right|cent(?:re|er)|from left|from right)\)")
_PHOTO_CREDIT = re.compile(r"(?:^|[.\s])(?:Photo|Foto|Ảnh|Фото)\s*:\s*[^.:]{1,40}$")
_SOURCE_LINE = re.compile(r"^\s*(?:Source|Sumber|Nguồn|Источник)\s*:\s*(?P<value>\S.*?)\s*$", re.I)
_WS = re.compile(r"[ \t\u00a0\u2009\u200b]+")


def is_debris(line: str) -> bool:
    """True for lines that are page furniture rather than article text."""
    return bool(
        _PIPES_ONLY.match(line) or _IMAGE_LINE.match(line) or _WIDGET_LINE.match(line)
        or is_caption(line)
    )


def is_caption(line: str) -> bool:
    text = normalize_line(line)
    return bool(_PHOTO_CREDIT.search(text)
                or (_PHOTO_POSITION.search(text) and not text.endswith((".", "!", "?", "…"))))


def normalize_line(line: str) -> str:
    """Strip table pipes left at the edges and collapse whitespace runs."""
    line = line.strip().strip("|").strip()
    return _WS.sub(" ", line)


def clean_text(raw: str) -> tuple[list[str], dict[str, str]]:
    """Return the article's paragraphs and metadata stated in the text ("Source: VNA", URLs).

    Every line that is not debris survives as a paragraph; a trailing "Source:" line becomes
    metadata instead of body text.
    """
    paragraphs: list[str] = []
    meta: dict[str, str] = {}
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if is_debris(line):
            continue
        src = _SOURCE_LINE.match(line)
        if src:
            value = src.group("value")
            if value.startswith(("http://", "https://")):
                meta["url"] = value
                host = re.sub(r"^https?://(?:www\.)?", "", value).split("/")[0]
                meta["source"] = host
            else:
                meta["source"] = value
            continue
        text = normalize_line(line)
        if text:
            paragraphs.append(text)
    return paragraphs, meta


# --- reading files --------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<yaml>.*?)\n---\s*\n", re.S)


def _slug(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-") or "document"


def _as_str(value: object) -> str:
    return "" if value is None else str(value)


_MAX_FRONT_MATTER = 16_000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.+-]+Z?)?")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?")


def _load_front_matter(block: str, path: Path) -> object:
    """The front matter, parsed safely: a block with anchors or aliases is refused before
    it is built (a few hundred bytes of nested aliases expand to gigabytes), and so is one
    too long to be metadata."""
    if len(block) > _MAX_FRONT_MATTER:
        raise DocumentError(f"{path}: the front matter is {len(block)} characters long; "
                            f"metadata fits in {_MAX_FRONT_MATTER}. Move the text below the "
                            "closing '---' line.")
    if any(isinstance(t, (yaml.AliasToken, yaml.AnchorToken)) for t in yaml.scan(block)):
        raise DocumentError(f"{path}: the front matter uses YAML anchors or aliases (& or *); "
                            "write each value out.")
    return yaml.safe_load(block) or {}


def _check_fields(fields: dict[str, str], path: Path) -> None:
    """Metadata that would mislead a reader is refused, with what it must look like."""
    if fields["url"] and not re.match(r"https?://\S+$", fields["url"]):
        raise DocumentError(f"{path}: url must be a web address starting with http:// or "
                            f"https:// (got {fields['url'][:60]!r}).")
    if fields["date"] and not _DATE.fullmatch(fields["date"]):
        raise DocumentError(f"{path}: date must be written YYYY-MM-DD, e.g. 2025-10-30 (got "
                            f"{fields['date'][:40]!r}).")
    if fields["language"] and not _LANGUAGE.fullmatch(fields["language"]):
        raise DocumentError(f"{path}: language must be an ISO 639-1 code such as en, ru or vi "
                            f"(got {fields['language'][:40]!r}).")
    if len(fields["id"]) > 200 or any(c in fields["id"] for c in "\n\r\x00"):
        raise DocumentError(f"{path}: id must be one short line (got {fields['id'][:40]!r}).")


def parse_markdown(text: str, path: Path) -> Document:
    match = _FRONT_MATTER.match(text)
    meta: dict[str, object] = {}
    body = text
    if match:
        try:
            loaded = _load_front_matter(match.group("yaml"), path)
        except yaml.YAMLError as exc:
            raise DocumentError(
                f"{path}: the YAML front matter is invalid ({exc.__class__.__name__}); "
                "fix it or remove the block between the '---' lines."
            ) from None
        if not isinstance(loaded, dict):
            raise DocumentError(f"{path}: the front matter must be a mapping of key: value lines.")
        meta = loaded
        body = text[match.end():]
    fields = {k: _as_str(meta.get(k)) for k in METADATA_FIELDS}
    _check_fields(fields, path)
    extra = {k: _as_str(v) for k, v in meta.items() if k not in METADATA_FIELDS}
    return Document(
        id=fields["id"] or _slug(path),
        body=body.strip("\n"),
        path=str(path),
        title=fields["title"],
        source=fields["source"],
        url=fields["url"],
        date=fields["date"],
        language=fields["language"],
        extra=extra,
    )


def parse_plain_text(text: str, path: Path) -> Document:
    paragraphs, meta = clean_text(text)
    return Document(
        id=_slug(path),
        body="\n\n".join(paragraphs),
        path=str(path),
        source=meta.get("source", ""),
        url=meta.get("url", ""),
    )


class _HTMLText(HTMLParser):
    _BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "blockquote",
              "figcaption", "section", "article"}
    _SKIP = {"script", "style", "noscript", "nav", "footer", "header", "form", "button", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False
        self._h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._in_h1 = True
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag == "h1":
            self._in_h1 = False
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        if self._in_h1:
            self._h1.append(data)
        self.parts.append(data)


def parse_html(text: str, path: Path) -> Document:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    paragraphs, meta = clean_text("".join(parser.parts))
    title = normalize_line(parser.title) or normalize_line(" ".join(parser._h1))
    return Document(
        id=_slug(path),
        body="\n\n".join(paragraphs),
        path=str(path),
        title=title,
        source=meta.get("source", ""),
        url=meta.get("url", ""),
    )


# A news article is tens of kilobytes; a file far larger is a book, a dump or a mistake.
MAX_DOCUMENT_BYTES = 2_000_000


def read_pdf(path: Path) -> Document:
    """The text of a PDF's pages (pypdf), cleaned like plain text; its title from the PDF's
    metadata. A PDF with no text layer (a scan) has none to give."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{path}: the PDF is password-protected; save an unprotected "
                                "copy.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{path}: cannot be read as a PDF ({exc.__class__.__name__}); "
                            "export it as text or HTML.") from None
    doc = parse_plain_text("\n\n".join(pages), path)
    doc.title = str(title)[:300]
    if not doc.body.strip():
        raise DocumentError(f"{path}: the PDF has no text layer (a scan?); run OCR on it or "
                            "export it as text.")
    return doc


def load_document(path: Path) -> Document:
    """Read one supported file; raise DocumentError with a fix-it message otherwise."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{path}: unsupported file type '{suffix or '(none)'}'; "
            f"use one of {', '.join(sorted(SUPPORTED_SUFFIXES))}."
        )
    if suffix == ".pdf":
        if path.is_file() and path.stat().st_size > 10 * MAX_DOCUMENT_BYTES:
            raise DocumentError(f"{path}: a PDF over {10 * MAX_DOCUMENT_BYTES / 1e6:.0f} MB is "
                                "more than an article; split it.")
        return _checked(read_pdf(path), path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"{path}: {size / 1e6:.1f} MB is more than an article "
                f"({MAX_DOCUMENT_BYTES / 1e6:.0f} MB at most: embedding it would take about an "
                "hour here); split it into articles of their own.")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DocumentError(f"{path}: not UTF-8 text; re-save it as UTF-8.") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror}).") from None
    if suffix in (".md", ".markdown"):
        doc = parse_markdown(text, path)
    elif suffix == ".txt":
        doc = parse_plain_text(text, path)
    else:
        doc = parse_html(text, path)
    return _checked(doc, path)


def _checked(doc: Document, path: Path) -> Document:
    if not doc.body.strip():
        raise DocumentError(f"{path}: contains no article text after cleaning.")
    if "\x00" in doc.body:
        raise DocumentError(f"{path}: holds NUL bytes, so it is binary, not text; convert it "
                            "to UTF-8 text first.")
    return doc


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Supported files under the given files or folders, in a stable order."""
    for path in paths:
        if not path.exists():
            raise DocumentError(f"{path}: no such file or folder.")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                    and child.name.lower() != "readme.md"
                ):
                    yield child
        else:
            yield path


def render_markdown(doc: Document) -> str:
    """Serialise a document as Markdown with YAML front matter."""
    meta: dict[str, str] = {k: getattr(doc, k) for k in METADATA_FIELDS}
    meta.update(doc.extra)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n{doc.body.strip()}\n"
