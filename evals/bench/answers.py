"""Answer latency benchmark: ``rag bench answers --questions 30 --follow-ups 30``.

Indexes the bundled corpus into a temporary folder (or uses ``--data-dir``), loads the model,
then answers golden questions (``evals/golden.jsonl``) as first turns and the conversations of
``evals/data/followups.jsonl`` (a first question, then a follow-up that leans on it), and reports
retrieval time, time to the first text and total time (p50/p95) for first turns and follow-ups,
prompt tokens (and how many of them were already evaluated) and refusals.

``--compare KEY=VALUE[,KEY=VALUE...]`` runs everything again with those settings changed (one run
per ``--compare``), and each figure of that run stands beside the same figure of the run with
the settings as they are, with the ratio: the before/after of a change, measured in one sitting
on one machine. ``--judge both`` is ``--compare answer.judge=true`` with the judge off first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from evals.bench.common import Figure, Results, load_average, percentile
from evals.golden import load_golden
from evals.metrics.correctness import AnswerCorrectness, Fact
from evals.records import read_records
from index.pipeline import Indexer
from rag import prompts
from rag.components import Components
from rag.engine import AnswerEngine
from rag.settings import BUNDLED_CORPUS, Settings, load_settings
from rag.types import Answer

FOLLOW_UPS = Path(__file__).resolve().parents[1] / "data" / "followups.jsonl"


class Conversation(BaseModel):
    """A first question and a follow-up that only makes sense after it."""

    id: str
    question: str
    follow_up: str
    expected_facts: list[Fact] = []
    """What a right answer to the follow-up states (as in the golden set)."""
    answerable: bool = True
    """False: the bundled corpus does not answer the follow-up, so the right answer is a refusal."""


def right(talk: Conversation, answer: Answer) -> bool:
    """A follow-up answered right: every expected fact stated, or refused where the archive is silent."""
    if not talk.answerable:
        return answer.refused
    found = AnswerCorrectness().run(answer.text, talk.expected_facts)
    return not answer.refused and found is not None and found.correct


@dataclass(frozen=True)
class Variant:
    label: str
    overrides: dict[str, str]


def golden_questions(limit: int) -> list[str]:
    """``limit`` golden questions in file order, starting again from the first when there are fewer."""
    questions = [item.question for item in load_golden()]
    return [questions[i % len(questions)] for i in range(limit)]


def conversations(limit: int, path: Path = FOLLOW_UPS) -> list[Conversation]:
    """The first ``limit`` conversations of ``path``."""
    return read_records(path, Conversation, "conversation")[:limit]


def parse_compare(text: str) -> Variant:
    """``retrieval.focus_tokens=0,llm.prompt_lookup=10`` -> a variant with those overrides."""
    overrides = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise SystemExit(
                f"--compare {text!r}: write settings as KEY=VALUE, e.g. retrieval.focus_tokens=0"
            )
        overrides[key.strip()] = value.strip()
    if not overrides:
        raise SystemExit("--compare needs at least one KEY=VALUE")
    return Variant(text, overrides)


def _show(verbose: bool, label: str, question: str, answer: Answer) -> None:
    if not verbose:
        return
    first = answer.timings.first_token_s
    flag = "REFUSED" if answer.refused else ""
    print(
        f"  {label:9s} {first if first is not None else float('nan'):5.1f}s {answer.timings.total_s:5.1f}s "
        f"{answer.prompt_tokens:4d} tok {flag:7s} {question[:50]!r} -> {answer.text[:90]!r}",
        flush=True,
    )


def measure(settings: Settings, questions: list[str], talks: list[Conversation], *, verbose: bool) -> dict:
    components = Components(settings)
    started = time.perf_counter()
    llm = components.llm
    load_s = time.perf_counter() - started
    engine = AnswerEngine(settings, components)
    engine.retriever.run("warm-up")  # builds the keyword index once, as a running service would have
    rate_before = prompt_rate(engine)
    firsts: list[Answer] = []
    follows: list[Answer] = []
    fresh(engine)
    for question in questions:
        firsts.append(engine.answer(question))
        _show(verbose, "first", question, firsts[-1])
    # The conversations open with questions close to golden ones: their prompts must not be found
    # already evaluated, or the first turns would be timed on the cache.
    fresh(engine)
    for talk in talks:
        opening = engine.answer(talk.question)
        firsts.append(opening)
        _show(verbose, "first", talk.question, opening)
        follows.append(engine.answer(talk.follow_up, history=[opening]))
        _show(verbose, "follow-up", talk.follow_up, follows[-1])
    rate_after = prompt_rate(engine)
    follow_ups = _figures(follows)  # first turns are graded by the golden report
    follow_ups["right"] = sum(right(talk, answer) for talk, answer in zip(talks, follows, strict=True))
    return {
        "variant": settings_label(settings),
        "model": llm.name,
        "model_load_s": load_s,
        "prompt_rate": [rate_before, rate_after],
        "first_turns": _figures(firsts),
        "follow_ups": follow_ups,
        "answers": [
            {
                "question": a.question,
                "standalone_question": a.standalone_question,
                "text": a.text,
                "refused": a.refused,
                "timings": a.timings.model_dump(),
            }
            for a in firsts + follows
        ],
    }


def prompt_rate(engine: AnswerEngine) -> float | None:
    """Prompt tokens the model evaluates per second on this machine now, read from one fresh answer
    prompt (the instructions and a bundled passage, nothing cached); None for a model this process
    cannot reset (a server). The default model read about 90 prompt tokens/s on two cores when it was
    chosen and 42-56 on 7 December on the same kind of machine, so latency figures of different days
    compare only beside this."""
    forget = getattr(engine.llm, "forget", None)
    if forget is None:
        return None
    forget()
    passage = min(BUNDLED_CORPUS.glob("*.txt")).read_text(encoding="utf-8")[:CALIBRATION_CHARS]
    stream = engine.llm.stream_chat(
        [
            {"role": "system", "content": prompts.SYSTEM_PROMPT},
            {"role": "user", "content": f"Sources:\n[1] {passage}\n\nQuestion: What happened?"},
        ],
        max_tokens=1,
    )
    for _ in stream:
        pass
    usage = stream.usage
    evaluated = usage.prompt_tokens - usage.cached_tokens
    forget()
    return evaluated / usage.first_piece_s if usage.first_piece_s else None


CALIBRATION_CHARS = 1_500
"""About 300 tokens of a bundled article: the size of the sources part of an answer prompt."""


def fresh(engine: AnswerEngine) -> None:
    """No prompt of earlier questions left evaluated, and the fixed instructions evaluated once, as
    in a service that has answered before (they open every answer prompt, so they stay cached)."""
    forget = getattr(engine.llm, "forget", None)
    if forget is not None:
        forget()
    engine.llm.chat(
        [{"role": "system", "content": prompts.SYSTEM_PROMPT}, {"role": "user", "content": "Sources:"}],
        max_tokens=1,
    )


def settings_label(settings: Settings) -> str:
    return f"focus_tokens={settings.retrieval.focus_tokens}, prompt_lookup={settings.llm.prompt_lookup}"


def _figures(answers: list[Answer]) -> dict:
    generated = [a for a in answers if a.timings.first_token_s is not None]
    first = [a.timings.first_token_s for a in generated if a.timings.first_token_s is not None]
    total = [a.timings.total_s for a in generated]
    prompt = [a.prompt_tokens for a in generated if a.prompt_tokens]
    return {
        "questions": len(answers),
        "generated": len(generated),
        "refused": sum(a.refused for a in answers),
        "conflicts": sum(bool(a.conflicts) for a in answers),
        "unsupported_sentences": sum(1 for a in answers for s in a.sentences if not s.supported),
        "rewrite_p50": percentile([a.timings.rewrite_s for a in answers], 50),
        "retrieval_p50": percentile([a.timings.retrieval_s for a in answers], 50),
        "first_token_p50": percentile(first, 50),
        "first_token_p95": percentile(first, 95),
        "total_p50": percentile(total, 50),
        "total_p95": percentile(total, 95),
        "prompt_mean": statistics.fmean(prompt) if prompt else float("nan"),
        "prompt_max": max(prompt) if prompt else 0,
        "total_s": total,
        "first_token_s": first,
    }


FIGURES = [
    ("generated", "answers generated", ""),
    ("refused", "refused", ""),
    ("right", "right (expected facts stated, or refused where the archive is silent)", ""),
    ("conflicts", "answers with conflicts", ""),
    ("unsupported_sentences", "unsupported sentences", ""),
    ("rewrite_p50", "follow-up rewrite p50", "s"),
    ("retrieval_p50", "retrieval p50", "s"),
    ("first_token_p50", "first text p50 (generated answers)", "s"),
    ("first_token_p95", "first text p95 (generated answers)", "s"),
    ("total_p50", "total p50 (generated answers)", "s"),
    ("total_p95", "total p95 (generated answers)", "s"),
    ("prompt_mean", "prompt tokens mean", ""),
    ("prompt_max", "prompt tokens max", ""),
]


def results(variants: list[Variant], runs: list[dict], loads: list[str]) -> Results:
    """Each run's figures; every run after the first stands beside the first (the baseline)."""
    rows: list[Figure] = []
    base = runs[0]
    for variant, run in zip(variants, runs, strict=True):
        against = base if run is not base else None
        rows.append(
            Figure(
                f"{variant.label}: model load",
                run["model_load_s"],
                "s",
                against["model_load_s"] if against else None,
                variants[0].label,
            )
        )
        # the machine's own speed before and after the questions: in the first run "after" stands
        # beside "before" (did the machine slow down?), in the others each beside the first run's
        rates = run["prompt_rate"]
        if None not in rates:
            name = f"{variant.label}: model prompt rate"
            first = against["prompt_rate"] if against else [None, rates[0]]
            label = variants[0].label if against else "before the questions"
            rows.append(Figure(f"{name}, before the questions", rates[0], "tokens/s", first[0], label))
            rows.append(Figure(f"{name}, after them", rates[1], "tokens/s", first[1], label))
        for turn in ("first_turns", "follow_ups"):
            if not run[turn]["questions"]:
                continue
            name = "first turn" if turn == "first_turns" else "follow-up"
            for key, title, unit in FIGURES:
                if key not in run[turn]:  # "right" is counted for follow-ups only
                    continue
                rows.append(
                    Figure(
                        f"{variant.label}: {name}: {title}",
                        run[turn][key],
                        unit,
                        against[turn][key] if against else None,
                        variants[0].label,
                    )
                )
    notes = [
        f"model {base['model']}; {base['first_turns']['questions']} first turns and "
        f"{base['follow_ups']['questions']} follow-ups per run",
        *(f"{v.label}: {r['variant']}" for v, r in zip(variants, runs, strict=True)),
        f"load average at start {loads[0]}; after each run {', '.join(loads[1:])}",
    ]
    series = {}
    for variant, run in zip(variants, runs, strict=True):
        series[f"{variant.label}: first text s"] = run["first_turns"]["first_token_s"]
        if run["follow_ups"]["first_token_s"]:
            series[f"{variant.label}: follow-up first text s"] = run["follow_ups"]["first_token_s"]
    return Results("answers", "Answer latency (golden questions and follow-ups)", rows, runs, series, notes)


def variants_of(args: argparse.Namespace) -> list[Variant]:
    """The runs to make: the settings as they are first, then each comparison."""
    variants = [Variant("as set", {})]
    if args.judge == "on":
        variants = [Variant("judge on", {"answer.judge": "true"})]
    elif args.judge == "both":
        variants = [
            Variant("judge off", {"answer.judge": "false"}),
            Variant("judge on", {"answer.judge": "true"}),
        ]
    return variants + [parse_compare(text) for text in args.compare or []]


def run(args: argparse.Namespace) -> Results:
    if args.questions < 0 or args.follow_ups < 0 or args.questions + args.follow_ups < 1:
        raise SystemExit(
            "--questions and --follow-ups must not be negative, and at least one must be above 0"
        )
    variants = variants_of(args)
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        overrides: dict[str, object] = {"data_dir": args.data_dir or Path(tmp) / "data"}
        if os.environ.get("RAG_CACHE_DIR"):
            overrides["cache_dir"] = Path(os.environ["RAG_CACHE_DIR"])
        settings = load_settings(getattr(args, "profile", None), **overrides)
        try:
            runs_settings = [settings.with_overrides(**v.overrides) for v in variants]
        except (KeyError, ValueError) as exc:
            raise SystemExit(f"--compare: {exc}") from None
        if args.data_dir is None:
            components = Components(settings)
            started = time.perf_counter()
            indexed = Indexer(settings, components.store, components.embedding).run([BUNDLED_CORPUS])
            print(
                f"indexed the bundled corpus ({len(indexed.added)} articles) in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
        questions = golden_questions(args.questions) if args.questions else []
        talks = conversations(args.follow_ups)
        loads = [load_average()]
        print(f"load average at start: {loads[0]}", flush=True)
        runs = []
        for variant, variant_settings in zip(variants, runs_settings, strict=True):
            print(f"run: {variant.label}", flush=True)
            runs.append(measure(variant_settings, questions, talks, verbose=args.verbose))
            loads.append(load_average())
            print(f"load average now: {loads[-1]}", flush=True)
    return results(variants, runs, loads)
