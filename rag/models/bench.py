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
    started = time.perf_counter()
    embedding.get_text_embedding_batch(passages)
    elapsed = time.perf_counter() - started
    print(
        f"embedding  {label}: {len(passages)} passages, {pieces} word pieces in {elapsed:.2f} s "
        f"-> {len(passages) / elapsed:.1f} passages/s, {pieces / elapsed:.0f} word pieces/s"
    )
    return len(passages) / elapsed


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
    started = time.perf_counter()
    first = None
    for _piece in model.stream_chat(question, max_tokens=128):
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    usage = model.last_usage
    assert first is not None
    prompt_s = first - started
    gen_tokens = max(usage.completion_tokens - 1, 1)
    print(
        f"llm[{label}] prompt {usage.prompt_tokens} tokens, first piece after {prompt_s:.2f} s "
        f"-> {usage.prompt_tokens / prompt_s:.0f} prompt tokens/s; generation {usage.completion_tokens} "
        f"tokens -> {gen_tokens / max(end - first, 1e-9):.1f} tokens/s"
    )

    claims = [
        "Dozens of people were killed in the attack.",
        "The attack took place in Damascus.",
        "Government soldiers were among the dead.",
        "The militants were defeated within an hour.",
    ]
    cold = []
    for claim in claims:
        t = time.perf_counter()
        model.yes_probability(_judge_messages(document, claim), reuse_prefix=False)
        cold.append(time.perf_counter() - t)
    prompt_tokens = model.last_usage.prompt_tokens
    model.yes_probability(_judge_messages(document, "warm-up"))
    warm = []
    for claim in claims:
        t = time.perf_counter()
        model.yes_probability(_judge_messages(document, claim))
        warm.append(time.perf_counter() - t)
    print(
        f"llm[{label}] yes_probability on a {prompt_tokens}-token prompt: "
        f"{statistics.median(cold):.2f} s without prefix re-use, "
        f"{statistics.median(warm):.2f} s with it (median of {len(claims)}, "
        f"{model.last_usage.cached_tokens} tokens re-used)"
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
