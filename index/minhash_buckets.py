"""Which stored chunks share a MinHash value with a new one: the candidate search of duplicate grouping.

LSH with one band per hash value: a stored chunk is a candidate when, at any of the signature's
positions, its minimum hash equals the new chunk's (copies of short chunks have a low Jaccard,
so one shared minimum must be enough; :mod:`index.dedup` then scores the candidates).

Written here instead of using datasketch's ``MinHashLSH``, measured on a generated archive of
3,000 articles (6,954 chunks): inserting the stored chunks again at the start of each
``rag index`` run took 2.2 s (0.31 ms and 64 Python dictionary entries a chunk), so adding one
article to a 100,000-article archive would have waited over a minute and held gigabytes. Here
the chunks known at the start are compared all at once (one numpy comparison of their hash
matrix) while a run has asked few queries, and then become one sorted array of
``position << 32 | value`` keys (one numpy sort) searched with ``searchsorted``; chunks added
during a run go to small dictionaries first and are merged into the array in batches.
"""

from __future__ import annotations

import numpy as np

POSITION_SHIFT = np.uint64(32)
SORT_AFTER_QUERIES = 64
"""Rows added in bulk are searched by brute force (one comparison of the whole matrix, ~10 ms
at 230,000 chunks) until this many queries have been made, then sorted (~3.5 s at 230,000
chunks): adding one article to a large archive asks a handful of queries, a large run thousands."""
MIN_MERGE = 8192
MAX_MERGE = 32768
"""Chunks held in the dictionaries before a merge: at least MIN_MERGE, a quarter of the archive
up to MAX_MERGE (a merge re-sorts every key: ~0.1 s per 10,000 chunks)."""


class MinHashBuckets:
    """Rows (integers chosen by the caller) by their hash values, position by position."""

    def __init__(self, positions: int) -> None:
        self.positions = positions
        self._offsets = np.arange(positions, dtype=np.uint64) << POSITION_SHIFT
        self._keys = np.zeros(0, dtype=np.uint64)
        self._rows = np.zeros(0, dtype=np.int64)
        self._fresh: list[dict[int, list[int]]] = [{} for _ in range(positions)]
        self._fresh_rows: list[int] = []
        self._fresh_values: list[np.ndarray] = []
        self._bulk_rows: list[np.ndarray] = []
        self._bulk_values: list[np.ndarray] = []
        self._bulk_queries = 0

    def __len__(self) -> int:
        bulk = sum(len(rows) for rows in self._bulk_rows)
        return len(self._rows) // self.positions + len(self._fresh_rows) + bulk

    def _merge_limit(self) -> int:
        return max(MIN_MERGE, min(MAX_MERGE, len(self) // 4))

    def extend(self, rows: np.ndarray, values: np.ndarray) -> None:
        """Add many rows at once; ``values`` holds one row of ``positions`` hash values per row."""
        if len(rows) == 0:
            return
        self._bulk_rows.append(np.asarray(rows, dtype=np.int64))
        self._bulk_values.append(np.asarray(values, dtype=np.uint32))
        self._bulk_queries = 0

    def _sort(self, rows: np.ndarray, values: np.ndarray) -> None:
        keys = (self._offsets[None, :] | values.astype(np.uint64)).ravel()
        owners = np.repeat(rows, self.positions)
        keys = np.concatenate([self._keys, keys])
        owners = np.concatenate([self._rows, owners])
        order = np.argsort(keys)  # rows of equal keys in any order: query() sorts its answer
        self._keys, self._rows = keys[order], owners[order]

    def _sort_bulk(self) -> None:
        rows, values = np.concatenate(self._bulk_rows), np.concatenate(self._bulk_values)
        self._bulk_rows, self._bulk_values = [], []
        self._sort(rows, values)

    def insert(self, row: int, values: np.ndarray) -> None:
        for position, value in enumerate(values.tolist()):
            self._fresh[position].setdefault(value, []).append(row)
        self._fresh_rows.append(row)
        self._fresh_values.append(values)
        if len(self._fresh_rows) >= self._merge_limit():
            rows, stacked = np.array(self._fresh_rows), np.stack(self._fresh_values)
            self._fresh = [{} for _ in range(self.positions)]
            self._fresh_rows, self._fresh_values = [], []
            self._sort(rows, stacked)

    def query(self, values: np.ndarray) -> np.ndarray:
        """Every row sharing a value with ``values`` at the same position (removed rows included:
        the caller knows which rows are gone), sorted, each once."""
        if self._bulk_rows:
            self._bulk_queries += 1
            if self._bulk_queries > SORT_AFTER_QUERIES:
                self._sort_bulk()
        keys = self._offsets | values.astype(np.uint64)
        low = np.searchsorted(self._keys, keys, side="left")
        high = np.searchsorted(self._keys, keys, side="right")
        parts = [self._rows[a:b] for a, b in zip(low.tolist(), high.tolist(), strict=True) if b > a]
        narrow = values.astype(np.uint32)
        for rows, block in zip(self._bulk_rows, self._bulk_values, strict=True):
            parts.append(rows[(block == narrow).any(axis=1)])
        fresh: set[int] = set()
        for position, value in enumerate(values.tolist()):
            rows = self._fresh[position].get(value)
            if rows:
                fresh.update(rows)
        if fresh:
            parts.append(np.fromiter(fresh, dtype=np.int64, count=len(fresh)))
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts))
