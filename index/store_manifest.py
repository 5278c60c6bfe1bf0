"""The manifest: Chroma's ``<name>_articles`` collection, one record per article.

A record holds the article's metadata, content hash and chunk count (its full text is in the keyword
file, and in Chroma too with ``store.texts_in_chroma``). :class:`index.store.ChunkStore` writes an
article's record *after* its chunks and deletes it *before* them, so the manifest never names an
article whose chunks are incomplete; chunks without a record are leftovers of an interrupted run.

The collection's metadata also carries the store's revision marker (:meth:`Manifest.marker`),
stamped after every write, which caches key on.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from index.store_client import SCHEMA_VERSION

PAGE = 2000
"""Records fetched per ``get`` call; Chroma caps the size of one request."""
PENDING = "pending-"
"""The start of the revision marker while a write is under way (:meth:`index.store.ChunkStore.revision`)."""
MANIFEST_VECTOR = [1.0]
"""The vector of an article's manifest record. Chroma keeps a vector with every record and loads
a collection's whole vector index into memory at its first read, a count or a ``get`` by id
included; nothing searches the manifest by vector. Measured at 100,000 articles: with each
article's mean chunk vector (384 floats) the manifest's index was a 167 MB file, and the first
read of any manifest record (the status figures, opening an article) added 207 MB to the
process; with one float a record, its files are 22 MB and that read adds 57 MB.
A store written with mean vectors keeps them (:meth:`Manifest.vector`) until it is rebuilt:
Chroma refuses a record whose vector differs in length from the collection's."""


def pages(collection: Any, include: list[str], where: dict | None = None) -> Iterator[dict]:
    """Every record of ``collection`` (passing ``where``), a page of :data:`PAGE` at a time."""
    offset = 0
    while True:
        page = collection.get(where=where, include=include, limit=PAGE, offset=offset)
        ids = page["ids"]
        for position, record_id in enumerate(ids):
            yield {
                "id": record_id,
                "metadata": (page.get("metadatas") or [None] * len(ids))[position] or {},
                "document": (page.get("documents") or [None] * len(ids))[position],
            }
        if len(ids) < PAGE:
            return
        offset += PAGE


def id_pages(ids: list[str]) -> Iterator[list[str]]:
    """``ids`` in pieces of at most :data:`PAGE`, one Chroma request each."""
    for start in range(0, len(ids), PAGE):
        yield ids[start : start + PAGE]


class Manifest:
    """The article records of one store."""

    def __init__(self, client: Any, store_name: str, configuration: dict[str, Any]) -> None:
        self.client = client
        self.name = f"{store_name}_articles"
        self.collection = client.get_or_create_collection(
            self.name,
            metadata={"schema_version": SCHEMA_VERSION},
            configuration=configuration,
            embedding_function=None,
        )
        self._dimension: int | None = None

    # ------------------------------------------------------------ reading

    def records(self) -> dict[str, dict[str, Any]]:
        """Article id -> metadata (content hash, path, chunk count, ...), without texts."""
        return {record["id"]: record["metadata"] for record in pages(self.collection, ["metadatas"])}

    def records_for(
        self, article_ids: Iterable[str] = (), paths: Iterable[str] = ()
    ) -> dict[str, dict[str, Any]]:
        """The records of these articles and of every article read from these files: what a run
        over a few files needs, without reading the whole manifest (~60 us an article)."""
        found: dict[str, dict[str, Any]] = {}
        ids, files = sorted(set(article_ids)), sorted(set(paths))
        for part in id_pages(ids):
            page = self.collection.get(ids=part, include=["metadatas"])
            found.update(zip(page["ids"], [m or {} for m in page["metadatas"] or []], strict=True))
        for part in id_pages(files):
            where = {"path": {"$in": part}}
            found.update((r["id"], r["metadata"]) for r in pages(self.collection, ["metadatas"], where=where))
        return found

    def read(self, include_text: bool) -> list[dict]:
        """Every record as :func:`pages` gives it, with Chroma's copy of the text if asked."""
        return list(pages(self.collection, ["metadatas", "documents"] if include_text else ["metadatas"]))

    def get(self, article_id: str) -> tuple[dict[str, Any], str | None] | None:
        """(metadata, Chroma's copy of the text or None) of one article; None when not recorded."""
        result = self.collection.get(ids=[article_id], include=["metadatas", "documents"])
        if not result["ids"]:
            return None
        return result["metadatas"][0] or {}, result["documents"][0]

    def count(self) -> int:
        return self.collection.count()

    def marker(self) -> str:
        """The revision marker stamped by the last write (read afresh: another process may write)."""
        return (self.client.get_collection(self.name).metadata or {}).get("revision", "")

    # ------------------------------------------------------------ writing

    def stamp(self, pending: bool = False) -> None:
        """A fresh revision marker; ``pending``: a write is under way."""
        marker = (PENDING if pending else "") + uuid.uuid4().hex
        self.collection.modify(metadata={"schema_version": SCHEMA_VERSION, "revision": marker})

    def upsert(
        self,
        ids: list[str],
        metadatas: list[dict[str, Any]],
        means: list[list[float]],
        documents: list[str] | None = None,
    ) -> None:
        """Record articles; ``means``: their mean chunk vectors, kept only where :meth:`vector` says."""
        vectors = [self.vector(mean) for mean in means]
        self.collection.upsert(ids=ids, documents=documents, metadatas=metadatas, embeddings=vectors)

    def delete(self, article_ids: list[str]) -> None:
        """Remove up to :data:`PAGE` records."""
        self.collection.delete(ids=article_ids)

    def vector(self, mean: list[float]) -> list[float]:
        """:data:`MANIFEST_VECTOR`, or ``mean`` in a manifest that already holds such vectors."""
        if self._dimension is None:
            # Chroma records a collection's vector length at its first record and keeps it when
            # emptied; it is on the collection as the server or the file describes it.
            model = getattr(self.client.get_collection(self.name), "_model", None)
            if model is not None and hasattr(model, "dimension"):
                dimension = model.dimension
            else:  # a client that does not describe it: the length of a stored vector
                held = self.collection.get(limit=1, include=["embeddings"])["embeddings"]
                dimension = len(held[0]) if held is not None and len(held) else None
            self._dimension = dimension or len(MANIFEST_VECTOR)
        return list(mean) if self._dimension > len(MANIFEST_VECTOR) else MANIFEST_VECTOR
