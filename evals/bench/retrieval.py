"""Retrieval latency on the bundled corpus and keyword-index build time at archive scale.

    rag bench retrieval [--rounds 3] [--articles 2000] [--store-scale] [--json out.json]

The bundled corpus is indexed into a temporary Chroma store with the real embedding; each
golden question (``evals/golden.jsonl``) is then timed dense-only (query embedding + Chroma
query), keyword-only (BM25 over the cached index) and end to end (``HybridRetriever.run``:
both, fusion, duplicate collapse with the group lookup, token budget). The first round is a
warm-up and is not counted. Build time is measured on a synthetic archive of ``--articles``
articles (:func:`evals.bench.common.write_corpus`: the corpus's own sentences with other
names and numbers), chunked by the product's chunker, so the chunk count and length match
what indexing would produce.

``--store-scale`` also indexes that synthetic archive into a temporary Chroma store and
times what a question costs there (store revision check, keyword-index rebuild after a
change, dense query, assembly). Its vectors come from a hash of the text, not from the
model: HNSW search time does not depend on what the vectors mean, and embedding 10k chunks
with the real model would take ~10 minutes on two cores. Its relevance means nothing.
Indexing the archive (chunking, duplicate detection, Chroma writes) takes several minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from evals.bench.common import Figure, Results, percentile, write_corpus
from evals.golden import load_golden
from index.chunking import Chunker
from index.loaders import load_paths
from index.pipeline import Indexer
from index.store import ChunkStore
from rag.models.embedding import build_embedding
from rag.retrieval.bm25 import BM25Index
from rag.retrieval.hybrid import HybridRetriever
from rag.settings import Settings, load_settings
from rag.types import search_text

STAGES = ("dense", "keyword", "fused", "revision")


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": 1000 * statistics.median(values),
        "p95_ms": 1000 * percentile(values, 95, nearest_rank=True),
        "max_ms": 1000 * max(values),
    }


def latency(settings: Settings, questions: list[str], rounds: int) -> tuple[dict[str, object], dict]:
    """Per-stage figures on the bundled corpus, and the samples behind them (seconds)."""
    embedding = build_embedding(settings)
    store = ChunkStore.open(settings, embedding)
    started = time.perf_counter()
    report = Indexer(settings, store, embedding).run([settings.corpus_dir])
    index_s = time.perf_counter() - started
    retriever = HybridRetriever(settings, store, embedding)
    keyword = retriever.keyword_index()
    k = settings.retrieval
    times: dict[str, list[float]] = {name: [] for name in STAGES}
    for round_number in range(rounds + 1):
        for question in questions:
            t0 = time.perf_counter()
            store.query(embedding.get_query_embedding(question), k.dense_top_k, None)
            t1 = time.perf_counter()
            keyword.bm25.top_k(question, k.keyword_top_k)
            t2 = time.perf_counter()
            result = retriever.run(question)
            t3 = time.perf_counter()
            if round_number:  # round 0 warms caches
                times["dense"].append(t1 - t0)
                times["keyword"].append(t2 - t1)
                times["fused"].append(t3 - t2)
                times["revision"].append(result.timings.revision_s)
    passages = store.all_passages()
    started = time.perf_counter()
    BM25Index.build([search_text(p.title, p.text) for p in passages])
    build_s = time.perf_counter() - started
    figures = {
        "chunks": len(passages),
        "articles": report.articles_total,
        "index_s": index_s,
        "bm25_build_ms": 1000 * build_s,
        **{name: summary(values) for name, values in times.items()},
    }
    return figures, times


def build_time(settings: Settings, questions: list[str], articles: int, folder: Path) -> dict[str, object]:
    write_corpus(folder, articles)
    cfg = settings.chunking
    chunker = Chunker(cfg.chunk_tokens, cfg.overlap_tokens, cfg.encoding)
    loaded = load_paths([folder], max_file_mb=settings.ingest.max_file_mb).articles
    texts = [search_text(article.title, chunk.text) for article in loaded for chunk in chunker.chunk(article)]
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        index = BM25Index.build(texts)
        runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    for question in questions:
        index.top_k(question, settings.retrieval.keyword_top_k)
    query_s = (time.perf_counter() - started) / len(questions)
    return {
        "articles": articles,
        "chunks": len(texts),
        "build_ms_best": 1000 * min(runs),
        "build_ms_median": 1000 * statistics.median(runs),
        "query_ms_mean": 1000 * query_s,
        "vocabulary": len(index.vocabulary),
    }


class HashEmbedding(BaseEmbedding):
    """Unit vectors seeded by the text's hash: store timing only, never relevance."""

    def _vector(self, text: str) -> list[float]:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(384)
        return (vector / np.linalg.norm(vector)).tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)


def store_scale(settings: Settings, questions: list[str], corpus: Path) -> dict[str, object]:
    """Questions against a Chroma store of the synthetic archive in ``corpus`` (hash vectors)."""
    embedding = HashEmbedding(model_name="hash-for-timing")
    store = ChunkStore.open(settings, embedding)
    started = time.perf_counter()
    report = Indexer(settings, store, embedding).run([corpus])
    index_s = time.perf_counter() - started
    retriever = HybridRetriever(settings, store, embedding)
    started = time.perf_counter()
    passages = store.all_passages()
    all_passages_s = time.perf_counter() - started
    started = time.perf_counter()
    retriever.keyword_index()
    rebuild_s = time.perf_counter() - started
    runs = [retriever.run(question) for question in questions]
    steps = {
        name: summary([getattr(r.timings, f"{name}_s") for r in runs])
        for name in ("revision", "dense", "keyword", "assemble")
    }
    return {
        "articles": report.articles_total,
        "chunks": len(passages),
        "index_s": index_s,
        "all_passages_s": all_passages_s,
        "keyword_rebuild_s": rebuild_s,
        "run": summary([r.seconds for r in runs]),
        **steps,
    }


def results(figures: dict, times: dict[str, list[float]], rounds: int) -> Results:
    lat, scale = figures["latency"], figures["bm25_scale"]
    dense = lat["dense"]
    rows = [Figure("bundled corpus indexing", lat["index_s"], "s")]
    for name in STAGES:
        row = lat[name]
        base = (dense["p50_ms"], "dense") if name == "fused" else (None, "")
        rows.append(Figure(f"{name} p50", row["p50_ms"], "ms", *base))
        base = (dense["p95_ms"], "dense") if name == "fused" else (None, "")
        rows.append(Figure(f"{name} p95", row["p95_ms"], "ms", *base))
    rows += [
        Figure(f"BM25 build, {lat['chunks']} chunks", lat["bm25_build_ms"], "ms"),
        Figure(
            f"BM25 build, {scale['chunks']} chunks (median of 3)",
            scale["build_ms_median"],
            "ms",
            lat["bm25_build_ms"],
            "bundled corpus",
        ),
        Figure(f"BM25 query at {scale['chunks']} chunks", scale["query_ms_mean"], "ms"),
    ]
    if "store_scale" in figures:
        big = figures["store_scale"]
        rows += [
            Figure("store scale: all_passages", big["all_passages_s"], "s"),
            Figure("store scale: keyword rebuild", big["keyword_rebuild_s"], "s"),
        ]
        for name in ("revision", "dense", "keyword", "assemble", "run"):
            rows.append(Figure(f"store scale: {name} p50", big[name]["p50_ms"], "ms"))
            rows.append(Figure(f"store scale: {name} p95", big[name]["p95_ms"], "ms"))
    notes = [
        f"bundled corpus: {lat['articles']} articles, {lat['chunks']} chunks; "
        f"{figures['questions']} golden questions x {rounds} rounds (after one warm-up round)",
        f"synthetic archive: {scale['articles']} articles, {scale['chunks']} chunks, "
        f"vocabulary {scale['vocabulary']}",
    ]
    title = "Retrieval latency per stage (bundled corpus) and keyword index at archive scale"
    return Results("retrieval", title, rows, figures, series=times, notes=notes)


def run(args: argparse.Namespace) -> Results:
    questions = [item.question for item in load_golden()]
    rounds = max(1, args.rounds)
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        corpus = Path(tmp) / "synthetic"
        lat, times = latency(settings, questions, rounds)
        figures = {
            "questions": len(questions),
            "latency": lat,
            "bm25_scale": build_time(settings, questions, args.articles, corpus),
        }
        if args.store_scale:
            scaled = settings.with_overrides(data_dir=str(Path(tmp) / "scale"))
            figures["store_scale"] = store_scale(scaled, questions, corpus)
    return results(figures, times, rounds)
