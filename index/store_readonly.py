"""``rag status`` for an embedded store that Chroma cannot open: read its SQLite file read-only.

Why: Chroma 1.x applies its write-ahead log on every read ("backfill" to the compactor), so on
a full disk or a read-only folder even ``count()`` fails ("Error executing plan: Error sending
backfill request to compactor"), and ``rag status``, the first thing a user runs to see what
is wrong, crashed until space was freed. SQLite itself reads such a file fine with
``mode=ro`` (``immutable=1`` on a read-only filesystem, where no lock file can be made).

The figures are those of the records Chroma has applied; writes still waiting in its log
are counted apart (``pending_writes``), and Chroma applies them once it can write again.
Only what ``rag status`` shows is read: Chroma's table layout (``collections``,
``segments``, ``embeddings``, ``embedding_metadata``, ``embeddings_queue``, ``max_seq_id``),
stable across the 0.5 and 1.x releases this project has used.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from index.store_records import StoreStats
from rag.settings import Settings


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise FileNotFoundError(f"no Chroma database at {path}")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.execute("select count(*) from collections").fetchone()
        return connection
    except sqlite3.OperationalError:  # read-only filesystem: no -shm/-wal can be created
        return sqlite3.connect(f"file:{path}?immutable=1", uri=True)


def _one(connection: sqlite3.Connection, sql: str, *args: Any) -> Any:
    row = connection.execute(sql, args).fetchone()
    return row[0] if row else None


def read_only_stats(settings: Settings) -> tuple[StoreStats, int]:
    """The store's figures read without writing anything, and the number of pending writes."""
    root = Path(settings.store_path)
    name = settings.store.collection
    with closing(_connect(root / "chroma.sqlite3")) as db:
        ids = {row[1]: row[0] for row in db.execute("select id, name from collections")}
        chunks_id, articles_id = ids.get(name), ids.get(f"{name}_articles")

        def segment(collection: str | None) -> str | None:
            return _one(db, "select id from segments where collection = ? and scope = 'METADATA'", collection)

        chunk_seg, article_seg = segment(chunks_id), segment(articles_id)
        count = "select count(*) from embeddings where segment_id = ?"
        raw = _one(
            db,
            "select str_value from collection_metadata where collection_id = ? and key = 'fingerprint'",
            chunks_id,
        )
        fingerprint: dict[str, Any] = json.loads(raw) if raw else {}
        groups: dict[str, set[str]] = {}
        sizes: dict[str, int] = {}
        rows = db.execute(
            "select g.string_value, a.string_value from embeddings e "
            "join embedding_metadata g on g.id = e.id and g.key = 'group_id' "
            "left join embedding_metadata a on a.id = e.id and a.key = 'article_id' "
            "where e.segment_id = ?",
            (chunk_seg,),
        )
        for group_id, article_id in rows:
            groups.setdefault(group_id, set()).add(article_id or "")
            sizes[group_id] = sizes.get(group_id, 0) + 1
        shared = [g for g, articles in groups.items() if len(articles) > 1]
        pending = 0
        for collection, seg in ((chunks_id, chunk_seg), (articles_id, article_seg)):
            if collection is None:
                continue
            applied = _one(db, "select seq_id from max_seq_id where segment_id = ?", seg) or 0
            pending += _one(
                db,
                "select count(*) from embeddings_queue where topic like ? and seq_id > ?",
                f"%{collection}",
                applied,
            )
        extra: dict[str, Any] = {}
        if "suspicious_articles" in StoreStats.model_fields:
            extra["suspicious_articles"] = _one(
                db,
                "select count(*) from embeddings e join embedding_metadata m on m.id = e.id "
                "where e.segment_id = ? and m.key = 'suspicious' and coalesce(m.string_value, '') != ''",
                article_seg,
            )
        chunking = fingerprint.get("chunking", {})
        stats = StoreStats(
            articles=_one(db, count, article_seg) or 0,
            chunks=_one(db, count, chunk_seg) or 0,
            duplicate_groups=len(shared),
            duplicate_chunks=sum(sizes[g] for g in shared),
            embedding_model=(fingerprint.get("embedding") or {}).get("model"),
            fingerprint=fingerprint,
            chunk_tokens=chunking.get("chunk_tokens"),
            overlap_tokens=chunking.get("overlap_tokens"),
            encoding=chunking.get("encoding"),
            mode="embedded",
            location=str(root),
            size_bytes=sum(p.stat().st_size for p in root.rglob("*") if p.is_file()),
            **extra,
        )
    return stats, pending
