"""Near-duplicate grouping of chunks across articles (one wire story rewritten by several outlets).

Each chunk gets a MinHash signature of its 3-word shingles; an LSH index finds candidate
chunks of *other* articles, and a candidate counts as a copy when the estimated
containment |A∩B| / min(|A|, |B|) reaches ``ingest.dedup_threshold``. Containment rather
than Jaccard, because rewrites cut and pad the story differently, so chunk boundaries
differ and two copies overlap only partly.

A new chunk joins the group of its best match among the chunks already stored; otherwise
its own id names a new group. Stored chunks are never rewritten. A signature is a function
of the chunk's text alone; it is kept as bytes in the keyword file beside the store (written in
the same steps, :mod:`index.keywords`, and made again from the text when that file is rebuilt),
and this index is loaded from there when a run has articles to add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
from datasketch import LeanMinHash, MinHash

from index.minhash_buckets import MinHashBuckets

NUM_PERM = 64
SEED = 1
SCHEME = "affine32"
"""datasketch's permutation scheme; hash values are only comparable within one scheme."""
SHINGLE_WORDS = 3

DEDUP_FINGERPRINT = {"num_perm": NUM_PERM, "seed": SEED, "scheme": SCHEME, "shingle_words": SHINGLE_WORDS}

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> list[str]:
    """Lower-cased words with quotes, dashes and punctuation unified away.

    Apostrophes are dropped (``Iran’s`` == ``Iran's``) and hyphens split words
    (``al-Zor`` == ``al Zor``), since outlets differ on exactly these.
    """
    text = text.lower().translate(_QUOTES).replace("'", "")
    return [word for word in _NON_WORD.split(text) if word]


def shingles(text: str) -> set[bytes]:
    words = normalise(text)
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


@dataclass(frozen=True)
class Signature:
    minhash: LeanMinHash
    count: int
    """Number of distinct shingles; with the Jaccard estimate it yields the containment."""

    def to_bytes(self) -> bytes:
        """The 64 hash values as little-endian uint32 (how the keyword file keeps them)."""
        return np.asarray(self.minhash.hashvalues, dtype="<u4").tobytes()


@cache
def _permutations() -> np.ndarray:
    """The hash functions of every signature: the same for the same seed, but datasketch draws
    them again for each new MinHash unless given (a seventh of the indexer's grouping time)."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(text: str) -> Signature:
    found = shingles(text)
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    if found:
        minhash.update_batch(list(found))
    return Signature(LeanMinHash(minhash), len(found))


def containment(a: Signature, b: Signature) -> float:
    """Estimated |A∩B| / min(|A|, |B|) from the Jaccard estimate and the shingle counts."""
    if not a.count or not b.count:
        return 0.0
    return _containment(a.minhash.jaccard(b.minhash), a.count, b.count, a.count + b.count)


def _containment(jaccard: float, a_count: float, b_count: float, total: float) -> float:
    intersection = jaccard * total / (1.0 + jaccard)
    return min(1.0, intersection / max(1e-9, min(a_count, b_count)))


class Entry(NamedTuple):
    article_id: str
    index: int
    group_id: str
    count: int
    """Distinct shingles of the chunk."""
    row: int
    """Its row in the index's matrix of hash values."""


CANDIDATES_FOR_PAIRS = 8
"""Only the closest candidates are also tried together with a neighbouring chunk."""

StoredSignature = tuple[str, str, int, str, int, bytes]
"""(chunk id, article id, chunk index, group id, shingle count, hash values as little-endian uint32)."""


class DuplicateIndex:
    """Stored chunks' signatures, searchable for copies from other articles.

    A new chunk is compared with each candidate chunk alone and with the candidate joined
    to its neighbour in the same article: a rewrite's chunk often straddles two chunks of
    the original, sharing half its text with each (MinHash of a union is the element-wise
    minimum, so this needs no extra state). Hash values live in one matrix (64 uint32 a chunk),
    candidates come from :class:`index.minhash_buckets.MinHashBuckets`.
    """

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self._buckets = MinHashBuckets(NUM_PERM)
        self._entries: dict[str, Entry] = {}
        self._by_article: dict[str, set[str]] = {}
        self._matrix = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self._row_ids: list[str | None] = []
        """Chunk id of each matrix row; None once removed (rows are never re-used)."""

    def __len__(self) -> int:
        return len(self._entries)

    def _grow(self, rows: int) -> None:
        if len(self._row_ids) + rows > len(self._matrix):
            size = max(2 * len(self._matrix), len(self._row_ids) + rows)
            grown = np.zeros((size, NUM_PERM), dtype=np.uint32)
            grown[: len(self._row_ids)] = self._matrix[: len(self._row_ids)]
            self._matrix = grown

    def _record(self, chunk_id: str, article_id: str, index: int, group_id: str, count: int) -> int:
        if chunk_id in self._entries:
            self.remove(chunk_id)
        row = len(self._row_ids)
        self._row_ids.append(chunk_id)
        self._entries[chunk_id] = Entry(article_id, index, group_id, count, row)
        self._by_article.setdefault(article_id, set()).add(chunk_id)
        return row

    def add(self, chunk_id: str, article_id: str, index: int, group_id: str, sig: Signature) -> None:
        self._grow(1)
        row = self._record(chunk_id, article_id, index, group_id, sig.count)
        self._matrix[row] = sig.minhash.hashvalues
        if sig.count:
            self._buckets.insert(row, self._matrix[row])

    def restore(self, records: list[StoredSignature]) -> None:
        """Add the stored chunks in bulk (the start of an indexing run)."""
        if not records:
            return
        self._grow(len(records))
        first = len(self._row_ids)
        values = np.frombuffer(b"".join(r[5] for r in records), dtype="<u4").reshape(-1, NUM_PERM)
        if self._entries or len({r[0] for r in records}) != len(records):
            for chunk_id, article_id, index, group_id, count, _ in records:
                self._record(chunk_id, article_id, index, group_id, count)
        else:  # the usual case, an empty index: the same, without a call per chunk
            self._row_ids.extend(r[0] for r in records)
            self._entries = {
                r[0]: Entry(r[1], r[2], r[3], r[4], row) for row, r in enumerate(records, start=first)
            }
            for r in records:
                self._by_article.setdefault(r[1], set()).add(r[0])
        self._matrix[first : first + len(records)] = values
        rows = np.arange(first, first + len(records))
        counted = np.array([r[4] > 0 for r in records])
        self._buckets.extend(rows[counted], values[counted])

    def remove(self, chunk_id: str) -> None:
        entry = self._entries.pop(chunk_id, None)
        if entry is None:
            return
        self._by_article.get(entry.article_id, set()).discard(chunk_id)
        self._row_ids[entry.row] = None

    def remove_article(self, article_id: str) -> None:
        for chunk_id in sorted(self._by_article.pop(article_id, set())):
            self.remove(chunk_id)

    def best_match(self, article_id: str, sig: Signature) -> tuple[str, float] | None:
        """(chunk id, containment) of the closest copy in another article, if any reaches the threshold."""
        if not sig.count:
            return None
        values = np.asarray(sig.minhash.hashvalues, dtype=np.uint32)
        ids = sorted(
            chunk_id
            for row in self._buckets.query(values).tolist()
            if (chunk_id := self._row_ids[row]) is not None
            and self._entries[chunk_id].article_id != article_id
        )
        if not ids:
            return None
        entries = [self._entries[c] for c in ids]
        jaccard = (self._matrix[[e.row for e in entries]] == values).mean(axis=1)
        counts = np.array([e.count for e in entries], dtype=np.float64)
        intersection = jaccard * (sig.count + counts) / (1.0 + jaccard)
        single = np.minimum(1.0, intersection / np.minimum(sig.count, counts))
        scores = dict(zip(ids, single.tolist(), strict=True))
        for position in np.argsort(-single, kind="stable")[:CANDIDATES_FOR_PAIRS]:
            entry = entries[position]
            for neighbour in (entry.index - 1, entry.index + 1):
                other = self._entries.get(f"{entry.article_id}:{neighbour:04d}")
                if other is not None:
                    scores[ids[position]] = max(
                        scores[ids[position]], self._coverage(sig, values, entry, other)
                    )
        order = {c: position for position, c in enumerate(ids)}
        # Ties (several candidates fully covering the chunk) go to the closest single chunk.
        best_id = max(ids, key=lambda c: (scores[c], float(single[order[c]]), -order[c]))
        return (best_id, scores[best_id]) if scores[best_id] >= self.threshold else None

    def _coverage(self, sig: Signature, values: np.ndarray, first: Entry, second: Entry) -> float:
        """Estimated share of ``sig``'s shingles found in two adjacent chunks taken together."""
        a, b = self._matrix[first.row], self._matrix[second.row]
        union_count = (first.count + second.count) / (1.0 + float(np.mean(a == b)))
        jaccard = float(np.mean(np.minimum(a, b) == values))
        intersection = jaccard * (sig.count + union_count) / (1.0 + jaccard)
        return min(1.0, intersection / sig.count)

    def shared_groups(self) -> int:
        """Number of groups whose chunks come from two or more articles."""
        articles: dict[str, set[str]] = {}
        for entry in self._entries.values():
            articles.setdefault(entry.group_id, set()).add(entry.article_id)
        return sum(1 for members in articles.values() if len(members) > 1)

    def assign(self, chunk_id: str, article_id: str, index: int, sig: Signature) -> str:
        """Group id for a new chunk (joining its best match's group), then index the chunk."""
        match = self.best_match(article_id, sig)
        group_id = self._entries[match[0]].group_id if match else chunk_id
        self.add(chunk_id, article_id, index, group_id, sig)
        return group_id
