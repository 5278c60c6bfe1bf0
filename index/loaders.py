"""Turn files into :class:`Article` objects, or say clearly why a file was skipped.

This module finds the files, refuses what is not a regular file, enforces the size limit,
decodes text, runs the format reader (:mod:`index.readers`: text, Markdown, HTML, JSON,
JSONL, PDF, DOCX), merges metadata and hashes the result. No file can stop a run: every
failure while reading one file (a reader error, ``RecursionError``, ``MemoryError``, a
library bug) becomes a :class:`SkippedFile` whose reason names the file and what to do.

A sidecar ``NAME.meta.json`` next to ``NAME`` holds metadata the file itself lacks or gets
wrong (``title``, ``date``, ``dateline``, ``source``, ``url``; ``null`` clears a value).
Precedence: sidecar > the file's own fields (JSON fields, HTML meta tags, front matter,
PDF/DOCX title) > what :mod:`index.metadata` parses from the text > weak hints (a title's
site suffix, the URL's host, PDF/DOCX author and creation date) > a headline made from
the lead sentence.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import stat
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import readers
from index.boilerplate import strip_boilerplate
from index.metadata import headline_from_lead, parse_text_metadata, split_title
from index.outlets import outlet_from_url
from index.readers import METADATA_FIELDS, SUPPORTED_SUFFIXES, LoadError, RawDoc, clean_field
from rag.types import Article, SkippedFile

__all__ = [
    "METADATA_FIELDS",
    "SUPPORTED_SUFFIXES",
    "LoadError",
    "LoadResult",
    "RawDoc",
    "decode",
    "discover",
    "load_file",
    "load_paths",
    "make_article",
    "read_sidecar",
    "scan",
]

SIDECAR_SUFFIX = ".meta.json"
_BINARY_PROBE = 8192
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


@dataclass
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    loaded_files: set[str] = field(default_factory=set)
    """Files that were read (even if some of their records were skipped)."""
    files: list[Path] = field(default_factory=list)


@dataclass
class Scan:
    files: list[Path]
    skipped: list[SkippedFile]
    """Entries that are not regular files (pipes, sockets, devices, broken or looping links)."""
    links: dict[Path, Path] = field(default_factory=dict)
    """For a file reached through a symbolic link: the link as found (the file is read, and known
    to the index, by its target; a message names the link the user's folder holds)."""


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def scan(paths: Iterable[Path]) -> Scan:
    """Every candidate file under ``paths`` (sorted, so ids and reports are reproducible), and
    every entry that cannot be an article with the reason why.

    Hidden files and folders (``.git``, ``.DS_Store``) are passed over silently. Links to
    folders are not followed (a link back up the tree would loop); they are reported.
    A path given that does not exist at all raises ``FileNotFoundError`` (a usage error).
    """
    found: set[Path] = set()
    skipped: dict[str, str] = {}
    links: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw).expanduser().absolute()
        if not os.path.lexists(path):
            raise FileNotFoundError(f"{raw}: no such file or folder")
        kind, reason = _kind(path)
        if kind == "dir":
            _walk(path, found, skipped, links)
        elif kind == "file":
            found.add(_target(path, links))
        else:
            skipped[str(path)] = reason
    return Scan(
        files=sorted(found),
        skipped=[SkippedFile(path=path, reason=reason) for path, reason in sorted(skipped.items())],
        links=links,
    )


def _target(path: Path, links: dict[Path, Path]) -> Path:
    """The file ``path`` names, with the link noted in ``links`` when it is one."""
    if not path.is_symlink():
        return path.resolve()
    target = path.resolve()
    links.setdefault(target, path)
    return target


def discover(paths: Iterable[Path]) -> list[Path]:
    """The candidate files under ``paths``, sorted (see :func:`scan`)."""
    return scan(paths).files


def _walk(root: Path, found: set[Path], skipped: dict[str, str], links: dict[Path, Path]) -> None:
    def unreadable(error: OSError) -> None:
        skipped[str(error.filename or root)] = (
            f"folder cannot be read ({error.strerror}); check its permissions"
        )

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in list(dirs):
            child = Path(folder, name)
            if child.is_symlink():
                dirs.remove(name)
                skipped[str(child)] = (
                    f"link to a folder ({os.readlink(child)}), not followed; index that folder itself"
                )
        for name in names:
            if name.startswith("."):
                continue
            child = Path(folder, name)
            kind, reason = _kind(child)
            if kind == "file":
                found.add(_target(child, links) if child.is_symlink() else child)
            elif kind == "dir":  # a link to a folder that os.walk listed as a file (a race)
                skipped[str(child)] = "link to a folder, not followed; index that folder itself"
            else:
                skipped[str(child)] = reason


def _through_link(item: SkippedFile, target: Path, link: Path) -> SkippedFile:
    """``item`` named by the link the folder holds, with the file it leads to."""
    if not item.path.startswith(str(target)):
        return item
    named = f"{link} (a link to {target}){item.path[len(str(target)) :]}"
    return item.model_copy(update={"path": named})


def _kind(path: Path) -> tuple[str, str]:
    """("file" | "dir" | "other", reason) without opening the path (opening a FIFO blocks)."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "other", "symbolic link loop (the link leads back to itself); fix or remove the link"
        if path.is_symlink():
            return (
                "other",
                f"broken symbolic link: {os.readlink(path)} does not exist; fix or remove the link",
            )
        return "other", f"cannot be read ({error.strerror})"
    if stat.S_ISDIR(mode):
        return "dir", ""
    if stat.S_ISREG(mode):
        return "file", ""
    if stat.S_ISFIFO(mode):
        return "other", "named pipe (FIFO), not a file; save the articles to a regular file"
    if stat.S_ISSOCK(mode):
        return "other", "socket, not a file"
    return "other", "device file, not an article"


def load_paths(
    paths: Iterable[Path],
    *,
    max_file_mb: float,
    progress: Callable[[int, int, Path], None] | None = None,
) -> LoadResult:
    """Load every article under ``paths``; sidecars attach to the file they describe."""
    found = scan(paths)
    files = found.files
    result = LoadResult(files=files, skipped=list(found.skipped))
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
        if path in found.links:
            skipped = [_through_link(item, path, found.links[path]) for item in skipped]
        result.articles.extend(articles)
        result.skipped.extend(skipped)
        if readable:
            result.loaded_files.add(str(path))
        if progress:
            progress(done, len(files), path)
    return result


def load_file(path: Path, *, max_file_mb: float) -> tuple[list[Article], list[SkippedFile], bool]:
    """Articles of one file, the parts of it that were skipped, and whether it was readable.

    Never raises for a bad file. An unreadable file keeps whatever was indexed from it
    before (it is not "gone").
    """
    path = Path(path).absolute()
    try:
        return _load_file(path, max_file_mb)
    except LoadError as error:
        reason = str(error)
    except RecursionError:
        reason = "nested too deeply to read"
    except MemoryError:
        reason = "needs more memory to read than is available; split the file"
    except Exception as error:  # a library bug must not stop the run; say what happened
        reason = f"could not be read ({type(error).__name__}: {' '.join(str(error).split())[:160]})"
    return [], [SkippedFile(path=str(path), reason=reason)], False


def _load_file(path: Path, max_file_mb: float) -> tuple[list[Article], list[SkippedFile], bool]:
    kind, reason = _kind(path)
    if kind != "file":
        raise LoadError(reason or "a folder, not a file")
    path = path.resolve()
    fmt = readers.format_for(path.suffix)
    size = path.stat().st_size
    limit = max_file_mb * 1024 * 1024
    if size > limit and not fmt.line_records:
        raise LoadError(
            f"file is {size / 1024 / 1024:.1f} MB, larger than ingest.max_file_mb={max_file_mb:g}; "
            "split it or raise the limit (RAG_INGEST__MAX_FILE_MB)"
        )
    data = path.read_bytes()
    too_large: list[str] = []
    if fmt.binary:
        if not data.strip():
            raise LoadError("empty file")
        read = readers.read(fmt, data)
    else:
        text = decode(data)
        if fmt.line_records and size > limit:
            text, too_large = _without_long_lines(text, limit, max_file_mb)
        read = readers.read(fmt, text)
    sidecar = read_sidecar(path)
    articles: list[Article] = []
    skipped = [SkippedFile(path=str(path), reason=reason) for reason in [*too_large, *read.errors]]
    for doc in read.docs:
        try:
            articles.append(make_article(path, doc, sidecar))
        except LoadError as error:
            where = f"record {doc.record}: " if doc.record else ""
            skipped.append(SkippedFile(path=str(path), reason=f"{where}{error}"))
    return articles, skipped, True


def _without_long_lines(text: str, limit: float, max_file_mb: float) -> tuple[str, list[str]]:
    """``text`` with each line over ``limit`` bytes blanked (line numbers kept), and why each went."""
    lines = text.split("\n")
    reasons = []
    for number, line in enumerate(lines, start=1):
        size = len(line.encode("utf-8", "surrogatepass"))
        if size > limit:
            lines[number - 1] = ""
            reasons.append(
                f"line {number}: record is {size / 1024 / 1024:.1f} MB, larger than "
                f"ingest.max_file_mb={max_file_mb:g}; raise the limit (RAG_INGEST__MAX_FILE_MB) to read it"
            )
    return "\n".join(lines), reasons


def decode(data: bytes) -> str:
    """Text of a file: UTF-8 (with or without BOM), UTF-16 with a BOM, or the encoding
    charset-normalizer detects. Binary data is refused.

    Detection alone is unreliable on short text (measured: "Café story" in cp1252 came back
    as cp1006, Urdu; a Norwegian latin-1 line as cp852, coherence 0.50 against cp1252's
    0.44), so when a Western code page is as free of garbled characters as the best guess
    and nearly as coherent (within 0.15), cp1252 is used: it is what most non-UTF-8 news
    files are. Czech cp1250, Russian cp1251 and Greek cp1253 lines still decode right.
    """
    if not data.strip():
        raise LoadError("empty file" if not data else "empty file (only whitespace)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise LoadError(f"invalid UTF-16 text at byte {error.start}") from None
    elif b"\x00" in data[:_BINARY_PROBE]:
        raise LoadError("binary file (contains NUL bytes), not text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _detect(data)
    if not text.strip():
        raise LoadError("empty file (only whitespace)")
    return text


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise LoadError("binary file (not text in any known encoding)")
    best = matches[0]
    for match in matches:
        if match.chaos > best.chaos + 0.01 or match.coherence < best.coherence - 0.15:
            continue
        if any(name in match.could_be_from_charset for name in _WESTERN):
            try:
                return _textual(data.decode("cp1252"))
            except UnicodeDecodeError:
                return _textual(data.decode("latin_1"))
    return _textual(str(best))


def _textual(text: str) -> str:
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v")
    if controls > max(2, len(text) // 100):
        raise LoadError("binary file (control characters throughout), not text")
    return text


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
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        why = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise LoadError(f"sidecar {sidecar.name} is not valid JSON: {why}") from None
    if not isinstance(data, dict):
        raise LoadError(f"sidecar {sidecar.name} must hold a JSON object")
    unknown = sorted(set(data) - set(METADATA_FIELDS))
    if unknown:
        raise LoadError(
            f"sidecar {sidecar.name} has unknown keys {unknown}; allowed: {', '.join(METADATA_FIELDS)}"
        )
    try:
        return {key: clean_field(key, value) for key, value in data.items()}
    except LoadError as error:
        raise LoadError(f"sidecar {sidecar.name}: {error}") from None


def make_article(path: Path, doc: RawDoc, sidecar: dict[str, Any]) -> Article:
    parsed = parse_text_metadata(doc.text)
    body = doc.text[parsed.body_start :]
    values: dict[str, Any] = {
        "title": parsed.title,
        "date": parsed.date,
        "dateline": parsed.dateline,
        "source": parsed.source,
        "url": None,
    }
    values.update({key: _field(key, value) for key, value in doc.fields.items()})
    site = None
    if values["title"]:
        values["title"], site = split_title(values["title"], values["source"])
    hints: list[tuple[str, Any]] = [
        *doc.hints.items(),
        ("source", site),
        ("source", outlet_from_url(values["url"])),
    ]
    for key, value in hints:
        if values.get(key) is None and value is not None:
            values[key] = _field(key, value)
    if values["title"] is None:  # from the story's lead, not a "Subscribe ..." line above it
        values["title"] = headline_from_lead(strip_boilerplate(body))
    values.update(sidecar)  # a sidecar's title (even null) wins over the headline
    body = strip_boilerplate(body, values["title"])
    if not body.strip():
        raise LoadError("no text after the date line")
    article_id = path.stem if doc.record is None else f"{path.stem}#{doc.record}"
    return Article(
        article_id=article_id,
        text=body,
        path=str(path),
        record=doc.record,
        content_hash=content_hash(body, values, str(path), doc.record),
        **values,
    )


def _field(key: str, value: Any) -> Any:
    if key == "date" and isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return clean_field(key, value)


def content_hash(text: str, values: dict[str, Any], path: str, record: str | None) -> str:
    """sha256 over everything stored for an article, so any change triggers a re-index."""
    payload = {key: values.get(key) for key in METADATA_FIELDS}
    if isinstance(payload["date"], dt.date):
        payload["date"] = payload["date"].isoformat()
    payload.update(path=path, record=record)
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()
