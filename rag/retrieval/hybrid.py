"""Hybrid retrieval: dense (MiniLM in Chroma) and keyword (BM25) rankings, fused, collapsed, budgeted.

MiniLM scores ~42 on MTEB retrieval and is weak on exactly what news questions hinge on:
names, numbers and rare spellings. BM25 recovers those, reciprocal rank fusion combines
the two without calibrating their scores against each other, the duplicate collapse
keeps wire copies from filling the few prompt slots, and the token budget keeps the
prompt short enough for a 2-core machine.

Filters apply to both rankings with the one meaning :class:`rag.types.Filters` defines
(undated articles excluded by a date bound, publishers matched case-insensitively). Chroma's
``$in`` is case-sensitive, so the user's publisher names are first resolved to the spellings
actually stored before the dense query is sent.

The keyword ranking comes from one of two indexes (``retrieval.keyword_index``): ``memory``
rebuilds BM25 from every stored chunk whenever ``store.revision()`` changes; ``sqlite`` asks
the store's on-disk FTS5 index (:mod:`index.keywords`), which the store writes with every
change, filters in SQL and fetches only the ranked chunks. Either way an article is
searchable by keyword the moment the indexer has written it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np
from pydantic import BaseModel, Field

from rag.retrieval.bm25 import BM25Index, apply_mask, best_positions
from rag.retrieval.budget import fit_budget
from rag.retrieval.collapse import collapse_duplicates
from rag.retrieval.fusion import reciprocal_rank_fusion
from rag.settings import Settings
from rag.text.dates import question_period
from rag.types import Filters, Passage, Source, date_to_int, fold_source, int_to_date, search_text

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

AUTO_SQLITE_CHUNKS = 20_000
"""From this many chunks, ``retrieval.keyword_index = "auto"`` asks the on-disk index instead of
building BM25 in memory. Measured on generated archives: at 23,246 chunks a new process took
1.21 s to its first retrieval in memory against 0.29 s on disk; at 231,535 chunks 11.9 s against
0.75 s, and a chat server with 8 sessions (`rag bench load --data`) peaked at 4.4 GB in memory
against 3.27 GB on disk, answering 31 turns in 2 minutes against 44."""

WORKERS = 4
"""Threads for keyword searches run beside dense ones, shared by the conversations of a process
(each question uses one, for as long as its keyword search takes)."""
T = TypeVar("T")

PERIOD_DAYS_BEFORE = 1
"""A story dated the day before the named period (time zones, an evening edition) still counts."""
PERIOD_DAYS_AFTER = 14
"""News of a day or month is reported in it and in the days after: two weeks of slack."""


class KeywordSearch(Protocol):
    """What retrieval needs from the on-disk keyword index (``index.keywords.KeywordFile``)."""

    def search(self, query: str, top_k: int, filters: Filters | None = None) -> tuple[list[Passage], int]: ...

    def stored_spellings(self, names: Collection[str]) -> list[str]: ...

    def group_members(self, group_ids: Collection[str]) -> dict[str, list[Passage]]: ...

    def newest_date(self) -> dt.date | None: ...

    def count(self) -> int: ...


class PassageStore(Protocol):
    """What retrieval needs from ``index.store.ChunkStore``."""

    def all_passages(self) -> list[Passage]: ...

    def query(
        self, embedding: list[float], top_k: int, filters: Filters | None = None, revision: str | None = None
    ) -> list[Passage]: ...

    def revision(self) -> str: ...

    def keyword_index(self, revision: str | None = None) -> KeywordSearch: ...


class RetrievalTimings(BaseModel):
    embed_s: float = 0.0
    """Embedding the query."""
    dense_s: float = 0.0
    """The store's nearest-neighbour query."""
    keyword_s: float = 0.0
    """BM25 scoring and ranking (without a rebuild), on a thread of its own beside the embedding and
    the dense search: the question's whole time is less than the sum of the stages."""
    keyword_build_s: float = 0.0
    """Time spent rebuilding the keyword index on this call (0 when the cached one was current;
    with the on-disk index, the time to open it and repair it if it lagged the store)."""
    revision_s: float = 0.0
    """Time spent asking the store whether it changed."""
    assemble_s: float = 0.0
    """Fusion, duplicate collapse (including the group lookup) and the token budget."""


class RetrievalResult(BaseModel):
    query: str
    filters: Filters | None = None
    sources: list[Source] = Field(default_factory=list)
    """Numbered 1..n, duplicate groups collapsed, corroborating copies attached, within the budget."""
    candidates: list[Passage] = Field(default_factory=list)
    """The fused ranking (score = RRF score) before collapse and budget."""
    best_dense: float = 0.0
    """Highest cosine similarity among the dense hits (0 when there are none)."""
    keyword_hits: int = 0
    """Passages (within the filters) that share at least one query term: BM25 score > 0."""
    dense_scores: dict[str, float] = Field(default_factory=dict)
    """chunk id -> cosine similarity, for the dense hits."""
    keyword_scores: dict[str, float] = Field(default_factory=dict)
    """chunk id -> BM25 score, for the keyword hits that were ranked."""
    period: tuple[dt.date, dt.date] | None = None
    """The days the question names (:func:`rag.text.dates.question_period`), when it names some
    and the user set no date filter: passages from then were ranked a second time, within
    that window, and those rankings fused with the others."""
    context_tokens: int = 0
    """Tokens of the formatted sources (``rag.retrieval.budget.format_context``)."""
    seconds: float = 0.0
    timings: RetrievalTimings = Field(default_factory=RetrievalTimings)


@dataclass(frozen=True)
class KeywordIndex:
    """BM25 over every stored passage, plus per-passage filter fields as arrays."""

    revision: str
    passages: list[Passage]
    bm25: BM25Index
    dates: np.ndarray
    """YYYYMMDD, 0 where unknown."""
    sources: np.ndarray
    """Publisher, lowercased ("" where unknown)."""
    article_ids: np.ndarray
    stored_sources: frozenset[str]
    """Publisher names exactly as stored."""
    groups: dict[str, list[Passage]]
    """Duplicate group id -> its chunks, for groups spanning two or more articles. Read from
    here rather than ``store.group_members``: a filtered Chroma ``get`` per question took
    ~3 s on a 10k-chunk store, and this map is current for the same revision."""

    @classmethod
    def build(cls, revision: str, passages: list[Passage]) -> KeywordIndex:
        return cls(
            revision=revision,
            passages=passages,
            bm25=BM25Index.build([search_text(p.title, p.text) for p in passages]),
            dates=np.array([date_to_int(p.date) or 0 for p in passages], dtype=np.int64),
            sources=np.array([fold_source(p.source) for p in passages], dtype=object),
            article_ids=np.array([p.article_id for p in passages], dtype=object),
            stored_sources=frozenset(p.source for p in passages if p.source),
            groups=_shared_groups(passages),
        )

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Passages allowed by ``filters`` (None: all): :meth:`Filters.admits` over the columns."""
        if filters is None or not filters.active:
            return None
        return filters.admits_fields(self.dates, self.sources, self.article_ids, isin=np.isin)

    def ranked(self, query: str, top_k: int, filters: Filters | None) -> tuple[list[Passage], int]:
        """The ``top_k`` best passages within ``filters`` (score = BM25), and how many match at all."""
        scores = apply_mask(self.bm25.scores(query), self.mask(filters))
        top = best_positions(scores, top_k)
        return [self.passages[i].model_copy(update={"score": score}) for i, score in top], int(
            np.count_nonzero(scores > 0.0)
        )

    def newest_date(self) -> dt.date | None:
        return int_to_date(int(self.dates.max())) if len(self.dates) else None

    def stored_spellings(self, names: Collection[str]) -> list[str]:
        wanted = {fold_source(name) for name in names}
        return sorted(name for name in self.stored_sources if fold_source(name) in wanted)

    def group_members(self, groups: list[str], filters: Filters | None) -> dict[str, list[Passage]]:
        """Copies of each group's text; copies outside the filters are not shown as corroboration
        (a user who restricted the archive to one outlet or period sees only that)."""
        return {group: [p for p in self.groups.get(group, ()) if _admits(filters, p)] for group in groups}


@dataclass(frozen=True)
class DiskKeywords:
    """The same questions asked of the store's on-disk keyword index (``keyword_index="sqlite"``)."""

    revision: str
    index: KeywordSearch
    in_memory: bool = False
    """Whether the questions go to the in-memory BM25 instead (the file is then only where it
    reads its passages from)."""

    def ranked(self, query: str, top_k: int, filters: Filters | None) -> tuple[list[Passage], int]:
        return self.index.search(query, top_k, filters)

    def stored_spellings(self, names: Collection[str]) -> list[str]:
        return self.index.stored_spellings(names)

    def newest_date(self) -> dt.date | None:
        return self.index.newest_date()

    def group_members(self, groups: list[str], filters: Filters | None) -> dict[str, list[Passage]]:
        found = self.index.group_members(groups)
        return {group: [p for p in found.get(group, ()) if _admits(filters, p)] for group in groups}


def _shared_groups(passages: list[Passage]) -> dict[str, list[Passage]]:
    members: dict[str, list[Passage]] = {}
    for passage in passages:
        if passage.group_id:
            members.setdefault(passage.group_id, []).append(passage)
    return {group: found for group, found in members.items() if len({p.article_id for p in found}) > 1}


class HybridRetriever:
    """Thread-safe: several conversations may retrieve at once; the keyword index is shared."""

    def __init__(self, settings: Settings, store: PassageStore, embedding: BaseEmbedding) -> None:
        self.settings = settings
        self.store = store
        self.embedding = embedding
        self._keyword: KeywordIndex | None = None
        self._disk: DiskKeywords | None = None
        self._workers: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def keyword_index(
        self, timings: RetrievalTimings | None = None, revision: str | None = None
    ) -> KeywordIndex:
        """The BM25 index for the store's current revision (rebuilt when it has changed)."""
        timings = timings or RetrievalTimings()
        revision = revision or self._revision(timings)
        with self._lock:
            if self._keyword is None or self._keyword.revision != revision:
                started = time.perf_counter()
                self._keyword = KeywordIndex.build(revision, self.store.all_passages())
                timings.keyword_build_s = time.perf_counter() - started
            return self._keyword

    def keywords(self, timings: RetrievalTimings | None = None) -> KeywordIndex | DiskKeywords:
        """The keyword index the settings choose, current with the store."""
        timings = timings or RetrievalTimings()
        revision = self._revision(timings)
        with self._lock:
            if self._disk is None or self._disk.revision != revision:
                started = time.perf_counter()
                index = self.store.keyword_index(revision)
                self._disk = DiskKeywords(revision, index, self._in_memory(index))
                timings.keyword_build_s = time.perf_counter() - started
            disk = self._disk
        return self.keyword_index(timings, revision) if disk.in_memory else disk

    def _in_memory(self, index: KeywordSearch) -> bool:
        """Whether BM25 is built in memory (``retrieval.keyword_index``; ``auto``: below
        :data:`AUTO_SQLITE_CHUNKS` chunks)."""
        mode = self.settings.retrieval.keyword_index
        return mode == "memory" or (mode == "auto" and index.count() < AUTO_SQLITE_CHUNKS)

    def _beside(self, work: Callable[..., T], *args: Any) -> Future[tuple[T, float]]:
        """``work(*args)`` started on the retriever's worker threads; its result and its own seconds."""

        def timed() -> tuple[T, float]:
            mark = time.perf_counter()
            return work(*args), time.perf_counter() - mark

        with self._lock:
            if self._workers is None:
                self._workers = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="retrieval")
            workers = self._workers
        return workers.submit(timed)

    def _revision(self, timings: RetrievalTimings) -> str:
        started = time.perf_counter()
        revision = self.store.revision()
        timings.revision_s = time.perf_counter() - started
        return revision

    def run(self, query: str, filters: Filters | None = None) -> RetrievalResult:
        started = time.perf_counter()
        config = self.settings.retrieval
        timings = RetrievalTimings()
        result = RetrievalResult(query=query, filters=filters, timings=timings)
        if not query.strip():
            result.seconds = time.perf_counter() - started
            return result

        keyword = self.keywords(timings)
        store_filters = self._store_filters(filters, keyword)
        if store_filters is False:  # a source filter naming no stored publisher: nothing can match
            result.seconds = time.perf_counter() - started
            return result

        # The keyword search runs beside the query's embedding and the dense search: SQLite, the
        # embedding model and Chroma each leave Python's lock while they work, so the question
        # waits for the slower of the two instead of both.
        ranked = self._beside(keyword.ranked, query, config.keyword_top_k, filters)

        mark = time.perf_counter()
        vector = self.embedding.get_query_embedding(query)
        timings.embed_s = time.perf_counter() - mark

        mark = time.perf_counter()
        dense = [
            p
            for p in self.store.query(vector, config.dense_top_k, store_filters, keyword.revision)
            if _admits(filters, p)
        ]
        timings.dense_s = time.perf_counter() - mark

        (lexical, keyword_hits), timings.keyword_s = ranked.result()

        rankings = [dense, lexical]
        result.period = self._period(query, filters, keyword)
        if result.period is not None:
            rankings += self._within_period(
                vector, query, result.period, filters, store_filters, keyword, timings
            )

        mark = time.perf_counter()
        candidates = reciprocal_rank_fusion(rankings, k=config.rrf_k)
        collapsed = collapse_duplicates(candidates, lambda groups: keyword.group_members(groups, filters))
        budgeted = fit_budget(
            collapsed,
            context_tokens=config.context_tokens,
            max_sources=config.max_sources,
            per_article=config.per_article,
        )
        timings.assemble_s = time.perf_counter() - mark

        result.sources = budgeted.sources
        result.candidates = candidates
        result.best_dense = max((p.score for p in dense), default=0.0)
        result.keyword_hits = keyword_hits
        result.dense_scores = {p.chunk_id: p.score for p in dense}
        result.keyword_scores = {p.chunk_id: p.score for p in lexical}
        result.context_tokens = budgeted.tokens
        result.seconds = time.perf_counter() - started
        return result

    def _period(
        self, query: str, filters: Filters | None, keyword: KeywordIndex | DiskKeywords
    ) -> tuple[dt.date, dt.date] | None:
        """The days the question names, unless the user chose dates (their filter wins)."""
        if not self.settings.retrieval.question_dates or (filters and (filters.since or filters.until)):
            return None
        return question_period(query, keyword.newest_date)

    def _within_period(
        self,
        vector: list[float],
        query: str,
        period: tuple[dt.date, dt.date],
        filters: Filters | None,
        store_filters: Filters | None,
        keyword: KeywordIndex | DiskKeywords,
        timings: RetrievalTimings,
    ) -> list[list[Passage]]:
        """Both rankings again, restricted to the window around ``period``: fused with the
        unrestricted ones, a passage from then counts twice, and an older explainer still
        competes (a hard filter lost them: see ``RetrievalSettings.question_dates``)."""
        window = {
            "since": period[0] - dt.timedelta(days=PERIOD_DAYS_BEFORE),
            "until": period[1] + dt.timedelta(days=PERIOD_DAYS_AFTER),
        }
        config = self.settings.retrieval
        ranked = self._beside(
            keyword.ranked, query, config.keyword_top_k, (filters or Filters()).model_copy(update=window)
        )
        mark = time.perf_counter()
        dense_filters = (store_filters or Filters()).model_copy(update=window)
        dense = [
            p
            for p in self.store.query(vector, config.dense_top_k, dense_filters, keyword.revision)
            if _admits(filters, p)
        ]
        timings.dense_s += time.perf_counter() - mark
        (lexical, _), seconds = ranked.result()
        timings.keyword_s += seconds
        return [dense, lexical]

    @staticmethod
    def _store_filters(
        filters: Filters | None, keyword: KeywordIndex | DiskKeywords
    ) -> Filters | None | bool:
        """``filters`` with source names replaced by their stored spellings; False if none exist."""
        if filters is None or not filters.sources:
            return filters
        stored = keyword.stored_spellings(filters.sources)
        if not stored:
            return False
        return filters.model_copy(update={"sources": stored})


def _admits(filters: Filters | None, passage: Passage) -> bool:
    return filters is None or filters.admits(passage)
