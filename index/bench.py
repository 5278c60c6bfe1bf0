"""Indexing throughput on a synthetic news corpus: ``python -m index.bench --articles 2000``.

The corpus recombines sentences of the bundled articles with other numbers, places and
names, so it reads like wire news, shares some text between articles (as real archives
do) without being all duplicates, and is the same for the same ``--seed``. The figures
compare the whole pipeline with the embedding model alone on the same chunk texts, which
shows what loading, chunking, grouping and Chroma writes add on top of the model.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from index.loaders import load_paths
from rag.settings import BUNDLED_CORPUS
from rag.text.sentences import sentence_spans as split_sentences

PLACES = [
    "Aleppo",
    "Homs",
    "Idlib",
    "Raqqa",
    "Hama",
    "Daraa",
    "Latakia",
    "Tartus",
    "Mosul",
    "Kirkuk",
    "Beirut",
    "Amman",
    "Ankara",
    "Gaziantep",
    "Erbil",
    "Tripoli",
    "Sanaa",
    "Aden",
    "Cairo",
    "Baghdad",
]
PEOPLE = [
    "Mohammad Alloush",
    "Ahmad Ramadan",
    "Osama Abu Zeid",
    "Rami Abdel Rahman",
    "Layla Haddad",
    "Omar Khalil",
    "Sara Nasser",
    "Yusuf Demir",
    "Hana Saleh",
    "Karim Aziz",
    "Nadia Fares",
    "Tariq Mansour",
]
SOURCES = ["AFP", "Reuters", "AP", "Anadolu Agency", "The National", "BBC News", "Al Jazeera", "Arab News"]
PLACE_PATTERN = re.compile(
    r"\b(Deir (?:al-Zor|al-Zour|Ezzor)|Palmyra|Astana|Geneva|Raqa|Raqqa|Homs|Damascus|Beirut|Amman)\b"
)
PERSON_PATTERN = re.compile(r"\b(" + "|".join(re.escape(p) for p in PEOPLE[:4]) + r")\b")
NUMBER_PATTERN = re.compile(r"\b\d{1,3}(?:,\d{3})*\b")


def corpus_sentences() -> list[str]:
    sentences = []
    for article in load_paths([BUNDLED_CORPUS], max_file_mb=20).articles:
        for span in split_sentences(article.text):
            sentence = article.text[span.start : span.end]
            if len(sentence.split()) >= 6 and not sentence.startswith("date "):
                sentences.append(sentence)
    return sentences


def _vary(sentence: str, rng: random.Random) -> str:
    sentence = NUMBER_PATTERN.sub(
        lambda m: f"{rng.randint(2, 400):,}" if len(m.group()) < 4 else m.group(), sentence
    )
    sentence = PLACE_PATTERN.sub(lambda _: rng.choice(PLACES), sentence)
    return PERSON_PATTERN.sub(lambda _: rng.choice(PEOPLE), sentence)


def write_corpus(folder: Path, count: int, seed: int = 0) -> None:
    """``count`` articles of 3-9 recombined sentences; about one in eight is a rewrite of an earlier one."""
    rng = random.Random(seed)
    sentences = corpus_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[list[str]] = []
    for number in range(count):
        if written and rng.random() < 0.125:
            # A wire copy: an earlier article, trimmed and lightly edited.
            body = [s for s in rng.choice(written) if rng.random() > 0.2] or written[-1]
        else:
            start = rng.randrange(len(sentences))
            length = rng.randint(3, 9)
            body = [_vary(sentences[(start + i) % len(sentences)], rng) for i in range(length)]
        written.append(body)
        place = rng.choice(PLACES)
        year, month, day = rng.randint(2015, 2021), rng.randint(1, 12), rng.randint(1, 28)
        title = f"{rng.choice(['Clashes', 'Talks', 'Aid', 'Strikes', 'Truce'])} in {place}: report {number}"
        text = (
            f"{title}\n\n{year}-{month:02d}-{day:02d}\n\n{place.upper()} ({rng.choice(SOURCES[:3])}) - "
            + "\n\n".join(body)
            + "\n"
        )
        (folder / f"synthetic_{number:05d}.txt").write_text(text, encoding="utf-8")


def run(articles: int, seed: int, raw_limit: int | None, keep: Path | None) -> dict:
    from index.pipeline import Indexer
    from index.store import ChunkStore
    from rag.models.embedding import build_embedding
    from rag.settings import load_settings

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=int, default=2000, help="synthetic articles to index (default 2000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument(
        "--raw-limit", type=int, default=None, help="time the model alone on only the first N chunk texts"
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpus and store in this folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.articles, args.seed, args.raw_limit, args.keep)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    raw = figures["raw_embedding"]
    print(f"articles            {figures['articles']}")
    print(f"chunks              {figures['chunks']}")
    print(f"tokens (tiktoken)   {figures['tokens']}")
    print(f"duplicate groups    {figures['duplicate_groups']}")
    print(f"seconds             {figures['seconds']}")
    print(f"chunks/s            {figures['chunks_per_s']}")
    print(f"tokens/s            {figures['tokens_per_s']}")
    print(f"stages (s)          {figures['stage_seconds']}")
    print(
        f"raw embedding       {raw['chunks']} chunks in {raw['seconds']} s = {raw['chunks_per_s']} chunks/s"
    )
    print(f"pipeline / raw      {figures['pipeline_vs_raw']}")
    print(
        f"second run          {figures['second_run_seconds']} s ({figures['second_run_unchanged']} unchanged)"
    )
    print(f"store on disk       {figures['store_bytes']} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
