"""PDF (text layer, pypdf) and Word .docx (python-docx): the text and the document properties.

Both libraries are maintained and permissively licensed (BSD, MIT) and pure Python. A PDF
without a text layer (a scan) is skipped with a plain reason rather than OCR'd. Document
properties are weaker than what the text says: a PDF's or DOCX's creation date is when the
file was made (often a re-export), and its author is a person or an office as often as an
outlet, so both are hints that count only where the text names no date or outlet. Titles
such as "Microsoft Word - draft3.docx" or "Untitled" are not headlines and are dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from index.readers.base import LoadError, RawDoc, Read, plain

# Values left by tools rather than written by anyone; python-docx's own template also carries
# created=2013-12-23, so its untouched documents give no date either.
_JUNK_AUTHOR = re.compile(
    r"^(?:python-docx|microsoft office user|windows user|administrator|admin|user|owner|unknown|author)$",
    re.I,
)
_JUNK_TITLE = re.compile(
    r"^(?:untitled|document\d*|microsoft (?:word|powerpoint) - .*|.*\.(?:docx?|pdf|rtf|odt|txt|indd))$", re.I
)


def read_pdf(data: bytes) -> Read:
    from pypdf import PdfReader

    # Its complaints about a damaged file ("EOF marker not found") become the skip reason, or
    # nothing when the text reads anyway; printed, they stood alone above the progress line.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError("PDF is protected by a password; save an unprotected copy and index that")
        pages = [_page_text(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata
    except LoadError:
        raise
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise LoadError(f"not a readable PDF ({_why(error)})") from None
    text = "\n\n".join(page for page in pages if page)
    if not text.strip():
        raise LoadError(
            "PDF has no text layer (a scanned image?); run OCR on it first, e.g. `ocrmypdf in.pdf out.pdf`"
        )
    fields: dict[str, Any] = {}
    hints: dict[str, Any] = {}
    if info is not None:
        _set(fields, "title", _title(_safe(lambda: info.title)))
        _set(hints, "source", _author(_safe(lambda: info.author)))
        _set(hints, "date", _date(_safe(lambda: info.creation_date)))
    return Read([RawDoc(text=text, fields=fields, hints=hints)])


def _page_text(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def read_docx(data: bytes) -> Read:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
        props = document.core_properties
        title = _title(_safe(lambda: props.title))
        author = plain(_safe(lambda: props.author))
        created = _date(_safe(lambda: props.created))
        if author and author.casefold() == "python-docx":
            created = None
        author = _author(author)
    except Exception as error:  # python-docx/zipfile/lxml errors on damaged or non-Word files
        raise LoadError(f"not a readable Word .docx file ({_why(error)})") from None
    texts = [text for _, text in blocks if text]
    if not texts:
        raise LoadError("Word document has no text")
    fields: dict[str, Any] = {}
    hints: dict[str, Any] = {}
    if title is None and blocks and blocks[0][0] in ("Title", "Heading 1"):
        title = _title(blocks[0][1])
    _set(fields, "title", title)
    _set(hints, "source", author)
    _set(hints, "date", created)
    return Read([RawDoc(text="\n\n".join(texts), fields=fields, hints=hints)])


def _docx_blocks(document: Any) -> Iterator[tuple[str, str]]:
    """(style name, text) of each paragraph and table in document order; a table row a line."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                rows.append(" | ".join(cells))
            yield "Table", "\n".join(row for row in rows if row)
        else:
            style = block.style.name if block.style is not None else ""
            yield style or "", block.text.strip()


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _safe(get: Callable[[], Any]) -> Any:
    """A document property, or None where the file's value is malformed."""
    try:
        return get()
    except Exception:
        return None


def _author(value: Any) -> str | None:
    author = plain(value)
    return None if author is None or _JUNK_AUTHOR.match(author) else author


def _title(value: Any) -> str | None:
    title = plain(value)
    if not title or _JUNK_TITLE.match(title) or not re.search(r"[^\W\d_]", title):
        return None
    return title


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _why(error: BaseException) -> str:
    message = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
