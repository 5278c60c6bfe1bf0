"""Indexing throughput on a synthetic news corpus: ``rag bench ingest --articles 2000``.

The corpus (:func:`evals.bench.common.write_corpus`) recombines sentences of the bundled
articles with other numbers, places and names. The figures compare the whole pipeline with
the embedding model alone on the same chunk texts, which shows what loading, chunking,
grouping and Chroma writes add on top of the model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from evals.bench.common import Figure, Results, peak_rss_bytes, write_corpus
from index.pipeline import Indexer
from index.store import ChunkStore
from rag.models.embedding import build_embedding
from rag.settings import load_settings


def measure(articles: int, seed: int, raw_limit: int | None, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as scratch:
        root = keep or Path(scratch)
        corpus = root / "corpus"
        write_corpus(corpus, articles, seed)
        settings = load_settings("default", data_dir=root / "data")
        embedding = build_embedding(settings)
        store = ChunkStore.open(settings, embedding)

        first = Indexer(settings, store, embedding).run([corpus], progress=_progress)
        print(file=sys.stderr)
        second = Indexer(settings, store, embedding).run([corpus])

        texts = [passage.text for passage in store.all_passages()]
        if raw_limit:
            texts = texts[:raw_limit]
        tokens = (
            sum(embedding.count_tokens(text) for text in texts)
            if hasattr(embedding, "count_tokens")
            else None
        )
        started = time.perf_counter()
        embedding.get_text_embedding_batch(texts)
        raw_seconds = time.perf_counter() - started
        raw_chunks_per_s = len(texts) / raw_seconds
        size = store.size_on_disk()

    tiktoken_per_chunk = first.tokens_embedded / max(1, first.chunks_added)
    return {
        "articles": len(first.added),
        "chunks": first.chunks_added,
        "tokens": first.tokens_embedded,
        "duplicate_groups": first.duplicate_groups,
        "seconds": round(first.seconds, 2),
        "chunks_per_s": round(first.chunks_per_s, 2),
        "tokens_per_s": round(first.tokens_per_s, 1),
        "stage_seconds": {k: round(v, 2) for k, v in first.stage_seconds.items()},
        "raw_embedding": {
            "chunks": len(texts),
            "seconds": round(raw_seconds, 2),
            "chunks_per_s": round(raw_chunks_per_s, 2),
            "tokens_per_s": round(raw_chunks_per_s * tiktoken_per_chunk, 1),
            "model_word_pieces": tokens,
        },
        "pipeline_vs_raw": round(first.chunks_per_s / raw_chunks_per_s, 3),
        "second_run_seconds": round(second.seconds, 2),
        "second_run_unchanged": len(second.unchanged),
        "store_bytes": size,
        "peak_rss_bytes": peak_rss_bytes(),
    }


def _progress(event) -> None:
    if event.phase == "embedding":
        print(
            f"\r{event.articles_done}/{event.articles_total} articles, {event.chunks} chunks, "
            f"{event.chunks_per_s:.1f} chunks/s",
            end="",
            file=sys.stderr,
            flush=True,
        )


def results(figures: dict) -> Results:
    raw = figures["raw_embedding"]
    alone = "model alone"
    rows = [
        Figure("articles", figures["articles"]),
        Figure("chunks", figures["chunks"]),
        Figure("tokens (tiktoken)", figures["tokens"]),
        Figure("duplicate groups", figures["duplicate_groups"]),
        Figure("indexing time", figures["seconds"], "s"),
        Figure("chunks/s", figures["chunks_per_s"], "", raw["chunks_per_s"], alone),
        Figure("tokens/s", figures["tokens_per_s"], "", raw["tokens_per_s"], alone),
        *(Figure(f"stage {name}", seconds, "s") for name, seconds in figures["stage_seconds"].items()),
        Figure(
            "second run (nothing changed)",
            figures["second_run_seconds"],
            "s",
            figures["seconds"],
            "first run",
        ),
        Figure("store on disk", figures["store_bytes"] / 2**20, "MiB"),
        Figure("peak memory", figures["peak_rss_bytes"] / 2**20, "MiB"),
    ]
    notes = [
        f"model alone: {raw['chunks']} chunk texts embedded in {raw['seconds']} s",
        f"second run: {figures['second_run_unchanged']} articles unchanged",
    ]
    return Results("ingest", "Indexing throughput (synthetic corpus)", rows, figures, notes=notes)


def run(args: argparse.Namespace) -> Results:
    return results(measure(args.articles, args.seed, args.raw_limit, args.keep))
