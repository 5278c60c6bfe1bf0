"""``python -m evals.wikinews``: run the benchmark and write report.json and report.md."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from evals.wikinews.answers import answers_main, render_answers
from evals.wikinews.data import (
    DATA_ENV,
    QUESTIONS_PATH,
    DataError,
    default_data_path,
    load_questions,
    missing_message,
)
from evals.wikinews.report import render_markdown
from evals.wikinews.run import run_benchmark

EXIT_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.wikinews",
        description="Find the answering article for our own questions over 293 real Wikinews articles: "
        "the product's retrieval against BM25, MiniLM and their fusion, with and without a date window.",
    )
    parser.add_argument(
        "--articles",
        type=Path,
        default=None,
        help=f"the articles.jsonl (default: ${DATA_ENV} or ../shared/evaldata/wikinews-en-2019-2020/articles.jsonl)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for report.json and report.md (default: a new temporary folder)",
    )
    parser.add_argument(
        "--answers",
        action="store_true",
        help="answer every question with the engine (default model, ~5 s each) and grade what the reader "
        "gets by the article's words: right, refused, refused while the reply was right, other",
    )
    parser.add_argument("--limit", type=int, default=None, help="with --answers: only the first N questions")
    parser.add_argument(
        "--questions",
        type=Path,
        default=None,
        help="with --answers: another questions file of the same form, e.g. evals/data/wikinews_days.jsonl "
        "(the day of an event that its story names by weekday or 'yesterday'); default: the 132 questions",
    )
    args = parser.parse_args(argv)
    if args.limit is not None and not args.answers:
        parser.error("--limit applies to --answers only; retrieval is measured on every question")
    if args.questions is not None and not args.answers:
        parser.error("--questions applies to --answers only")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be 1 or more")
    articles_path = args.articles or default_data_path()
    if not articles_path.is_file():
        print(missing_message(articles_path), file=sys.stderr)
        return EXIT_ERROR
    out = args.out or Path(tempfile.mkdtemp(prefix="wikinews-bench-"))
    try:
        if args.answers:
            questions = load_questions(args.questions or QUESTIONS_PATH)[: args.limit]
        else:
            questions = load_questions()
        with tempfile.TemporaryDirectory(prefix="wikinews-store-") as work:
            if args.answers:
                report = answers_main(questions, Path(work), articles_path)
            else:
                report = run_benchmark(articles_path, questions, Path(work))
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    markdown = render_answers(report) if args.answers else render_markdown(report)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (out / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"Reports written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
