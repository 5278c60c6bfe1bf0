"""Edits of real news sentences: which does the support scorer catch? ``python -m evals.edits``.

Two measures over an archive's own articles (by default the 293 Wikinews articles of
``../shared/evaldata/wikinews-en-2019-2020``, which nothing in the verifier was written from, and
none of which is in SummEdits or the bundled corpus):

* **quotes**: every sentence of five words or more, scored against its own passage (three
  paragraphs, as the index holds them). A quote is backed by definition, so each failure is a check
  that misreads a relation; the share that passes should be 1.
* **edits**: the FactCC-style pairs of :mod:`evals.crossencoder.perturb` (a sentence in its window
  of three, copied or shortened as supported; one edit the window does not back as unsupported: a
  name, number or date from elsewhere in the article, a negation added or removed, an opposite, two
  names trading places, a sentence from elsewhere), and for each kind the share the scorer judges
  right. Besides them, every quote holding a bounded figure is scored with that bound turned round
  ("more than 50" -> "fewer than 50"; the ``bound`` row), and every quote without a scope word is
  scored limited or widened by one ("was organised by only Turkey", "all the rebels said"; the
  ``scope`` row), and every quote holding a count whose passage writes a date is scored with the
  count replaced by that date's day ("killed 9 people" -> "killed 14 people" beside "on March 14";
  the ``day`` row). Edits are made by rule, so some read oddly; their point is which relations the
  checks read.

Neither measure grades the scorer with itself: the labels come from how each claim was made.
SummEdits (human-written edits, ``python -m evals.summedits``) and the hand-labelled answer
sentences (``rag eval --suite sentences``) remain the figures the targets are set on.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evals.crossencoder.perturb import archive_pairs, day_as_count, read_archive, scoped, turned_bounds
from evals.wikinews.data import default_data_path, missing_message
from rag.text.sentences import sentence_spans
from rag.verifier.scorer import SupportScorer

PASSAGE_PARAGRAPHS = 3
QUOTE_WORDS = 5
EXIT_ERROR = 2


@dataclass
class Edits:
    right: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)
    quotes: int = 0
    failed_quotes: list[tuple[str, list[str]]] = field(default_factory=list)
    seconds: float = 0.0

    def rate(self, kind: str) -> float:
        total = self.right[kind] + self.wrong[kind]
        return self.right[kind] / total if total else 0.0


def passages(text: str) -> list[str]:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return [
        "\n".join(paragraphs[i : i + PASSAGE_PARAGRAPHS])
        for i in range(0, len(paragraphs), PASSAGE_PARAGRAPHS)
    ]


def quotes(passage: str) -> list[str]:
    """The passage's sentences that state something: five words or more, some of them lower case
    (an all-capitals photo credit states nothing)."""
    found = [passage[s.start : s.end].strip() for s in sentence_spans(passage)]
    return [q for q in found if len(q.split()) >= QUOTE_WORDS and any(c.islower() for c in q)]


def measure(texts: Sequence[str], seed: int = 13, per_article: int = 12) -> Edits:
    scorer = SupportScorer()
    result = Edits()
    started = time.perf_counter()
    for text in texts:
        for passage in passages(text):
            for quote in quotes(passage):
                result.quotes += 1
                verdict = scorer.score(quote, [passage])
                if not verdict.supported:
                    result.failed_quotes.append((quote, verdict.unbacked))
                edited_quotes = [
                    *(("bound", t) for t in turned_bounds(quote)),
                    *(("scope", t) for t in scoped(quote)),
                    *(("day", t) for t in day_as_count(quote, passage)),
                ]
                for kind, edited in edited_quotes:
                    supported = scorer.score(edited, [passage]).supported
                    (result.wrong if supported else result.right)[kind] += 1
    for pair in archive_pairs(texts, seed=seed, per_article=per_article):
        supported = scorer.score(pair.claim, [pair.window]).supported
        (result.right if supported == bool(pair.label) else result.wrong)[pair.kind] += 1
    result.seconds = time.perf_counter() - started
    return result


def render(result: Edits, source: Path) -> str:
    passed = result.quotes - len(result.failed_quotes)
    lines = [
        f"Archive: {source}",
        "",
        "| claims | judged right | of | share |",
        "|---|---:|---:|---:|",
        f"| quotes of their own passage (supported) | {passed} | {result.quotes} | "
        f"{passed / max(1, result.quotes):.3f} |",
    ]
    kinds = sorted(set(result.right) | set(result.wrong), key=lambda k: (k not in ("copy", "short"), k))
    for kind in kinds:
        label = f"{kind} ({'supported' if kind in ('copy', 'short') else 'unsupported'})"
        total = result.right[kind] + result.wrong[kind]
        lines.append(f"| {label} | {result.right[kind]} | {total} | {result.rate(kind):.3f} |")
    lines += ["", f"{result.seconds:.0f} s on this machine."]
    if result.failed_quotes:
        lines += ["", "Quotes failed (the check that failed them):", ""]
        lines += [f"- {quote[:160]} ({', '.join(why)})" for quote, why in result.failed_quotes[:40]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.edits",
        description="Score quotes and rule-made edits of an archive's sentences with the support scorer, "
        "and print what share of each kind it judges right (Markdown).",
    )
    parser.add_argument(
        "--archive",
        type=Path,
        help="a JSONL export with a 'text' field per line, or a folder of .txt/.md articles "
        "(default: the Wikinews articles, $RAG_WIKINEWS_PATH or ../shared/evaldata/wikinews-en-2019-2020)",
    )
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    args = parser.parse_args(argv)
    source = args.archive or default_data_path()
    if not source.exists():
        print(
            f"evals.edits: {missing_message(source) if args.archive is None else f'{source} not found'}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    try:
        texts = read_archive(source)
    except ValueError as error:
        print(f"evals.edits: {error}", file=sys.stderr)
        return EXIT_ERROR
    report = render(measure(texts[: args.limit] if args.limit else texts), source)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    print(report, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
