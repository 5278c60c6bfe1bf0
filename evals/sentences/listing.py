"""``python -m evals.sentences.listing``: what a labeller reads, blind to the support scorer.

For each answer of ``evals/data/answer_sentences.jsonl`` (or only those not yet labelled): the
question, the model's raw reply, each numbered source exactly as the verifier reads it
(:func:`rag.evidence.source_document`: header, passage and the other outlets' copies) and the
reply's draft sentences ``S0``, ``S1`` ... with the sources they cite. No verdict and no label is
printed, so two readers can each label from it alone (``evals/LABELLING.md``).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from pathlib import Path

from evals.sentences.data import SENTENCES_PATH, AnswerRecord, load_records
from rag.evidence import source_document

RULE = "=" * 100


def listing(records: Iterable[AnswerRecord]) -> str:
    """The labeller's text for ``records``."""
    lines: list[str] = []
    for record in records:
        lines += [RULE, f"{record.id} {record.kind} | {record.question}", f"RAW: {record.raw}"]
        for source in record.rebuilt_sources():
            # Only what the verifier reads (title, outlet and date are in the document's first
            # line): a dateline printed here once led both readers to back "the Beirut-datelined
            # report", which neither the model nor the verifier was shown.
            lines += [f"--- [{source.number}] {source.passage.article_id}", source_document(source)]
        lines += [f"  S{i} cites {s.citations}: {s.text}" for i, s in enumerate(record.sentences)]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.sentences.listing",
        description=(
            "Print what a labeller reads for each answer of the labelled-sentence file: the question, "
            "the raw reply, every numbered source as the verifier reads it, and the draft sentences. "
            "No label and no verdict of the support scorer is printed."
        ),
    )
    parser.add_argument(
        "--data", type=Path, default=SENTENCES_PATH, help=f"answer file (default: {SENTENCES_PATH})"
    )
    parser.add_argument(
        "--unlabelled", action="store_true", help="only answers with a sentence that has no label yet"
    )
    parser.add_argument("--ids", nargs="*", default=None, help="only these answer ids (e.g. sq54 sq55)")
    args = parser.parse_args(argv)
    records = load_records(args.data)
    if args.unlabelled:
        records = [r for r in records if any(s.label is None for s in r.sentences)]
    if args.ids:
        records = [r for r in records if r.id in set(args.ids)]
    print(listing(records), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
