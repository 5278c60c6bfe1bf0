"""What every format reader returns, the one error it may raise, and field cleaning shared by them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rag.text.dates import parse_date

METADATA_FIELDS = ("title", "date", "dateline", "source", "url")

# Field names accepted for each article field in JSON records and Markdown front matter,
# in order of preference ("publishedAt", "source": {"name": ...} are NewsAPI's).
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "date": (
        "date",
        "published",
        "published_at",
        "publishedAt",
        "publication_date",
        "pubdate",
        "pubDate",
        "datePublished",
    ),
    "url": ("url", "link"),
    "source": ("source", "publisher", "site_name", "outlet", "publication"),
    "dateline": ("dateline",),
    "id": ("id", "article_id", "guid", "uuid"),
}


class LoadError(Exception):
    """A file (or record) that cannot become an article; the message is the skip reason."""


@dataclass
class RawDoc:
    """What a format reader extracts before sidecar and text metadata are merged in.

    ``fields`` are the document's own metadata (an HTML page's ``og:site_name``, a JSON
    record's ``source``): they beat what is parsed from the text. ``hints`` are weaker
    guesses (a PDF's creation date, a URL's host, a title's site suffix) used only where
    neither the fields nor the text give a value.
    """

    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    hints: dict[str, Any] = field(default_factory=dict)
    record: str | None = None


@dataclass
class Read:
    """A file's documents and the reasons any of its records were skipped."""

    docs: list[RawDoc]
    errors: list[str] = field(default_factory=list)


def first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = item.get(key)
        if value not in (None, ""):
            return value
    return None


def clean_field(name: str, value: Any) -> Any:
    """A metadata value as stored, or :class:`LoadError` saying why it is refused."""
    if value is None:
        return None
    if name == "date":
        if isinstance(value, int) and not isinstance(value, bool) and 10_000_000 <= value <= 99_999_999:
            value = str(value)
        parsed = parse_date(str(value)) if isinstance(value, str) else None
        if parsed is None:
            raise LoadError(f"date {_short(value)} is not a recognised date; use YYYY-MM-DD")
        return parsed
    if name == "source" and isinstance(value, dict):
        value = value.get("name")  # {"id": "bbc-news", "name": "BBC News"}
        if value is None:
            return None
    if not isinstance(value, str):
        raise LoadError(f"field {name!r} must be a string, not {type(value).__name__}")
    return " ".join(value.split()) or None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def plain(value: Any) -> str | None:
    """A free-text metadata value (PDF/DOCX properties) with whitespace collapsed, or None."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None
