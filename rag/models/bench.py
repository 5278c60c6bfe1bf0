"""Throughput of the offline models on this machine: ``python -m rag.models.bench``.

Prints figures rather than asserting them (timings depend on the machine and its load):
embedding passages/s and word pieces/s, LLM load time, prompt and generation tokens/s,
judge latency with and without prefix re-use, and the cost of verifying the default GGUF.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from rag.models.checksums import sha256_file
from rag.models.embedding import MiniLMEmbedding, build_embedding
from rag.models.gguf import ensure_qwen
from rag.models.llm import LlamaCppChatModel
from rag.settings import Settings, load_settings
from rag.tokens import encoding

PASSAGE_TOKENS = 160
SYNTHETIC_BUDGET_S = 180.0


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

    @staticmethod
    def rate(work: float, seconds: tuple[float, float], unit: str) -> str:
        wall, alone = seconds
        return f"{work / wall:.1f} {unit} (wall), ~{work / max(alone, 1e-9):.1f} {unit} (CPU-time estimate)"


def corpus_texts(settings: Settings) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(Path(settings.corpus_dir).glob("*.txt"))]


def split_tokens(text: str, size: int = PASSAGE_TOKENS) -> list[str]:
    """Fixed windows of ``size`` cl100k tokens: the passage size the index uses, without its sentence logic."""
    enc = encoding()
    ids = enc.encode(text, disallowed_special=())
    return [enc.decode(ids[i : i + size]) for i in range(0, len(ids), size)]


def synthetic_passages(texts: list[str], n: int, seed: int = 0) -> list[str]:
    """``n`` passages of shuffled corpus sentences, each cut to PASSAGE_TOKENS tokens."""
    rng = random.Random(seed)
    sentences = [
        s.strip() + "." for t in texts for s in t.replace("\n", " ").split(".") if len(s.split()) > 3
    ]
    enc = encoding()
    out = []
    for _ in range(n):
        ids: list[int] = []
        while len(ids) < PASSAGE_TOKENS:
            ids += enc.encode(" " + rng.choice(sentences), disallowed_special=())
        out.append(enc.decode(ids[:PASSAGE_TOKENS]))
    return out


def bench_embedding(embedding: MiniLMEmbedding, passages: list[str], label: str) -> float:
    pieces = sum(embedding.count_tokens(p) for p in passages)
    clock = Clock(embedding.n_threads)
    embedding.get_text_embedding_batch(passages)
    lap = clock.lap()
    print(
        f"embedding  {label}: {len(passages)} passages, {pieces} word pieces in {lap[0]:.2f} s\n"
        f"           {Clock.rate(len(passages), lap, 'passages/s')}; {Clock.rate(pieces, lap, 'word pieces/s')}"
    )
    return len(passages) / lap[0]


def bench_query_latency(embedding: MiniLMEmbedding) -> None:
    runs = []
    for query in [
        "How many people died?",
        "Who ordered the inquiry into the fire?",
        "When did IS attack?",
    ] * 3:
        started = time.perf_counter()
        embedding.get_query_embedding(query)
        runs.append(time.perf_counter() - started)
    print(f"embedding  query latency: median {statistics.median(runs) * 1000:.0f} ms")


def _judge_messages(document: str, claim: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You check whether claims are supported by a document."},
        {
            "role": "user",
            "content": f"Document:\n{document}\n\nClaim: {claim}\n\n"
            "Is every fact in the claim supported by the document? Answer Yes or No.",
        },
    ]


def bench_llm(settings: Settings, document: str) -> None:
    label = settings.llm.backend
    started = time.perf_counter()
    model = LlamaCppChatModel.from_settings(settings)
    total_load = time.perf_counter() - started
    print(
        f"llm[{label}] {model.name}: load {total_load:.2f} s "
        f"(llama.cpp {model.load_seconds:.2f} s, rest is locating/verifying the file)"
    )

    question = [
        {"role": "system", "content": "Answer from the article only."},
        {"role": "user", "content": f"Article:\n{document}\n\nSummarise the article in five sentences."},
    ]
    clock = Clock(settings.llm.n_threads)
    prompt_lap = None
    for _piece in model.stream_chat(question, max_tokens=128):
        if prompt_lap is None:
            prompt_lap = clock.lap()
    gen_lap = clock.lap()
    usage = model.last_usage
    assert prompt_lap is not None
    print(
        f"llm[{label}] prompt {usage.prompt_tokens} tokens, first piece after {prompt_lap[0]:.2f} s\n"
        f"           prompt: {Clock.rate(usage.prompt_tokens, prompt_lap, 'tokens/s')}\n"
        f"           generation ({usage.completion_tokens} tokens): "
        f"{Clock.rate(max(usage.completion_tokens - 1, 1), gen_lap, 'tokens/s')}"
    )

    claims = [
        "Dozens of people were killed in the attack.",
        "The attack took place in Damascus.",
        "Government soldiers were among the dead.",
        "The militants were defeated within an hour.",
    ]
    cold, warm = [], []
    for claim in claims:
        clock.mark()
        model.yes_probability(_judge_messages(document, claim), reuse_prefix=False)
        cold.append(clock.lap())
    prompt_tokens = model.last_usage.prompt_tokens
    model.yes_probability(_judge_messages(document, "warm-up"))
    for claim in claims:
        clock.mark()
        model.yes_probability(_judge_messages(document, claim))
        warm.append(clock.lap())

    def median(laps: list[tuple[float, float]]) -> str:
        return f"{statistics.median(w for w, _ in laps):.2f} s wall (~{statistics.median(a for _, a in laps):.2f} s CPU-time estimate)"

    print(
        f"llm[{label}] yes_probability on a {prompt_tokens}-token prompt, median of {len(claims)}:\n"
        f"           without prefix re-use {median(cold)}\n"
        f"           with prefix re-use ({model.last_usage.cached_tokens} tokens re-used) {median(warm)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rag.models.bench", description=__doc__)
    parser.add_argument("--synthetic", type=int, default=2000, help="synthetic passages to embed (0: skip)")
    parser.add_argument(
        "--llm",
        choices=["small", "local", "both", "none"],
        default="both",
        help="chat models to time (local is the default 1.5B model)",
    )
    parser.add_argument("--cache-dir", type=Path, help="model cache folder (default: the settings')")
    args = parser.parse_args(argv)

    init = {"cache_dir": args.cache_dir} if args.cache_dir else {}
    settings = load_settings("default", **init)
    print(
        f"threads: embedding {settings.embedding.n_threads}, llm {settings.llm.n_threads}; "
        f"embedding batch {settings.embedding.batch_size}"
    )

    started = time.perf_counter()
    embedding = build_embedding(settings)
    print(f"embedding  load + verify: {time.perf_counter() - started:.2f} s")
    texts = corpus_texts(settings)
    passages = [p for t in texts for p in split_tokens(t)]
    rate = bench_embedding(
        embedding, passages, f"corpus ({len(texts)} articles, ~{PASSAGE_TOKENS}-token pieces)"
    )
    bench_query_latency(embedding)
    if args.synthetic:
        estimate = args.synthetic / rate
        if estimate > SYNTHETIC_BUDGET_S:
            print(f"embedding  synthetic: skipped, {args.synthetic} passages would take ~{estimate:.0f} s")
        else:
            bench_embedding(
                embedding, synthetic_passages(texts, args.synthetic), f"synthetic ({PASSAGE_TOKENS}-token)"
            )

    if args.llm in ("local", "both"):
        started = time.perf_counter()
        path = ensure_qwen(settings.model_cache_dir)
        print(f"gguf       ensure default model (assemble if needed): {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        sha256_file(path)
        print(
            f"gguf       full sha256 of {path.stat().st_size:,} bytes: {time.perf_counter() - started:.2f} s"
        )

    document = split_tokens(texts[1], 600)[0]  # one article, ~600 tokens
    for backend in {"small": ["small"], "local": ["local"], "both": ["small", "local"], "none": []}[args.llm]:
        bench_llm(settings.with_overrides(**{"llm.backend": backend}), document)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
