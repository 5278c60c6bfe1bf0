"""JSON (one object, a list of objects, or an object holding that list) and JSONL (one object a
line) article records.

A bad record is skipped with its number and the rest of the file is kept. Nesting deeper
than Python's parser allows (measured: 1,000 levels raise ``RecursionError``) is a plain
skip reason, not a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from index.readers.base import METADATA_FIELDS, RECORD_KEYS, LoadError, RawDoc, Read, clean_field, first

TEXT_KEYS = ("text", "body", "content")


def read_json(text: str) -> Read:
    data = _loads(
        text, lambda error: f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
    )
    if isinstance(data, dict):
        inside = _records_inside(data)
        if inside is None:
            return Read([record(data, None)])
        data = inside
    if not isinstance(data, list):
        raise LoadError(f"JSON must be an object or a list of objects, not {type(data).__name__}")
    read = Read([])
    seen: set[str] = set()
    for number, item in enumerate(data, start=1):
        _add(read, seen, f"record {number}", number, item)
    return read


def _records_inside(data: dict[str, Any]) -> list[Any] | None:
    """The article list an export wraps in an object: ``{"status": "ok", "articles": [...]}`` (NewsAPI),
    ``{"data": [...]}``, ``{"items": [...]}``; None when the object is itself an article (it has a
    text field) or holds no one list of objects with text (an article's ``"authors": [{...}]`` is not one)."""
    if first(data, TEXT_KEYS) is not None:
        return None
    lists = [
        value
        for value in data.values()
        if isinstance(value, list)
        and all(isinstance(item, dict) for item in value)
        and any(first(item, TEXT_KEYS) is not None for item in value)
    ]
    return lists[0] if len(lists) == 1 else None


def read_jsonl(text: str) -> Read:
    read = Read([])
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = _loads(line, lambda error: f"invalid JSON at column {error.colno}: {error.msg}")
        except LoadError as error:
            read.errors.append(f"line {number}: {error}")
            continue
        _add(read, seen, f"line {number}", number, item)
    if not read.docs and not read.errors:
        raise LoadError("empty file (no records)")
    return read


def _add(read: Read, seen: set[str], where: str, number: int, item: Any) -> None:
    """One record of a JSON list or JSONL file: kept, or its problem noted under ``where``."""
    try:
        if not isinstance(item, dict):
            raise LoadError(f"is a {type(item).__name__}, not an object")
        doc = record(item, str(number))
        _unique(doc, seen)
        read.docs.append(doc)
    except LoadError as error:
        read.errors.append(f"{where}: {error}")


def _loads(text: str, describe: Any) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(describe(error)) from None
    except RecursionError:
        raise LoadError(
            "JSON nested too deeply to read (objects or lists inside each other ~1,000 levels)"
        ) from None


def _unique(doc: RawDoc, seen: set[str]) -> None:
    if doc.record in seen:
        raise LoadError(f"duplicate record id {doc.record!r}; ids must be unique within a file")
    seen.add(doc.record or "")


def record(item: dict[str, Any], position: str | None) -> RawDoc:
    """One JSON object; ``position`` (record/line number) names it when it has no id."""
    text = first(item, TEXT_KEYS)
    if text is None:
        raise LoadError(f"no text: expected one of the fields {', '.join(TEXT_KEYS)}")
    if not isinstance(text, str):
        raise LoadError(f"field with the text is a {type(text).__name__}, not a string")
    if not text.strip():
        raise LoadError("text is empty")
    fields: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        value = first(item, RECORD_KEYS[name])
        if value is not None:
            cleaned = clean_field(name, value)
            if cleaned is not None:
                fields[name] = cleaned
    record_id = first(item, RECORD_KEYS["id"])
    where = str(record_id).strip() if record_id is not None else position
    return RawDoc(text=text, fields=fields, record=where)
