"""``rag eval``: score the product on the golden set (or the support scorer on SummEdits) and gate CI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

EXIT_GATE_FAILED = 1
EXIT_ERROR = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="measure answer quality on the golden set (engine vs plain llama-index) and gate on thresholds",
        description=(
            "Answer the hand-written golden questions over the bundled corpus with the answer engine and "
            "with a plain llama-index pipeline, score both (correctness, retrieval, ALCE citation "
            "recall/precision, faithfulness, refusals), write results/<timestamp>/report.json, report.md "
            "and metrics_by_kind.png, and exit 1 when an engine metric falls below evals/thresholds.toml. "
            "The bundled corpus is indexed into the configured store first if it is not there."
        ),
    )
    parser.add_argument("--suite", choices=["golden", "summedits"], default="golden", help="default: golden")
    parser.add_argument(
        "--model",
        choices=["local", "small", "openai"],
        default=None,
        help="LLM backend (default: the configured one, normally local)",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="only N questions (taken across kinds) / N SummEdits items"
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the plain llama-index pipeline (faster; CI gate only)",
    )
    parser.add_argument(
        "--judge",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=(
            "let the support scorer ask the model (default: off for golden, where deterministic checks "
            "keep scoring fast; on for summedits)"
        ),
    )
    parser.add_argument(
        "--out", type=Path, default=Path("results"), help="reports go to OUT/<timestamp>/ (default ./results)"
    )
    parser.add_argument(
        "--thresholds", type=Path, default=None, help="gate file (default: evals/thresholds.toml)"
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from evals.gate import THRESHOLDS_PATH, check_gate, load_thresholds
    from evals.report import print_report, write_report
    from rag.settings import load_settings

    console = Console()
    errors = Console(stderr=True, soft_wrap=True)  # whole lines: paths in messages stay copyable
    if args.limit is not None and args.limit < 1:
        errors.print("[red]--limit must be at least 1[/red]")
        return EXIT_ERROR
    try:
        thresholds = load_thresholds(args.thresholds or THRESHOLDS_PATH).for_suite(args.suite)
        settings = load_settings(getattr(args, "profile", None))
        if args.model:
            settings = settings.with_overrides(**{"llm.backend": args.model})
        if args.suite == "golden":
            result = _run_golden(settings, args, console)
        else:
            result = _run_summedits(settings, args, console)
        result.gate = check_gate(result.summaries[result.gated].overall, thresholds)
    except (FileNotFoundError, ValueError, RuntimeError, ImportError) as exc:
        errors.print(f"[red]rag eval failed:[/red] {exc}")
        return EXIT_ERROR
    print_report(result, console)
    paths = write_report(result, args.out)
    console.print(f"Reports: {paths.json_path}, {paths.markdown_path}, {paths.chart_path}", soft_wrap=True)
    return result.gate.exit_code


def _run_golden(settings, args: argparse.Namespace, console: Console):
    from evals.runner import run_golden

    def progress(system, item, outcome) -> None:
        scores = outcome.scores
        if outcome.error:
            verdict = f"[red]error[/red] {outcome.error[:80]}"
        elif not item.answerable:
            verdict = "refused" if scores.refusal.refused else "[yellow]answered (should refuse)[/yellow]"
        elif scores.refusal.refused:
            verdict = "[yellow]refused[/yellow]"
        elif scores.correctness is not None and scores.correctness.correct:
            verdict = "correct"
        else:
            missing = ", ".join(scores.correctness.missing) if scores.correctness else ""
            verdict = f"[yellow]missing {missing}[/yellow]"
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


def _run_summedits(settings, args: argparse.Namespace, console: Console):
    import datetime as dt

    from evals.runner import EvalResult, SystemSummary
    from evals.summedits import run_summedits

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
        wall_s=report.seconds,
        gated="support scorer",
        summaries={"support scorer": SystemSummary(overall=overall, by_kind=by_kind, wall_s=report.seconds)},
        extra=report.to_dict(include_items=True),
    )
