"""Incremental indexing: load -> chunk -> dedup -> embed -> store, one way.

Each run compares the files with the manifest by content hash: unchanged articles cost
nothing, changed ones are replaced, and ones that disappeared are reported (or deleted
with ``prune``). Chunks are embedded in batches that span articles, so small articles do
not each pay a model call.

Interruption at any point is safe: chunk ids are deterministic and written by upsert, the
manifest record of an article is written after all of its chunks, and each run first
deletes chunks whose article is not in the manifest (the remains of a killed run), then
repairs the on-disk keyword index where a kill left it behind the store (:mod:`index.keywords`).

A run can also be cancelled (``run(..., cancel=...)``): the flag is checked between files
while loading and between articles while indexing. What was written before stays; nothing
of the rest is written, and the report lists those articles under ``not_indexed``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, Field

from index.chunking import Chunker
from index.dedup import DuplicateIndex, Signature, signature
from index.loaders import load_paths
from index.store import ChunkStore
from index.suspicious import flag_article
from rag.settings import Settings
from rag.types import Article, Chunk, SkippedFile, search_text

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

MAX_UNIT_CHUNKS = 256
"""Chunks embedded and written per step: large enough for efficient model batches (the model
sorts a call's texts by length to cut padding, so a unit as wide as its ``embed_batch_size``
pads as little as embedding the whole archive in one call), small enough that progress moves
and an interruption loses little work."""


@dataclass(frozen=True)
class IndexProgress:
    """What a progress display needs; ``phase`` is "loading", "embedding" or "done"."""

    phase: Literal["loading", "embedding", "done"]
    files_done: int
    files_total: int
    articles_done: int
    articles_total: int
    chunks: int
    chunks_per_s: float
    current: str = ""


ProgressCallback = Callable[[IndexProgress], None]
CancelCheck = Callable[[], bool]
"""Returns True once the user asked to stop (e.g. ``threading.Event().is_set``)."""


_Prepared = tuple[Article, bool, list[Chunk], list[Signature]]
"""An article ready to store: whether it replaces a stored version, its chunks, their signatures."""
_Vectors = tuple[list[list[float]], float]
"""A unit's chunk vectors and the seconds the model took for them."""


class _Cancelled(Exception):
    """Raised inside loading to stop between two files."""


class IndexReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    deleted: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    """In the index under the given paths but gone from disk; deleted only with ``prune``."""
    gone_files: dict[str, str] = Field(default_factory=dict)
    """The file each ``missing`` or ``deleted`` article was read from: what a user looks for."""
    skipped: list[SkippedFile] = Field(default_factory=list)
    orphan_chunks_removed: int = 0
    """Chunks left by an interrupted run and cleaned up at the start of this one."""
    texts_lost: list[str] = Field(default_factory=list)
    """Articles whose chunk texts were missing from the keyword file (a deleted or damaged
    file): taken out of the index at the start of this run, and indexed again from their files
    when this run reads them."""
    keyword_chunks_repaired: int = 0
    """Chunks added to or removed from the keyword index at the start of this run, where an
    interrupted write left it behind the store."""
    chunks_added: int = 0
    tokens_embedded: int = 0
    """tiktoken tokens (``chunking.encoding``) of the chunks embedded in this run."""
    duplicate_groups: int = 0
    """Groups of near-identical chunks shared by two or more articles, in the whole index."""
    articles_total: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0
    """Time from the first chunk to the last write (chunking, grouping, embedding, writing)."""
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    """Where the time went: load, restore (reading the store), chunk, dedup, embed, write, wait.
    The model embeds in a worker thread beside the others, so ``embed`` overlaps chunk, dedup and
    write; ``wait`` is the time the indexer had nothing to do but wait for the model."""
    chunks_per_s: float = 0.0
    tokens_per_s: float = 0.0
    cancelled: bool = False
    """The run was stopped on request before it finished."""
    not_indexed: list[str] = Field(default_factory=list)
    """Articles found but left out because the run was cancelled (neither in ``added`` nor
    ``updated``; an updated article keeps its previous version)."""


class Indexer:
    def __init__(self, settings: Settings, store: ChunkStore, embedding: BaseEmbedding) -> None:
        self.settings = settings
        self.store = store
        self.embedding = embedding
        cfg = settings.chunking
        self.chunker = Chunker(cfg.chunk_tokens, cfg.overlap_tokens, cfg.encoding)
        self.unit_chunks = max(1, min(int(getattr(embedding, "embed_batch_size", 32)), MAX_UNIT_CHUNKS))
        self._stages: dict[str, float] = {}

    def run(
        self,
        paths: Iterable[Path | str],
        *,
        rebuild: bool = False,
        prune: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
    ) -> IndexReport:
        started = time.perf_counter()
        roots = [Path(path).expanduser().resolve() for path in paths]
        notify = progress or (lambda _: None)
        stopped = cancel or (lambda: False)
        if rebuild:
            self.store.reset()

        def on_file(done: int, total: int, path: Path) -> None:
            notify(IndexProgress("loading", done, total, 0, 0, 0, 0.0, path.name))
            if stopped():
                raise _Cancelled

        try:
            loaded = load_paths(roots, max_file_mb=self.settings.ingest.max_file_mb, progress=on_file)
        except _Cancelled:
            report = IndexReport(cancelled=True, seconds=time.perf_counter() - started)
            report.articles_total = self.store.count_articles()
            report.chunks_total = self.store.count_chunks()
            notify(IndexProgress("done", 0, 0, 0, 0, 0, 0.0))
            return report
        report = IndexReport(skipped=loaded.skipped)
        self._stages = report.stage_seconds
        self._stages["load"] = time.perf_counter() - started

        mark = time.perf_counter()
        report.keyword_chunks_repaired = self.store.repair_keywords()
        if self.store.has_orphan_chunks():
            orphans, report.texts_lost = self._orphans()
            self.store.delete_articles(report.texts_lost)
            self.store.delete_chunks(orphans)
            report.orphan_chunks_removed = len(orphans)
        if roots and all(root.is_file() for root in roots):
            # A few files (`rag index new_story.txt`): only their records, not the archive's.
            manifest = self.store.manifest_for(
                (a.article_id for a in loaded.articles), (str(root) for root in roots)
            )
            articles = _unique_ids(loaded.articles, manifest)
            manifest.update(
                self.store.manifest_for(a.article_id for a in articles if a.article_id not in manifest)
            )
        else:
            manifest = self.store.manifest()
            articles = _unique_ids(loaded.articles, manifest)
        self._stages["restore"] = time.perf_counter() - mark

        work: list[tuple[Article, bool]] = []
        for article in articles:
            stored = manifest.get(article.article_id)
            if stored is None:
                report.added.append(article.article_id)
                work.append((article, False))
            elif stored.get("content_hash") == article.content_hash:
                report.unchanged.append(article.article_id)
            else:
                report.updated.append(article.article_id)
                work.append((article, True))

        # Only a run with articles to add needs the stored chunks' signatures (a no-change run over
        # a large archive would spend most of its time reading them).
        mark = time.perf_counter()
        duplicates = DuplicateIndex(self.settings.ingest.dedup_threshold)
        if work:
            duplicates.restore(self.store.signature_records())
            for article_id in report.updated:
                duplicates.remove_article(article_id)
        self._time("restore", mark)

        loaded_ids = {article.article_id for article in articles}
        gone = [
            article_id
            for article_id, metadata in sorted(manifest.items())
            if article_id not in loaded_ids and _is_gone(metadata.get("path", ""), roots, loaded.loaded_files)
        ]
        report.gone_files = {article_id: str(manifest[article_id].get("path") or "") for article_id in gone}
        if prune and gone:
            self.store.delete_articles(gone)
            for article_id in gone:
                duplicates.remove_article(article_id)
            report.deleted = gone
        else:
            report.missing = gone

        files = len(loaded.files)
        embed_started = time.perf_counter()
        done = 0
        unit: list[_Prepared] = []
        unit_size = 0
        # Units handed to the embedding worker and not yet stored, oldest first.
        in_flight: list[tuple[list[_Prepared], Future[_Vectors]]] = []

        def write(prepared: list[_Prepared], vectors: Future[_Vectors]) -> bool:
            """Store a unit once its vectors are ready; False (nothing stored) when cancelled meanwhile."""
            nonlocal done
            mark = time.perf_counter()
            computed, seconds = vectors.result()
            self._time("wait", mark)
            self._stages["embed"] = self._stages.get("embed", 0.0) + seconds
            if stopped():
                return False
            self._write_unit(prepared, computed)
            for _, _, chunks, _ in prepared:
                report.chunks_added += len(chunks)
                report.tokens_embedded += sum(chunk.n_tokens for chunk in chunks)
            done += len(prepared)
            elapsed = max(1e-9, time.perf_counter() - embed_started)
            notify(
                IndexProgress(
                    "embedding",
                    files,
                    files,
                    done,
                    len(work),
                    report.chunks_added,
                    report.chunks_added / elapsed,
                    prepared[-1][0].article_id,
                )
            )
            return True

        def hand_over(keep: int) -> bool:
            """Start embedding the unit in hand, then store finished units until ``keep`` remain in
            flight: with one kept, a unit's Chroma write runs beside the next unit's embedding
            (onnxruntime computes without holding the GIL). False when cancelled meanwhile."""
            nonlocal unit, unit_size
            if unit:
                in_flight.append((unit, embedder.submit(self._embed, unit)))
                unit, unit_size = [], 0
            while len(in_flight) > keep:
                if not write(*in_flight[0]):
                    return False
                in_flight.pop(0)
            return True

        def leave_out(rest: list[tuple[Article, bool]]) -> None:
            """Cancelled: the units not stored and ``rest`` are not written; they join ``not_indexed``."""
            nonlocal unit, unit_size
            held = [item for prepared, _ in in_flight for item in prepared] + unit
            for _, vectors in in_flight:
                vectors.cancel()
            left = [a.article_id for a, _, _, _ in held] + [a.article_id for a, _ in rest]
            for article_id in left:
                duplicates.remove_article(article_id)
            _leave_out(report, left)
            unit, unit_size = [], 0
            in_flight.clear()

        embedder = ThreadPoolExecutor(1, thread_name_prefix="rag-embed")
        try:
            for position, (article, replaces) in enumerate(work):
                if stopped():
                    leave_out(work[position:])
                    break
                mark = time.perf_counter()
                article.suspicious = flag_article(article.text, article.title)
                chunks = self.chunker.chunk(article)
                self._time("chunk", mark)
                mark = time.perf_counter()
                signatures = [signature(chunk.text) for chunk in chunks]
                for chunk, sig in zip(chunks, signatures, strict=True):
                    chunk.group_id = duplicates.assign(chunk.chunk_id, article.article_id, chunk.index, sig)
                self._time("dedup", mark)
                unit.append((article, replaces, chunks, signatures))
                unit_size += len(chunks)
                if unit_size >= self.unit_chunks and not hand_over(keep=1):
                    leave_out(work[position + 1 :])
                    break
            else:
                if not hand_over(keep=0):
                    leave_out([])
        finally:
            # After a failed write, queued units are dropped rather than embedded before the error shows.
            embedder.shutdown(cancel_futures=True)
        report.embed_seconds = time.perf_counter() - embed_started

        report.duplicate_groups = self.store.shared_groups()
        report.articles_total = self.store.count_articles()
        report.chunks_total = self.store.count_chunks()
        report.seconds = time.perf_counter() - started
        if report.seconds > 0:
            report.chunks_per_s = report.chunks_added / report.seconds
            report.tokens_per_s = report.tokens_embedded / report.seconds
        notify(IndexProgress("done", files, files, done, len(work), report.chunks_added, report.chunks_per_s))
        return report

    def _time(self, stage: str, since: float) -> None:
        self._stages[stage] = self._stages.get(stage, 0.0) + time.perf_counter() - since

    def _orphans(self) -> tuple[list[str], list[str]]:
        """Ids of stored chunks whose article is not in the manifest (a run killed mid-write), and
        the articles in the manifest with a chunk whose text the keyword file lacks (it was
        deleted or damaged: they cannot be shown until read again from their files). Read in
        full only when :meth:`ChunkStore.has_orphan_chunks` says there are some."""
        manifest = self.store.manifest()
        held = self.store.keywords.chunk_ids()
        orphans: list[str] = []
        lost: set[str] = set()
        for chunk_id, metadata in self.store.chunk_records():
            article_id = str(metadata.get("article_id"))
            if article_id not in manifest:
                orphans.append(chunk_id)
            elif chunk_id not in held:
                lost.add(article_id)
        return sorted(orphans), sorted(lost)

    def _embed(self, unit: list[_Prepared]) -> _Vectors:
        """The unit's chunk vectors and the seconds they took; runs in the embedding worker."""
        texts = [search_text(article.title, chunk.text) for article, _, chunks, _ in unit for chunk in chunks]
        mark = time.perf_counter()
        vectors = self.embedding.get_text_embedding_batch(texts) if texts else []
        return vectors, time.perf_counter() - mark

    def _write_unit(self, unit: list[_Prepared], vectors: list[list[float]]) -> None:
        """Store the unit's chunks, then its articles' manifest records."""
        mark = time.perf_counter()
        # Replaced articles leave the manifest before their old chunks go (see ChunkStore).
        replaced = [article.article_id for article, replaces, _, _ in unit if replaces]
        if replaced:
            self.store.delete_articles(replaced)
        batch = []
        manifest = []
        position = 0
        for article, _, chunks, signatures in unit:
            own = vectors[position : position + len(chunks)]
            position += len(chunks)
            batch.append((article, chunks, own, signatures))
            manifest.append((article, chunks, _mean_vector(own)))
        self.store.write_chunks(batch)
        self.store.write_articles(manifest)
        self._time("write", mark)


def _leave_out(report: IndexReport, article_ids: list[str]) -> None:
    """Record a cancelled run's unwritten articles and drop them from added/updated."""
    left = set(article_ids)
    report.cancelled = True
    report.not_indexed = sorted(left)
    report.added = [article_id for article_id in report.added if article_id not in left]
    report.updated = [article_id for article_id in report.updated if article_id not in left]


def _mean_vector(vectors: list[list[float]]) -> list[float]:
    """The normalised mean of the article's chunk vectors, which a manifest written before
    :data:`index.store_manifest.MANIFEST_VECTOR` goes on storing."""
    matrix = np.asarray(vectors, dtype=np.float64)
    mean = matrix.mean(axis=0)
    norm = np.linalg.norm(mean)
    return (mean / norm if norm > 0 else mean).tolist()


def _is_gone(path: str, roots: list[Path], loaded_files: set[str]) -> bool:
    """Whether an indexed article under ``roots`` no longer exists.

    Its file is gone, or the file was read but no longer holds the record. A file that
    exists but could not be read this time keeps its indexed articles.
    """
    if not path:
        return False
    file = Path(path)
    if not any(file == root or root in file.parents for root in roots):
        return False
    return not file.exists() or path in loaded_files


def _unique_ids(articles: list[Article], manifest: dict[str, dict]) -> list[Article]:
    """Give same-named files in different folders distinct ids, stably.

    An id stays with the file that holds it in the index while that file exists; other
    files with the same name get ``<stem>~<hash of path>``.
    """
    owners = {
        article_id: metadata.get("path")
        for article_id, metadata in manifest.items()
        if metadata.get("path") and Path(metadata["path"]).exists()
    }
    claimed: dict[str, str] = {}
    out: list[Article] = []
    for article in articles:
        article_id = article.article_id
        owner = owners.get(article_id) or claimed.get(article_id)
        if owner is not None and owner != article.path:
            base, sep, record = article_id.partition("#")
            suffix = hashlib.sha1(article.path.encode()).hexdigest()[:8]
            article_id = f"{base}~{suffix}{sep}{record}"
            article = article.model_copy(update={"article_id": article_id})
        claimed.setdefault(article_id, article.path)
        out.append(article)
    return out
