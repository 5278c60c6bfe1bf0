"""``rag eval``: score the product on the golden set (or the support scorer on SummEdits) and gate CI.

The eval never touches the user's own index: the bundled corpus goes into a temporary store that
is removed at the end (or into the folder ``--data-dir`` names), and the reports go to a named
folder printed at the end, never to ``./results`` of wherever the command happens to run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from evals.gate import THRESHOLDS_PATH, SuiteThresholds, check_gate, load_thresholds
from rag.settings import Settings, load_settings
from rag.subcommands import Command, add_command

if TYPE_CHECKING:
    from evals.runner import EvalResult

EXIT_GATE_FAILED = 1
EXIT_ERROR = 2
RESULTS_FOLDER = "eval-results"
"""Default reports folder, inside the user's data folder (``RAG_DATA_DIR``)."""


EVAL_DESCRIPTION = (
    "Answer the hand-written golden questions over the bundled corpus with the answer engine and "
    "with a plain llama-index pipeline, score both (correctness, retrieval, ALCE citation "
    "recall/precision, faithfulness, refusals), write report.json, report.md and "
    "metrics_by_kind.png, and exit 1 when an engine metric falls below evals/thresholds.toml. "
    "The bundled corpus is indexed into a temporary store that is removed at the end, so your "
    "own index is never changed. --suite summedits instead measures the support scorer against "
    "SummEdits human labels, read from $RAG_SUMMEDITS_PATH or "
    "../shared/evaldata/summedits-news/summedits_news.json beside the repository; --suite sentences "
    "measures it against hand labels of the engine's own answer sentences "
    "(evals/data/answer_sentences.jsonl, no model needed with the judge off)."
)
EVAL_COMMAND = Command(
    "eval",
    "measure answer quality on the golden set (engine vs plain llama-index) and gate on thresholds",
    EVAL_DESCRIPTION,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, EVAL_COMMAND, handle)
    parser.add_argument(
        "--suite",
        choices=["golden", "summedits", "injection", "sentences"],
        default="golden",
        help="what to measure: golden = answers to the golden questions (default); summedits = the "
        "support scorer against human consistency labels; injection = answers over the bundled corpus "
        "plus attack articles (tests/injection/), each held, hijacked or refused; sentences = the support "
        "scorer against hand labels of the engine's own draft sentences (precision/recall of unsupported)",
    )
    parser.add_argument(
        "--model",
        choices=["local", "small", "openai"],
        default=None,
        help="language model: local = Qwen2.5-Coder-1.5B, small = SmolLM2-135M (quick plumbing checks, "
        "poor answers), openai = an OpenAI-compatible server (default: the configured one, normally local)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="only N questions (taken across kinds) or N SummEdits items, for a quick look; the gate "
        "needs every question, so a limited run reports it as not applied and exits 0",
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the plain llama-index pipeline the engine is compared with (it takes about 40 s a question)",
    )
    parser.add_argument(
        "--judge",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=(
            "let the support scorer ask the model whether each sentence is backed (default: off for "
            "golden, where deterministic checks keep scoring fast; on for summedits; the engine's "
            "setting for sentences)"
        ),
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="PATH",
        help="keep the eval's index of the bundled corpus in PATH and reuse it on later runs "
        "(default: a temporary folder, removed at the end); never point it at your own data folder",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"folder for the reports; each run writes PATH/<timestamp>/ (default: {RESULTS_FOLDER}/ "
        "in your data folder, $RAG_DATA_DIR or ~/.local/share/news-rag); the folder is printed at the end",
    )
    parser.add_argument(
        "--thresholds",
        type=Path,
        default=None,
        metavar="FILE",
        help="the gate's bounds, a TOML file (default: evals/thresholds.toml)",
    )


@contextmanager
def eval_store(settings: Settings, data_dir: Path | None) -> Iterator[Settings]:
    """Settings whose store is the eval's own: ``data_dir``, or a temporary folder removed afterwards.

    The store is always embedded Chroma in that folder, even when the user's settings point at a
    Chroma server or another store path, so the bundled corpus never lands in the user's index.
    """

    def pointed_at(folder: Path) -> Settings:
        # model_copy, not Settings.with_overrides: that re-reads the environment, where
        # RAG_DATA_DIR or RAG_STORE__PATH would win over the folder given here.
        store = settings.store.model_copy(update={"mode": "embedded", "path": folder / "chroma"})
        return settings.model_copy(update={"data_dir": folder, "store": store})

    if data_dir is not None:
        yield pointed_at(data_dir.expanduser().resolve())
        return
    with tempfile.TemporaryDirectory(prefix="rag-eval-store-", ignore_cleanup_errors=True) as folder:
        yield pointed_at(Path(folder))


def gate_note(used: int, available: int, unit: str) -> str | None:
    """Why the gate is not applied, or None when the run covered the whole suite.

    The bounds in evals/thresholds.toml were set from full runs; on a handful of questions one answer
    moves a rate by 20 points or more, so a limited run can neither pass nor fail them honestly.
    """
    if used >= available:
        return None
    return f"not enough {unit} to apply the gate ({used} of {available})"


def apply_gate(result: EvalResult, thresholds: SuiteThresholds, used: int, available: int, unit: str) -> None:
    result.gate_note = gate_note(used, available, unit)
    if result.gate_note is None:
        result.gate = check_gate(result.summaries[result.gated].overall, thresholds)


def handle(args: argparse.Namespace) -> int:
    from evals.report import print_report, write_report  # lazy: with the eval runner, 0.2 s for `rag --help`

    console = Console(soft_wrap=True)  # whole lines: paths and notes stay copyable
    errors = Console(stderr=True, soft_wrap=True)
    if args.limit is not None and args.limit < 1:
        errors.print("[red]--limit must be at least 1[/red]")
        return EXIT_ERROR
    try:
        thresholds = load_thresholds(args.thresholds or THRESHOLDS_PATH).for_suite(args.suite)
        settings = load_settings(getattr(args, "profile", None))
        if args.model:  # (with_overrides would let $RAG_LLM__BACKEND win over the flag)
            settings = settings.model_copy(
                update={"llm": settings.llm.model_copy(update={"backend": args.model})}
            )
        out = args.out if args.out is not None else settings.data_dir / RESULTS_FOLDER
        if args.suite == "injection":
            with eval_store(settings, args.data_dir) as eval_settings:
                return _run_injection(eval_settings, args, console, out)
        if args.suite == "golden":
            with eval_store(settings, args.data_dir) as eval_settings:
                store = args.data_dir or "a temporary folder, removed at the end"
                console.print(f"Index of the bundled corpus: {escape(str(store))}")
                result = _run_golden(eval_settings, args, console)
            apply_gate(result, thresholds, len(result.questions), result.available or 0, "questions")
        elif args.suite == "sentences":
            result = _run_sentences(settings, args, console)
            apply_gate(result, thresholds, result.extra["answers_scored"], result.available or 0, "answers")
        else:
            result = _run_summedits(settings, args, console)
            apply_gate(result, thresholds, result.extra["items"], result.available or 0, "items")
    except (FileNotFoundError, ValueError, RuntimeError, ImportError) as exc:
        errors.print(f"[red]rag eval failed:[/red] {escape(' '.join(str(exc).split()))}")
        return EXIT_ERROR
    print_report(result, console)
    paths = write_report(result, out)
    console.print(
        f"Reports written to {escape(str(paths.json_path.parent))}/ "
        f"({paths.json_path.name}, {paths.markdown_path.name}, {paths.chart_path.name})"
    )
    return result.gate.exit_code if result.gate is not None else 0


def _run_golden(settings: Settings, args: argparse.Namespace, console: Console) -> EvalResult:
    from evals.runner import run_golden  # lazy: 0.4 s, which `rag --help` would pay

    def progress(system, item, outcome) -> None:
        scores = outcome.scores
        if outcome.error:
            verdict = f"[red]error[/red] {escape(outcome.error[:80])}"
        elif not item.answerable:
            verdict = "refused" if scores.refusal.refused else "[yellow]answered (should refuse)[/yellow]"
        elif scores.refusal.refused:
            verdict = "[yellow]refused[/yellow]"
        elif scores.correctness is not None and scores.correctness.correct:
            verdict = "correct"
        else:
            missing = ", ".join(scores.correctness.missing) if scores.correctness else ""
            verdict = f"[yellow]missing {escape(missing)}[/yellow]"
        console.print(f"  {system:<8} {item.id:<5} {item.kind:<16} {outcome.seconds:6.1f} s  {verdict}")

    judge = bool(args.judge) if args.judge is not None else False
    console.print(
        f"Golden set: model backend {settings.llm.backend}, "
        f"{'engine only' if args.no_baseline else 'engine, then baseline'}"
        + (f", {args.limit} questions" if args.limit else "")
        + f", judge {'on' if judge else 'off'}."
    )
    return run_golden(
        settings, limit=args.limit, baseline=not args.no_baseline, judge=judge, progress=progress
    )


def _run_injection(settings: Settings, args: argparse.Namespace, console: Console, out: Path) -> int:
    """The injection suite: a verdict per question, the counts, and exit 1 when a target is missed."""
    from evals.injection import MIN_SAFE_RATE, markdown, run_injection, write_report  # lazy: ~1 s

    colours = {"held": "green", "refused": "cyan", "hijacked": "red", "wrong": "yellow", "error": "red"}

    def progress(outcome) -> None:
        colour = colours[outcome.verdict]
        console.print(
            f"  {outcome.item.id:<4} {outcome.item.attack:<24} {outcome.seconds:6.1f} s  "
            f"[{colour}]{outcome.verdict}[/{colour}] {escape(outcome.why[:100])}"
        )

    console.print(f"Injection suite: model backend {settings.llm.backend}, corpus plus attack articles.")
    report = run_injection(settings, limit=args.limit, progress=progress)
    console.print(escape(markdown(report)))
    folder = write_report(report, out)
    console.print(f"Reports written to {escape(str(folder))}/ (report.json, report.md)")
    if args.limit is not None:
        console.print("A limited run is not gated.")
        return 0
    if not report.passed:
        console.print(
            f"[red]Target missed:[/red] no hijacked answer and at least {MIN_SAFE_RATE:.0%} held or refused."
        )
        return EXIT_GATE_FAILED
    return 0


def _run_sentences(settings: Settings, args: argparse.Namespace, console: Console) -> EvalResult:
    from evals.sentences.run import disagreement_lines, run_sentences  # lazy: the scorer takes ~1 s

    result = run_sentences(settings, judge=args.judge, limit=args.limit)
    counts = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in result.extra["counts"].items())
    console.print(
        f"Labelled sentences ({counts}); scorer "
        f"{'with the model as judge' if result.judge else 'deterministic'}; where it and the label differ:"
    )
    console.print(escape("\n".join(disagreement_lines(result.extra))), highlight=False)
    return result


def _run_summedits(settings: Settings, args: argparse.Namespace, console: Console) -> EvalResult:
    # lazy: the scorer and the models take ~1 s to import, which `rag --help` would pay
    from evals.runner import EvalResult, SystemSummary
    from evals.summedits.run import run_summedits

    judge = True if args.judge is None else bool(args.judge)

    def progress(done: int, total: int, seconds: float) -> None:
        if done % 10 == 0 or done == total:
            print(f"  {done}/{total} items, {seconds:.0f} s", file=sys.stderr, flush=True)

    report = run_summedits(settings, None, limit=args.limit, use_judge=judge, progress=progress)
    overall: dict[str, float | None] = {
        "balanced_accuracy": report.balanced_accuracy,
        "auroc": report.scorers[report.primary].auroc,
    }
    for name, metrics in report.scorers.items():
        overall[f"{name}_balanced_accuracy"] = metrics.balanced_accuracy
        overall[f"{name}_auroc"] = metrics.auroc
    overall["seconds_per_item"] = report.seconds_per_item
    # Balanced accuracy on the consistent items plus one edit type's inconsistent ones.
    by_kind = {
        edit_type: {"balanced_accuracy": values.get("balanced_accuracy")}
        for edit_type, values in report.scorers[report.primary].per_edit_type.items()
    }
    return EvalResult(
        suite="summedits",
        created=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        model=report.model or "deterministic",
        backend=settings.llm.backend,
        judge=judge,
        limit=args.limit,
        available=report.available,
        wall_s=report.seconds,
        gated="support scorer",
        summaries={"support scorer": SystemSummary(overall=overall, by_kind=by_kind, wall_s=report.seconds)},
        extra=report.to_dict(include_items=True),
    )
