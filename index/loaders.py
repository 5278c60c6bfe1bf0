"""Turn files into :class:`Article` objects, or say clearly why a file was skipped.

Supported: plain text, Markdown, HTML, JSON (one object or a list of objects) and JSONL.
One bad file (or one bad JSON record) never stops the rest of a folder from loading; it
becomes a :class:`SkippedFile` whose reason names the file, the record and what to do.

A sidecar ``NAME.meta.json`` next to ``NAME`` holds metadata the file itself lacks or gets
wrong (``title``, ``date``, ``dateline``, ``source``, ``url``; ``null`` clears a value parsed
from the text). Sidecar values beat the file's own fields, which beat what
:mod:`index.metadata` parses from the text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.metadata import parse_date, parse_text_metadata
from rag.types import Article, SkippedFile

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
SIDECAR_SUFFIX = ".meta.json"
METADATA_FIELDS = ("title", "date", "dateline", "source", "url")

# JSON field names accepted for each article field, in order of preference.
TEXT_KEYS = ("text", "body", "content")
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "publication_date", "pubdate"),
    "url": ("url", "link"),
    "source": ("source", "publisher", "site_name"),
    "dateline": ("dateline",),
    "id": ("id", "article_id", "guid", "uuid"),
}

_BINARY_PROBE = 8192


class LoadError(Exception):
    """A file (or record) that cannot become an article; the message is the skip reason."""


@dataclass
class RawDoc:
    """What a format reader extracts before sidecar and text metadata are merged in."""

    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    record: str | None = None


@dataclass
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    loaded_files: set[str] = field(default_factory=set)
    """Files that were read (even if some of their records were skipped)."""
    files: list[Path] = field(default_factory=list)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every candidate file under ``paths``, sorted, so ids and reports are reproducible.

    Hidden files and folders (``.git``, ``.DS_Store``) are not articles and are passed over.
    """
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            for child in path.rglob("*"):
                relative = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in relative):
                    found.add(child)
        elif path.is_file():
            found.add(path)
        else:
            raise FileNotFoundError(f"{raw}: no such file or folder")
    return sorted(found)


def load_paths(
    paths: Iterable[Path],
    *,
    max_file_mb: float,
    progress: Callable[[int, int, Path], None] | None = None,
) -> LoadResult:
    """Load every article under ``paths``; sidecars attach to the file they describe."""
    files = discover(paths)
    result = LoadResult(files=files)
    present = set(files)
    for done, path in enumerate(files, start=1):
        if is_sidecar(path):
            target = path.with_name(path.name[: -len(SIDECAR_SUFFIX)])
            if not target.exists() and target not in present:
                result.skipped.append(
                    SkippedFile(
                        path=str(path),
                        reason=f"metadata sidecar for {target.name}, which does not exist; "
                        "rename or remove it",
                    )
                )
            continue
        articles, skipped, readable = load_file(path, max_file_mb=max_file_mb)
        result.articles.extend(articles)
        result.skipped.extend(skipped)
        if readable:
            result.loaded_files.add(str(path))
        if progress:
            progress(done, len(files), path)
    return result


def load_file(path: Path, *, max_file_mb: float) -> tuple[list[Article], list[SkippedFile], bool]:
    """Articles of one file, the parts of it that were skipped, and whether it was readable.

    An unreadable file keeps whatever was indexed from it before (it is not "gone").
    """
    path = path.resolve()
    try:
        docs, record_errors = _read(path, max_file_mb)
        sidecar = read_sidecar(path)
    except LoadError as error:
        return [], [SkippedFile(path=str(path), reason=str(error))], False
    articles: list[Article] = []
    skipped = [SkippedFile(path=str(path), reason=reason) for reason in record_errors]
    for doc in docs:
        try:
            articles.append(make_article(path, doc, sidecar))
        except LoadError as error:
            where = f"record {doc.record}: " if doc.record else ""
            skipped.append(SkippedFile(path=str(path), reason=f"{where}{error}"))
    return articles, skipped, True


def _read(path: Path, max_file_mb: float) -> tuple[list[RawDoc], list[str]]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise LoadError(f"unsupported file type {suffix or '(no extension)'!r}; supported: {kinds}")
    size = path.stat().st_size
    if size > max_file_mb * 1024 * 1024:
        raise LoadError(
            f"file is {size / 1024 / 1024:.1f} MB, larger than ingest.max_file_mb={max_file_mb:g}; "
            "split it or raise the limit (RAG_INGEST__MAX_FILE_MB)"
        )
    text = decode(path.read_bytes())
    if suffix in TEXT_SUFFIXES:
        return [RawDoc(text=text)], []
    if suffix in MARKDOWN_SUFFIXES:
        return [read_markdown(text)], []
    if suffix in HTML_SUFFIXES:
        return [read_html(text)], []
    if suffix in JSON_SUFFIXES:
        return read_json(text)
    return read_jsonl(text)


def decode(data: bytes) -> str:
    """Text of a file, refusing what would turn into garbage.

    Non-UTF-8 text is refused rather than guessed (a cp1252 guess silently corrupts
    quotes and names that then show up in citations); the reason says how to convert it.
    """
    if not data.strip():
        raise LoadError("empty file" if not data else "empty file (only whitespace)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise LoadError(f"invalid UTF-16 text at byte {error.start}") from None
    else:
        if b"\x00" in data[:_BINARY_PROBE]:
            raise LoadError("binary file (contains NUL bytes), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise LoadError(
                f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
                "convert it, e.g. `iconv -f cp1252 -t utf-8`"
            ) from None
    if not text.strip():
        raise LoadError("empty file (only whitespace)")
    return text


# ---------------------------------------------------------------- formats


def read_json(text: str) -> tuple[list[RawDoc], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    if isinstance(data, dict):
        return [_record(data, None)], []
    if not isinstance(data, list):
        raise LoadError(f"JSON must be an object or a list of objects, not {type(data).__name__}")
    docs: list[RawDoc] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, item in enumerate(data, start=1):
        try:
            if not isinstance(item, dict):
                raise LoadError(f"is a {type(item).__name__}, not an object")
            doc = _record(item, str(number))
            _unique_record(doc, seen)
            docs.append(doc)
        except LoadError as error:
            errors.append(f"record {number}: {error}")
    return docs, errors


def read_jsonl(text: str) -> tuple[list[RawDoc], list[str]]:
    docs: list[RawDoc] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                raise LoadError(f"invalid JSON at column {error.colno}: {error.msg}") from None
            if not isinstance(item, dict):
                raise LoadError(f"is a {type(item).__name__}, not an object")
            doc = _record(item, str(number))
            _unique_record(doc, seen)
            docs.append(doc)
        except LoadError as error:
            errors.append(f"line {number}: {error}")
    if not docs and not errors:
        raise LoadError("empty file (no records)")
    return docs, errors


def _unique_record(doc: RawDoc, seen: set[str]) -> None:
    if doc.record in seen:
        raise LoadError(f"duplicate record id {doc.record!r}; ids must be unique within a file")
    seen.add(doc.record or "")


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = item.get(key)
        if value not in (None, ""):
            return value
    return None


def _record(item: dict[str, Any], position: str | None) -> RawDoc:
    """One JSON object; ``position`` (record/line number) names it when it has no id."""
    text = _first(item, TEXT_KEYS)
    if text is None:
        raise LoadError(f"no text: expected one of the fields {', '.join(TEXT_KEYS)}")
    if not isinstance(text, str):
        raise LoadError(f"field with the text is a {type(text).__name__}, not a string")
    if not text.strip():
        raise LoadError("text is empty")
    fields: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        value = _first(item, RECORD_KEYS[name])
        if value is not None:
            fields[name] = _clean_field(name, value)
    record_id = _first(item, RECORD_KEYS["id"])
    record = str(record_id).strip() if record_id is not None else position
    return RawDoc(text=text, fields=fields, record=record)


def _clean_field(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "date":
        if isinstance(value, int) and 10_000_000 <= value <= 99_999_999:
            value = str(value)
        parsed = parse_date(str(value)) if isinstance(value, str) else None
        if parsed is None:
            raise LoadError(f"date {value!r} is not a recognised date; use YYYY-MM-DD")
        return parsed
    if not isinstance(value, str):
        raise LoadError(f"field {name!r} must be a string, not {type(value).__name__}")
    return " ".join(value.split()) or None


_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<body>.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)
_MD_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^[ \t]{0,3}(```|~~~).*$", re.M), ""),  # code fences (their content is kept)
    (re.compile(r"^[ \t]{0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.M), ""),  # link reference definitions
    (re.compile(r"^[ \t]{0,3}(?:[*_-][ \t]*){3,}$", re.M), ""),  # horizontal rules
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M), r"\1"),  # headings
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # block quotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.M), ""),  # list markers
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # inline links
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<(https?://[^>]+)>"), r"\1"),  # autolinks
    (re.compile(r"`([^`]+)`"), r"\1"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)"), r"\1"),  # italic *
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),  # italic _
    (re.compile(r"~~(.+?)~~"), r"\1"),  # strikethrough
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # escapes
    (re.compile(r"[ \t]+$", re.M), ""),
    (re.compile(r"\n{3,}"), "\n\n"),
]


def read_markdown(source: str) -> RawDoc:
    """Markdown without its markup, so passages and citations read as plain prose.

    A YAML-style front matter block (``title:``, ``date:``, ``source:``, ``url:``) supplies
    metadata; otherwise the first ``# `` heading is the title.
    """
    fields: dict[str, Any] = {}
    front = _FRONT_MATTER.match(source)
    if front:
        for line in front.group("body").splitlines():
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            value = value.strip().strip("'\"")
            if sep and value and key in METADATA_FIELDS:
                try:
                    fields[key] = _clean_field(key, value)
                except LoadError as error:
                    raise LoadError(f"front matter: {error}") from None
        source = source[front.end() :]
    if "title" not in fields:
        heading = re.search(r"^[ \t]{0,3}#[ \t]+(.+?)[ \t]*#*[ \t]*$", source, re.M)
        if heading:
            fields["title"] = _strip_markdown(heading.group(1)).strip()
    text = _strip_markdown(source).strip("\n")
    if not text.strip():
        raise LoadError("no text left after removing Markdown markup")
    return RawDoc(text=text, fields=fields)


def _strip_markdown(text: str) -> str:
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    return text


# Page furniture around an article; removed before the text is taken.
_HTML_DROP = (
    "script, style, noscript, template, iframe, svg, canvas, nav, aside, form, button, "
    "figcaption, figure, footer, select, input"
)
_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(share|sharing|social|related|advert|advertisement|ads?|cookie|cookies|newsletter|"
    r"subscribe|promo|comments?|breadcrumbs?|caption|sidebar|popup|modal|paywall|byline-share)(?:$|[\s_-])",
    re.I,
)
_HTML_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, blockquote, pre, dt, dd, td, th"


def read_html(html: str) -> RawDoc:
    """The article body of an HTML page, without menus, scripts, captions and page furniture."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)

    def meta(*selectors: str) -> str | None:
        for selector in selectors:
            node = tree.css_first(selector)
            if node is not None:
                value = node.attributes.get("content") or node.attributes.get("href")
                if value and value.strip():
                    return " ".join(value.split())
        return None

    def node_text(selector: str) -> str | None:
        node = tree.css_first(selector)
        text = " ".join(node.text(deep=True).split()) if node is not None else ""
        return text or None

    fields: dict[str, Any] = {}
    title = meta('meta[property="og:title"]', 'meta[name="twitter:title"]') or node_text("title")
    title = title or node_text("h1")
    if title:
        fields["title"] = title
    published = meta(
        'meta[property="article:published_time"]',
        'meta[name="article:published_time"]',
        'meta[name="date"]',
        'meta[name="pubdate"]',
        'meta[name="publish-date"]',
        'meta[itemprop="datePublished"]',
    )
    if not published:
        time_node = tree.css_first("time[datetime]")
        published = time_node.attributes.get("datetime") if time_node is not None else None
    date = parse_date(published) if published else None
    if date:
        fields["date"] = date
    site = meta('meta[property="og:site_name"]')
    if site:
        fields["source"] = site
    url = meta('meta[property="og:url"]', 'link[rel="canonical"]')
    if url:
        fields["url"] = url

    for node in tree.css(_HTML_DROP):
        node.decompose()
    for node in tree.css("header"):
        if not _inside(node, "article"):
            node.decompose()
    for node in tree.css("[class], [id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag not in ("html", "body", "article", "main") and _BOILERPLATE.search(marker):
            node.decompose()

    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    blocks = [
        " ".join(node.text(deep=True).split())
        for node in root.css(_HTML_BLOCKS)
        if not _inside_block(node, root)
    ]
    paragraphs = [block for block in blocks if block]
    if not paragraphs and root is not None:
        paragraphs = [" ".join(line.split()) for line in root.text(separator="\n").splitlines()]
        paragraphs = [line for line in paragraphs if line]
    if not paragraphs:
        raise LoadError("no article text found in the HTML page")
    return RawDoc(text="\n\n".join(paragraphs), fields=fields)


def _inside(node: Any, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


_BLOCK_TAGS = {tag.strip() for tag in _HTML_BLOCKS.split(",")}


def _inside_block(node: Any, root: Any) -> bool:
    """True for a block nested in another block (its text is already in the outer one)."""
    parent = node.parent
    while parent is not None and parent is not root and parent.tag != root.tag:
        if parent.tag in _BLOCK_TAGS:
            return True
        parent = parent.parent
    return False


# ---------------------------------------------------------------- sidecars and articles


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict[str, Any]:
    """Metadata overrides from ``NAME.meta.json``; unknown keys are refused (likely typos)."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise LoadError(f"sidecar {sidecar.name} is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise LoadError(f"sidecar {sidecar.name} must hold a JSON object")
    unknown = sorted(set(data) - set(METADATA_FIELDS))
    if unknown:
        raise LoadError(
            f"sidecar {sidecar.name} has unknown keys {unknown}; allowed: {', '.join(METADATA_FIELDS)}"
        )
    try:
        return {key: _clean_field(key, value) for key, value in data.items()}
    except LoadError as error:
        raise LoadError(f"sidecar {sidecar.name}: {error}") from None


def make_article(path: Path, doc: RawDoc, sidecar: dict[str, Any]) -> Article:
    parsed = parse_text_metadata(doc.text)
    values: dict[str, Any] = {
        "title": parsed.title,
        "date": parsed.date,
        "dateline": parsed.dateline,
        "source": parsed.source,
        "url": None,
    }
    values.update(doc.fields)
    values.update(sidecar)
    article_id = path.stem if doc.record is None else f"{path.stem}#{doc.record}"
    return Article(
        article_id=article_id,
        text=doc.text,
        path=str(path),
        record=doc.record,
        content_hash=content_hash(doc.text, values, str(path), doc.record),
        **values,
    )


def content_hash(text: str, values: dict[str, Any], path: str, record: str | None) -> str:
    """sha256 over everything stored for an article, so any change triggers a re-index."""
    payload = {key: values.get(key) for key in METADATA_FIELDS}
    if isinstance(payload["date"], dt.date):
        payload["date"] = payload["date"].isoformat()
    payload.update(path=path, record=record)
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()
