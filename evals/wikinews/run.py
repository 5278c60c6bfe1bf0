"""One benchmark run: index the articles with ``rag index`` into a temporary store, rank every question."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from evals.wikinews.baselines import Baselines
from evals.wikinews.data import (
    DAYS_AFTER,
    DAYS_BEFORE,
    REPO_ROOT,
    DataError,
    WikinewsQuestion,
    date_window,
    load_articles,
    missing_message,
)
from evals.wikinews.ranking import FILTERS, first_occurrence, rank_of, reciprocal_rank_fusion, results_of
from rag.components import Components
from rag.retrieval import HybridRetriever
from rag.settings import load_settings
from rag.text.dates import question_period
from rag.types import Filters


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def index_with_cli(articles_path: Path) -> dict:
    """``rag index PATH --json`` into the store the current environment names; its report."""
    command = [sys.executable, "-m", "rag.cli", "index", str(articles_path), "--json"]
    done = subprocess.run(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode not in (0, 3):  # 3: indexed, some records skipped (reported below)
        raise DataError(
            f"rag index {articles_path} failed (exit status {done.returncode}); see its message above"
        )
    return json.loads(done.stdout)


def product_rankings(
    retriever: HybridRetriever, question: str, filters, to_dataset: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """(article ranking from the fused candidates, articles of the prompt sources)."""
    result = retriever.run(question, filters)
    ranking = first_occurrence([to_dataset.get(p.article_id, p.article_id) for p in result.candidates])
    sources = [to_dataset.get(s.passage.article_id, s.passage.article_id) for s in result.sources]
    return ranking, sources


@contextmanager
def indexed_store(articles_path: Path, work_dir: Path) -> Iterator[tuple[dict, float]]:
    """The articles indexed by ``rag index`` into ``work_dir``, which the environment names as the
    store while the block runs: (the index report, its seconds)."""
    store_env = {
        "RAG_DATA_DIR": str(work_dir / "data"),
        "RAG_STORE__MODE": "embedded",
        "RAG_STORE__PATH": str(work_dir / "data" / "chroma"),
    }
    with _environment(store_env):
        mark = time.perf_counter()
        index_report = index_with_cli(articles_path)
        yield index_report, time.perf_counter() - mark


# -- the run -------------------------------------------------------------------------------
def run_benchmark(articles_path: Path, questions: Sequence[WikinewsQuestion], work_dir: Path) -> dict:
    """Index into ``work_dir``, rank every question by every method, with and without the window."""
    started = time.perf_counter()
    articles = load_articles(articles_path)
    known = {a.id for a in articles}
    unknown = sorted({i for q in questions for i in q.relevant} - known)
    if unknown:
        raise DataError(
            f"{len(unknown)} answering articles are not in {articles_path} (a different version?), "
            f"e.g. {unknown[0]!r}. {missing_message(articles_path)}"
        )
    with indexed_store(articles_path, work_dir) as (index_report, index_s):
        settings = load_settings()
        components = Components(settings)
        retriever = HybridRetriever(settings, components.store, components.embedding)
        no_dates = settings.with_overrides(**{"retrieval.question_dates": False})
        retriever_no_dates = HybridRetriever(no_dates, components.store, components.embedding)
        by_url = {a.url: a.id for a in articles}
        passages = components.store.all_passages()
        to_dataset = {p.article_id: by_url.get(p.url or "", p.article_id) for p in passages}
        mark = time.perf_counter()
        baselines = Baselines(articles, components.embedding)
        baseline_s = time.perf_counter() - mark

        per_question = []
        mark = time.perf_counter()
        for question in questions:
            vector = components.embedding.get_query_embedding(question.question)
            row: dict[str, object] = {
                "id": question.id,
                "kind": question.kind,
                "style": question.style,
                "names_time": question_period(question.question, lambda: None) is not None,
            }
            for name in FILTERS:
                window = date_window(question.date) if name == "window" else None
                allowed = baselines.allowed(window)
                filters = Filters(since=window[0], until=window[1]) if window else None
                bm25 = baselines.bm25_ranking(question.question, allowed)
                dense = baselines.dense_ranking(vector, allowed)
                product, sources = product_rankings(retriever, question.question, filters, to_dataset)
                product_no_dates, _ = product_rankings(
                    retriever_no_dates, question.question, filters, to_dataset
                )
                rankings = {
                    "bm25": bm25,
                    "dense": dense,
                    "rrf": reciprocal_rank_fusion([bm25, dense]),
                    "product_no_dates": product_no_dates,
                    "product": product,
                }
                for method, ranking in rankings.items():
                    row[f"{method}/{name}"] = rank_of(ranking, question.relevant)
                row[f"prompt/{name}"] = any(a in question.relevant for a in sources)
            per_question.append(row)
        questions_s = time.perf_counter() - mark

    config = settings.retrieval
    return {
        "data": {"path": str(articles_path), "articles": len(articles)},
        "questions": len(questions),
        "question_articles": len({q.article_id for q in questions}),
        "index": {
            "articles": index_report.get("articles_total"),
            "chunks": len(passages),
            "skipped": len(index_report.get("skipped", [])),
            "seconds": round(index_s, 1),
        },
        "settings": {
            "dense_top_k": config.dense_top_k,
            "keyword_top_k": config.keyword_top_k,
            "rrf_k": config.rrf_k,
            "question_dates": config.question_dates,
            "max_sources": config.max_sources,
            "chunk_tokens": settings.chunking.chunk_tokens,
            "window_days": [-DAYS_BEFORE, DAYS_AFTER],
        },
        "results": results_of(per_question),
        "by_style": {
            style: {"questions": len(rows), **results_of(rows)}
            for style, wanted in (
                ("named", lambda row: row["style"] == "named"),
                ("descriptive", lambda row: row["style"] == "descriptive"),
                ("naming a time", lambda row: row["names_time"]),
            )
            if (rows := [row for row in per_question if wanted(row)])
        },
        "seconds": {
            "index": round(index_s, 1),
            "baselines": round(baseline_s, 1),
            "questions": round(questions_s, 1),
            "total": round(time.perf_counter() - started, 1),
        },
        "per_question": per_question,
    }
