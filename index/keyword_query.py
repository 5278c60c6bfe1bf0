"""Reading the on-disk keyword index (:mod:`index.keywords`): the query's terms, the ranking, filters
in SQL, and the stored passages a ranking or a duplicate group needs.

Kept apart from the writing side so each stays small; both share the schema in :mod:`index.keywords`.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Collection, Iterator

from index import keyword_rank
from rag.text.terms import close_spellings, may_be_name, name_forms, skeleton, tokenize
from rag.types import Filters, Passage, date_to_int, fold_source, int_to_date

PAGE = 500
"""Ids per ``in (...)`` list (SQLite allows 32,766 parameters; small lists keep plans simple)."""

PASSAGE_COLUMNS = (
    "c.chunk_id, c.article_id, c.text, c.start_char, c.end_char, c.title, c.date, c.source, "
    "c.dateline, c.url, c.path, c.group_id, c.suspicious"
)
"""What a :class:`Passage` is made of, from ``chunks c``, in :func:`row_passage`'s order."""


def pages(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), PAGE):
        yield items[start : start + PAGE]


def marks(count: int) -> str:
    return ",".join("?" * count)


def row_passage(row: tuple, score: float = 0.0) -> Passage:
    chunk_id, article_id, text, start, end, title, date, source, dateline, url, path, group_id, suspicious = (
        row
    )
    return Passage(
        chunk_id=chunk_id,
        article_id=article_id,
        text=text,
        start=start,
        end=end,
        title=title,
        date=int_to_date(date),
        source=source,
        dateline=dateline,
        url=url,
        path=path,
        group_id=group_id,
        score=score,
        suspicious=suspicious,
    )


def filter_sql(filters: Filters | None) -> tuple[str, list[object]]:
    """What follows ``from keywords``: the match (its text is the first argument) and ``filters``
    as a join of the ``filters`` table with conditions, meaning what :meth:`Filters.admits` means."""
    if filters is None or not filters.active:
        return " where keywords match ?", []
    clauses, args = _filter_clauses(filters)
    # CROSS JOIN keeps FTS5 first: the planner would otherwise probe FTS5 once per filter row.
    return " cross join filters f on f.id = keywords.rowid where keywords match ?" + "".join(
        f" and {clause}" for clause in clauses
    ), args


def chunk_ids_within(db: sqlite3.Connection, filters: Filters) -> list[str]:
    """Every chunk that ``filters`` admit, in chunk-id order."""
    clauses, args = _filter_clauses(filters)
    where = " where " + " and ".join(clauses) if clauses else ""
    sql = f"select c.chunk_id from filters f join chunks c on c.id = f.id{where} order by c.chunk_id"
    return [row[0] for row in db.execute(sql, args)]


def _filter_clauses(filters: Filters) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    args: list[object] = []
    if filters.since or filters.until:
        clauses.append("f.date > 0")
    if filters.since:
        clauses.append("f.date >= ?")
        args.append(date_to_int(filters.since))
    if filters.until:
        clauses.append("f.date <= ?")
        args.append(date_to_int(filters.until))
    if filters.sources:
        names = sorted({fold_source(name) for name in filters.sources})
        clauses.append(f"f.source in ({marks(len(names))})")
        args += names
    if filters.article_ids:
        clauses.append(f"f.article_id in ({marks(len(filters.article_ids))})")
        args += list(filters.article_ids)
    return clauses, args


def _counts(db: sqlite3.Connection, terms: Collection[str]) -> dict[str, Counter[str]]:
    """term -> {"terms": occurrences, "caps": capitalised occurrences}."""
    found: dict[str, Counter[str]] = {}
    for page in pages(sorted(terms)):
        held = marks(len(page))
        rows = db.execute(
            f"select term, col, cnt from vocabulary where term in ({held}) union all "
            f"select term, col, cnt from capital_vocabulary where term in ({held})",
            [*page, *page],
        )
        for term, column, count in rows:
            found.setdefault(term, Counter())[column] += count
    return found


def _is_name(term: str, counts: dict[str, Counter[str]]) -> bool:
    found = counts.get(term)
    return found is not None and may_be_name(term) and 2 * found["caps"] > found["terms"] > 0


def query_terms(db: sqlite3.Connection, query: str) -> list[frozenset[str]]:
    """The query as groups of index terms, each a query term and the corpus's spellings of the
    same name; a common word is never widened (the rule of ``BM25Index.query_terms``)."""
    wanted = list(dict.fromkeys(tokenize(query)))
    counts = _counts(db, wanted)
    candidates: dict[str, set[str]] = {}
    for term in wanted:
        known = counts.get(term, Counter())["terms"] > 0
        if (known and not _is_name(term, counts)) or len(term) < 3 or not term.isalpha():
            continue
        for form in name_forms(term):
            rows = db.execute("select form, term from forms where skeleton = ?", (skeleton(form),))
            candidates.setdefault(term, set()).update(
                name for other, name in rows if name != term and close_spellings(form, other)
            )
    names = {name for found in candidates.values() for name in found}
    counts.update(_counts(db, names - set(counts)))
    groups: list[frozenset[str]] = []
    for term in wanted:
        members = {term} if counts.get(term, Counter())["terms"] else set()
        members |= {name for name in candidates.get(term, ()) if _is_name(name, counts)}
        group = frozenset(members)
        if group and group not in groups:
            groups.append(group)
    return groups


def _match(groups: list[frozenset[str]]) -> str:
    phrases = " OR ".join("(" + " OR ".join(f'"{term}"' for term in sorted(group)) + ")" for group in groups)
    return f"{{terms}} : ({phrases})"


LARGE_ARCHIVE_CHUNKS = 20_000


def _distinctive(
    db: sqlite3.Connection, groups: list[frozenset[str]]
) -> tuple[list[frozenset[str]], dict[str, int]]:
    """The groups the ranking needs, and the rows holding each of their terms: in a large
    archive, a group whose every term is in more than half the chunks is left out (all are kept
    when that would leave none).

    FTS5's IDF for such a term is Robertson's ``ln((N - n + 0.5) / (n + 0.5))``, negative, which
    FTS5 floors at 1e-6: it adds nothing to any score, but ranking still walks its postings. On a
    generated 100,000-article archive (231,535 chunks) that walk made the keyword search 139 ms
    p50 / 246 ms p95 for the golden questions. Below :data:`LARGE_ARCHIVE_CHUNKS` chunks the walk
    is short, and such terms still decide which chunks match when few match at all.
    """
    terms = sorted({term for group in groups for term in group})
    documents: dict[str, int] = {}
    for page in pages(terms):
        rows = db.execute(f"select term, doc from vocabulary where term in ({marks(len(page))})", page)
        documents.update(rows)
    total = int(db.execute("select max(id) from chunks").fetchone()[0] or 0)
    if total < LARGE_ARCHIVE_CHUNKS:
        return groups, documents
    kept = [group for group in groups if any(2 * documents.get(term, 0) <= total for term in group)]
    return kept or groups, documents


HITS_COUNTED = 1000
"""Matching passages counted at most: counting every match of a common word walked its whole
posting list a second time (the ranking walks it once), which grows with the archive."""


def search(
    db: sqlite3.Connection, query: str, top_k: int, filters: Filters | None
) -> tuple[list[Passage], int]:
    """The ``top_k`` best passages within ``filters`` (score: FTS5 ``bm25()`` on the terms, negated
    so that higher is better), best first, and how many passages within the filters match at all,
    counted up to :data:`HITS_COUNTED` (only whether it reaches ``answer.min_keyword_hits`` is used)."""
    groups = query_terms(db, query)
    if not groups:
        return [], 0
    match = _match(groups)
    where, args = filter_sql(filters)
    # Two passes (the count, then the ranking): FTS5 refuses bm25() beside a window count.
    hits = int(
        db.execute(
            f"select count(*) from (select 1 from keywords{where} limit {HITS_COUNTED})", (match, *args)
        ).fetchone()[0]
    )
    if not hits or top_k <= 0:
        return [], hits
    ranking, documents = _distinctive(db, groups)
    phrases = [term for group in ranking for term in sorted(group)]  # as _match writes them
    best = keyword_rank.ranked(db, phrases, documents, top_k, where, args)
    if best is None:
        rows = db.execute(
            f"select {PASSAGE_COLUMNS}, r.score from ("
            "  select keywords.rowid as rowid, -bm25(keywords) as score"
            f"  from keywords{where} order by bm25(keywords) limit ?"
            ") r join chunks c on c.id = r.rowid order by r.score desc, c.chunk_id",
            (_match(ranking), *args, top_k),
        ).fetchall()
        return [row_passage(row[:-1], float(row[-1])) for row in rows], hits
    scores = dict(best)
    rows = db.execute(
        f"select {PASSAGE_COLUMNS}, c.id from chunks c where c.id in ({marks(len(scores))})", list(scores)
    )
    found = [row_passage(row[:-1], scores[row[-1]]) for row in rows]
    return sorted(found, key=lambda passage: (-passage.score, passage.chunk_id)), hits


def group_members(
    db: sqlite3.Connection, group_ids: Collection[str], *, shared_only: bool = True
) -> dict[str, list[Passage]]:
    """Every stored chunk of each duplicate group, in chunk-id order; with ``shared_only``, of
    the groups that span two or more articles only."""
    found: dict[str, list[Passage]] = {}
    for page in pages(sorted(set(group_ids))):
        shared = f"select group_id from chunks where group_id in ({marks(len(page))}) group by group_id" + (
            " having count(distinct article_id) > 1" if shared_only else ""
        )
        rows = db.execute(
            f"select {PASSAGE_COLUMNS} from chunks c where c.group_id in ({shared}) order by c.chunk_id", page
        )
        for row in rows:
            passage = row_passage(row)
            found.setdefault(passage.group_id or "", []).append(passage)
    return found


def passages(db: sqlite3.Connection, chunk_ids: Collection[str]) -> dict[str, Passage]:
    """Chunk id -> passage, for the ``chunk_ids`` held."""
    found: dict[str, Passage] = {}
    for page in pages(sorted(set(chunk_ids))):
        rows = db.execute(
            f"select {PASSAGE_COLUMNS} from chunks c where c.chunk_id in ({marks(len(page))})", page
        )
        found.update((row[0], row_passage(row)) for row in rows)
    return found


def all_passages(db: sqlite3.Connection) -> list[Passage]:
    """Every passage, in chunk-id order."""
    return [
        row_passage(row) for row in db.execute(f"select {PASSAGE_COLUMNS} from chunks c order by c.chunk_id")
    ]


def stored_spellings(db: sqlite3.Connection, names: Collection[str]) -> list[str]:
    """The publisher names as stored that ``names`` match case-insensitively."""
    folded = sorted({fold_source(name) for name in names})
    rows = db.execute(
        f"select distinct source from chunks where source_key in ({marks(len(folded))})", folded
    )
    return sorted(row[0] for row in rows if row[0])
