"""Retrieval latency on the bundled corpus and keyword-index build time at archive scale.

    python -m rag.retrieval.bench [--rounds 3] [--articles 2000] [--store-scale] [--json out.json]

The bundled corpus is indexed into a temporary Chroma store with the real embedding;
each question is then timed dense-only (query embedding + Chroma query), keyword-only
(BM25 over the cached index) and end to end (``HybridRetriever.run``: both, fusion,
duplicate collapse with the group lookup, token budget). The first round is a warm-up and
is not counted. Build time is measured on a synthetic archive of ``--articles`` articles
made from the corpus's own sentences with shuffled names and numbers, chunked by the
product's chunker, so the chunk count and length match what indexing would produce.

``--store-scale`` also indexes that synthetic archive into a temporary Chroma store and
times what a question costs there (store revision check, keyword-index rebuild after a
change, dense query, assembly). Its vectors come from a hash of the text, not from the
model: HNSW search time does not depend on what the vectors mean, and embedding 10k chunks
with the real model would take ~10 minutes on two cores. Its relevance means nothing.
Indexing the archive (chunking, duplicate detection, Chroma writes) takes several minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from rag.retrieval.bm25 import BM25Index
from rag.retrieval.hybrid import HybridRetriever
from rag.settings import BUNDLED_CORPUS, Settings, load_settings
from rag.types import Article

QUESTIONS = [
    "How many people live in Deir al-Zor city?",
    "Which group said it would not attend the Astana talks?",
    "How many people were killed in the fighting in Deir al-Zor according to the Syrian Observatory?",
    "When do the Astana talks begin?",
    "Who organised the Astana meetings?",
    "What did Mohammad Alloush say about Astana?",
    "Who is Osama Abu Zeid?",
    "How many people have been killed in the Syrian war?",
    "What did Rouhani say about a military solution in Syria?",
    "Where is the town of Al-Sukhna?",
    "What did Vladimir Putin say about US sanctions?",
    "When did Islamic State recapture Palmyra?",
    "How far is Palmyra from Deir al-Zour?",
    "Which jihadist groups are not covered by the ceasefire?",
    "What are IS fighters trying to cut off in Deir Ezzor?",
    "Was Donald Trump's transition team invited to the talks?",
    "What is the High Negotiations Committee?",
    "How many air strikes did government forces carry out on Monday?",
    "Which country hosted the political discussions in February?",
    "Who heads the Syrian Observatory for Human Rights?",
    "What did the HNC say about the military delegation?",
    "How many explosions hit Deir al-Zour since Saturday?",
    "Which foreign minister said Washington would be asked to attend?",
    "What is the weather forecast for London tomorrow?",
]
"""Questions over the bundled corpus (the last one has no answer there)."""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: with ~70 samples the p95 is a real sample)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": 1000 * statistics.median(values),
        "p95_ms": 1000 * percentile(values, 0.95),
        "max_ms": 1000 * max(values),
    }


def latency(settings: Settings, rounds: int) -> dict[str, object]:
    from index.pipeline import Indexer
    from index.store import ChunkStore
    from rag.models.embedding import build_embedding

    embedding = build_embedding(settings)
    store = ChunkStore.open(settings, embedding)
    started = time.perf_counter()
    report = Indexer(settings, store, embedding).run([settings.corpus_dir])
    index_s = time.perf_counter() - started
    retriever = HybridRetriever(settings, store, embedding)
    keyword = retriever.keyword_index()
    k = settings.retrieval
    times: dict[str, list[float]] = {"dense": [], "keyword": [], "fused": [], "revision": []}
    for round_number in range(rounds + 1):
        for question in QUESTIONS:
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
    BM25Index.build([p.text for p in passages])
    build_s = time.perf_counter() - started
    return {
        "chunks": len(passages),
        "articles": report.articles_total,
        "index_s": index_s,
        "bm25_build_ms": 1000 * build_s,
        **{name: summary(values) for name, values in times.items()},
    }


_NAMES = ["Aleppo", "Homs", "Idlib", "Raqqa", "Hama", "Daraa", "Latakia", "Tartus", "Qamishli", "Manbij"]
_NUMBER = re.compile(r"\d+")


def synthetic_articles(count: int, seed: int = 0) -> list[Article]:
    """``count`` news-like articles recombined from the bundled corpus's sentences."""
    from rag.text.sentences import sentence_spans as split_sentences

    sentences: list[str] = []
    for path in sorted(BUNDLED_CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [text[s.start : s.end] for s in split_sentences(text) if s.end - s.start > 40]
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        place = rng.choice(_NAMES)
        body = " ".join(
            _NUMBER.sub(lambda m: str(rng.randint(1, 10 ** len(m.group()))), rng.choice(sentences)).replace(
                "Deir", place
            )
            for _ in range(rng.randint(8, 30))
        )
        text = f"Report {number} from {place}\n\n{body}"
        articles.append(
            Article(
                article_id=f"synthetic-{number:05d}",
                text=text,
                date=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)),
                path=f"/synthetic/{number:05d}.txt",
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
            )
        )
    return articles


def build_time(settings: Settings, articles: int) -> dict[str, object]:
    from index.chunking import Chunker

    cfg = settings.chunking
    chunker = Chunker(cfg.chunk_tokens, cfg.overlap_tokens, cfg.encoding)
    texts = [chunk.text for article in synthetic_articles(articles) for chunk in chunker.chunk(article)]
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        index = BM25Index.build(texts)
        runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    for question in QUESTIONS:
        index.top_k(question, settings.retrieval.keyword_top_k)
    query_s = (time.perf_counter() - started) / len(QUESTIONS)
    return {
        "articles": articles,
        "chunks": len(texts),
        "build_ms_best": 1000 * min(runs),
        "build_ms_median": 1000 * statistics.median(runs),
        "query_ms_mean": 1000 * query_s,
        "vocabulary": len(index.vocabulary),
    }


def store_scale(settings: Settings, articles: int) -> dict[str, object]:
    import numpy as np
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from index.pipeline import Indexer
    from index.store import ChunkStore

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

    embedding = HashEmbedding(model_name="hash-for-timing")
    store = ChunkStore.open(settings, embedding)
    corpus = settings.data_dir / "synthetic"
    corpus.mkdir(parents=True, exist_ok=True)
    for article in synthetic_articles(articles):
        (corpus / f"{article.article_id}.txt").write_text(article.text, encoding="utf-8")
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
    results = [retriever.run(question) for question in QUESTIONS]
    steps = {
        name: summary([getattr(r.timings, f"{name}_s") for r in results])
        for name in ("revision", "dense", "keyword", "assemble")
    }
    return {
        "articles": report.articles_total,
        "chunks": len(passages),
        "index_s": index_s,
        "all_passages_s": all_passages_s,
        "keyword_rebuild_s": rebuild_s,
        "run": summary([r.seconds for r in results]),
        **steps,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rag.retrieval.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over the questions (default 3)")
    parser.add_argument("--articles", type=int, default=2000, help="synthetic archive size (default 2000)")
    parser.add_argument("--store-scale", action="store_true", help="also time a Chroma store of that size")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data")
        figures = {
            "questions": len(QUESTIONS),
            "latency": latency(settings, max(1, args.rounds)),
            "bm25_scale": build_time(settings, args.articles),
        }
        if args.store_scale:
            scaled = settings.with_overrides(data_dir=str(Path(tmp) / "scale"))
            figures["store_scale"] = store_scale(scaled, args.articles)
    lat = figures["latency"]
    print(
        f"Bundled corpus: {lat['articles']} articles, {lat['chunks']} chunks (indexed in {lat['index_s']:.1f} s)"
    )
    print(
        f"{'step':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}   ({len(QUESTIONS)} questions x {args.rounds})"
    )
    for name in ("dense", "keyword", "fused", "revision"):
        row = lat[name]
        print(f"{name:<10} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f}")
    scale = figures["bm25_scale"]
    print(
        f"BM25 build: {lat['bm25_build_ms']:.1f} ms for {lat['chunks']} chunks; "
        f"{scale['build_ms_median']:.0f} ms (best {scale['build_ms_best']:.0f}) for {scale['chunks']} chunks "
        f"of {scale['articles']} synthetic articles; query {scale['query_ms_mean']:.1f} ms at that size"
    )
    if "store_scale" in figures:
        big = figures["store_scale"]
        print(
            f"Store of {big['articles']} articles / {big['chunks']} chunks (hash vectors): "
            f"all_passages {big['all_passages_s']:.1f} s, keyword rebuild {big['keyword_rebuild_s']:.1f} s"
        )
        for name in ("revision", "dense", "keyword", "assemble", "run"):
            row = big[name]
            print(f"{name:<10} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
