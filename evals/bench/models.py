"""Throughput of the offline models on this machine: ``rag bench models``.

Reports figures rather than asserting them (timings depend on the machine and its load):
embedding passages/s and word pieces/s, LLM load time, prompt and generation tokens/s on the
product's own answer prompt, judge latency on the product's own judge prompt with and without
prefix re-use, and the cost of verifying the default GGUF.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from evals.bench.common import Figure, Results, corpus_sentences, timed
from evals.golden import load_golden
from rag.models.checksums import sha256_file
from rag.models.embedding import MiniLMEmbedding, build_embedding
from rag.models.gguf import ensure_qwen
from rag.models.llama_chat import LlamaCppChatModel
from rag.prompts import answer_messages
from rag.settings import Settings, load_settings
from rag.tokens import encoding
from rag.types import Passage, Source
from rag.verifier.judge import judge_messages

PASSAGE_TOKENS = 160
SYNTHETIC_BUDGET_S = 180.0
LLM_RUNS = {"small": ["small"], "local": ["local"], "both": ["small", "local"], "none": []}
CLAIMS = [
    "Dozens of people were killed in the attack.",
    "The attack took place in Damascus.",
    "Government soldiers were among the dead.",
    "The militants were defeated within an hour.",
]
"""Claims the judge is timed on, about the bundled article the LLM figures use."""


class Clock:
    """Wall time and this process's CPU time since the last mark.

    On a shared machine the wall time depends on everyone else's load. CPU time divided by
    the threads in use estimates the wall time the work would take with those cores to
    itself (spinning worker threads make that estimate err on the slow side).
    """

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.mark()

    def mark(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter() - self._wall, time.process_time() - self._cpu
        self.mark()
        return wall, cpu / self.threads


def rate(name: str, work: float, lap: tuple[float, float], unit: str) -> Figure:
    """``work`` per second of wall time, beside the CPU-time estimate of it as the baseline."""
    wall, alone = lap
    return Figure(name, work / wall, unit, work / max(alone, 1e-9), "CPU-time estimate")


def corpus_files(settings: Settings) -> list[Path]:
    return sorted(Path(settings.corpus_dir).glob("*.txt"))


def question_about(article: Path) -> str:
    """The first golden question answered by ``article`` (the first question when none is)."""
    items = load_golden()
    return next((i.question for i in items if article.stem in i.supporting_articles), items[0].question)


def split_tokens(text: str, size: int = PASSAGE_TOKENS) -> list[str]:
    """Fixed windows of ``size`` cl100k tokens: the passage size the index uses, without its sentence logic."""
    enc = encoding()
    ids = enc.encode(text, disallowed_special=())
    return [enc.decode(ids[i : i + size]) for i in range(0, len(ids), size)]


def synthetic_passages(n: int, seed: int = 0) -> list[str]:
    """``n`` passages of shuffled corpus sentences, each cut to PASSAGE_TOKENS tokens."""
    rng = random.Random(seed)
    sentences = corpus_sentences()
    enc = encoding()
    out = []
    for _ in range(n):
        ids: list[int] = []
        while len(ids) < PASSAGE_TOKENS:
            ids += enc.encode(" " + rng.choice(sentences), disallowed_special=())
        out.append(enc.decode(ids[:PASSAGE_TOKENS]))
    return out


def bench_embedding(embedding: MiniLMEmbedding, passages: list[str], label: str) -> list[Figure]:
    """Passages and word pieces per second; the third figure is passages/s (wall)."""
    pieces = sum(embedding.count_tokens(p) for p in passages)
    clock = Clock(embedding.n_threads)
    embedding.get_text_embedding_batch(passages)
    lap = clock.lap()
    return [
        Figure(f"embedding {label}: passages", len(passages)),
        Figure(f"embedding {label}: seconds", lap[0], "s"),
        rate(f"embedding {label}", len(passages), lap, "passages/s"),
        rate(f"embedding {label}", pieces, lap, "word pieces/s"),
    ]


def bench_query_latency(embedding: MiniLMEmbedding, questions: list[str]) -> Figure:
    runs = [timed(lambda q=q: embedding.get_query_embedding(q))[0] for q in questions * 3]
    return Figure("embedding query latency (median)", statistics.median(runs) * 1000, "ms")


def bench_llm(settings: Settings, document: str, question: str) -> list[Figure]:
    label = f"llm[{settings.llm.backend}]"
    total_load, model = timed(lambda: LlamaCppChatModel.from_settings(settings))
    rows = [
        Figure(f"{label} load", total_load, "s"),
        Figure(f"{label} load in llama.cpp (rest: locating/verifying the file)", model.load_seconds, "s"),
    ]
    passage = Passage(chunk_id="bench-0", article_id="bench", text=document, start=0, end=len(document))
    messages = answer_messages(question, [Source(number=1, passage=passage)])
    clock = Clock(settings.llm.n_threads)
    prompt_lap = None
    stream = model.stream_chat(messages, max_tokens=128)
    for _piece in stream:
        if prompt_lap is None:
            prompt_lap = clock.lap()
    gen_lap = clock.lap()
    usage = stream.usage
    assert prompt_lap is not None
    rows += [
        Figure(f"{label} answer prompt", usage.prompt_tokens, "tokens"),
        Figure(f"{label} first piece after", prompt_lap[0], "s"),
        rate(f"{label} prompt", usage.prompt_tokens, prompt_lap, "tokens/s"),
        Figure(f"{label} generated", usage.completion_tokens, "tokens"),
        rate(f"{label} generation", max(usage.completion_tokens - 1, 1), gen_lap, "tokens/s"),
    ]

    cold, warm = [], []
    for claim in CLAIMS:
        clock.mark()
        judged = model.judge(judge_messages(claim, document), reuse_prefix=False)
        cold.append(clock.lap())
    prompt_tokens = judged.usage.prompt_tokens
    model.judge(judge_messages("warm-up", document))
    for claim in CLAIMS:
        clock.mark()
        judged = model.judge(judge_messages(claim, document))
        warm.append(clock.lap())
    cold_wall = statistics.median(w for w, _ in cold)
    warm_wall = statistics.median(w for w, _ in warm)
    return rows + [
        Figure(f"{label} judge prompt", prompt_tokens, "tokens"),
        Figure(f"{label} judge, no prefix re-use (median)", cold_wall, "s"),
        Figure(
            f"{label} judge, {judged.usage.cached_tokens} tokens re-used (median)",
            warm_wall,
            "s",
            cold_wall,
            "no re-use",
        ),
        Figure(f"{label} judge CPU-time estimate, re-used", statistics.median(a for _, a in warm), "s"),
    ]


def run(args: argparse.Namespace) -> Results:
    init = {"cache_dir": args.cache_dir} if args.cache_dir else {}
    settings = load_settings("default", **init)
    notes = [
        f"threads: embedding {settings.embedding.n_threads}, llm {settings.llm.n_threads}; "
        f"embedding batch {settings.embedding.batch_size}"
    ]
    load_s, embedding = timed(lambda: build_embedding(settings))
    rows = [Figure("embedding load + verify", load_s, "s")]
    files = corpus_files(settings)
    texts = [path.read_text(encoding="utf-8") for path in files]
    passages = [p for t in texts for p in split_tokens(t)]
    corpus = bench_embedding(
        embedding, passages, f"corpus ({len(texts)} articles, ~{PASSAGE_TOKENS}-token pieces)"
    )
    rows += corpus
    rows.append(bench_query_latency(embedding, [item.question for item in load_golden()[:3]]))
    if args.synthetic:
        estimate = args.synthetic / corpus[2].value
        if estimate > SYNTHETIC_BUDGET_S:
            notes.append(
                f"embedding synthetic: skipped, {args.synthetic} passages would take ~{estimate:.0f} s"
            )
        else:
            label = f"synthetic ({PASSAGE_TOKENS}-token)"
            rows += bench_embedding(embedding, synthetic_passages(args.synthetic), label)

    if args.llm in ("local", "both"):
        ensure_s, path = timed(lambda: ensure_qwen(settings.model_cache_dir))
        hash_s, _ = timed(lambda: sha256_file(path))
        rows += [
            Figure("gguf ensure default model (assemble if needed)", ensure_s, "s"),
            Figure(f"gguf full sha256 of {path.stat().st_size:,} bytes", hash_s, "s"),
        ]

    document = split_tokens(texts[1], 600)[0]  # one article, ~600 tokens
    question = question_about(files[1])
    for backend in LLM_RUNS[args.llm]:
        rows += bench_llm(settings.with_overrides(**{"llm.backend": backend}), document, question)
    raw = {f"{f.name} [{f.unit}]" if f.unit else f.name: f.value for f in rows}
    return Results("models", "Model throughput on this machine", rows, raw, notes=notes)
