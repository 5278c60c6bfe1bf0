"""Pruned keyword ranking (:mod:`index.keyword_rank`) gives FTS5's own ranking, scores included.

The archive is generated the way the 100,000-article benchmark tier is (words of the bundled
corpus drawn by Zipf's law), so the golden questions' words are in a large share of its rows,
which is where the pruning applies. Its size limits are lowered here so 3,000 rows exercise it.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

import pytest

from evals.bench.scale_corpus import _sentence, _vocabulary
from evals.golden import load_golden
from index import keyword_query, keyword_rank
from index.keywords import KeywordFile
from rag.types import Filters, Passage

pytestmark = pytest.mark.unit

ROWS = 3000


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    rng = random.Random(7)
    vocabulary, weights = _vocabulary(rng)
    passages = [
        Passage(
            chunk_id=f"a{n // 3:05d}:{n % 3}",
            article_id=f"a{n // 3:05d}",
            text=" ".join(_sentence(rng, vocabulary, weights) for _ in range(rng.randint(1, 8))),
            start=0,
            end=1,
            title=None,
            date=dt.date(2015, 1, 1) + dt.timedelta(days=n % 2000),
            source=f"Outlet {n % 7}",
        )
        for n in range(ROWS)
    ]
    path = tmp_path_factory.mktemp("rank") / "keywords.sqlite3"
    index = KeywordFile(path)
    index.reset("r0")
    index.apply("r0", "r1", add=passages)
    index.close()
    return sqlite3.connect(path, check_same_thread=False)


@pytest.fixture
def pruning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyword_rank, "MIN_COMMON_POSTINGS", 0)


QUESTIONS = [item.question for item in load_golden()]
FILTERS = [
    None,
    Filters(since=dt.date(2016, 1, 1), until=dt.date(2016, 12, 31)),
    Filters(sources=["Outlet 3"]),
]


def test_totals_are_the_rows_and_their_token_counts(db: sqlite3.Connection) -> None:
    rows, tokens = keyword_rank.totals(db)
    assert rows == ROWS
    counted = sum(
        sum(keyword_rank.term_counts(text).values()) for (text,) in db.execute("select terms from keywords")
    )
    assert tokens == counted


def test_each_score_is_fts5_bm25(db: sqlite3.Connection) -> None:
    rows, tokens = keyword_rank.totals(db)
    for question in QUESTIONS[:10]:
        groups = keyword_query.query_terms(db, question)
        phrases = [term for group in groups for term in sorted(group)]
        documents = dict(
            db.execute(
                f"select term, doc from vocabulary where term in ({','.join('?' * len(phrases))})", phrases
            )
        )
        weights = [(term, keyword_rank.idf(rows, documents.get(term, 0))) for term in phrases]
        matched = db.execute(
            "select k.terms, d.sz, -bm25(keywords) from keywords k join keywords_docsize d on d.id = k.rowid "
            "where keywords match ?",
            (keyword_query._match(groups),),
        ).fetchall()
        assert matched
        for terms, size, expected in matched:
            length = keyword_rank._varint(size, 0)[0]
            assert keyword_rank.score(
                keyword_rank.term_counts(terms), length, weights, tokens / rows
            ) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("filters", "candidates"),
    [*((f, keyword_rank.CANDIDATES) for f in FILTERS), (FILTERS[0], 1), (FILTERS[2], 1)],
    ids=["all", "year", "outlet", "all-tight", "outlet-tight"],
)
def test_pruned_ranking_is_fts5_ranking(
    db: sqlite3.Connection,
    pruning: None,
    filters: Filters | None,
    candidates: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With one candidate row per place asked for (``candidates=1``) the proof is tight: a bound
    too low shows as a wrong ranking there (with a year's filter it never proves)."""
    monkeypatch.setattr(keyword_rank, "CANDIDATES", candidates)
    proved = 0
    for question in QUESTIONS:
        pruned, hits = keyword_query.search(db, question, 12, filters)
        with monkeypatch.context() as fts5_only:
            fts5_only.setattr(keyword_rank, "ranked", lambda *args: None)
            full, full_hits = keyword_query.search(db, question, 12, filters)
        assert hits == full_hits
        assert [p.chunk_id for p in pruned] == [p.chunk_id for p in full], question
        assert [p.score for p in pruned] == pytest.approx([p.score for p in full], rel=1e-12)
        assert [p.text for p in pruned] == [p.text for p in full]
        groups, documents = keyword_query._distinctive(db, keyword_query.query_terms(db, question))
        where, args = keyword_query.filter_sql(filters)
        phrases = [term for group in groups for term in sorted(group)]
        proved += keyword_rank.ranked(db, phrases, documents, 12, where, args) is not None
    assert proved >= (3 if candidates == 1 else len(QUESTIONS) // 2), "too few proved to test the pruning"


def test_pruning_declines_where_it_cannot_prove_or_gains_nothing(
    db: sqlite3.Connection, pruning: None
) -> None:
    rows, _ = keyword_rank.totals(db)
    documents = dict(db.execute("select term, doc from vocabulary"))
    common = max(documents, key=documents.__getitem__)
    rare = [term for term, count in documents.items() if count == 1][:3]
    where, args = keyword_query.filter_sql(None)
    assert keyword_rank.ranked(db, [common], documents, 12, where, args) is None  # nothing rarer to rank by
    # fewer rows hold the rarer words than are asked for: rows with only the common one may rank
    assert keyword_rank.ranked(db, [common, *rare], documents, 12, where, args) is None
    assert keyword_rank.ranked(db, [common, *rare], documents, 0, where, args) is None


def test_small_archives_are_left_to_fts5(db: sqlite3.Connection) -> None:
    """Without the lowered limit, 3,000 rows have too few postings of common words to prune."""
    for question in QUESTIONS[:10]:
        groups, documents = keyword_query._distinctive(db, keyword_query.query_terms(db, question))
        phrases = [term for group in groups for term in sorted(group)]
        assert keyword_rank.ranked(db, phrases, documents, 12, *keyword_query.filter_sql(None)) is None


def test_an_empty_index_has_no_totals(tmp_path: Path) -> None:
    index = KeywordFile(tmp_path / "keywords.sqlite3")
    index.close()
    assert keyword_rank.totals(sqlite3.connect(tmp_path / "keywords.sqlite3")) == (0, 0)
