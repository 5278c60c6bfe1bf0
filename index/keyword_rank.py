"""The best ``top_k`` keyword matches without scoring every row that holds a common word.

FTS5's ``bm25()`` scores every row the query matches, and before that counts the rows of each
term (a second walk of its postings), so a question's cost grows with the postings of its most
common words: on a generated 100,000-article archive (231,535 chunks) ~0.5 µs a posting, 101 ms
p50 / 132 ms p95 for the golden questions, whose words "talks" or "Syrian" are each in a third of
the chunks. Those words weigh little (an IDF under 1 against 4 to 10 for a name) but cost most.

So this is MaxScore pruning (Turtle and Flood, 1995) on top of FTS5: the rows matching the rarer
terms are ranked by FTS5 itself (short postings), the best of them are scored again here with
every term, and the result is returned only when it is provably the same as a full ranking: no row
left unscored can reach the ``top_k``-th score, because a common word adds at most
``idf * (k1 + 1)`` to a row. Otherwise :func:`ranked` returns None and the caller ranks the full
query with FTS5. The scores are FTS5's own ``bm25()`` (its constants, IDF, document lengths and
average), computed here from its ``docsize`` and ``averages`` records; the tests hold the two
rankings equal.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence

K1 = 1.2
B = 0.75
"""FTS5's ``bm25()`` constants (fts5_aux.c)."""

BOUND = 3.0
"""The most the common words left to the bound may add to a row's score together (the words
are taken most common first). The best rows' scores at 100,000 articles were 7 to 14, about 3
above the 300th row's score on the rarer words; 2.0 and 4.5 measured the same."""
MIN_SHARE = 0.01
"""A word in fewer rows than this share is never left to the bound: its postings are short."""
MIN_COMMON_POSTINGS = 20_000
"""Below this many postings of common terms, one FTS5 ranking is as quick: no pruning."""
CANDIDATES = 25
"""Rows taken from the rarer terms' ranking and scored again, as a multiple of ``top_k``: with
4 the proof failed for most golden questions at 100,000 articles; 300 rows take ~10 ms here."""

_TOKEN = re.compile(r"[0-9A-Za-z.\u0080-\U0010ffff]+")
"""FTS5's ``ascii`` tokenizer with ``tokenchars '.'``: runs of ASCII letters, digits, dots and
any non-ASCII character (the schema in :mod:`index.keywords`)."""
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _varint(blob: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at ``at``: its value and where the next one starts."""
    value = 0
    for count in range(9):
        byte = blob[at]
        at += 1
        if count == 8:
            return (value << 8) | byte, at
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at
    raise AssertionError("unreachable")


def totals(db: sqlite3.Connection) -> tuple[int, int]:
    """Rows and tokens in the ``keywords`` table, from FTS5's averages record (what bm25 reads)."""
    row = db.execute("select block from keywords_data where id = 1").fetchone()
    if row is None or not row[0]:
        return 0, 0
    rows, at = _varint(row[0], 0)
    tokens, _ = _varint(row[0], at)
    return rows, tokens


def idf(rows: int, documents: int) -> float:
    """FTS5's IDF: Robertson-Sparck Jones, floored at 1e-6 for a term in half the rows or more."""
    value = math.log((rows - documents + 0.5) / (documents + 0.5))
    return value if value > 0.0 else 1e-6


def term_counts(terms: str) -> Counter[str]:
    """Each token of a row's ``terms`` and how often it occurs, as FTS5 tokenizes and folds it."""
    return Counter(_TOKEN.findall(terms.translate(_ASCII_LOWER)))


def score(
    counts: Mapping[str, int], length: int, weights: Sequence[tuple[str, float]], average: float
) -> float:
    """FTS5's bm25 of one row (positive: higher is better), summed in its order over the phrases."""
    total = 0.0
    norm = K1 * (1 - B + B * length / average)
    for term, weight in weights:
        freq = float(counts.get(term, 0))
        total += weight * (freq * (K1 + 1.0)) / (freq + norm)
    return total


def _rescored(
    db: sqlite3.Connection, rowids: list[int], weights: Sequence[tuple[str, float]], average: float
) -> dict[int, float]:
    found: dict[int, float] = {}
    rows = db.execute(
        f"select k.rowid, k.terms, d.sz from keywords k join keywords_docsize d on d.id = k.rowid "
        f"where k.rowid in ({','.join('?' * len(rowids))})",
        rowids,
    )
    for rowid, terms, size in rows:
        found[rowid] = score(term_counts(terms), _varint(size, 0)[0], weights, average)
    return found


def ranked(
    db: sqlite3.Connection,
    phrases: Sequence[str],
    documents: Mapping[str, int],
    top_k: int,
    where: str,
    args: Sequence[object],
) -> list[tuple[int, float]] | None:
    """The ``top_k`` best rows for the match of ``phrases`` (``where`` and ``args`` as from
    :func:`index.keyword_query.filter_sql`, without the match text) as (rowid, bm25 score), best
    first; None when pruning does not apply or cannot prove its answer (rank with FTS5 then).

    ``phrases`` in the order of the match expression, a term once for each time it appears there
    (FTS5 scores each occurrence); ``documents``: the rows holding each term."""
    rows, tokens = totals(db)
    if top_k <= 0 or not rows or not tokens:
        return None
    weights = [(term, idf(rows, documents.get(term, 0))) for term in phrases]
    common: set[str] = set()
    bound = 0.0
    for term in sorted(set(phrases), key=lambda t: -documents.get(t, 0)):
        share = sum(weight * (K1 + 1.0) for other, weight in weights if other == term)
        if bound + share > BOUND or documents.get(term, 0) <= MIN_SHARE * rows:
            break
        common.add(term)
        bound += share
    if (
        all(term in common for term in phrases)
        or sum(documents.get(term, 0) for term in common) < MIN_COMMON_POSTINGS
    ):
        return None
    average = tokens / rows
    # Each rarer phrase as often as the full match has it, so FTS5's score here is exactly the
    # rarer terms' share of the full score.
    match = "{terms} : (" + " OR ".join(f'"{term}"' for term in phrases if term not in common) + ")"
    wanted = CANDIDATES * top_k
    found = db.execute(
        f"select keywords.rowid, -bm25(keywords) from keywords{where} order by bm25(keywords) limit ?",
        (match, *args, wanted),
    ).fetchall()
    if len(found) < top_k:
        return None  # rows with only common words may fill the ranking: FTS5 decides
    scores = _rescored(db, [rowid for rowid, _ in found], weights, average)
    best = sorted(scores.items(), key=lambda item: -item[1])[:top_k]
    # A row left unscored holds common words only (adding at most ``bound``), or rarer ones too,
    # scoring at most the last of ``found`` on them (every rarer phrase was counted there).
    unseen = bound + (found[-1][1] if len(found) == wanted else 0.0)
    return best if best[-1][1] > unseen else None
