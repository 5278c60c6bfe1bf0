"""The article of an HTML page, extracted with trafilatura, with the page's own metadata.

trafilatura (maintained, Apache-2.0, no network use when given the page) drops menus,
scripts, captions, share buttons, related links and footers, and reads title, publication
date (htmldate, from meta tags and ``<time>``; no guessing from copyright lines), site name
and canonical URL. Its defaults are tuned for crawled pages: it refuses extractions under
250 characters and falls back to the whole page text, which on a short article brought the
menu, the caption and "Subscribe" back (measured on the tests' sample page), so the minimum
is lowered to 1 character here. The page's ``<title>`` suffix ("Title | Halvard Gazette")
names the site when no ``og:site_name`` does.

A page may hold several stories, each in its own ``<article>`` element (a briefing, a live page,
a front page with full texts). trafilatura keeps one main block and drops the rest without a
word (measured: of a page with two 60-word articles, only the first was kept), so a page with two
or more top-level ``<article>`` elements of at least ``MIN_ARTICLE_WORDS`` extracted words each is
read as that many articles, each with its own heading as title and its own ``<time>`` as date.
Shorter ``<article>`` elements (teaser cards: a headline and a line) and comment threads stay
out, as on a one-story page.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from functools import cache
from typing import Any

from index.metadata import site_from_title
from index.readers.base import LoadError, RawDoc, Read, plain
from rag.text.dates import parse_date

_DATE_SEARCH = {"extensive_search": False, "original_date": True}

MIN_ARTICLE_WORDS = 40
"""Extracted words an ``<article>`` element needs to be read as a story of its own: a teaser card
(headline and one line, ~10-30 words) falls under it, a short news item (~60 words) does not."""

_COMMENTS = re.compile(r"comment|repl(?:y|ies)|respons", re.IGNORECASE)


@cache
def _config() -> Any:
    from trafilatura.settings import use_config

    # Its complaints about a page ("not valid HTML") become the skip reason; not log noise.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "MIN_FILE_SIZE", "1")
    config.set("DEFAULT", "MAX_FILE_SIZE", str(10**12))  # ingest.max_file_mb decides
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # its timeout uses signals: main thread only
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


def read_html(html: str) -> Read:
    import trafilatura

    tree = trafilatura.load_html(html)
    if tree is None:
        raise LoadError("not an HTML page that can be read (no elements found)")
    page_title = plain(tree.findtext(".//title"))
    stories = _stories(tree)
    document, paragraphs = _extract(tree)
    if len(stories) >= 2:
        page_date = _head_date(tree)
        return Read(
            [
                _story_doc(number, element, text, document, page_title, page_date)
                for number, (element, text) in enumerate(stories, 1)
            ]
        )
    if not paragraphs:
        raise LoadError("no article text found in the HTML page")

    fields: dict[str, Any] = {}
    hints: dict[str, Any] = {}
    title = plain(getattr(document, "title", None))
    if title:
        fields["title"] = title
    date = parse_date(str(getattr(document, "date", None) or ""))
    if date:
        fields["date"] = date
    url = plain(getattr(document, "url", None))
    if url:
        fields["url"] = url
    site, named = _site(document, page_title)
    if site:
        (fields if named else hints)["source"] = site
    return Read([RawDoc(text="\n\n".join(paragraphs), fields=fields, hints=hints)])


def _site(document: Any, page_title: str | None) -> tuple[str | None, bool]:
    """The site's name, and whether the page names it itself (``og:site_name``) rather than in
    its ``<title>`` suffix (a guess)."""
    site = plain(getattr(document, "sitename", None))
    host = plain(getattr(document, "hostname", None))
    if site and site != host and "." not in site:
        return site, True
    return (site_from_title(page_title) if page_title else None), False


def _extract(tree: Any) -> tuple[Any, list[str]]:
    """trafilatura's extraction of a page (or of one story inside it) and its text blocks."""
    import trafilatura

    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        config=_config(),
        date_extraction_params=_DATE_SEARCH,
    )
    body = getattr(document, "body", None)
    return document, (_blocks(body) if body is not None else [])


def _stories(tree: Any) -> list[tuple[Any, str]]:
    """Each top-level ``<article>`` outside a comment thread with enough text to be a story."""
    candidates = [
        element
        for element in tree.xpath("//article[not(ancestor::article)]")
        if not any(
            _COMMENTS.search(f"{node.get('class', '')} {node.get('id', '')}")
            for node in element.xpath("ancestor-or-self::*")
        )
    ]
    if len(candidates) < 2:
        return []  # one story or none: the page's own extraction reads it
    found = []
    for element in candidates:
        page = tree.makeelement("html", {})
        head = tree.find(".//head")
        if head is not None:
            page.append(copy.deepcopy(head))
        body = page.makeelement("body", {})
        body.append(copy.deepcopy(element))
        page.append(body)
        _, paragraphs = _extract(page)
        text = "\n\n".join(paragraphs)
        if len(text.split()) >= MIN_ARTICLE_WORDS:
            found.append((element, text))
    return found


def _head_date(tree: Any) -> dt.date | None:
    """The date the page's ``<head>`` gives (its meta tags), not one read from a story's ``<time>``."""
    from trafilatura import extract_metadata

    head = tree.find(".//head")
    if head is None:
        return None
    page = tree.makeelement("html", {})
    page.append(copy.deepcopy(head))
    page.append(page.makeelement("body", {}))
    metadata = extract_metadata(page, date_config=_DATE_SEARCH, extensive=False)
    return parse_date(str(getattr(metadata, "date", None) or ""))


def _story_doc(
    number: int, element: Any, text: str, page: Any, page_title: str | None, page_date: dt.date | None
) -> RawDoc:
    """One story of a page that holds several: its heading and ``<time>`` are its own; the site and
    the page's date are hints, used only where the story's text gives none."""
    fields: dict[str, Any] = {}
    hints: dict[str, Any] = {}
    heading = next((plain("".join(node.itertext())) for node in element.iter("h1", "h2", "h3")), None)
    if heading:
        fields["title"] = heading
    stamp = next(
        (node.get("datetime") or plain("".join(node.itertext())) for node in element.iter("time")), None
    )
    date = parse_date(stamp or "")
    if date:
        fields["date"] = date
    if page_date:
        hints["date"] = page_date
    site, _ = _site(page, page_title)
    if site:
        hints["source"] = site
    return RawDoc(text=text, fields=fields, hints=hints, record=str(number))


def _blocks(body: Any) -> list[str]:
    """One paragraph per heading/paragraph/quote/code block; list items and table rows one a line."""
    blocks: list[str] = []
    for element in body:
        if element.tag == "list":
            lines = [_text(item) for item in element.iter("item")]
        elif element.tag == "table":
            lines = [" | ".join(_text(cell) for cell in row.iter("cell")) for row in element.iter("row")]
        else:
            lines = [_text(element)]
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append(text)
    return blocks


def _text(element: Any) -> str:
    """Text of an element with ``<lb/>`` line breaks kept and other whitespace collapsed."""
    for line_break in element.iter("lb"):
        line_break.text = "\n"
    lines = "".join(element.itertext()).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())
