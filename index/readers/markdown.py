"""Markdown articles as plain prose, parsed with markdown-it-py (CommonMark, tables, strikethrough).

Markup, link targets and images go; the words of headings, paragraphs, list items, quotes,
table cells and code stay, one block a paragraph (a tight list keeps one item a line), so
passages and citations read as the article does. A YAML front matter block supplies
``title``, ``date`` (also ``published``, ``pubDate``), ``source`` (also ``publisher``,
``site_name``), ``url`` and ``dateline``; otherwise the first ``#`` heading is the title.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.readers.base import METADATA_FIELDS, RECORD_KEYS, LoadError, RawDoc, Read, clean_field, first

# The front matter fence is the one piece of syntax CommonMark itself does not know.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def read_markdown(source: str) -> Read:
    fields, source = _front_matter(source)
    tokens = _PARSER.parse(source)
    if "title" not in fields:
        title = _first_h1(tokens)
        if title:
            fields["title"] = title
    text = _plain_text(tokens)
    if not text.strip():
        raise LoadError("no text left after removing Markdown markup")
    return Read([RawDoc(text=text, fields=fields)])


class _DatesAsText(yaml.SafeLoader):
    """YAML's safe loader, except that a date is left as text for the article's own date rules: YAML
    turned ``date: 2021-02-30`` into an error that was reported as "not valid YAML", and a date
    it reads is checked like a JSON record's date (``date '2021-02-30' is not a recognised date``)."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _front_matter(source: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(source)
    if not match:
        return {}, source
    try:
        data = yaml.load(match.group("body"), Loader=_DatesAsText)  # noqa: S506 (a SafeLoader)
    except Exception as error:  # yaml's errors, and RecursionError on absurd nesting
        where = getattr(getattr(error, "problem_mark", None), "line", None)
        at = f" (line {where + 2})" if isinstance(where, int) else ""
        raise LoadError(f"front matter is not valid YAML{at}; fix it or remove the --- block") from None
    if not isinstance(data, dict):
        return {}, source  # a "---" rule above a line, not front matter
    keys = {str(key).lower(): value for key, value in data.items()}
    fields: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        value = first(keys, tuple(key.lower() for key in RECORD_KEYS[name]))
        if value is not None:
            try:
                cleaned = clean_field(name, value)
            except LoadError as error:
                raise LoadError(f"front matter: {error}") from None
            if cleaned is not None:
                fields[name] = cleaned
    return fields, source[match.end() :]


def _first_h1(tokens: list[Token]) -> str | None:
    for position, token in enumerate(tokens[:-1]):
        if token.type == "heading_open" and token.tag == "h1":
            text = " ".join(_inline_text(tokens[position + 1]).split())
            if text:
                return text
    return None


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def _html_text(html: str) -> str:
    from lxml import html as lxml_html

    try:
        return " ".join(lxml_html.fromstring(html).text_content().split())
    except Exception:  # lxml refuses fragments it cannot parse (comments only, ...)
        return ""


def _plain_text(tokens: list[Token]) -> str:
    """Blocks separated by a blank line; items of a tight list and rows of a table by a newline."""
    out: list[str] = []
    previous: str | None = None  # "tight" or "row" when the last block may continue on the next line
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        kind: str | None = None
        if token.type == "tr_open":
            row = []
            continue
        if token.type == "inline" and row is not None:
            row.append(" ".join(_inline_text(token).split()))
            continue
        if token.type == "tr_close" and row is not None:
            text, kind, row = " | ".join(row), "row", None
        elif token.type == "inline":
            text = "\n".join(line.strip() for line in _inline_text(token).split("\n"))
            # markdown-it hides the paragraph tokens of a tight list's items.
            opener = tokens[index - 1] if index else None
            kind = (
                "tight" if opener is not None and opener.type == "paragraph_open" and opener.hidden else None
            )
        elif token.type in ("fence", "code_block"):
            text = token.content.rstrip("\n")
        elif token.type == "html_block":
            text = _html_text(token.content)
        else:
            continue
        if not text.strip():
            continue
        if out:
            out.append("\n" if kind is not None and kind == previous else "\n\n")
        out.append(text)
        previous = kind
    return "".join(out)
