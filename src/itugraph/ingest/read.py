"""A report to plain text: .txt and .md as they are, .docx (python-docx), .pdf (pypdf) and .html
(the standard library's parser), with the title, date and language the document states.

Passages point into the text this module returns: for .txt and .md that is the file's own text,
so offsets are offsets into the source copy; for the other formats it is the extracted text,
which the draft folder keeps beside the review as ``{slug}.txt``.
"""

# ruff: noqa: RUF001, RUF002 (reports write full-width punctuation, dashes and curly quotes)

from __future__ import annotations

import io
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from .dates import find_dates
from .model import IngestError, SourceText

#: The largest document ingest reads, in bytes (20 MiB): ITU reports are well under it.
MAX_BYTES = 20 * 1024 * 1024
TEXT_EXTENSIONS = (".txt", ".md")
EXTENSIONS = (*TEXT_EXTENSIONS, ".docx", ".pdf", ".html", ".htm")


def read_source(path: Path, max_bytes: int = MAX_BYTES) -> SourceText:
    """Read a document into plain text, or raise IngestError with a one-line reason (missing,
    too large, unsupported, unreadable or empty)."""
    extension = path.suffix.lower()
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    if extension not in EXTENSIONS:
        raise IngestError(
            f"{path}: unsupported file type {extension or '(none)'}; ingest reads "
            f"{', '.join(EXTENSIONS)}"
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(
            f"{path}: {size:,} bytes is more than the {max_bytes:,} bytes ingest reads"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: cannot read it: {error.strerror or error}") from None
    reader = {
        ".txt": _plain,
        ".md": _markdown,
        ".docx": _docx,
        ".pdf": _pdf,
        ".html": _html,
        ".htm": _html,
    }[extension]
    text, title = reader(path, data)
    if not text.strip():
        raise IngestError(f"{path}: the document has no text")
    title = title or _stated(text, "Title") or _first_line(text)
    return SourceText(
        path=str(path),
        extension=extension,
        data=data,
        text=text,
        title=title.strip() if title else None,
        date=_document_date(text),
        language=detect_language(text),
    )


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise IngestError(f"{path}: not UTF-8 text (byte {error.start})") from None


def _plain(path: Path, data: bytes) -> tuple[str, str | None]:
    return _decode(path, data), None


def _markdown(path: Path, data: bytes) -> tuple[str, str | None]:
    text = _decode(path, data)
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return text, heading[1] if heading else None


def _docx(path: Path, data: bytes) -> tuple[str, str | None]:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines = []
        for element in document.element.body.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(element, document).text)
            elif tag == "tbl":
                for row in Table(element, document).rows:
                    lines.append("\t".join(cell.text for cell in row.cells))
        title = document.core_properties.title or None
    except Exception as error:
        raise IngestError(f"{path}: cannot read it as a Word document: {_reason(error)}") from None
    return "\n".join(lines) + "\n", title


def _pdf(path: Path, data: bytes) -> tuple[str, str | None]:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"{path}: the PDF is encrypted; give ingest an unencrypted copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except IngestError:
        raise
    except Exception as error:
        raise IngestError(f"{path}: cannot read it as a PDF: {_reason(error)}") from None
    return "\n\n".join(page.rstrip() for page in pages) + "\n", title


def _reason(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


class _TextOfHtml(HTMLParser):
    """The visible text of an HTML page, one line per block element, and its <title>."""

    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
            "article",
            "header",
            "footer",
            "table",
            "ul",
            "ol",
            "dd",
            "dt",
        ]
    )
    _HIDDEN = frozenset(("script", "style", "template", "noscript"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")
        if tag in self._HIDDEN or tag == "title":
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if "title" in self.stack:
            self.title.append(data)
        elif not any(tag in self._HIDDEN for tag in self.stack):
            self.parts.append(re.sub(r"\s+", " ", data))


def _html(path: Path, data: bytes) -> tuple[str, str | None]:
    parser = _TextOfHtml()
    parser.feed(_decode(path, data))
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    text = "\n".join(line for line in lines if line)
    return text + "\n", " ".join("".join(parser.title).split()) or None


def _stated(text: str, field: str) -> str | None:
    match = re.search(
        rf"^\s*{field}\s*[:：]\s*(.+?)\s*$", text[:4000], re.MULTILINE | re.IGNORECASE
    )
    return match[1] if match else None


def _first_line(text: str) -> str | None:
    """A report's first line when it reads as a title: short, and not ending a sentence or
    opening a list."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= 150 and not line.endswith((".", ":", "：", "。")) else None
    return None


def _document_date(text: str) -> str | None:
    """The date a "Date:" line (or 日期：) at the top states, as its literal's lexical form."""
    stated = _stated(text, "Date") or _stated(text, "日期")
    if not stated:
        return None
    dates = find_dates(stated)
    if dates:
        return str(dates[0].first)
    year = re.search(r"\b(?:19|20)[0-9]{2}\b", stated)
    return year[0] if year else None


def detect_language(text: str) -> str:
    """``zh`` when Han characters make up more than a fifth of the letters, else ``en``."""
    letters = [c for c in text[:20000] if c.isalpha()]
    han = sum(1 for c in letters if "CJK" in unicodedata.name(c, ""))
    return "zh" if letters and han / len(letters) > 0.2 else "en"
