"""``rag eval --suite sentences``: the engine's support scorer against hand labels of its own sentences.

No model is loaded unless the judge is on: the replies and their sources are in the data file, so
the deterministic scorer grades all of them in seconds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

from evals.runner import EvalResult, SystemSummary
from evals.sentences.data import SENTENCES_PATH, AnswerRecord, load_records
from evals.sentences.score import ScoredSentence, SentenceScores, score_records, summarise
from rag.components import Components
from rag.settings import Settings
from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

SYSTEM = "support scorer"
HELD_OUT = "held out"
"""The same scorer's figures on the answers labelled after its rules were tuned (``held_out``)."""
BY_KIND = ("unsupported_precision", "unsupported_recall", "unsupported_f1", "balanced_accuracy")


def engine_scorer_factory(settings: Settings, judge: bool | None):
    """What :meth:`rag.engine.AnswerEngine._scorer` builds: the tuned config, the model only as judge,
    the answer's question."""
    config = SupportConfig.load()
    use_judge = settings.answer.judge if judge is None else judge
    llm = Components(settings).llm if use_judge else None
    return (
        (lambda question: SupportScorer(llm, config, question)),
        use_judge,
        (llm.name if llm is not None else ""),
    )


def run_sentences(
    settings: Settings,
    *,
    judge: bool | None = None,
    limit: int | None = None,
    path: Path | str = SENTENCES_PATH,
) -> EvalResult:
    """Score the labelled sentences (the first ``limit`` answers) with the engine's scorer."""
    started = time.perf_counter()
    available = load_records(path)
    records = available[:limit] if limit is not None else available
    make_scorer, use_judge, model = engine_scorer_factory(settings, judge)
    scores = score_records(records, make_scorer)
    by_kind = _by_kind(records, scores)
    held_ids = {record.id for record in records if record.held_out}
    held = summarise([s for s in scores.sentences if s.answer_id in held_ids])
    wall = time.perf_counter() - started
    summaries = {SYSTEM: SystemSummary(overall=scores.figures(), by_kind=by_kind, wall_s=wall)}
    if held_ids:
        held_kinds = _by_kind([r for r in records if r.held_out], held)
        summaries[HELD_OUT] = SystemSummary(overall=held.figures(), by_kind=held_kinds, wall_s=0.0)
    return EvalResult(
        suite="sentences",
        created=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        model=model or "deterministic",
        backend=settings.llm.backend,
        judge=use_judge,
        limit=limit,
        available=len(available),
        wall_s=wall,
        gated=SYSTEM,
        summaries=summaries,
        extra={
            **scores.to_dict(),
            "held_out_confusion": asdict(held.claims),
            "held_out_answers": len(held_ids),
            "answers_scored": len(records),
            "data": str(path),
        },
    )


def _by_kind(records: list[AnswerRecord], scores: SentenceScores) -> dict[str, dict[str, float | None]]:
    """The sentence figures per question kind (golden kinds, and answerable/partial/unanswerable)."""
    kinds = {record.id: record.kind for record in records}
    groups: dict[str, list[ScoredSentence]] = defaultdict(list)
    for sentence in scores.sentences:
        groups[kinds[sentence.answer_id]].append(sentence)
    out = {}
    for kind, members in groups.items():
        figures = summarise(members).figures()
        out[kind] = {metric: figures[metric] for metric in BY_KIND}
    return out


def disagreement_lines(scores: SentenceScores | dict) -> list[str]:
    """The sentences where the scorer and the label differ, as a Markdown table."""
    rows = scores["disagreements"] if isinstance(scores, dict) else [vars(s) for s in scores.disagreements]
    lines = ["| answer | sentence | label | verdict | note |", "|---|---|---|---|---|"]
    for row in rows:
        sentence = ScoredSentence(**row) if isinstance(row, dict) else row
        text = sentence.text.replace("|", "\\|")
        lines.append(
            f"| {sentence.answer_id}#{sentence.index} | {text} | {sentence.label} | {sentence.verdict} "
            f"| {sentence.note.replace('|', '/')} |"
        )
    return lines
