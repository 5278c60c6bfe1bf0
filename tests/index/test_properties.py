"""Property tests: on any text or bytes the readers and metadata parsers return a result or
raise the loader's own LoadError, never anything else; loading a file never raises."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.loaders import decode, load_file
from index.metadata import (
    body_start,
    headline_from_lead,
    parse_text_metadata,
    split_title,
)
from index.outlets import outlet_from_url, outlet_name
from index.readers import FORMATS, SUPPORTED_SUFFIXES, LoadError, Read, clean_field, read
from index.readers.records import record
from rag.text.dates import parse_date

pytestmark = pytest.mark.unit

PROPERTY = settings(
    max_examples=120,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=[HealthCheck.too_slow],
)

# Pieces of real markup and news openings, so generated text reaches the parsers' deeper paths.
FRAGMENTS = [
    "---\n",
    "title: x\n",
    "date: 2017-01-17\n",
    "# ",
    "| a | b |\n|---|---|\n",
    "```\n",
    "<html><body><article><p>",
    "</p></article></body></html>",
    "<title>A | B</title>",
    '<meta property="og:site_name" content="S">',
    "<time datetime='2017-01-17'>",
    " date 2017-01-17 BEIRUT - ",
    "GENEVA (AFP) \u2014 ",
    "By Jane Doe, Reuters\n",
    "\u2014 Reuters",
    "Tuesday, January 17, 2017\n",
    '{"text": "a", "date": ',
    "[",
    "]",
    "{",
    "}",
    "\n\n",
    "\u00e9",
    "\x00",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=30).map("".join),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def returns_or_load_error(call, *args) -> object:
    try:
        return call(*args)
    except LoadError as error:
        assert str(error), "a skip reason must say something"
        return error


@PROPERTY
@given(text=texts)
def test_text_readers_return_documents_or_load_error(text: str) -> None:
    for fmt in FORMATS:
        if fmt.binary:
            continue
        result = returns_or_load_error(read, fmt, text)
        if isinstance(result, Read):
            assert all(isinstance(doc.text, str) and doc.text.strip() for doc in result.docs)


@PROPERTY
@given(data=st.one_of(st.binary(max_size=600), texts.map(lambda t: t.encode("utf-8", "replace"))))
def test_binary_readers_and_decoding_return_or_load_error(data: bytes) -> None:
    for fmt in FORMATS:
        if fmt.binary:
            returns_or_load_error(read, fmt, data)
    for prefix in (b"%PDF-1.4\n", b"PK\x03\x04"):
        for fmt in FORMATS:
            if fmt.binary:
                returns_or_load_error(read, fmt, prefix + data)
    decoded = returns_or_load_error(decode, data)
    assert isinstance(decoded, str | LoadError)


@PROPERTY
@given(data=st.binary(max_size=400), suffix=st.sampled_from([*SUPPORTED_SUFFIXES, ".rtf", ""]))
def test_loading_any_file_never_raises(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"file{suffix}"
        path.write_bytes(data)
        articles, skipped, _ = load_file(path, max_file_mb=1)
    assert all(item.reason for item in skipped)
    assert all(article.text.strip() for article in articles)


@PROPERTY
@given(text=texts)
def test_metadata_parsers_never_raise(text: str) -> None:
    meta = parse_text_metadata(text)
    assert 0 <= meta.body_start <= len(text) and meta.body_start == body_start(text)
    assert meta.date is None or isinstance(meta.date, dt.date)
    headline = headline_from_lead(text)
    assert headline is None or 0 < len(headline) <= 160
    title, site = split_title(text)
    assert site is None or title != text
    assert parse_date(text) is None or isinstance(parse_date(text), dt.date)
    outlet_from_url(text)
    outlet_name(text, strict=True)
    outlet_name(text, strict=False)


@PROPERTY
@given(item=st.dictionaries(st.sampled_from(["text", "title", "date", "source", "url", "id"]), json_values))
def test_json_records_and_fields_return_or_load_error(item: dict) -> None:
    returns_or_load_error(record, item, "1")
    for name in ("title", "date", "source", "url", "dateline"):
        returns_or_load_error(clean_field, name, item.get("text"))
