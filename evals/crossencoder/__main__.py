"""``python -m evals.crossencoder``: train the cross-encoder candidate on an archive, then measure it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evals.crossencoder.model import CrossEncoder, MissingTraining, train
from evals.crossencoder.perturb import archive_pairs, read_archive
from evals.summedits.data import SummEditsDataError

EXIT_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.crossencoder",
        description="Fine-tune MiniLM on perturbations of an archive's own sentences (names, numbers, dates, "
        "negations, opposites, swapped roles), then measure it beside the shipped support scorer on "
        "SummEdits news and the labelled answer sentences. Needs a CPU torch (see pyproject's crossencoder extra).",
    )
    parser.add_argument(
        "--archive", type=Path, help="JSONL export (a 'text' field per line) or folder of .txt/.md articles"
    )
    parser.add_argument(
        "--model", type=Path, help="a folder this command trained before: measure it, do not train"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for the trained model and report.json"
    )
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument(
        "--per-article", type=int, default=12, help="sentences drawn per article (default 12)"
    )
    args = parser.parse_args(argv)
    if args.model is None and args.archive is None:
        parser.error("give --archive to train, or --model to measure a trained folder")
    report: dict = {}
    try:
        folder = args.model
        if folder is None:
            texts = read_archive(args.archive)
            pairs = archive_pairs(texts, per_article=args.per_article)
            print(f"{len(texts)} articles, {len(pairs)} training pairs", file=sys.stderr)
            folder = args.out / "model"
            report["training"] = train(pairs, folder, epochs=args.epochs)
        from evals.crossencoder.measure import sentences, summedits

        cross = CrossEncoder(folder)
        report["summedits"] = summedits(cross.score)
        report["sentences"] = sentences(cross.score, report["summedits"]["threshold"])
    except (MissingTraining, SummEditsDataError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    print(f"Report written to {args.out / 'report.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
