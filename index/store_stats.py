"""The archive's figures for `rag status`, the UI's status panel and the indexing report.

They come from counts and the keyword file (SQL over its chunk table), not from a pass over
every chunk's metadata in Chroma, which every page load paid for and which grows with the
archive (Chroma reads ~60 us of metadata a record: ~14 s at 230,000 chunks). When the keyword
file cannot be brought up to date (a read-only folder, a full disk) the figures are read from the
chunks themselves, so `rag status` still works there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from index.store_records import StoreStats

if TYPE_CHECKING:
    from index.store import ChunkStore


def store_stats(store: ChunkStore) -> StoreStats:
    chunks = store.count_chunks()
    without_text = 0
    try:
        keywords = store.keyword_index()
        (groups, grouped_chunks), suspicious = keywords.shared_groups(), keywords.suspicious_articles()
        without_text = max(0, chunks - keywords.count())
    except (sqlite3.Error, OSError):
        groups, grouped_chunks, suspicious = figures_from_chunks(store.chunk_records())
    fingerprint = store.stored_fingerprint() or {}
    chunking = fingerprint.get("chunking", {})
    return StoreStats(
        articles=store.count_articles(),
        chunks=chunks,
        duplicate_groups=groups,
        duplicate_chunks=grouped_chunks,
        embedding_model=(fingerprint.get("embedding") or {}).get("model"),
        fingerprint=fingerprint,
        chunk_tokens=chunking.get("chunk_tokens"),
        overlap_tokens=chunking.get("overlap_tokens"),
        encoding=chunking.get("encoding"),
        mode=store.settings.store.mode,
        location=store.location,
        size_bytes=store.size_on_disk(),
        suspicious_articles=suspicious,
        chunks_without_text=without_text,
    )


def figures_from_chunks(records: Iterable[tuple[str, dict[str, Any]]]) -> tuple[int, int, int]:
    """(shared duplicate groups, their chunks, flagged articles) from chunk metadata records."""
    groups: dict[str, set[str]] = {}
    sizes: dict[str, int] = {}
    flagged: set[str] = set()
    for _, metadata in records:
        group_id, article_id = metadata.get("group_id"), metadata.get("article_id", "")
        if metadata.get("suspicious"):
            flagged.add(article_id)
        if group_id:
            groups.setdefault(group_id, set()).add(article_id)
            sizes[group_id] = sizes.get(group_id, 0) + 1
    shared = [group for group, members in groups.items() if len(members) > 1]
    return len(shared), sum(sizes[group] for group in shared), len(flagged)
