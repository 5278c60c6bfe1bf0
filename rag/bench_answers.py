"""Answer latency benchmark: ``python -m rag.bench_answers --questions 20``.

Indexes the bundled corpus into a temporary folder (or uses ``--data-dir``), loads the
model once, then answers questions from the golden set (``evals/golden.jsonl``) and prints
retrieval latency, time to first token and total time (p50/p95), prompt tokens (mean/max)
and how many answers were refused. ``--judge both`` runs the questions twice, without and
with the model judging each sentence, to show what the judge costs.

Figures are printed, never asserted: the machine this runs on is shared, so the load
average at the start and the end is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.settings import BUNDLED_CORPUS, Settings, load_settings

GOLDEN = Path(__file__).resolve().parents[1] / "evals" / "golden.jsonl"


def golden_questions(limit: int) -> list[str]:
    questions = [
        json.loads(line)["question"]
        for line in GOLDEN.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if not questions:
        raise SystemExit(f"No questions in {GOLDEN}")
    return [questions[i % len(questions)] for i in range(limit)]


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


def run(settings: Settings, questions: list[str], *, judge: bool, verbose: bool) -> dict:
    from rag.components import Components
    from rag.engine import AnswerEngine

    settings = settings.with_overrides(**{"answer.judge": judge})
    components = Components(settings)
    started = time.perf_counter()
    llm = components.llm
    load_s = time.perf_counter() - started
    engine = AnswerEngine(settings, components)
    engine.retriever.run("warm-up")  # builds the keyword index once, as a running service would have
    rows = []
    for question in questions:
        answer = engine.answer(question)
        rows.append(answer)
        if verbose:
            flag = "REFUSED" if answer.refused else ""
            print(
                f"  {answer.timings.total_s:6.1f}s {answer.prompt_tokens:4d} tok {flag:7s} {question[:60]!r} -> "
                f"{answer.text[:100]!r}",
                flush=True,
            )
            if answer.refused and answer.refusal_reason:
                print(f"      why: {answer.refusal_reason[:300]}", flush=True)
    retrieval = [a.timings.retrieval_s for a in rows]
    first = [a.timings.first_token_s for a in rows if a.timings.first_token_s is not None]
    total = [a.timings.total_s for a in rows if a.timings.first_token_s is not None]
    prompt = [a.prompt_tokens for a in rows if a.prompt_tokens]
    unsupported = sum(1 for a in rows for s in a.sentences if not s.supported)
    return {
        "judge": judge,
        "model": llm.name,
        "model_load_s": load_s,
        "questions": len(rows),
        "generated": len(first),
        "refused": sum(a.refused for a in rows),
        "conflicts": sum(bool(a.conflicts) for a in rows),
        "unsupported_sentences": unsupported,
        "retrieval_p50": _pct(retrieval, 50),
        "retrieval_p95": _pct(retrieval, 95),
        "first_token_p50": _pct(first, 50),
        "first_token_p95": _pct(first, 95),
        "total_p50": _pct(total, 50),
        "total_p95": _pct(total, 95),
        "prompt_mean": statistics.fmean(prompt) if prompt else float("nan"),
        "prompt_max": max(prompt) if prompt else 0,
    }


def report(result: dict) -> str:
    r = result
    return "\n".join(
        [
            f"model {r['model']} (loaded in {r['model_load_s']:.1f} s), judge {'on' if r['judge'] else 'off'}",
            f"questions {r['questions']}: {r['generated']} generated, {r['refused']} refused, "
            f"{r['conflicts']} with conflicts, {r['unsupported_sentences']} unsupported sentences",
            f"retrieval       p50 {r['retrieval_p50'] * 1000:7.0f} ms   p95 {r['retrieval_p95'] * 1000:7.0f} ms",
            f"first token     p50 {r['first_token_p50']:7.2f} s    p95 {r['first_token_p95']:7.2f} s   (generated answers)",
            f"total           p50 {r['total_p50']:7.2f} s    p95 {r['total_p95']:7.2f} s   (generated answers)",
            f"prompt tokens   mean {r['prompt_mean']:6.0f}      max {r['prompt_max']:6d}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rag.bench_answers", description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20, help="how many golden questions (default 20)")
    parser.add_argument("--profile", default=None, help="settings profile (default: the default model)")
    parser.add_argument("--data-dir", type=Path, default=None, help="an indexed data folder to use as is")
    parser.add_argument("--judge", choices=["off", "on", "both"], default="off")
    parser.add_argument("--verbose", action="store_true", help="print each question's time and answer")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.questions < 1:
        parser.error("--questions must be at least 1")

    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        overrides = {"data_dir": args.data_dir or Path(tmp) / "data"}
        if os.environ.get("RAG_CACHE_DIR"):
            overrides["cache_dir"] = Path(os.environ["RAG_CACHE_DIR"])
        settings = load_settings(args.profile, **overrides)
        if args.data_dir is None:
            from index.pipeline import Indexer
            from rag.components import Components

            components = Components(settings)
            started = time.perf_counter()
            indexed = Indexer(settings, components.store, components.embedding).run([BUNDLED_CORPUS])
            print(
                f"indexed the bundled corpus ({len(indexed.added)} articles) in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
        questions = golden_questions(args.questions)
        print(f"load average at start: {_load()}", flush=True)
        results = []
        for judge in {"off": [False], "on": [True], "both": [False, True]}[args.judge]:
            result = run(settings, questions, judge=judge, verbose=args.verbose)
            results.append(result)
            print(report(result), flush=True)
            print(f"load average now: {_load()}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
