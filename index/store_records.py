"""How articles and chunks are written as Chroma records, and read back.

A chunk record carries its article's fields (for filtering and citing) and its duplicate group
(its MinHash signature is kept in the keyword file, :mod:`index.keywords`); the
indexer's own fields (:data:`INTERNAL_KEYS`) are kept out of what a model sees or embeds.
Chroma rejects None values, so absent fields are left out and read back as None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo, TextNode
from pydantic import BaseModel

from index.dedup import signature
from index.keywords import ChunkSignature
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
    chunks_without_text: int = 0
    """Chunks whose text is in neither the keyword file nor Chroma (the file was lost or damaged);
    the next ``rag index`` over their files indexes their articles again."""


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


def chunk_metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    """A chunk record's metadata in Chroma: what finds and filters it there, nothing shown.

    The passage as retrieval returns it (text, offsets, title, dateline, URL, path) is read from
    the keyword file (:mod:`index.keywords`), which holds it anyway; Chroma keeps the article id
    (deleting an article's chunks, finding leftovers), the chunk's place in it (index, offsets),
    its duplicate group, and the date and publisher its ``where`` filters on. The article's
    other fields are in its manifest record, where a keyword file made again from the store
    (:meth:`index.store.ChunkStore.repair_keywords`) takes them. Chroma writes and indexes
    every metadata string: measured on 2,000 generated articles (3,626 chunks, hash vectors),
    ``chroma.sqlite3`` went from 38.2 MB to 36.9 MB with title, dateline, URL, path and token
    count left out. (Before that, writing chunks as llama-index nodes added ``_node_content``, the
    text again as JSON: 20.8 KB a chunk on the Wikinews archive against 12.4 KB without.)
    """
    metadata: dict[str, Any] = {
        "article_id": article.article_id,
        "chunk_index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "group_id": chunk.group_id or chunk.chunk_id,
    }
    for key in ("source", "suspicious"):
        value = getattr(article, key)
        if value is not None:  # Chroma rejects None values
            metadata[key] = value
    if article.date is not None:
        metadata["date"] = date_to_int(article.date)
    return metadata


def chunk_fields(article: Article, chunk: Chunk) -> dict[str, Any]:
    """Everything a stored passage carries besides its text (:func:`to_passage`'s input): the
    Chroma record's metadata with the article's shown fields."""
    fields = chunk_metadata(article, chunk)
    for key in ("title", "dateline", "url", "path"):
        value = getattr(article, key)
        if value is not None:
            fields[key] = value
    return fields


def text_signatures(records: Iterable[tuple[str, int, str]]) -> dict[str, ChunkSignature]:
    """Chunk id -> (chunk index, shingle count, hash bytes) of each (chunk id, chunk index, text):
    the duplicate signature is a function of the chunk's text alone, so it is made again where a
    stored chunk's is needed rather than kept in Chroma, which indexed it as a 344-character string."""
    found: dict[str, ChunkSignature] = {}
    for chunk_id, index, text in records:
        sig = signature(text)
        found[chunk_id] = (index, sig.count, sig.to_bytes())
    return found


def as_node(node: BaseNode) -> BaseNode:
    """A chunk read back by llama-index (its legacy reader, for records without ``_node_content``)
    as the indexer means it: its article as the source document, the indexer's fields and the
    article id kept out of what a model sees, and all metadata out of what is embedded."""
    metadata = node.metadata
    node.excluded_embed_metadata_keys = list(metadata)
    node.excluded_llm_metadata_keys = [key for key in metadata if key in INTERNAL_KEYS or key == "article_id"]
    if metadata.get("article_id"):
        node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=str(metadata["article_id"]))
    if isinstance(node, TextNode) and "start" in metadata:
        node.start_char_idx, node.end_char_idx = int(metadata["start"]), int(metadata["end"])
    return node


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
