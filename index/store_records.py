"""How articles and chunks are written as Chroma records, and read back.

A chunk record carries its article's fields (for filtering and citing), its duplicate group
and its MinHash signature (so near-duplicate detection is rebuilt from the store); the
indexer's own fields (:data:`INTERNAL_KEYS`) are kept out of what a model sees or embeds.
Chroma rejects None values, so absent fields are left out and read back as None.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from pydantic import BaseModel

from index.dedup import Signature
from rag.types import Article, Chunk, Passage, date_to_int, int_to_date

# Chunk metadata that only the indexer needs; kept out of what a model sees or embeds.
INTERNAL_KEYS = [
    "minhash",
    "shingles",
    "start",
    "end",
    "n_tokens",
    "chunk_index",
    "path",
    "group_id",
    "suspicious",
]
ARTICLE_KEYS = ("title", "dateline", "source", "url", "path", "record", "suspicious")


class StoreStats(BaseModel):
    articles: int
    chunks: int
    duplicate_groups: int
    """Groups of chunks carrying the same text in two or more articles."""
    duplicate_chunks: int
    """Chunks that belong to such groups."""
    embedding_model: str | None
    fingerprint: dict[str, Any]
    chunk_tokens: int | None
    overlap_tokens: int | None
    encoding: str | None
    mode: str
    location: str
    size_bytes: int | None
    """Bytes on disk (embedded mode only)."""
    suspicious_articles: int = 0
    """Articles flagged at index time as reading like a prompt (:mod:`index.suspicious`)."""


def article_metadata(article: Article, chunks: list[Chunk]) -> dict[str, Any]:
    """An article's manifest record: its fields, content hash and chunk counts."""
    metadata: dict[str, Any] = {
        key: getattr(article, key) for key in ARTICLE_KEYS if getattr(article, key) is not None
    }
    if article.date is not None:
        metadata["date"] = date_to_int(article.date)
    metadata.update(
        content_hash=article.content_hash,
        n_chunks=len(chunks),
        n_tokens=sum(chunk.n_tokens for chunk in chunks),
    )
    return metadata


def chunk_node(article: Article, chunk: Chunk, vector: list[float], sig: Signature) -> TextNode:
    metadata: dict[str, Any] = {
        "article_id": article.article_id,
        "chunk_index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "n_tokens": chunk.n_tokens,
        "group_id": chunk.group_id or chunk.chunk_id,
        "minhash": sig.encode(),
        "shingles": sig.count,
    }
    for key in ("title", "source", "dateline", "url", "path", "suspicious"):
        value = getattr(article, key)
        if value is not None:  # Chroma rejects None values
            metadata[key] = value
    if article.date is not None:
        metadata["date"] = date_to_int(article.date)
    return TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        embedding=list(vector),
        metadata=metadata,
        start_char_idx=chunk.start,
        end_char_idx=chunk.end,
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=[key for key in metadata if key in INTERNAL_KEYS or key == "article_id"],
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=article.article_id)},
    )


def _clean(metadata: dict[str, Any], key: str) -> Any:
    value = metadata.get(key)
    return None if value in ("", None) else value


def to_passage(chunk_id: str, text: str, metadata: dict[str, Any], score: float = 0.0) -> Passage:
    return Passage(
        chunk_id=chunk_id,
        article_id=metadata.get("article_id") or chunk_id.rsplit(":", 1)[0],
        text=text,
        start=int(metadata.get("start", 0)),
        end=int(metadata.get("end", len(text))),
        title=_clean(metadata, "title"),
        date=_date(metadata),
        source=_clean(metadata, "source"),
        dateline=_clean(metadata, "dateline"),
        url=_clean(metadata, "url"),
        path=_clean(metadata, "path"),
        group_id=_clean(metadata, "group_id"),
        score=score,
        suspicious=_clean(metadata, "suspicious"),
    )


def _date(metadata: dict[str, Any]) -> dt.date | None:
    value = metadata.get("date")
    return int_to_date(int(value)) if isinstance(value, int | float) and value else None


def to_article(article_id: str, metadata: dict[str, Any], text: str) -> Article:
    return Article(
        article_id=article_id,
        text=text,
        title=_clean(metadata, "title"),
        date=_date(metadata),
        dateline=_clean(metadata, "dateline"),
        source=_clean(metadata, "source"),
        url=_clean(metadata, "url"),
        path=metadata.get("path") or "",
        record=_clean(metadata, "record"),
        content_hash=metadata.get("content_hash", ""),
        suspicious=_clean(metadata, "suspicious"),
    )
