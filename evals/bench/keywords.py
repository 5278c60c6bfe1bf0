"""The two keyword indexes side by side: in memory (BM25 rebuilt per process) and on disk (SQLite FTS5).

    rag bench keywords [--articles 10000] [--rounds 2] [--wikinews PATH]

Three archives, each indexed into a temporary store by the real pipeline (:class:`index.pipeline.Indexer`):
the bundled corpus and the Wikinews articles (``$RAG_WIKINEWS_PATH`` or the shared evaluation data;
left out when absent) with the real embedding, and a synthetic archive of ``--articles`` articles
(:func:`evals.bench.common.write_corpus`) with hash vectors (timing only: its relevance means nothing).
For each, with ``retrieval.keyword_index`` ``memory`` (the baseline) and ``sqlite``:

* cold start: opening the store and a new retriever to the first keyword result (median of 3,
  the two settings alternating; in one process, so imports and the OS file cache are shared);
* keyword query time, p50/p95 over the questions (golden questions; on Wikinews its own), without
  and with a date filter (Wikinews: each question's window; otherwise the year 2017), after a
  warm-up round; and the whole ``HybridRetriever.run`` p50;
* on the synthetic archive: the keyword side of adding one article (the on-disk index's write
  during indexing, against the in-memory rebuild the next question pays);
* quality: the golden set's retrieval figures (hit@4, recall@4, MRR on the sources a question
  gets, as ``rag eval`` scores them, without the model) and the Wikinews product ranking
  (hit@1 / hit@10 / MRR@10 without and with the window, and whether the answering article is
  among the prompt's sources).

Takes about 17 minutes at 10,000 articles on a busy two-core machine, 13 of them indexing the synthetic
archive; --articles 0 about 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.bench.common import Figure, Results, write_corpus
from evals.bench.retrieval import HashEmbedding, summary
from evals.golden import load_golden
from evals.metrics.retrieval import RetrievalMetric
from evals.wikinews.data import date_window, default_data_path, load_articles, load_questions
from evals.wikinews.ranking import first_occurrence, rank_of, summarise
from index.pipeline import Indexer
from index.store import ChunkStore
from rag.models.embedding import build_embedding
from rag.retrieval.hybrid import HybridRetriever
from rag.settings import Settings, load_settings
from rag.types import Filters

MODES = ("memory", "sqlite")
YEAR_2017 = Filters(since=dt.date(2017, 1, 1), until=dt.date(2017, 12, 31))


def _mode(settings: Settings, mode: str) -> Settings:
    return settings.with_overrides(**{"retrieval.keyword_index": mode})


def cold_start(settings: Settings, embedding: Any, question: str) -> dict[str, float]:
    """Seconds from opening the store to the first keyword result, per setting (median of 3)."""
    runs: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(3):
        for mode in MODES:
            started = time.perf_counter()
            store = ChunkStore.open(settings)
            retriever = HybridRetriever(_mode(settings, mode), store, embedding)
            retriever.keywords().ranked(question, settings.retrieval.keyword_top_k, None)
            runs[mode].append(time.perf_counter() - started)
    return {mode: statistics.median(values) for mode, values in runs.items()}


def query_times(
    settings: Settings, store: ChunkStore, embedding: Any, questions: list[tuple[str, Filters]], rounds: int
) -> dict[str, dict]:
    """Keyword-stage time without and with each question's date filter, and ``run`` time, per setting."""
    out: dict[str, dict] = {}
    k = settings.retrieval.keyword_top_k
    for mode in MODES:
        retriever = HybridRetriever(_mode(settings, mode), store, embedding)
        plain: list[float] = []
        dated: list[float] = []
        whole: list[float] = []
        for round_number in range(rounds + 1):
            for question, window in questions:
                keywords = retriever.keywords()
                t0 = time.perf_counter()
                keywords.ranked(question, k, None)
                t1 = time.perf_counter()
                keywords.ranked(question, k, window)
                t2 = time.perf_counter()
                result = retriever.run(question)
                if round_number:
                    plain.append(t1 - t0)
                    dated.append(t2 - t1)
                    whole.append(result.seconds)
        out[mode] = {"keyword": summary(plain), "keyword_dated": summary(dated), "run": summary(whole)}
    return out


def golden_quality(settings: Settings, store: ChunkStore, embedding: Any) -> dict[str, dict[str, float]]:
    metric = RetrievalMetric(k=settings.retrieval.max_sources)
    items = [item for item in load_golden() if item.answerable]
    out = {}
    for mode in MODES:
        retriever = HybridRetriever(_mode(settings, mode), store, embedding)
        scores = [metric.run(retriever.run(i.question).sources, i.supporting_articles) for i in items]
        found = [s for s in scores if s is not None]
        out[mode] = {
            "hit@4": sum(s.hit for s in found) / len(found),
            "recall@4": sum(s.recall for s in found) / len(found),
            "mrr": sum(s.reciprocal_rank for s in found) / len(found),
            "questions": len(found),
        }
    return out


def wikinews_quality(
    settings: Settings, store: ChunkStore, embedding: Any, articles: list
) -> dict[str, dict]:
    by_url = {article.url: article.id for article in articles}
    to_dataset = {a.article_id: by_url.get(a.url or "", a.article_id) for a in store.articles()}
    questions = load_questions()
    out: dict[str, dict] = {}
    for mode in MODES:
        retriever = HybridRetriever(_mode(settings, mode), store, embedding)
        figures: dict[str, Any] = {}
        for name in ("none", "window"):
            ranks, in_prompt = [], 0
            for question in questions:
                window = date_window(question.date)
                filters = Filters(since=window[0], until=window[1]) if name == "window" else None
                result = retriever.run(question.question, filters)
                ranking = first_occurrence(
                    [to_dataset.get(p.article_id, p.article_id) for p in result.candidates]
                )
                ranks.append(rank_of(ranking, question.relevant))
                prompt = {to_dataset.get(s.passage.article_id, s.passage.article_id) for s in result.sources}
                in_prompt += bool(prompt & question.relevant)
            figures[name] = {**summarise(ranks), "in_prompt": in_prompt / len(questions)}
        out[mode] = figures
    return out


def add_one_article(settings: Settings, store: ChunkStore, embedding: Any, folder: Path) -> dict[str, float]:
    """The keyword side of indexing one more article: the on-disk write against the in-memory rebuild."""
    memory = HybridRetriever(_mode(settings, "memory"), store, embedding)
    disk = HybridRetriever(_mode(settings, "sqlite"), store, embedding)
    memory.keywords(), disk.keywords()  # both current before the write
    path = folder / "one_more.txt"
    path.write_text(
        "Engineers reopened the Tabqa dam\n\n2021-03-02\n\nRAQQA (AFP) - Engineers reopened the Tabqa dam on "
        "the Euphrates on Tuesday after repairs to its spillway gates, the local water authority said.\n",
        encoding="utf-8",
    )
    writes: list[float] = []
    real_apply = store.keywords.apply

    def timed_apply(*args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        real_apply(*args, **kwargs)
        writes.append(time.perf_counter() - started)

    store.keywords.apply = timed_apply  # type: ignore[method-assign]
    started = time.perf_counter()
    Indexer(settings, store, embedding).run([path])
    index_s = time.perf_counter() - started
    del store.keywords.apply
    timings = {}
    for mode, retriever in (("memory", memory), ("sqlite", disk)):
        result = retriever.run("Tabqa dam spillway")
        assert any(p.article_id == "one_more" for p in result.candidates), (
            f"{mode}: the new article is not found"
        )
        timings[mode] = result.timings.keyword_build_s
    return {
        "index_s": index_s,
        "sqlite_write_s": sum(writes),
        "sqlite_next_question_s": timings["sqlite"],
        "memory_rebuild_s": timings["memory"],
    }


def measure_tier(
    name: str,
    settings: Settings,
    embedding: Any,
    paths: list[Path],
    questions: list[tuple[str, Filters]],
    rounds: int,
    extra: Callable[[ChunkStore], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    store = ChunkStore.open(settings, embedding)
    started = time.perf_counter()
    report = Indexer(settings, store, embedding).run(paths)
    figures: dict[str, Any] = {
        "tier": name,
        "articles": report.articles_total,
        "chunks": report.chunks_total,
        "index_s": time.perf_counter() - started,
        "keyword_file_bytes": store.keywords.path.stat().st_size,
        "store_bytes": store.size_on_disk(),
        "cold_start_s": cold_start(settings, embedding, questions[0][0]),
        "query": query_times(settings, store, embedding, questions, rounds),
    }
    if extra is not None:
        figures.update(extra(store))
    print(f"  measured {name}: {figures['articles']} articles, {figures['chunks']} chunks", flush=True)
    return figures


def tier_rows(tier: dict[str, Any]) -> list[Figure]:
    label = f"{tier['tier']} ({tier['chunks']:,} chunks)"
    cold = tier["cold_start_s"]
    rows = [
        Figure(f"{label}: cold start to first keyword result", cold["sqlite"], "s", cold["memory"], "memory")
    ]
    query = tier["query"]
    for key, what in (
        ("keyword", "keyword query"),
        ("keyword_dated", "keyword query, date filter"),
        ("run", "run"),
    ):
        for stat in ("p50_ms", "p95_ms") if key != "run" else ("p50_ms",):
            rows.append(
                Figure(
                    f"{label}: {what} {stat[:3]}",
                    query["sqlite"][key][stat],
                    "ms",
                    query["memory"][key][stat],
                    "memory",
                )
            )
    return rows


def quality_rows(golden: dict, wikinews: dict | None) -> list[Figure]:
    rows = [
        Figure(f"golden retrieval {metric}", golden["sqlite"][metric], "", golden["memory"][metric], "memory")
        for metric in ("hit@4", "recall@4", "mrr")
    ]
    if wikinews:
        for name in ("none", "window"):
            for metric in ("hit@1", "hit@10", "mrr@10", "in_prompt"):
                rows.append(
                    Figure(
                        f"wikinews {metric} ({'no filter' if name == 'none' else 'date window'})",
                        wikinews["sqlite"][name][metric],
                        "",
                        wikinews["memory"][name][metric],
                        "memory",
                    )
                )
    return rows


def run(args: argparse.Namespace) -> Results:
    rounds = max(1, args.rounds)
    golden = [item.question for item in load_golden()]
    wikinews_path = args.wikinews or default_data_path()
    with tempfile.TemporaryDirectory(prefix="rag-bench-keywords-") as tmp:
        root = Path(tmp)
        settings = load_settings(data_dir=root / "bundled")
        embedding = build_embedding(settings)
        tiers = []
        raw: dict[str, Any] = {"rounds": rounds}
        holder: dict[str, Any] = {}

        def bundled_quality(store: ChunkStore) -> dict[str, Any]:
            holder["golden"] = golden_quality(settings, store, embedding)
            return {}

        tiers.append(
            measure_tier(
                "bundled corpus",
                settings,
                embedding,
                [settings.corpus_dir],
                [(q, YEAR_2017) for q in golden],
                rounds,
                bundled_quality,
            )
        )
        if wikinews_path.is_file():
            articles = load_articles(wikinews_path)
            wiki = settings.with_overrides(data_dir=str(root / "wikinews"))
            questions = [
                (q.question, Filters(since=w[0], until=w[1]))
                for q in load_questions()
                for w in [date_window(q.date)]
            ]

            def wiki_quality(store: ChunkStore) -> dict[str, Any]:
                holder["wikinews"] = wikinews_quality(wiki, store, embedding, articles)
                return {}

            tiers.append(
                measure_tier("Wikinews", wiki, embedding, [wikinews_path], questions, rounds, wiki_quality)
            )
        else:
            raw["wikinews"] = f"not found at {wikinews_path}: left out"
        if args.articles > 0:
            corpus = root / "synthetic"
            write_corpus(corpus, args.articles)
            big = settings.with_overrides(data_dir=str(root / "synthetic-store"))
            hashed = HashEmbedding(model_name="hash-for-timing")
            extra_folder = root / "one-more"
            extra_folder.mkdir()
            tiers.append(
                measure_tier(
                    f"synthetic {args.articles:,} articles",
                    big,
                    hashed,
                    [corpus],
                    [(q, YEAR_2017) for q in golden],
                    rounds,
                    lambda store: {"add_one": add_one_article(big, store, hashed, extra_folder)},
                )
            )
    raw.update(tiers=tiers, golden=holder["golden"], wikinews=holder.get("wikinews"))
    rows = [row for tier in tiers for row in tier_rows(tier)]
    for tier in tiers:
        if "add_one" in tier:
            add = tier["add_one"]
            rows.append(
                Figure(
                    f"{tier['tier']}: keyword side of adding one article",
                    add["sqlite_write_s"] + add["sqlite_next_question_s"],
                    "s",
                    add["memory_rebuild_s"],
                    "memory rebuild",
                )
            )
    rows += quality_rows(holder["golden"], holder.get("wikinews"))
    notes = [
        "each figure is the on-disk index (sqlite); its baseline the in-memory BM25 (memory), measured in the same run",
        "date filter: each Wikinews question's window [-14 d, +1 d]; otherwise the year 2017",
        *(
            f"{t['tier']}: {t['articles']:,} articles indexed in {t['index_s']:.0f} s; keyword file "
            f"{t['keyword_file_bytes'] / 2**20:.1f} MiB, whole store {(t['store_bytes'] or 0) / 2**20:.1f} MiB"
            for t in tiers
        ),
    ]
    title = "Keyword index: on disk (SQLite FTS5) against in memory (BM25)"
    return Results("keywords", title, rows, raw, notes=notes)
