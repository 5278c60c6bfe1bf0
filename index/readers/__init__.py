"""One reader per article format, chosen by file suffix.

A reader turns a file's content into :class:`RawDoc` objects (text plus the format's own
metadata) or raises :class:`LoadError` with a reason a user can act on. Text formats get
the decoded text (:mod:`index.loaders` detects the encoding); PDF and DOCX get the bytes.
:func:`read` is the one entry point: whatever goes wrong inside a reader or the library
under it comes out as :class:`LoadError`, so one odd file is a skip, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from index.readers.base import METADATA_FIELDS, RECORD_KEYS, LoadError, RawDoc, Read, clean_field
from index.readers.html import read_html
from index.readers.markdown import read_markdown
from index.readers.office import read_docx, read_pdf
from index.readers.records import read_json, read_jsonl


def read_text(text: str) -> Read:
    """Plain text is its own article; metadata comes from its opening lines (index.metadata)."""
    if not text.strip():
        raise LoadError("empty file (only whitespace)")
    return Read([RawDoc(text=text)])


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Callable[[str], Read] | Callable[[bytes], Read]
    binary: bool = False
    """Read from bytes (PDF, DOCX) rather than from decoded text."""
    line_records: bool = False
    """One article per line: the size limit applies to each line, not to the file (an archive
    export is often one large JSONL file)."""


FORMATS = (
    Format("plain text", (".txt", ".text"), read_text),
    Format("Markdown", (".md", ".markdown"), read_markdown),
    Format("HTML", (".html", ".htm"), read_html),
    Format("JSON", (".json",), read_json),
    Format("JSON Lines", (".jsonl", ".ndjson"), read_jsonl, line_records=True),
    Format("PDF", (".pdf",), read_pdf, binary=True),
    Format("Word", (".docx",), read_docx, binary=True),
)
BY_SUFFIX = {suffix: fmt for fmt in FORMATS for suffix in fmt.suffixes}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(BY_SUFFIX)
"""Every file suffix the loader reads, in a stable order (the CLI help and the upload box use it)."""


def format_for(suffix: str) -> Format:
    fmt = BY_SUFFIX.get(suffix.lower())
    if fmt is None:
        kinds = ", ".join(SUPPORTED_SUFFIXES)
        raise LoadError(f"unsupported file type {suffix or '(no extension)'!r}; supported: {kinds}")
    return fmt


def read(fmt: Format, content: str | bytes) -> Read:
    """Run one reader; any failure inside it (or its library) becomes :class:`LoadError`."""
    try:
        return fmt.read(content)  # type: ignore[arg-type]
    except LoadError:
        raise
    except RecursionError:
        raise LoadError(f"{fmt.name} file is nested too deeply to read") from None
    except MemoryError:
        raise LoadError(f"{fmt.name} file needs more memory to read than is available") from None
    except Exception as error:
        message = " ".join(str(error).split())[:120]
        raise LoadError(f"could not read this {fmt.name} file ({type(error).__name__}: {message})") from None


__all__ = [
    "FORMATS",
    "METADATA_FIELDS",
    "RECORD_KEYS",
    "SUPPORTED_SUFFIXES",
    "Format",
    "LoadError",
    "RawDoc",
    "Read",
    "clean_field",
    "format_for",
    "read",
]
