"""Chroma-backed storage of chunks (with vectors) and of the article manifest.

Two collections:

* ``<name>``: one record per chunk (vector and metadata; the text too with
  ``store.texts_in_chroma``, the default with a Chroma server), written with Chroma's own API
  and readable by llama-index (``VectorStoreIndex.from_vector_store(store.vector_store)``; see
  :class:`ChunkVectorStore`). Chunk metadata carries the article id, the chunk's place and
  duplicate group, and the fields Chroma filters on (:func:`index.store_records.chunk_metadata`).
* ``<name>_articles``: the manifest, one record per article (:mod:`index.store_manifest`),
  written *after* its chunks and deleted *before* them, so the manifest never names an article
  whose chunks are incomplete; chunks without a manifest record are leftovers of an interrupted run.

The chunk collection's metadata records a fingerprint (embedding model, chunking settings,
schema version; :mod:`index.store_client`). Vectors or chunks made under another fingerprint
cannot be mixed with new ones, so opening such a store raises
:class:`rag.errors.IndexMismatchError`. How records are laid out: :mod:`index.store_records`.

Every write also updates the on-disk keyword index (:mod:`index.keywords`: search terms, filter
fields, duplicate signatures and each passage as retrieval returns it) after the Chroma write,
in one SQLite transaction; :meth:`ChunkStore.keyword_index` repairs it from Chroma's texts and
the manifest when a write was interrupted between the two. Passages are read from it (dense
search returns ids and distances only), and so are the indexer's, the status figures' and the
UI's lists, instead of passing over every chunk's metadata in Chroma, which grows with the archive.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.dedup import Signature, StoredSignature
from index.keywords import ChunkSignature, KeywordFile, keyword_path
from index.store_client import SCHEMA_VERSION, build_fingerprint, fingerprint_problem, make_client
from index.store_llama import ChunkVectorStore
from index.store_manifest import PENDING, Manifest, id_pages, pages
from index.store_query import dense_search
from index.store_records import (
    StoreStats,
    article_metadata,
    chunk_fields,
    chunk_metadata,
    to_article,
    to_passage,
)
from index.store_repair import chroma_passages, signatures_from_texts
from rag.errors import IndexMismatchError
from rag.settings import Settings
from rag.types import Article, Chunk, Filters, Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding


class ChunkStore:
    """The index as the answer engine, the UI and the indexer see it."""

    def __init__(self, settings: Settings, client: Any, fingerprint: dict[str, Any] | None) -> None:
        self.settings = settings
        self.client = client
        self.name = settings.store.collection
        self._fingerprint = fingerprint
        self._keywords: KeywordFile | None = None
        self._open_collections()

    # ------------------------------------------------------------ opening

    @classmethod
    def open(
        cls, settings: Settings, embedding: BaseEmbedding | None = None, *, check: bool = True
    ) -> ChunkStore:
        """Open (creating if needed) the store of ``settings``.

        With ``embedding`` the store's fingerprint is checked against it (``check=False``
        skips that, for ``--rebuild``); without it the store opens read-only in spirit, e.g.
        for ``rag status``.
        """
        fingerprint = build_fingerprint(settings, embedding) if embedding is not None else None
        store = cls(settings, make_client(settings), fingerprint)
        if fingerprint is not None and check:
            store.check_fingerprint()
        return store

    def _open_collections(self) -> None:
        metadata: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        if self._fingerprint is not None:
            metadata["fingerprint"] = json.dumps(self._fingerprint, sort_keys=True)
            metadata["embedding_model"] = str(self._fingerprint["embedding"].get("model", ""))
        config = {"hnsw": {"space": "cosine"}}
        self._chunks = self.client.get_or_create_collection(
            self.name, metadata=metadata, configuration=config, embedding_function=None
        )
        self._manifest = Manifest(self.client, self.name, config)
        self.vector_store = ChunkVectorStore(
            lambda ids: self.keyword_index().passages(ids), chroma_collection=self._chunks
        )
        """The llama-index view of the chunk collection."""

    def stored_fingerprint(self) -> dict[str, Any] | None:
        raw = (self._chunks.metadata or {}).get("fingerprint")
        return json.loads(raw) if raw else None

    def check_fingerprint(self) -> None:
        stored = self.stored_fingerprint()
        assert self._fingerprint is not None
        if stored is None and not (self._chunks.count() or self._manifest.count()):
            self._write_fingerprint()  # a new, empty store takes the current fingerprint
            return
        problem = fingerprint_problem(stored, self._fingerprint, self.location)
        if problem:
            raise IndexMismatchError(problem)

    def _write_fingerprint(self) -> None:
        assert self._fingerprint is not None
        self._chunks.modify(
            metadata={
                "schema_version": SCHEMA_VERSION,
                "fingerprint": json.dumps(self._fingerprint, sort_keys=True),
                "embedding_model": str(self._fingerprint["embedding"].get("model", "")),
            }
        )

    def reset(self) -> None:
        """Drop everything (``rag index --rebuild``) and start again under the current fingerprint."""
        for name in (self.name, self._manifest.name):
            with contextlib.suppress(Exception):  # absent already: nothing to drop
                self.client.delete_collection(name)
        self._open_collections()
        self._bump_revision()
        self.keywords.reset(self.revision())

    @property
    def location(self) -> str:
        cfg = self.settings.store
        if cfg.mode == "embedded":
            return str(self.settings.store_path)
        return f"http://{cfg.host}:{cfg.port}"

    # ------------------------------------------------------------ reading

    def manifest(self) -> dict[str, dict[str, Any]]:
        """Article id -> manifest metadata (content hash, path, chunk count, ...), without texts."""
        return self._manifest.records()

    def manifest_for(
        self, article_ids: Iterable[str] = (), paths: Iterable[str] = ()
    ) -> dict[str, dict[str, Any]]:
        """The manifest records of these articles and of every article read from these files:
        what a run over a few files needs, without reading the whole manifest (~60 us an article)."""
        return self._manifest.records_for(article_ids, paths)

    def has_orphan_chunks(self) -> bool:
        """Whether some chunk's article is not in the manifest (a run killed mid-write), or some
        chunk's text is not in the keyword file (a kill between the two writes, or a lost file).

        Chunks are written before their article's manifest record and deleted after it, so an
        interruption leaves chunks of an article the manifest lacks: the keyword file (a copy of the
        store's chunks) then names more articles than the manifest holds. Four counts, no scan.
        """
        self.repair_keywords()
        keywords = self.keywords
        return keywords.article_count() != self.count_articles() or keywords.count() != self.count_chunks()

    def chunk_records(self) -> list[tuple[str, dict[str, Any]]]:
        """(chunk id, metadata) of every stored chunk, for rebuilding duplicate detection."""
        return [(r["id"], r["metadata"]) for r in pages(self._chunks, ["metadatas"])]

    def articles(self, include_text: bool = False) -> list[Article]:
        records = self._manifest.read(include_text)
        texts = self.keywords.article_texts(r["id"] for r in records) if include_text else {}
        found = [
            to_article(r["id"], r["metadata"], texts.get(r["id"]) or r["document"] or "") for r in records
        ]
        return sorted(found, key=lambda article: article.article_id)

    def get_article(self, article_id: str) -> Article | None:
        """The article with its full text: from the keyword file, or the copy in Chroma (a store
        written before texts moved there, or another machine's with a Chroma server)."""
        found = self._manifest.get(article_id)
        if found is None:
            return None
        metadata, copy = found
        text = self.keywords.article_texts([article_id]).get(article_id) or copy or ""
        return to_article(article_id, metadata, text)

    def all_passages(self) -> list[Passage]:
        """Every stored chunk with its metadata, in chunk-id order (from the keyword file, which
        holds each passage as retrieval returns it: :func:`index.store_records.chunk_metadata`)."""
        return self.keyword_index().all_passages()

    def passages(self, chunk_ids: list[str]) -> list[Passage]:
        """The stored chunks of ``chunk_ids``, in that order (ids not stored are left out)."""
        found = self.keyword_index().passages(chunk_ids)
        return [found[chunk_id] for chunk_id in chunk_ids if chunk_id in found]

    def chunk_ids(self) -> set[str]:
        return {record["id"] for record in pages(self._chunks, [])}

    @property
    def keywords(self) -> KeywordFile:
        """The on-disk keyword index, opened on first use (it may lag the store: see :meth:`keyword_index`)."""
        if self._keywords is None:
            self._keywords = KeywordFile(keyword_path(self.settings))
        return self._keywords

    def keyword_index(self, revision: str | None = None) -> KeywordFile:
        """The on-disk keyword index matching the store at ``revision`` (default: now).

        When it lags (an interrupted write, or a store indexed before it existed) it is first
        repaired: the store's chunk ids are compared with its own, and the difference is added
        or removed. The revision is read before the ids, so a write meanwhile is caught next time.
        """
        self.repair_keywords(revision)
        return self.keywords

    def repair_keywords(self, revision: str | None = None) -> int:
        """Bring the keyword index in line with the store if it lags; the chunks added or removed."""
        current = revision or self.revision()
        if self.keywords.revision() == current:
            return 0
        return self.keywords.reconcile(current, self.chunk_ids(), self._passages_and_signatures)

    def _passages_and_signatures(
        self, chunk_ids: list[str]
    ) -> tuple[list[Passage], dict[str, ChunkSignature]]:
        return chroma_passages(self._chunks, self.manifest_for, chunk_ids)

    def signature_records(self) -> list[StoredSignature]:
        """Every stored chunk's duplicate signature, for :meth:`index.dedup.DuplicateIndex.restore`:
        from the keyword file (brought in line with the store first), or made again from the
        chunks' texts when the file lacks some."""
        held = self.keyword_index().signature_records()
        if held is not None:
            return held
        return signatures_from_texts(self._chunks, self.keywords, self.chunk_ids())

    def shared_groups(self) -> int:
        """Duplicate groups whose chunks come from two or more articles."""
        return self.keyword_index().shared_groups()[0]

    def outlets(self) -> list[str]:
        """Every publisher name in the archive, sorted without regard to case."""
        return sorted(self.keyword_index().outlets(), key=str.lower)

    def query(
        self, embedding: list[float], top_k: int, filters: Filters | None = None, revision: str | None = None
    ) -> list[Passage]:
        """Dense retrieval: the ``top_k`` chunks closest to ``embedding`` that pass ``filters``.

        A date filter leaves out articles whose date is unknown. ``revision``: the store's revision
        as the caller last read it (a retriever reads it once per question), so the keyword file
        that holds the passages is checked against it without reading it again: the three Chroma
        reads of :meth:`revision` made a dense search 35 ms instead of 21 ms at 100,000 articles.
        """
        if top_k <= 0:
            return []
        return dense_search(self._chunks, self.keyword_index(revision), embedding, top_k, filters)

    def group_members(self, group_ids: list[str]) -> dict[str, list[Passage]]:
        """Every stored chunk of each duplicate group (copies of one text in several articles)."""
        members: dict[str, list[Passage]] = {group_id: [] for group_id in group_ids}
        members.update(self.keyword_index().group_members(group_ids, shared_only=False))
        return members

    def revision(self) -> str:
        """Changes whenever any article or chunk does (caches such as a BM25 index key on it).

        Every write stamps a fresh marker on the manifest collection, so this costs one small
        read per question instead of a pass over the whole manifest (0.3 s at 2,000 articles).
        A write marks the store :data:`PENDING` first; while that mark stands (a writer at work,
        or one that stopped between its write and its stamp) the counts of articles and chunks
        are added, so each change is still seen. Only then are they counted: 15 ms a question at
        100,000 articles, against 0.3 ms for the marker alone.
        """
        marker = self._manifest.marker()
        if marker and not marker.startswith(PENDING):
            return marker
        return f"{marker}:{self._manifest.count()}:{self._chunks.count()}"

    def _bump_revision(self, pending: bool = False) -> None:
        self._manifest.stamp(pending)

    def _begin_write(self) -> str:
        """The revision before a write, and the store marked as being written."""
        was = self.revision()
        self._bump_revision(pending=True)
        return was

    def _changed(
        self,
        was: str,
        *,
        add: list[Passage] | None = None,
        signatures: dict[str, ChunkSignature] | None = None,
        delete_chunks: list[str] | None = None,
        delete_articles: list[str] | None = None,
    ) -> None:
        """After a Chroma write: a fresh revision, then the same change in the keyword index."""
        self._bump_revision()
        self.keywords.apply(
            was,
            self.revision(),
            add=add or (),
            signatures=signatures,
            delete_chunks=delete_chunks or (),
            delete_articles=delete_articles or (),
        )

    def stats(self) -> StoreStats:
        """The archive's figures (:func:`index.store_stats.store_stats`)."""
        from index.store_stats import store_stats

        return store_stats(self)

    def size_on_disk(self) -> int | None:
        if self.settings.store.mode != "embedded":
            return None
        root = Path(self.settings.store_path)
        return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())

    def count_chunks(self) -> int:
        return self._chunks.count()

    def count_articles(self) -> int:
        return self._manifest.count()

    # ------------------------------------------------------------ writing

    def write_chunks(
        self, batch: list[tuple[Article, list[Chunk], list[list[float]], list[Signature]]]
    ) -> None:
        """Upsert chunks: delete-then-add by deterministic id, so re-writing never duplicates.

        Each chunk carries its duplicate group; its MinHash signature goes to the keyword file
        only (see :mod:`index.dedup`). Written with Chroma's API rather than llama-index's
        ``ChromaVectorStore.add``, which stores each node's text a second time
        (:func:`index.store_records.chunk_metadata`).
        """
        ids, texts, vectors, metadatas, passages = [], [], [], [], []
        for article, chunks, chunk_vectors, _ in batch:
            for chunk, vector in zip(chunks, chunk_vectors, strict=True):
                ids.append(chunk.chunk_id)
                texts.append(chunk.text)
                vectors.append(list(vector))
                metadatas.append(chunk_metadata(article, chunk))
                passages.append(to_passage(chunk.chunk_id, chunk.text, chunk_fields(article, chunk)))
        if ids:
            was = self._begin_write()
            self._chunks.delete(ids=ids)
            documents = texts if self.settings.store.keeps_texts else None
            self._chunks.add(ids=ids, documents=documents, embeddings=vectors, metadatas=metadatas)
            self._changed(
                was,
                add=passages,
                signatures={
                    chunk.chunk_id: (chunk.index, sig.count, sig.to_bytes())
                    for _, chunks, _, signatures in batch
                    for chunk, sig in zip(chunks, signatures, strict=True)
                },
            )

    def write_articles(self, batch: list[tuple[Article, list[Chunk], list[float]]]) -> None:
        """Record articles in the manifest; call only once all their chunks are stored."""
        if not batch:
            return
        ids = [article.article_id for article, _, _ in batch]
        texts = [article.text for article, _, _ in batch]
        metadatas = [article_metadata(article, chunks) for article, chunks, _ in batch]
        was = self._begin_write()
        self.keywords.put_articles(zip(ids, texts, strict=True))
        documents = texts if self.settings.store.keeps_texts else None
        self._manifest.upsert(ids, metadatas, [vector for _, _, vector in batch], documents)
        self._changed(was)

    def delete_chunks(self, chunk_ids: Iterable[str]) -> None:
        ids = list(chunk_ids)
        if not ids:
            return
        was = self._begin_write()
        for part in id_pages(ids):
            self._chunks.delete(ids=part)
        self._changed(was, delete_chunks=ids)

    def delete_article(self, article_id: str) -> None:
        self.delete_articles([article_id])

    def delete_articles(self, article_ids: Iterable[str]) -> None:
        """Remove articles: manifest records first, so an interruption leaves only orphan chunks."""
        ids = sorted(set(article_ids))
        if not ids:
            return
        was = self._begin_write()
        for part in id_pages(ids):
            self._manifest.delete(part)
            self._chunks.delete(where={"article_id": {"$in": part}})
        self._changed(was, delete_articles=ids)
