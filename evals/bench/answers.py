"""Answer latency benchmark: ``rag bench answers --questions 20``.

Indexes the bundled corpus into a temporary folder (or uses ``--data-dir``), loads the
model once, then answers questions from the golden set (``evals/golden.jsonl``) and reports
retrieval latency, time to first token and total time (p50/p95), prompt tokens (mean/max)
and how many answers were refused. ``--judge both`` runs the questions twice, without and
with the model judging each sentence, to show what the judge costs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from evals.bench.common import Figure, Results, load_average, percentile
from evals.golden import load_golden
from index.pipeline import Indexer
from rag.components import Components
from rag.engine import AnswerEngine
from rag.settings import BUNDLED_CORPUS, Settings, load_settings

JUDGE_RUNS = {"off": [False], "on": [True], "both": [False, True]}


def golden_questions(limit: int) -> list[str]:
    """``limit`` golden questions in file order, starting again from the first when there are fewer."""
    questions = [item.question for item in load_golden()]
    return [questions[i % len(questions)] for i in range(limit)]


def measure(settings: Settings, questions: list[str], *, judge: bool, verbose: bool) -> dict:
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
        "retrieval_p50": percentile(retrieval, 50),
        "retrieval_p95": percentile(retrieval, 95),
        "first_token_p50": percentile(first, 50),
        "first_token_p95": percentile(first, 95),
        "total_p50": percentile(total, 50),
        "total_p95": percentile(total, 95),
        "prompt_mean": statistics.fmean(prompt) if prompt else float("nan"),
        "prompt_max": max(prompt) if prompt else 0,
        "total_s": total,
    }


FIGURES = [
    ("refused", "refused", ""),
    ("conflicts", "answers with conflicts", ""),
    ("unsupported_sentences", "unsupported sentences", ""),
    ("retrieval_p50", "retrieval p50", "s"),
    ("retrieval_p95", "retrieval p95", "s"),
    ("first_token_p50", "first token p50 (generated answers)", "s"),
    ("first_token_p95", "first token p95 (generated answers)", "s"),
    ("total_p50", "total p50 (generated answers)", "s"),
    ("total_p95", "total p95 (generated answers)", "s"),
    ("prompt_mean", "prompt tokens mean", ""),
    ("prompt_max", "prompt tokens max", ""),
]


def results(runs: list[dict], loads: list[str]) -> Results:
    """The figures of each run; with the judge on after a run with it off, that run is the baseline."""
    rows: list[Figure] = []
    off = next((r for r in runs if not r["judge"]), None)
    for run in runs:
        label = f"judge {'on' if run['judge'] else 'off'}"
        base = off if run["judge"] and off is not None else None
        rows.append(Figure(f"{label}: model load", run["model_load_s"], "s"))
        rows.append(Figure(f"{label}: answers generated", run["generated"]))
        for key, name, unit in FIGURES:
            rows.append(Figure(f"{label}: {name}", run[key], unit, base[key] if base else None, "judge off"))
    first = runs[0]
    notes = [
        f"model {first['model']}; {first['questions']} golden questions per run",
        f"load average at start {loads[0]}; after each run {', '.join(loads[1:])}",
    ]
    series = {f"judge {'on' if r['judge'] else 'off'}: total s": r["total_s"] for r in runs}
    return Results("answers", "Answer latency (golden questions)", rows, runs, series=series, notes=notes)


def run(args: argparse.Namespace) -> Results:
    if args.questions < 1:
        raise SystemExit("--questions must be at least 1")
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        overrides: dict[str, object] = {"data_dir": args.data_dir or Path(tmp) / "data"}
        if os.environ.get("RAG_CACHE_DIR"):
            overrides["cache_dir"] = Path(os.environ["RAG_CACHE_DIR"])
        settings = load_settings(getattr(args, "profile", None), **overrides)
        if args.data_dir is None:
            components = Components(settings)
            started = time.perf_counter()
            indexed = Indexer(settings, components.store, components.embedding).run([BUNDLED_CORPUS])
            print(
                f"indexed the bundled corpus ({len(indexed.added)} articles) in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
        questions = golden_questions(args.questions)
        loads = [load_average()]
        print(f"load average at start: {loads[0]}", flush=True)
        runs = []
        for judge in JUDGE_RUNS[args.judge]:
            runs.append(measure(settings, questions, judge=judge, verbose=args.verbose))
            loads.append(load_average())
            print(f"load average now: {loads[-1]}", flush=True)
    return results(runs, loads)
