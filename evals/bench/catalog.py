"""How fast the archive list is with thousands of articles: ``rag bench catalog --articles 3000``.

The archive is the synthetic corpus of :func:`evals.bench.common.write_corpus` (wire-like
articles, about one in eight a rewrite of an earlier one), loaded, chunked and grouped by the
real indexing code and written to a real Chroma store. The chunk vectors are one fixed unit
vector instead of model output: listing never reads vectors, and embedding thousands of
articles would take minutes of a two-core machine without changing what is measured. With
``--outlets N`` the articles are spread over N outlet names, to show the outlet box working
with many outlets.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from evals.bench.common import Figure, Results, timed, write_corpus
from index.catalog import Catalog, CatalogQuery
from index.chunking import Chunker
from index.dedup import DuplicateIndex, signature
from index.loaders import load_paths
from index.store import ChunkStore
from rag.settings import Settings, load_settings

WRITE_BATCH = 100


def build_archive(settings: Settings, corpus: Path, articles: int, outlets: int, seed: int = 0) -> ChunkStore:
    """Write ``articles`` synthetic articles (chunked and grouped for real) into a new store."""
    write_corpus(corpus, articles, seed)
    loaded = load_paths([corpus], max_file_mb=settings.ingest.max_file_mb).articles
    store = ChunkStore.open(settings)
    cfg = settings.chunking
    chunker = Chunker(cfg.chunk_tokens, cfg.overlap_tokens, cfg.encoding)
    duplicates = DuplicateIndex(settings.ingest.dedup_threshold)
    vector = [1.0] + [0.0] * 383
    for start in range(0, len(loaded), WRITE_BATCH):
        batch, manifest = [], []
        for number, article in enumerate(loaded[start : start + WRITE_BATCH], start=start):
            if outlets:
                article = article.model_copy(update={"source": f"Outlet {number % outlets:04d}"})
            chunks = chunker.chunk(article)
            signatures = [signature(chunk.text) for chunk in chunks]
            for chunk, sig in zip(chunks, signatures, strict=True):
                chunk.group_id = duplicates.assign(chunk.chunk_id, article.article_id, chunk.index, sig)
            batch.append((article, chunks, [vector] * len(chunks), signatures))
            manifest.append((article, chunks, vector))
        store.write_chunks(batch)
        store.write_articles(manifest)
    return store


QUERIES = {
    "first_page": CatalogQuery(),
    "last_page": CatalogQuery(offset=10**9),
    "search_word": CatalogQuery(text="aleppo"),
    "search_two_words": CatalogQuery(text="clashes homs"),
    "outlet_part": CatalogQuery(outlet="outlet 00"),
    "date_range": CatalogQuery(since="2018-01-01", until="2018-12-31"),
    "all_filters": CatalogQuery(text="talks", outlet="0", since="2016-01-01", until="2020-12-31"),
}


def measure(store: ChunkStore) -> dict:
    catalog = Catalog(store)
    cold, entries = timed(catalog.entries)
    figures: dict = {
        "articles": len(entries),
        "chunks": store.count_chunks(),
        "first_listing_s": round(cold, 3),
    }
    for name, query in QUERIES.items():
        runs = [timed(lambda q=query: catalog.search(q)) for _ in range(5)]
        figures[f"{name}_s"] = round(sorted(seconds for seconds, _ in runs)[2], 4)
        figures[f"{name}_matching"] = runs[0][1].matching
    figures["with_copies"] = sum(1 for entry in entries if entry.copies)
    figures["copies_median"] = sorted(entry.copies for entry in entries)[len(entries) // 2] if entries else 0
    figures["outlets"] = len({entry.source for entry in entries if entry.source})
    return figures


def results(figures: dict) -> Results:
    first = figures["first_listing_s"]
    rows = [
        Figure("articles", figures["articles"]),
        Figure("chunks", figures["chunks"]),
        Figure("archive build", figures["build_s"], "s"),
        Figure("first listing (after a change)", first, "s"),
        *(
            Figure(f"{name} (median of 5)", figures[f"{name}_s"], "s", first, "first listing")
            for name in QUERIES
        ),
        Figure("articles with copies", figures["with_copies"]),
        Figure("outlets", figures["outlets"]),
    ]
    notes = [f"{name} matches {figures[f'{name}_matching']}" for name in QUERIES]
    return Results("catalog", "Archive list speed (synthetic archive)", rows, figures, notes=notes)


def run(args: argparse.Namespace) -> Results:
    with tempfile.TemporaryDirectory(prefix="rag-catalog-bench-") as scratch:
        settings = load_settings("test", data_dir=Path(scratch) / "data")
        built, store = timed(
            lambda: build_archive(settings, Path(scratch) / "corpus", args.articles, args.outlets, args.seed)
        )
        figures = {"build_s": round(built, 1), **measure(store)}
    return results(figures)
