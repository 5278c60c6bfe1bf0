"""The keyword index kept on disk: SQLite FTS5 beside the Chroma store, written with it.

Why: the in-memory BM25 (:mod:`rag.retrieval.bm25`) is rebuilt from every stored chunk
(``store.all_passages()``) by each new process and after every write: 14.7 s on a 3,000-article
archive (33,923 chunks), growing with the archive. This index is written once, chunk by chunk,
as the store changes, and a new process only opens the file.

One FTS5 row per chunk. Its ``terms`` column holds the chunk's index terms made by the
product's own rules (:func:`rag.text.terms.analyse`: stopwords, plural folding, accents,
thousands separators), joined by spaces, and FTS5's ``ascii`` tokenizer (``.`` a token
character) only splits them again at the spaces. Letting FTS5 tokenise the text itself would
give other terms than the in-memory BM25 ("1.5" split in two, "Syria's" kept whole, no plural
folding), so the same question would find other passages in each mode. ``caps`` holds the
terms of the capitalised occurrences, in a table of its own (``capitals``: FTS5's ``bm25()``
takes a row's length over all its columns, so in one table a chunk full of names counted as
a longer one and ranked lower). A term written capitalised in most occurrences is a name,
and names are widened to the corpus's other spellings of them ("Deir Ezzor" finds "Deir
al-Zour"), as in memory. Ranking is FTS5's ``bm25()`` (k1 1.2, b 0.75 as ours) on ``terms``. Its IDF is Robertson's ``ln((N - n + 0.5) / (n + 0.5))``, floored near 0 for
a term in more than half the chunks, where ours is Lucene's ``ln(1 + ...)``; and a name's
spellings are ``OR``-ed phrases, each with its own IDF, where ours scores them as one term.
``rag bench keywords`` sets the two side by side on retrieval quality.

The filter fields (YYYYMMDD date, folded publisher, article id) sit in a narrow table of their
own, ``filters``, joined to the matches, so filters apply in SQL before the top-k cut. (As
unindexed FTS5 columns each match read its whole stored row: on a 3,000-article archive a
year's filter made the count 12 times and the ranking twice as slow as no filter; joined from
``filters`` both cost what they cost unfiltered.) ``chunks`` holds each row's passage as retrieval
returns it (text, offsets, article fields, duplicate group), indexed by article (for deleting
one) and by group (for showing a wire story's copies). Reading the ranked passages and a
group's copies from Chroma instead cost 0.5 s a question on a 3,000-article synthetic archive
(~950 copies attached per question: a Chroma ``get`` of ~2,700 ids); from here it is a few ms.
Reading: :mod:`index.keyword_query`. ``signatures`` keeps each chunk's duplicate signature (its
MinHash values as 256 bytes, its shingle count) for :mod:`index.dedup`: an indexing run with
articles to add reads them all from here in one query (Chroma's metadata pages took 0.6 s per
7,000 chunks, most of a minute at 100,000 articles).

The terms are made when a chunk is written, so the file records which rules made them (a hash
of :mod:`rag.text.terms` and the stopword list); opened under other rules, its term tables are
made again from the stored rows (:mod:`index.keyword_rows`). ``articles`` keeps each article's
full text, compressed. With the default embedded store this file is the only home of the texts
(``store.texts_in_chroma``): Chroma keeps vectors and the fields it filters on.

Crash safety: every change is one SQLite transaction, made after the matching Chroma write,
and ``meta.revision`` records the store revision the index matches. A writer advances it only
when the index matched the store before its write; a kill between the Chroma write and this
one leaves the old revision, and the next reader or ``rag index`` run compares chunk ids with
the store and adds or removes the difference (:meth:`KeywordFile.reconcile`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from index import keyword_query, keyword_rows
from index.keyword_query import pages
from index.keyword_rows import STORED_TABLES, TERM_TABLES, ChunkSignature
from rag.settings import Settings
from rag.text import terms as term_rules
from rag.text.words import RETRIEVAL_STOPWORDS
from rag.types import Filters, Passage, int_to_date

__all__ = ["ChunkSignature", "KeywordFile", "keyword_path"]

SCHEMA_VERSION = "5"  # 4: terms include the article title (rag.types.search_text); caps apart; 5: signatures

_SCHEMA = """
create virtual table if not exists keywords using fts5(
    terms,
    tokenize = "ascii tokenchars '.'"
);
create virtual table if not exists capitals using fts5(
    caps,
    tokenize = "ascii tokenchars '.'"
);
create virtual table if not exists vocabulary using fts5vocab(keywords, 'col');
create virtual table if not exists capital_vocabulary using fts5vocab(capitals, 'col');
create table if not exists chunks(
    id integer primary key,
    chunk_id text not null unique,
    article_id text not null,
    group_id text,
    source text,
    source_key text not null default '',
    text text not null,
    start_char integer not null,
    end_char integer not null,
    title text,
    date integer not null default 0,
    dateline text,
    url text,
    path text,
    suspicious text
);
create table if not exists filters(
    id integer primary key, date integer not null, source text not null, article_id text not null
);
create table if not exists signatures(
    id integer primary key, chunk_index integer not null, shingles integer not null, minhash blob not null
);
create index if not exists filters_date on filters(date);
create index if not exists filters_source on filters(source);
create index if not exists chunks_article on chunks(article_id);
create index if not exists chunks_group on chunks(group_id);
create index if not exists chunks_source on chunks(source_key);
create table if not exists forms(skeleton text, form text, term text, primary key(skeleton, form, term))
    without rowid;
create table if not exists articles(article_id text primary key, text blob not null) without rowid;
"""


CHUNK_COLUMNS = {
    "id", "chunk_id", "article_id", "group_id", "source", "source_key", "text", "start_char", "end_char",
    "title", "date", "dateline", "url", "path", "suspicious",
}  # fmt: skip
"""The stored ``chunks`` table's columns, as :data:`_SCHEMA` makes them."""


def rules_fingerprint() -> str:
    """Changes whenever the rules that make the stored terms may have changed."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    digest.update(Path(term_rules.__file__).read_bytes())
    digest.update(" ".join(sorted(RETRIEVAL_STOPWORDS)).encode())
    return digest.hexdigest()[:16]


def keyword_path(settings: Settings) -> Path:
    """Where the index lives: in the embedded store's folder, or, with a Chroma server, in the
    data folder under the server's address and collection (one file per store)."""
    cfg = settings.store
    if cfg.mode == "embedded":
        return Path(settings.store_path) / f"keywords_{cfg.collection}.sqlite3"
    safe_host = "".join(c if c.isalnum() or c in "-." else "_" for c in cfg.host)
    return settings.data_dir / "keywords" / f"{safe_host}_{cfg.port}_{cfg.collection}.sqlite3"


class KeywordFile:
    """One store's keyword index. Thread-safe: writes go through one connection behind a lock,
    searches through a connection of the searching thread's own, so the keyword and the dense
    half of a question, and several conversations, read at once. Several processes may open the
    same file (WAL journal: readers never wait for the writer, and see its last commit)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30.0, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=normal")
        with self._transaction() as db:
            db.execute("create table if not exists meta(key text primary key, value text) without rowid")
            rules = rules_fingerprint()
            row = db.execute("select value from meta where key = 'rules'").fetchone()
            if row is not None and row[0] != rules:  # terms made by other rules: made again below
                for table in TERM_TABLES:
                    db.execute(f"drop table if exists {table}")
                columns = {r[1] for r in db.execute("pragma table_info(chunks)")}
                if columns != CHUNK_COLUMNS:  # a file of an older layout, written when Chroma kept
                    for table in STORED_TABLES:  # the texts: filled again from the store
                        db.execute(f"drop table if exists {table}")
                    db.execute("delete from meta where key = 'revision'")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if row is not None and row[0] != rules:
                keyword_rows.index_all(db)
            db.execute("insert or replace into meta values('rules', ?)", (rules,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
            for reader in self._readers:
                reader.close()
            self._readers.clear()

    def _reader(self) -> sqlite3.Connection:
        """The calling thread's read connection, opened on its first search.

        Why: with one connection behind the lock, a question's dense search waited for its own
        keyword search to finish before it could read its passages (at 100,000 articles the
        dense half took 131 ms p50 instead of 32 when the two ran side by side)."""
        reader: sqlite3.Connection | None = getattr(self._local, "db", None)
        if reader is None:
            reader = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0, isolation_level=None)
            self._local.db = reader
            with self._lock:
                self._readers.append(reader)
        return reader

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("begin immediate")
            try:
                yield self._db
            except BaseException:
                self._db.execute("rollback")
                raise
            self._db.execute("commit")

    # ------------------------------------------------------------ state

    def revision(self) -> str | None:
        """The store revision this index matches (None: unknown, a reconcile is due)."""
        with self._lock:
            row = self._db.execute("select value from meta where key = 'revision'").fetchone()
        return row[0] if row else None

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("select count(*) from chunks").fetchone()[0])

    def article_count(self) -> int:
        """Distinct articles among the chunks."""
        with self._lock:
            return int(self._db.execute("select count(distinct article_id) from chunks").fetchone()[0])

    def chunk_ids(self) -> set[str]:
        with self._lock:
            return {row[0] for row in self._db.execute("select chunk_id from chunks")}

    # ------------------------------------------------------------ writing

    def apply(
        self,
        was: str | None,
        now: str,
        *,
        add: Iterable[Passage] = (),
        signatures: Mapping[str, ChunkSignature] | None = None,
        delete_chunks: Iterable[str] = (),
        delete_articles: Iterable[str] = (),
    ) -> None:
        """One store write, in one transaction: deletions first, then ``add`` (replacing chunks
        of the same id) with their duplicate ``signatures`` by chunk id. The index is marked as
        matching ``now`` only if it matched ``was``."""
        rows = list(add)
        with self._transaction() as db:
            self._delete_articles(db, list(delete_articles))
            self._delete_chunks(db, [*delete_chunks, *(p.chunk_id for p in rows)])
            keyword_rows.insert(db, rows, signatures or {})
            if was is not None and self._stored_revision(db) == was:
                self._set_revision(db, now)

    def reset(self, now: str) -> None:
        """Empty (``rag index --rebuild``), matching the emptied store."""
        with self._transaction() as db:
            for table in (*TERM_TABLES[2:], *STORED_TABLES):
                db.execute(f"delete from {table}")
            self._set_revision(db, now)

    def put_articles(self, texts: Iterable[tuple[str, str]]) -> None:
        """Keep each (article id, full text); written before the article's manifest record."""
        with self._transaction() as db:
            keyword_rows.put_articles(db, texts)

    def article_texts(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Article id -> full text, for the articles whose text is held here."""
        with self._lock:
            return keyword_rows.article_texts(self._db, article_ids)

    def reconcile(
        self,
        revision: str,
        stored_ids: set[str],
        fetch: Callable[[list[str]], tuple[list[Passage], dict[str, ChunkSignature]]],
    ) -> int:
        """Make the index hold exactly ``stored_ids`` (the store's chunks when it had ``revision``,
        read *before* the ids were listed); missing chunks and their signatures come from
        ``fetch``. Returns the number of chunks added or removed."""
        held = self.chunk_ids()
        extra = sorted(held - stored_ids)
        missing = sorted(stored_ids - held)
        with self._transaction() as db:
            self._delete_chunks(db, extra)
        for page in pages(missing):
            passages, signatures = fetch(page)
            with self._transaction() as db:
                self._delete_chunks(db, [p.chunk_id for p in passages])
                keyword_rows.insert(db, passages, signatures)
        with self._transaction() as db:
            self._set_revision(db, revision)
        return len(extra) + len(missing)

    @staticmethod
    def _stored_revision(db: sqlite3.Connection) -> str | None:
        row = db.execute("select value from meta where key = 'revision'").fetchone()
        return row[0] if row else None

    @staticmethod
    def _set_revision(db: sqlite3.Connection, revision: str) -> None:
        db.execute("insert or replace into meta values('revision', ?)", (revision,))

    @staticmethod
    def _delete_chunks(db: sqlite3.Connection, chunk_ids: list[str]) -> None:
        keyword_rows.delete_where(db, "chunk_id", chunk_ids)

    @staticmethod
    def _delete_articles(db: sqlite3.Connection, article_ids: list[str]) -> None:
        keyword_rows.delete_where(db, "article_id", article_ids)

    # ------------------------------------------------------------ reading

    def query_terms(self, query: str) -> list[frozenset[str]]:
        return keyword_query.query_terms(self._reader(), query)

    def search(self, query: str, top_k: int, filters: Filters | None = None) -> tuple[list[Passage], int]:
        """The ``top_k`` best passages within ``filters`` (score: BM25), best first, and how many
        passages within the filters share a term with the query."""
        return keyword_query.search(self._reader(), query, top_k, filters)

    def chunk_ids_within(self, filters: Filters) -> list[str]:
        """Every chunk that ``filters`` admit, in chunk-id order."""
        return keyword_query.chunk_ids_within(self._reader(), filters)

    def group_members(
        self, group_ids: Collection[str], *, shared_only: bool = True
    ) -> dict[str, list[Passage]]:
        return keyword_query.group_members(self._reader(), group_ids, shared_only=shared_only)

    def passages(self, chunk_ids: Collection[str]) -> dict[str, Passage]:
        """Chunk id -> stored passage, for those of ``chunk_ids`` held here."""
        return keyword_query.passages(self._reader(), chunk_ids)

    def all_passages(self) -> list[Passage]:
        """Every stored passage, in chunk-id order."""
        with self._lock:
            return keyword_query.all_passages(self._db)

    def stored_spellings(self, names: Collection[str]) -> list[str]:
        return keyword_query.stored_spellings(self._reader(), names)

    def signature_records(self) -> list[tuple[str, str, int, str, int, bytes]] | None:
        """Every chunk's duplicate signature (chunk id, article id, chunk index, group id, shingle
        count, hash values), in chunk-id order; None when some chunk has none (its signature is then
        only in the store)."""
        with self._lock:
            held = self._db.execute("select count(*) from chunks").fetchone()[0]
            rows = self._db.execute(
                "select c.chunk_id, c.article_id, s.chunk_index, coalesce(c.group_id, c.chunk_id), "
                "s.shingles, s.minhash from chunks c join signatures s on s.id = c.id order by c.chunk_id"
            ).fetchall()
        return rows if len(rows) == held else None

    def shared_groups(self) -> tuple[int, int]:
        """Duplicate groups whose chunks come from two or more articles, and their chunks."""
        with self._lock:
            row = self._db.execute(
                "select count(*), coalesce(sum(n), 0) from (select count(*) as n from chunks "
                "where group_id is not null group by group_id having count(distinct article_id) > 1)"
            ).fetchone()
        return int(row[0]), int(row[1])

    def shared_group_articles(self) -> list[tuple[str, str]]:
        """(group id, article id) for every article of a group shared by two or more articles."""
        with self._lock:
            return self._db.execute(
                "select distinct group_id, article_id from chunks where group_id in (select group_id "
                "from chunks where group_id is not null group by group_id having count(distinct article_id) > 1)"
            ).fetchall()

    def article_rows(self) -> list[tuple[str, str | None, int, str | None, str | None, int]]:
        """(article id, title, date as an integer, publisher, path, chunks) of every article held,
        from its chunks' rows: what the archive list shows, without reading Chroma's manifest."""
        with self._lock:
            return self._db.execute(
                "select article_id, min(title), max(date), min(source), min(path), count(*) from chunks "
                "group by article_id"
            ).fetchall()

    def suspicious_articles(self) -> int:
        """Articles flagged as shaped like instructions (:mod:`index.suspicious`)."""
        with self._lock:
            row = self._db.execute(
                "select count(distinct article_id) from chunks where coalesce(suspicious, '') != ''"
            ).fetchone()
        return int(row[0])

    def outlets(self) -> list[str]:
        """Every publisher name as stored, each once."""
        with self._lock:
            return [r[0] for r in self._db.execute("select distinct source from chunks where source != ''")]

    def newest_date(self) -> dt.date | None:
        """The date of the newest dated chunk (None when none is dated)."""
        row = self._reader().execute("select max(date) from filters").fetchone()
        return int_to_date(row[0] if row else None)
