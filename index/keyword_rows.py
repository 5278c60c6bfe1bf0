"""Writing the keyword file's rows (:mod:`index.keywords`): a passage's stored row, the search
terms made from it, and the articles' texts.

The stored rows (``chunks``, ``signatures``, ``articles``) are the archive's text: with the
default embedded store Chroma keeps only vectors and a few fields (``store.texts_in_chroma``).
The term rows (``keywords``, ``capitals``, ``filters``, ``forms``) are made from the stored rows
by the product's rules, so when those rules change they are made again from ``chunks``
(:func:`index_all`) and nothing stored is lost. A change to the stored rows' columns needs a
migration here.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable, Mapping

from index.keyword_query import marks, pages
from rag.text.terms import analyse, may_be_name, name_forms, skeleton
from rag.types import Passage, date_to_int, fold_source, search_text

ChunkSignature = tuple[int, int, bytes]
"""A chunk's duplicate signature as kept here: chunk index, shingle count, hash values as
little-endian uint32 bytes (:mod:`index.dedup`), read back in bulk when an indexing run starts."""

STORED_TABLES = ("chunks", "signatures", "articles")
TERM_TABLES = ("vocabulary", "capital_vocabulary", "keywords", "capitals", "filters", "forms")
"""Dropped in this order when the rules change (the vocabularies read the tables after them)."""


def insert(db: sqlite3.Connection, passages: list[Passage], signatures: Mapping[str, ChunkSignature]) -> None:
    """Store ``passages`` (none of them held yet) with their signatures, and index their terms."""
    rows: list[tuple[int, str | None, str, int, str, str]] = []
    for passage in passages:
        cursor = db.execute(
            "insert into chunks(chunk_id, article_id, group_id, source, source_key, text, start_char, "
            "end_char, title, date, dateline, url, path, suspicious) values(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                passage.chunk_id,
                passage.article_id,
                passage.group_id,
                passage.source,
                fold_source(passage.source),
                passage.text,
                passage.start,
                passage.end,
                passage.title,
                date_to_int(passage.date) or 0,
                passage.dateline,
                passage.url,
                passage.path,
                passage.suspicious,
            ),
        )
        rowid = int(cursor.lastrowid or 0)
        found_signature = signatures.get(passage.chunk_id)
        if found_signature is not None:
            db.execute("insert into signatures values(?,?,?,?)", (rowid, *found_signature))
        rows.append(
            (rowid, passage.title, passage.text, date_to_int(passage.date) or 0, fold_source(passage.source),
             passage.article_id)
        )  # fmt: skip
    index_terms(db, rows)


def index_terms(db: sqlite3.Connection, rows: Iterable[tuple[int, str | None, str, int, str, str]]) -> None:
    """The term rows of stored chunks given as (row id, title, text, date, folded publisher, article id)."""
    forms: set[tuple[str, str, str]] = set()
    for rowid, title, text, date, source_key, article_id in rows:
        found = analyse(search_text(title, text))
        terms = " ".join(s.term for s in found)  # type: ignore[misc]
        caps = " ".join(s.term for s in found if s.capitalised)  # type: ignore[misc]
        db.execute("insert into keywords(rowid, terms) values(?,?)", (rowid, terms))
        db.execute("insert into capitals(rowid, caps) values(?,?)", (rowid, caps))
        db.execute("insert into filters values(?,?,?,?)", (rowid, date, source_key, article_id))
        for term in {s.term for s in found if s.capitalised}:
            if may_be_name(term):  # type: ignore[arg-type]
                forms.update((skeleton(form), form, term) for form in name_forms(term))  # type: ignore[arg-type]
    db.executemany("insert or ignore into forms values(?,?,?)", sorted(forms))


def index_all(db: sqlite3.Connection) -> int:
    """Make the term rows of every stored chunk (the term tables empty); the number of chunks."""
    rows = db.execute("select id, title, text, date, source_key, article_id from chunks").fetchall()
    index_terms(db, rows)
    return len(rows)


def put_articles(db: sqlite3.Connection, texts: Iterable[tuple[str, str]]) -> None:
    """Keep each (article id, text), compressed (news text takes about a third)."""
    db.executemany(
        "insert or replace into articles values(?,?)",
        ((article_id, zlib.compress(text.encode("utf-8"), 6)) for article_id, text in texts),
    )


def article_texts(db: sqlite3.Connection, article_ids: Iterable[str]) -> dict[str, str]:
    """Article id -> text, for the articles held."""
    found: dict[str, str] = {}
    for page in pages(sorted(set(article_ids))):
        rows = db.execute(
            f"select article_id, text from articles where article_id in ({marks(len(page))})", page
        )
        found.update((article_id, zlib.decompress(blob).decode("utf-8")) for article_id, blob in rows)
    return found


def delete_where(db: sqlite3.Connection, column: str, values: list[str]) -> None:
    """Every row whose chunk has ``column`` (chunk_id or article_id) among ``values``."""
    for page in pages(sorted(set(values))):
        held = marks(len(page))
        for table in ("keywords", "capitals", "filters", "signatures"):
            rowids = f"select id from chunks where {column} in ({held})"
            db.execute(f"delete from {table} where rowid in ({rowids})", page)
        db.execute(f"delete from chunks where {column} in ({held})", page)
        if column == "article_id":
            db.execute(f"delete from articles where article_id in ({held})", page)
