"""What the keyword file is rebuilt from when it lags the Chroma store: the chunks as Chroma holds them.

The keyword file (:mod:`index.keywords`) is a copy of the store's chunks, written after each Chroma
write. A run killed between the two writes, a lost file, or a store indexed before the file existed
leaves it behind; :meth:`index.store.ChunkStore.repair_keywords` then adds what it lacks from here.
Only chunks whose text Chroma keeps (``store.texts_in_chroma``) can be restored this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from index.dedup import StoredSignature
from index.keywords import ChunkSignature, KeywordFile
from index.store_manifest import id_pages
from index.store_records import text_signatures, to_passage
from rag.types import Passage

ManifestFor = Callable[[Iterable[str]], dict[str, dict[str, Any]]]
"""Article ids -> their manifest records (:meth:`index.store.ChunkStore.manifest_for`)."""


def chroma_passages(
    chunks: Any, manifest_for: ManifestFor, chunk_ids: list[str]
) -> tuple[list[Passage], dict[str, ChunkSignature]]:
    """The chunks of ``chunk_ids`` as the Chroma collection ``chunks`` holds them, with their
    articles' shown fields from the manifest, and their duplicate signatures; only those whose
    text Chroma keeps."""
    page = chunks.get(ids=chunk_ids, include=["metadatas", "documents"])
    held = page["ids"]
    records = [
        (chunk_id, document, metadata or {})
        for chunk_id, document, metadata in zip(
            held,
            page["documents"] or [None] * len(held),
            page["metadatas"] or [None] * len(held),
            strict=True,
        )
        if document
    ]
    manifest = manifest_for(str(metadata.get("article_id", "")) for _, _, metadata in records)
    passages = [
        to_passage(chunk_id, document, {**manifest.get(metadata.get("article_id", ""), {}), **metadata})
        for chunk_id, document, metadata in records
    ]
    indexes = [int(metadata.get("chunk_index", 0)) for _, _, metadata in records]
    return passages, text_signatures(
        (p.chunk_id, index, p.text) for p, index in zip(passages, indexes, strict=True)
    )


def signatures_from_texts(
    chunks: Any, keywords: KeywordFile, chunk_ids: Iterable[str]
) -> list[StoredSignature]:
    """Every chunk's duplicate signature made again from its text in the keyword file (a chunk whose
    text is lost has none), for a keyword file written before it kept signatures."""
    records: list[StoredSignature] = []
    for page_ids in id_pages(sorted(chunk_ids)):
        page = chunks.get(ids=page_ids, include=["metadatas"])
        passages = keywords.passages(page["ids"])
        indexes = {
            i: int((m or {}).get("chunk_index", 0))
            for i, m in zip(page["ids"], page["metadatas"] or [], strict=True)
        }
        signatures = text_signatures((i, indexes[i], p.text) for i, p in passages.items())
        for chunk_id, (index, count, hashes) in sorted(signatures.items()):
            passage = passages[chunk_id]
            records.append((chunk_id, passage.article_id, index, passage.group_id or chunk_id, count, hashes))
    return records
