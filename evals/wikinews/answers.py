"""End-to-end answers on the Wikinews questions: is the article's answer shown, refused, or missed?

    python -m evals.wikinews --answers [--limit N] [--out DIR]

Retrieval alone (:mod:`evals.wikinews.run`) says whether the answering article reaches the model;
this says what the reader gets. Every question goes through the answer engine as ``rag ask`` runs
it (default settings and model), and the answer is graded by the article's own words, each
question's ``answer`` or ``answer_pattern``, never by the verifier, so the figures grade the
verifier too:

* ``right``: the answer shown holds the expected answer;
* ``refused_right``: refused, while the model's reply (kept in the refusal's details) held the
  expected answer: a right answer the checks threw away;
* ``refused``: refused, and the reply did not hold it either;
* ``other``: an answer shown without the expected words: wrong, or worded so that the string does
  not match ("16" for "sixteen"); ``report.md`` lists them to read.

Beside the outcomes, how many of the shown sentences that cite a source have a backing sentence
highlighted on a cited source's card (:func:`pointed`): what a reader who opens the citation sees.

About 5 s a question on two cores (13 minutes for the 132 questions).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from evals.wikinews.data import WikinewsQuestion, answer_found
from evals.wikinews.run import indexed_store
from rag.components import Components
from rag.engine import AnswerEngine
from rag.settings import load_settings
from rag.types import Answer

OUTCOMES = ("right", "refused_right", "refused", "other")


def holds_answer(question: WikinewsQuestion, text: str) -> bool:
    """The expected answer is in ``text``, as written or as the article words it."""
    return question.answer.casefold() in text.casefold() or answer_found(question, text)


def grade(question: WikinewsQuestion, answer: Answer) -> str:
    """One of :data:`OUTCOMES` for the engine's ``answer`` to ``question``."""
    if answer.refused:
        return "refused_right" if holds_answer(question, answer.refusal_details or "") else "refused"
    return "right" if holds_answer(question, answer.text) else "other"


def pointed(answer: Answer) -> tuple[int, int]:
    """(sentences with a highlight on a cited source's card, sentences citing a source) of a shown
    answer: the card highlights the spans the verifier kept (:attr:`rag.types.Sentence.evidence`)."""
    if answer.refused:
        return 0, 0
    citing = [s for s in answer.sentences if s.supported and s.citations]
    lit = [s for s in citing if any(span.source in s.citations for span in s.evidence)]
    return len(lit), len(citing)


def run_answers(questions: Sequence[WikinewsQuestion], progress: Callable[[str], None] = print) -> dict:
    """Answer every question over the store the environment names; the graded rows and totals."""
    settings = load_settings()
    engine = AnswerEngine(settings, Components(settings))
    rows = []
    started = time.perf_counter()
    for number, question in enumerate(questions, 1):
        mark = time.perf_counter()
        answer = engine.answer(question.question)
        outcome = grade(question, answer)
        lit, citing = pointed(answer)
        rows.append(
            {
                "id": question.id,
                "question": question.question,
                "expected": question.answer,
                "outcome": outcome,
                "shown": answer.text,
                "refusal_details": answer.refusal_details,
                "highlighted": lit,
                "citing": citing,
                "seconds": round(time.perf_counter() - mark, 2),
            }
        )
        progress(f"[{number}/{len(questions)}] {question.id} {outcome}")
    counts = Counter(row["outcome"] for row in rows)
    return {
        "questions": len(rows),
        "model": engine.llm.name,
        "backend": settings.llm.backend,
        "counts": {outcome: counts.get(outcome, 0) for outcome in OUTCOMES},
        "highlighted": sum(row["highlighted"] for row in rows),
        "citing": sum(row["citing"] for row in rows),
        "seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
    }


def render_answers(report: dict) -> str:
    """The totals, then the refused right answers and the other answers, to read."""
    total = max(report["questions"], 1)
    counts = report["counts"]
    lines = [
        "# Wikinews questions: what the reader gets",
        "",
        f"{report['questions']} questions, {report['seconds']:.0f} s, model {report.get('model', '?')}.",
        "",
        "| outcome | questions | share |",
        "|---|---:|---:|",
    ]
    lines += [f"| {outcome} | {counts[outcome]} | {counts[outcome] / total:.3f} |" for outcome in OUTCOMES]
    if "citing" in report:
        lines += [
            "",
            f"Shown sentences citing a source: {report['citing']}; with a backing sentence highlighted"
            f" on a cited source's card: {report['highlighted']}.",
        ]
    for outcome, heading in (("refused_right", "Right replies refused"), ("other", "Other answers shown")):
        rows = [row for row in report["rows"] if row["outcome"] == outcome]
        if not rows:
            continue
        lines += ["", f"## {heading} ({len(rows)})", ""]
        for row in rows:
            said = row["refusal_details"] if outcome == "refused_right" else row["shown"]
            said = " ".join((said or "").split())[:300]
            lines.append(f"- {row['id']} (expected: {row['expected']}): {row['question']} -> {said}")
    return "\n".join(lines) + "\n"


def answers_main(questions: Sequence[WikinewsQuestion], work_dir: Path, articles_path: Path) -> dict:
    """Index the articles into ``work_dir`` with ``rag index`` and answer every question."""
    with indexed_store(articles_path, work_dir):
        return run_answers(questions)
