"""Indexing throughput: ``rag bench ingest --articles 2000`` or ``--corpus articles.jsonl``.

The default corpus (:func:`evals.bench.common.write_corpus`) recombines sentences of the bundled
articles with other numbers, places and names; it shares far more text between articles than
real news does, so duplicate grouping costs more on it than on an archive. ``--corpus`` takes
real articles instead: a folder is indexed as it is, a JSONL export (``title``, ``date``,
``text``) is written out one text file per article, so that both pipelines read the same files.
The figures compare the whole pipeline with
two baselines measured in the same run: the embedding model alone on the same chunk texts
(what loading, chunking, grouping and Chroma writes add on top of the model), and a plain
llama-index ``IngestionPipeline`` (``SimpleDirectoryReader``, ``SentenceSplitter`` at the same
chunk size and overlap, the same embedding model, a ``ChromaVectorStore``) on the same files.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from evals.bench.common import Figure, Results, peak_rss_bytes, write_corpus
from index.pipeline import Indexer
from index.store import ChunkStore
from rag.models.embedding import build_embedding
from rag.settings import load_settings
from rag.types import search_text


def measure(
    articles: int, seed: int, raw_limit: int | None, keep: Path | None, source: Path | None = None
) -> dict:
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as scratch:
        root = keep or Path(scratch)
        corpus = root / "corpus"
        if source is None:
            write_corpus(corpus, articles, seed)
        elif source.is_dir():
            corpus = source
        else:
            write_records(source, corpus)
        settings = load_settings("default", data_dir=root / "data")
        embedding = build_embedding(settings)
        store = ChunkStore.open(settings, embedding)

        first = Indexer(settings, store, embedding).run([corpus], progress=_progress)
        print(file=sys.stderr)
        second = Indexer(settings, store, embedding).run([corpus])

        texts = [search_text(p.title, p.text) for p in store.all_passages()]  # what the indexer embeds
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
        plain = plain_llama_index(corpus, settings, embedding, root / "plain-llama-index")

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
        "plain_llama_index": plain,
        "pipeline_vs_plain_llama_index": round(first.chunks_per_s / plain["chunks_per_s"], 3),
        "second_run_seconds": round(second.seconds, 2),
        "second_run_unchanged": len(second.unchanged),
        "store_bytes": size,
        "peak_rss_bytes": peak_rss_bytes(),
    }


def plain_llama_index(corpus: Path, settings, embedding, folder: Path) -> dict:
    """The same files through llama-index's own ingestion, as its documentation builds it."""
    # Imported here: llama-index's readers and the Chroma client cost seconds, and only this
    # baseline needs them.
    import chromadb
    from llama_index.core import SimpleDirectoryReader
    from llama_index.core.ingestion import IngestionPipeline
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    started = time.perf_counter()
    documents = SimpleDirectoryReader(str(corpus), recursive=True).load_data()
    client = chromadb.PersistentClient(
        path=str(folder), settings=chromadb.Settings(anonymized_telemetry=False)
    )
    # embedding_function=None: Chroma would otherwise fetch its own model (it has none offline).
    collection = client.get_or_create_collection("plain", embedding_function=None)
    chunking = settings.chunking
    pipeline = IngestionPipeline(
        transformations=[
            SentenceSplitter(chunk_size=chunking.chunk_tokens, chunk_overlap=chunking.overlap_tokens),
            embedding,
        ],
        vector_store=ChromaVectorStore(chroma_collection=collection),
    )
    nodes = pipeline.run(documents=documents)
    seconds = time.perf_counter() - started
    return {
        "documents": len(documents),
        "chunks": len(nodes),
        "seconds": round(seconds, 2),
        "chunks_per_s": round(len(nodes) / seconds, 2),
    }


def write_records(source: Path, folder: Path) -> int:
    """One text file per JSONL record, laid out as the synthetic articles are (title, date, body)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    with source.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(
                    f"rag bench ingest: {source}:{number + 1} is not a JSON record ({exc.msg})"
                ) from exc
            if not isinstance(record, dict):
                raise SystemExit(f"rag bench ingest: {source}:{number + 1} is not a JSON object")
            head = [str(record.get(key) or "").strip() for key in ("title", "date")]
            body = str(record.get("text") or "").strip()
            text = "\n\n".join([part for part in head if part] + [body]) + "\n"
            (folder / f"article_{number:05d}.txt").write_text(text, encoding="utf-8")
            written += 1
    return written


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
        Figure(
            "chunks/s (against llama-index)",
            figures["chunks_per_s"],
            "",
            figures["plain_llama_index"]["chunks_per_s"],
            "plain llama-index pipeline",
        ),
        # The two split the same files into different numbers of chunks, so files per second
        # is the like-for-like comparison; chunks per second is kept beside it.
        Figure(
            "files/s (against llama-index)",
            figures["articles"] / figures["seconds"],
            "",
            figures["plain_llama_index"]["documents"] / figures["plain_llama_index"]["seconds"],
            "plain llama-index pipeline",
        ),
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
        "plain llama-index pipeline: {chunks} chunks of {documents} files in {seconds} s".format(
            **figures["plain_llama_index"]
        ),
    ]
    corpus = figures.get("corpus") or "synthetic corpus"
    return Results("ingest", f"Indexing throughput ({corpus})", rows, figures, notes=notes)


def run(args: argparse.Namespace) -> Results:
    source = args.corpus.expanduser().resolve() if args.corpus else None
    if source is not None and not source.exists():
        raise SystemExit(f"rag bench ingest: --corpus {source} does not exist")
    figures = measure(args.articles, args.seed, args.raw_limit, args.keep, source)
    figures["corpus"] = source.name if source else None
    return results(figures)
