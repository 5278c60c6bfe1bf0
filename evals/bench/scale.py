"""Archive-size tiers: ``rag bench scale --tiers 1000,10000,100000``.

Each tier is a generated archive (:mod:`evals.bench.scale_corpus`: JSONL exports, 200 outlets,
one article in eight a copy) indexed by the real pipeline into a real Chroma store with the
keyword index on disk (``retrieval.keyword_index=sqlite``), in a process of its own so that its
peak memory is its own. The dense side uses hash vectors (a unit vector seeded by the text's
sha256, :class:`evals.bench.retrieval.HashEmbedding`) instead of MiniLM: embedding 100,000
articles would take hours of a two-core machine and measures the model, not the archive. What
the model adds is measured beside it: MiniLM's own time per chunk on a sample of the tier's
chunks, from which the ingestion rate with the model is estimated as if the two ran one after the
other: the indexer embeds in a worker thread beside its other stages, so the real rate is higher
(``rag bench ingest`` measures it with the model on a smaller archive).

Per tier:

* ingestion: chunks/s of the pipeline without the model, seconds per stage, and the estimate with
  MiniLM against MiniLM alone (the issue's "ingestion >= 0.9 x raw embedding throughput");
* the store: bytes per chunk of Chroma's files (vectors, HNSW graph, metadata) and of the keyword
  file; peak RSS of the indexing process;
* a no-change re-index, and adding one article (``rag index one_file``) to the full archive, with
  the next question's wait for the keyword index;
* retrieval p50/p95 per stage (question embedding, dense, keyword, the whole run) without a
  filter, with a date filter (the year 2019) and with an outlet filter (one of 200);
* cold start beyond the model load: a new process importing the code, opening the store and
  answering one retrieval (median of 3), with the keyword index on disk and, as the baseline, the
  in-memory BM25 that every new process rebuilds.

The smallest tier's figures are the baseline of the larger ones' in the printed table. Each tier's
process imports the code when it starts, so a run of an hour measures whatever the working tree
holds then: run it from a checkout that does not change meanwhile (``git worktree add``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evals.bench.common import Figure, Results, peak_rss_bytes
from evals.bench.retrieval import summary

QUESTIONS = 30
STAGES = ("embed_s", "dense_s", "keyword_s", "seconds")
FILTERS = ("none", "date", "outlet")

COLD_START = """
import json, sys, time
started = time.perf_counter()
from evals.bench.retrieval import HashEmbedding
from index.store import ChunkStore
from rag.retrieval.hybrid import HybridRetriever
from rag.settings import load_settings
imported = time.perf_counter()
settings = load_settings("default", data_dir=sys.argv[1]).with_overrides(
    **{"retrieval.keyword_index": sys.argv[2]}
)
embedding = HashEmbedding(model_name="hash-for-timing", embed_batch_size=128)
store = ChunkStore.open(settings, embedding)
opened = time.perf_counter()
result = HybridRetriever(settings, store, embedding).run(sys.argv[3])
assert result.candidates, "no candidates"
done = time.perf_counter()
print(json.dumps({"imports_s": imported - started, "open_s": opened - imported,
                  "first_retrieval_s": done - opened, "after_imports_s": done - imported}))
"""


def _settings(folder: Path, mode: str = "sqlite"):
    from rag.settings import load_settings

    return load_settings("default", data_dir=folder / "data").with_overrides(
        **{"retrieval.keyword_index": mode}
    )


def _filters(name: str):
    import datetime as dt

    from rag.types import Filters

    if name == "date":
        return Filters(since=dt.date(2019, 1, 1), until=dt.date(2019, 12, 31))
    if name == "outlet":
        return Filters(sources=["Outlet 0007"])
    return None


def _questions() -> list[str]:
    from evals.golden import load_golden

    return [item.question for item in load_golden()][:QUESTIONS]


def measure_tier(articles: int, folder: Path, rounds: int) -> dict[str, Any]:
    """Everything measured inside the tier's own process."""
    from evals.bench.retrieval import HashEmbedding
    from evals.bench.scale_corpus import write_scale_corpus
    from index.pipeline import Indexer
    from index.store import ChunkStore
    from rag.retrieval.hybrid import HybridRetriever
    from rag.types import search_text

    corpus = folder / "corpus"
    started = time.perf_counter()
    write_scale_corpus(corpus, articles)
    figures: dict[str, Any] = {"articles_asked": articles, "generate_s": time.perf_counter() - started}
    settings = _settings(folder)
    embedding = HashEmbedding(model_name="hash-for-timing", embed_batch_size=128)
    store = ChunkStore.open(settings, embedding)

    def progress(event: Any) -> None:
        step = max(1, event.articles_total // 10)
        if event.phase == "embedding" and event.articles_done // step != (event.articles_done - 60) // step:
            print(
                f"    {event.articles_done:,}/{event.articles_total:,} articles, {event.chunks:,} chunks, "
                f"{event.chunks_per_s:.0f} chunks/s",
                file=sys.stderr,
                flush=True,
            )

    report = Indexer(settings, store, embedding).run([corpus], progress=progress)
    figures.update(
        articles=report.articles_total,
        chunks=report.chunks_total,
        tokens=report.tokens_embedded,
        duplicate_groups=report.duplicate_groups,
        ingest_s=report.seconds,
        ingest_chunks_per_s=report.chunks_per_s,
        stage_seconds=report.stage_seconds,
        rss_after_ingest_bytes=peak_rss_bytes(),
    )
    again = Indexer(settings, store, embedding).run([corpus])
    figures["no_change_reindex_s"] = again.seconds
    figures["no_change_stage_seconds"] = again.stage_seconds

    root = Path(settings.store_path)
    files = [path for path in root.rglob("*") if path.is_file()]
    keyword_file = store.keywords.path
    figures["store_bytes"] = sum(path.stat().st_size for path in files)
    figures["keyword_file_bytes"] = keyword_file.stat().st_size
    figures["chroma_bytes"] = figures["store_bytes"] - figures["keyword_file_bytes"]

    retriever = HybridRetriever(settings, store, embedding)
    questions = _questions()
    stage_times: dict[str, dict[str, list[float]]] = {f: {s: [] for s in STAGES} for f in FILTERS}
    for round_number in range(rounds + 1):
        for question in questions:
            for name in FILTERS:
                result = retriever.run(question, _filters(name))
                if round_number:  # the first round warms caches
                    timings = result.timings.model_dump()
                    for stage in STAGES:
                        value = result.seconds if stage == "seconds" else timings[stage]
                        stage_times[name][stage].append(value)
    figures["retrieval"] = {
        name: {stage: summary(values) for stage, values in stages.items()}
        for name, stages in stage_times.items()
    }

    extra = folder / "one-more"
    extra.mkdir()
    one = extra / "dam.txt"
    one.write_text(
        "Engineers reopened the Tabqa dam\n\n2021-03-02\n\nRAQQA (AFP) - Engineers reopened the Tabqa "
        "dam on the Euphrates on Tuesday after repairs to its spillway gates, the water authority said.\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    added = Indexer(settings, store, embedding).run([one])
    figures["add_one_s"] = time.perf_counter() - started
    figures["add_one_stage_seconds"] = added.stage_seconds
    result = retriever.run("Tabqa dam spillway gates")
    figures["add_one_next_question_s"] = result.seconds
    figures["add_one_found"] = any(p.article_id == added.added[0] for p in result.candidates)

    ids = sorted(store.chunk_ids())[:: max(1, figures["chunks"] // 256)][:256]
    sample = [search_text(p.title, p.text) for p in store.passages(ids)]
    figures["sample_texts"] = len(sample)
    figures["peak_rss_bytes"] = peak_rss_bytes()
    return figures, sample


def minilm_seconds_per_chunk(texts: list[str]) -> float:
    """MiniLM's own time per chunk on these texts (the default model, two threads)."""
    from rag.models.embedding import build_embedding
    from rag.settings import load_settings

    embedding = build_embedding(load_settings("default"))
    embedding.get_text_embedding_batch(texts[:16])  # warm-up
    started = time.perf_counter()
    embedding.get_text_embedding_batch(texts)
    return (time.perf_counter() - started) / len(texts)


def cold_start(folder: Path, mode: str, question: str, repeats: int) -> dict[str, float]:
    """Median over ``repeats`` new processes of each part of a cold retrieval."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", COLD_START, str(folder / "data"), mode, question],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["process_s"] = time.perf_counter() - started
        runs.append(figures)
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def run_tier(articles: int, folder: Path, rounds: int) -> dict[str, Any]:
    """One tier in a child process (its own peak memory), then its cold starts."""
    out = folder / "tier.json"
    print(f"  tier {articles:,} articles", file=sys.stderr, flush=True)
    subprocess.run(
        [sys.executable, "-m", "evals.bench.scale", str(articles), str(folder), str(rounds), str(out)],
        check=True,
    )
    data = json.loads(out.read_text())
    figures, sample = data["figures"], data["sample"]
    figures["minilm_s_per_chunk"] = minilm_seconds_per_chunk(sample)
    question = _questions()[0]
    repeats = 3 if figures["chunks"] < 100_000 else 1
    figures["cold_start"] = {
        mode: cold_start(folder, mode, question, repeats) for mode in ("sqlite", "memory")
    }
    figures["cold_start_repeats"] = repeats
    return figures


def tier_figures(tier: dict[str, Any], base: dict[str, Any] | None) -> list[Figure]:
    label = f"{tier['articles']:,} articles"
    name = f"{base['articles']:,} articles" if base else ""

    def fig(what: str, value: float, unit: str, key: Any = None) -> Figure:
        baseline = key(base) if base is not None and key is not None else None
        return Figure(f"{label}: {what}", value, unit, baseline, name if baseline is not None else "")

    pipeline_s = 1 / tier["ingest_chunks_per_s"]
    with_model = 1 / (pipeline_s + tier["minilm_s_per_chunk"])
    rows = [
        fig("chunks", tier["chunks"], ""),
        fig(
            "ingestion without the model",
            tier["ingest_chunks_per_s"],
            "chunks/s",
            lambda b: b["ingest_chunks_per_s"],
        ),
        Figure(
            f"{label}: ingestion with MiniLM (serial estimate, a lower bound)",
            with_model,
            "chunks/s",
            1 / tier["minilm_s_per_chunk"],
            "MiniLM alone",
        ),
        fig(
            "store per chunk",
            tier["store_bytes"] / tier["chunks"] / 1024,
            "KiB",
            lambda b: b["store_bytes"] / b["chunks"] / 1024,
        ),
        fig("keyword file per chunk", tier["keyword_file_bytes"] / tier["chunks"] / 1024, "KiB"),
        fig(
            "peak RSS while indexing",
            tier["rss_after_ingest_bytes"] / 2**20,
            "MiB",
            lambda b: b["rss_after_ingest_bytes"] / 2**20,
        ),
        fig("no-change re-index", tier["no_change_reindex_s"], "s", lambda b: b["no_change_reindex_s"]),
        fig("add one article", tier["add_one_s"], "s", lambda b: b["add_one_s"]),
    ]
    cold = tier["cold_start"]
    rows.append(
        Figure(
            f"{label}: cold start after imports (keywords on disk)",
            cold["sqlite"]["after_imports_s"],
            "s",
            cold["memory"]["after_imports_s"],
            "in-memory BM25",
        )
    )
    rows.append(fig("cold start, imports", cold["sqlite"]["imports_s"], "s"))
    for filters in FILTERS:
        stages = tier["retrieval"][filters]
        for stage in ("dense_s", "keyword_s", "seconds"):
            what = {"dense_s": "dense", "keyword_s": "keyword", "seconds": "whole retrieval"}[stage]
            for stat in ("p50_ms", "p95_ms"):
                rows.append(
                    fig(
                        f"{what} {stat[:3]}, {'no' if filters == 'none' else filters} filter",
                        stages[stage][stat],
                        "ms",
                        lambda b, f=filters, s=stage, t=stat: b["retrieval"][f][s][t],
                    )
                )
    return rows


def run(args: argparse.Namespace) -> Results:
    tiers = [int(t) for t in str(args.tiers).split(",") if t.strip()]
    with tempfile.TemporaryDirectory(prefix="rag-bench-scale-", dir=args.scratch) as scratch:
        measured = []
        for articles in tiers:
            folder = Path(scratch) / f"tier-{articles}"
            folder.mkdir()
            measured.append(run_tier(articles, folder, max(1, args.rounds)))
    base = measured[0] if len(measured) > 1 else None
    rows = [row for tier in measured for row in tier_figures(tier, None if tier is base else base)]
    notes = [
        "generated archive (evals/bench/scale_corpus.py); dense side: hash vectors, MiniLM measured beside",
        f"retrieval: {QUESTIONS} golden questions x {max(1, args.rounds)} rounds after a warm-up round; "
        "date filter = 2019, outlet filter = one outlet of 200",
        *(
            f"{t['articles']:,} articles: {t['chunks']:,} chunks, {t['tokens']:,} tokens, "
            f"{t['duplicate_groups']:,} duplicate groups; indexed in {t['ingest_s']:.0f} s; store "
            f"{t['store_bytes'] / 2**20:,.0f} MiB (keyword file {t['keyword_file_bytes'] / 2**20:,.0f} MiB); "
            f"one article added in {t['add_one_s']:.2f} s (next question {t['add_one_next_question_s']:.2f} s, "
            f"found: {t['add_one_found']})"
            for t in measured
        ),
    ]
    return Results(
        "scale", "Archive size tiers (generated archive, hash vectors)", rows, measured, notes=notes
    )


def _child() -> None:
    articles, folder, rounds, out = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    figures, sample = measure_tier(articles, folder, rounds)
    out.write_text(json.dumps({"figures": figures, "sample": sample}, default=str))


if __name__ == "__main__":
    _child()
