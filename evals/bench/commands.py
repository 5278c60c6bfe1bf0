"""``rag bench``: the benchmarks, one sub-command each, figures printed and written to ``--out``.

Each benchmark writes ``<name>.md`` (a table: each figure, its baseline where the benchmark has
one, and the ratio to it), ``<name>.json`` (the same plus everything measured) and, where it
measures a series of timings, ``<name>.png``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import tempfile
from pathlib import Path
from types import ModuleType

from evals.bench.common import print_figures, write_results

BENCHMARKS: dict[str, tuple[str, str]] = {
    "answers": (
        "answer latency: first text and total (p50/p95) for first turns and follow-ups, prompt tokens, "
        "refusals; --compare sets a change beside the settings as they are",
        "Indexes the bundled corpus, loads the model, then answers --questions golden questions "
        "(evals/golden.jsonl) and --follow-ups conversations (evals/data/followups.jsonl: a first "
        "question, then a follow-up leaning on it), and reports time to the first text and total time "
        "(p50/p95) for first turns and for follow-ups, retrieval time, prompt tokens and refusals. "
        "--compare KEY=VALUE[,KEY=VALUE] runs everything again with those settings (e.g. "
        "retrieval.focus_tokens=0 or llm.prompt_lookup=10), each figure beside the first run's with the "
        "ratio; --judge both sets judge-on beside judge-off. About 7 minutes per run with the defaults "
        "on two cores (~5 s an answer, 90 answers); --profile test (the small model) checks the plumbing only.",
    ),
    "ask": (
        "rag ask from a fresh shell: each question a new process, on its own and through a running rag serve",
        "Indexes the bundled corpus into a temporary folder, runs `rag ask --local` in a new process for "
        "each of --questions golden questions (models and keyword index loaded every time), then starts "
        "`rag serve` on a free loopback port and runs `rag ask` again for each, answered by the server; "
        "wall-clock p50/p95 of each, the server's beside the own process's, and how many answers differ "
        "(the server's prompt cache can move a borderline answer). About 3 minutes with the defaults and the default model on two cores.",
    ),
    "models": (
        "model throughput: embedding passages/s, LLM load, prompt and generation tokens/s, judge latency",
        "Times the embedding model (bundled corpus and --synthetic passages), the chat models' load, "
        "prompt and generation speed on the product's answer prompt, and the judge on the product's "
        "judge prompt with and without prefix re-use, each rate beside its CPU-time estimate; with the "
        "default model, also assembling and hashing its GGUF file. Takes 3-5 minutes with the defaults "
        "on two cores (the synthetic embedding is skipped when it would take over 3 minutes); "
        "--llm none --synthetic 0 well under a minute.",
    ),
    "retrieval": (
        "retrieval latency per stage on the bundled corpus, and the keyword index at archive scale",
        "Indexes the bundled corpus with the real embedding and times every golden question dense-only, "
        "keyword-only and end to end (p50/p95 over --rounds after a warm-up round), then the BM25 build "
        "and query on a synthetic archive of --articles articles. Takes 1-2 minutes with the defaults "
        "on two cores; --store-scale adds several minutes (the archive indexed into Chroma, hash "
        "vectors).",
    ),
    "ingest": (
        "indexing throughput: chunks/s and tokens/s beside the embedding model alone, peak memory",
        "Writes a synthetic wire-news corpus of --articles articles, indexes it with the default "
        "embedding into a temporary store, indexes it again (nothing changed), then times the model "
        "alone on the same chunk texts. Takes 2-6 minutes for 2000 articles (about 4,000 chunks) on two "
        "cores, at 25-75 chunks/s by the machine's load, twice: the pipeline, then the model alone; "
        "--articles 50 about 15 s.",
    ),
    "load": (
        "the chat server under concurrent logins: failed turns, time per turn, peak memory, mixed histories",
        "Starts its own rag serve on 127.0.0.1 (a temporary data folder, or --data, one login per session); each "
        "session asks a first question and a follow-up through the /ask HTTP endpoint until --seconds "
        "are up; then every stored conversation is read back and must hold exactly its session's "
        "questions. Reports failed turns, time per turn (p50/p95: turns queue for the one model), the "
        "server's peak memory beside its memory at start, and mixed histories; exits 1 on a failure or a "
        "mixed history. Takes --seconds plus the server's start (about 2.5 minutes with the defaults); "
        "--llm small checks the plumbing only.",
    ),
    "keywords": (
        "keyword index on disk (SQLite FTS5) against in memory: cold start, query time, adding, quality",
        "Indexes the bundled corpus and the Wikinews articles (real embedding) and a synthetic archive of "
        "--articles articles (hash vectors) with the real pipeline, then sets retrieval.keyword_index=sqlite "
        "beside memory on each: store open to first keyword result, keyword query p50/p95 without and with "
        "a date filter, the keyword side of adding one article, and the golden and Wikinews retrieval "
        "figures. Takes about 17 minutes at 10,000 articles on two cores; --articles 0 about 3. Not part "
        "of `all`.",
    ),
    "catalog": (
        "archive list speed: first listing and each kind of search with thousands of articles",
        "Writes --articles synthetic articles into a real Chroma store (chunked and grouped for real, "
        "one fixed vector instead of the model's) and times the first listing after a change and each "
        "kind of search (median of 5). Takes about a minute for 3000 articles on two cores.",
    ),
    "scale": (
        "archive size tiers (1k/10k/100k articles): ingestion, store size, memory, cold start, "
        "retrieval per stage, adding one article",
        "Generates an archive per tier (JSONL exports, 200 outlets, one article in eight a copy), indexes "
        "it with the real pipeline into Chroma and the on-disk keyword index (hash vectors on the dense "
        "side; MiniLM's own time per chunk measured beside it), in a process of its own, and reports "
        "ingestion chunks/s, bytes per chunk, peak RSS, a no-change re-index, adding one article, "
        "retrieval p50/p95 per stage without and with a date or outlet filter, and a new process's cold "
        "start (on-disk keywords against the in-memory BM25). The smallest tier is the others' baseline. "
        "On two cores: 1,000 articles about 1 minute, 10,000 about 6, 100,000 about an hour.",
    ),
}

NOT_IN_ALL = frozenset({"keywords", "scale"})
"""Comparisons of two settings, or runs of an hour, rather than speed of this machine: run on their own."""


def _add_options(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "answers":
        parser.add_argument(
            "--questions", type=int, default=30, help="golden questions asked as first turns (default 30)"
        )
        parser.add_argument(
            "--follow-ups",
            type=int,
            default=30,
            help="conversations of a first question and a follow-up (default 30, at most 32)",
        )
        parser.add_argument(
            "--compare",
            action="append",
            metavar="KEY=VALUE[,KEY=VALUE]",
            help="another run with these settings changed, set beside the first (repeatable)",
        )
        parser.add_argument(
            "--profile",
            choices=["default", "test"],
            default=argparse.SUPPRESS,
            help="settings profile (default: rag's --profile, else the default model)",
        )
        parser.add_argument("--data-dir", type=Path, default=None, help="an indexed data folder to use as is")
        parser.add_argument("--judge", choices=["off", "on", "both"], default="off")
        parser.add_argument("--verbose", action="store_true", help="print each question's time and answer")
        parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    elif name == "models":
        parser.add_argument(
            "--synthetic", type=int, default=2000, help="synthetic passages to embed (0: skip)"
        )
        parser.add_argument(
            "--llm",
            choices=["small", "local", "both", "none"],
            default="both",
            help="chat models to time (local is the default 1.5B model)",
        )
        parser.add_argument("--cache-dir", type=Path, help="model cache folder (default: the settings')")
    elif name == "retrieval":
        parser.add_argument(
            "--rounds", type=int, default=3, help="timed rounds over the questions (default 3)"
        )
        parser.add_argument(
            "--articles", type=int, default=2000, help="synthetic archive size (default 2000)"
        )
        parser.add_argument(
            "--store-scale", action="store_true", help="also time a Chroma store of that size"
        )
        parser.add_argument("--json", type=Path, help="also write the figures to this file")
    elif name == "ingest":
        parser.add_argument(
            "--articles", type=int, default=2000, help="synthetic articles to index (default 2000)"
        )
        parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
        parser.add_argument(
            "--corpus",
            type=Path,
            default=None,
            help="real articles instead of the synthetic corpus: a folder, or a JSONL export with "
            "title, date and text per line (--articles is then ignored)",
        )
        parser.add_argument(
            "--raw-limit", type=int, default=None, help="time the model alone on only the first N chunk texts"
        )
        parser.add_argument(
            "--keep", type=Path, default=None, help="keep the corpus and store in this folder"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    elif name == "ask":
        parser.add_argument("--questions", type=int, default=8, help="golden questions, 1-56 (default 8)")
        parser.add_argument(
            "--llm", default="local", help="answer model: local (default) or small (plumbing only)"
        )
    elif name == "load":
        parser.add_argument("--sessions", type=int, default=8, help="concurrent logins, 1-32 (default 8)")
        parser.add_argument(
            "--data",
            type=Path,
            default=None,
            help="serve this existing data folder (an archive already indexed; the sessions' "
            "conversations are left in it) instead of a new one with the bundled corpus",
        )
        parser.add_argument(
            "--seconds", type=float, default=120.0, help="how long new turns start, 1-1800 (default 120)"
        )
        parser.add_argument(
            "--llm", default="local", help="answer model: local (default) or small (plumbing only)"
        )
    elif name == "keywords":
        parser.add_argument(
            "--articles",
            type=int,
            default=10000,
            help="synthetic archive size, 0 to leave it out (default 10000)",
        )
        parser.add_argument(
            "--rounds", type=int, default=2, help="timed rounds over the questions (default 2)"
        )
        parser.add_argument(
            "--wikinews", type=Path, default=None, help="Wikinews articles.jsonl (default: the shared data)"
        )
        parser.add_argument("--json", type=Path, help="also write the figures to this file")
    elif name == "scale":
        parser.add_argument(
            "--tiers",
            default="1000,10000,100000",
            help="archive sizes in articles, comma-separated (default 1000,10000,100000)",
        )
        parser.add_argument(
            "--rounds", type=int, default=1, help="timed rounds over the questions (default 1)"
        )
        parser.add_argument(
            "--scratch",
            type=Path,
            default=None,
            help="folder for the tiers' archives (default: the temp folder)",
        )
    elif name == "catalog":
        parser.add_argument("--articles", type=int, default=3000, help="synthetic articles (default 3000)")
        parser.add_argument("--outlets", type=int, default=0, help="spread the articles over N outlet names")
        parser.add_argument("--seed", type=int, default=0)


def _add_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder for the Markdown, JSON and PNG files (default: a new temporary folder, printed at the end)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser(
        "bench",
        help="measure speed: answers, ask, models, retrieval, ingest, load, catalog (or all)",
        description="Benchmarks of this machine: figures are printed and written to --out as Markdown, "
        "JSON and, where there is a series, a PNG chart; where a benchmark has a baseline (the model "
        "alone, judge off, ...) each figure stands beside it with the ratio. Figures are never "
        "asserted: on a shared machine they move with its load, so the load average goes with them.",
    )
    sub = bench.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    parsers = {}
    for name, (summary, description) in BENCHMARKS.items():
        parser = sub.add_parser(name, help=summary, description=description)
        _add_options(name, parser)
        _add_out(parser)
        parser.set_defaults(func=handle)
        if name not in NOT_IN_ALL:
            parsers[name] = parser
    every = sub.add_parser(
        "all",
        help="every benchmark above with its defaults (about 24 minutes on two cores)",
        description="Runs answers, ask, models, retrieval, ingest, load and catalog one after the other, each "
        "with its defaults, writing each one's files into --out. Takes about 24 minutes on two cores "
        "with the default model, more on a busy machine.",
    )
    _add_out(every)
    every.set_defaults(func=handle, defaults=parsers)


def handle(args: argparse.Namespace) -> int:
    out = args.out or Path(tempfile.mkdtemp(prefix="rag-bench-"))
    if args.benchmark != "all":
        return _run(args.benchmark, args, out)
    profile = getattr(args, "profile", None)
    worst = 0
    for name, parser in args.defaults.items():
        defaults = parser.parse_args([])
        defaults.profile = profile
        worst = max(worst, _run(name, defaults, out))
    return worst


def benchmark_module(name: str) -> ModuleType:
    # The benchmark's module is imported only when it runs: it pulls in the models, Chroma and
    # llama-index, which `rag --help` and every other sub-command should not wait for.
    return importlib.import_module(f"evals.bench.{name}")


def _run(name: str, args: argparse.Namespace, out: Path) -> int:
    results = benchmark_module(name).run(args)
    if name == "ingest" and args.json:
        print(json.dumps(results.raw, indent=2))
    else:
        print_figures(results)
    if getattr(args, "json", None) and name != "ingest":
        args.json.write_text(json.dumps(results.raw, indent=2), encoding="utf-8")
    for path in write_results(results, out):
        print(f"written: {path}")
    return 0 if results.ok else 1
