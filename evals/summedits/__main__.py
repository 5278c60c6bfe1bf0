"""``python -m evals.summedits``: fit on the evaluation split and/or evaluate a split, from the shell."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from evals.summedits.data import DATA_ENV, SPLITS, SummEditsDataError
from evals.summedits.fitting import fit
from evals.summedits.report import to_markdown
from evals.summedits.run import evaluate
from evals.summedits.scoring import Progress
from rag.components import Components
from rag.settings import load_settings


def _print_progress(every: int = 10) -> Progress:
    def report(done: int, total: int, seconds: float) -> None:
        if done % every == 0 or done == total:
            eta = seconds / done * (total - done)
            print(f"  {done}/{total} items, {seconds:.0f} s, ~{eta:.0f} s left", file=sys.stderr, flush=True)

    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.summedits",
        description="Agreement of the support scorer with SummEdits (news) human consistency labels.",
    )
    parser.add_argument("--split", choices=SPLITS, default="test", help="split to evaluate (default: test)")
    parser.add_argument("--limit", type=int, default=None, help="stratified subset of this many items")
    parser.add_argument(
        "--documents", type=int, default=None, help="only the items of this many randomly drawn documents"
    )
    parser.add_argument(
        "--fit",
        action="store_true",
        help="first fit weights and thresholds on the evaluation split and save them",
    )
    parser.add_argument("--fit-only", action="store_true", help="fit on the evaluation split and stop")
    parser.add_argument("--no-judge", action="store_true", help="deterministic checks only (no model)")
    parser.add_argument("--profile", choices=["default", "test"], default=None, help="settings profile")
    parser.add_argument(
        "--data", type=Path, default=None, help=f"data file (default: ${DATA_ENV} or shared data)"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the report (with per-item scores) here"
    )
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table as Markdown here")
    args = parser.parse_args(argv)
    settings = load_settings(args.profile)
    components = Components(settings)
    use_judge = not args.no_judge
    progress = _print_progress()
    try:
        if args.fit or args.fit_only:
            report = fit(settings, components, use_judge=use_judge, data_path=args.data, progress=progress)
            print(
                f"Fitted on {report.items} evaluation items in {report.seconds:.1f} s; saved to support_config.toml"
            )
            print(
                "  evaluation-split balanced accuracy (tuned there, optimistic): "
                + ", ".join(f"{k} {100 * v:.1f}" for k, v in report.train_balanced_accuracy.items())
            )
            if args.fit_only:
                return 0
        result = evaluate(
            settings,
            components,
            split=args.split,
            limit=args.limit,
            use_judge=use_judge,
            data_path=args.data,
            progress=progress,
            documents=args.documents,
        )
    except SummEditsDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.format_table())
    if args.markdown:
        args.markdown.write_text(to_markdown(result) + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(result.to_dict(include_items=True), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
