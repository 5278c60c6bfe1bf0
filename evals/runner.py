"""Run the golden set through the answer engine and the baseline, and score every answer.

The flow is: make sure the bundled corpus is indexed, answer every question with one system,
then with the other (one system at a time, so each keeps its fixed prompt prefix in the model's
KV cache), score each answer with the metric components, and aggregate overall and per kind.
"""

from __future__ import annotations

import datetime as dt
import platform
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from statistics import fmean
from typing import Any, Protocol

from pydantic import BaseModel, Field

from evals.baseline import BaselinePipeline
from evals.gate import GateResult
from evals.golden import KINDS, GoldenItem, load_golden
from evals.metrics import (
    AnswerCorrectness,
    CitationQuality,
    Faithfulness,
    RefusalAccuracy,
    RetrievalMetric,
)
from evals.metrics.citations import CitationResult, Scorer, answer_sentences
from evals.metrics.correctness import CorrectnessResult
from evals.metrics.faithfulness import FaithfulnessResult
from evals.metrics.refusal import RefusalOutcome
from evals.metrics.retrieval import RetrievalScore
from rag.components import Components
from rag.settings import BUNDLED_CORPUS, Settings
from rag.types import Answer
from rag.verifier.scorer import SupportScorer

RETRIEVAL_K = 4
"""Sources counted by hit@k/recall@k/MRR: the engine's source limit (the baseline shows 3)."""

SYSTEMS = ("engine", "baseline")

QUALITY_METRICS = (
    "answer_accuracy",
    "fact_recall",
    "hit_at_k",
    "recall_at_k",
    "mrr",
    "citation_recall",
    "citation_precision",
    "faithfulness",
    "refusal_accuracy",
    "refusal_rate",
    "false_refusal_rate",
)
COST_METRICS = ("mean_prompt_tokens", "mean_answer_s", "mean_first_token_s", "max_answer_s", "errors")
LOWER_IS_BETTER = frozenset({"false_refusal_rate", *COST_METRICS})


class Answerer(Protocol):
    def answer(self, question: str) -> Answer: ...


class QuestionScores(BaseModel):
    correctness: CorrectnessResult | None = None
    retrieval: RetrievalScore | None = None
    citations: CitationResult | None = None
    faithfulness: FaithfulnessResult | None = None
    refusal: RefusalOutcome


class SystemAnswer(BaseModel):
    """One system's answer to one question, with its scores."""

    answer: Answer | None = None
    error: str | None = None
    """The exception text when the system failed on this question (scored as a wrong answer)."""
    seconds: float = 0.0
    scores: QuestionScores


class QuestionRecord(BaseModel):
    item: GoldenItem
    systems: dict[str, SystemAnswer] = Field(default_factory=dict)


Summary = dict[str, float | None]


class SystemSummary(BaseModel):
    overall: Summary
    by_kind: dict[str, Summary]
    wall_s: float
    """Time to answer and score every question."""


class EvalResult(BaseModel):
    suite: str = "golden"
    created: str
    model: str
    backend: str
    judge: bool
    """Whether the support scorer asked the model (otherwise deterministic checks only)."""
    retrieval_k: int = RETRIEVAL_K
    limit: int | None = None
    available: int | None = None
    """Questions (or items) in the whole suite; a run that scored fewer is not gated."""
    host: str = Field(default_factory=platform.node)
    index_s: float = 0.0
    wall_s: float = 0.0
    questions: list[QuestionRecord] = Field(default_factory=list)
    summaries: dict[str, SystemSummary] = Field(default_factory=dict)
    gated: str = "engine"
    """The system whose metrics the thresholds apply to; the others are informational."""
    gate: GateResult | None = None
    gate_note: str | None = None
    """Why the gate was not applied (a limited run), shown in place of its verdict."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific figures (e.g. the SummEdits report)."""


# ------------------------------------------------------------------------------------- scoring


class AnswerScorer:
    """All metric components, applied to one answer."""

    def __init__(self, scorer: Scorer, *, k: int = RETRIEVAL_K) -> None:
        self.correctness = AnswerCorrectness()
        self.retrieval = RetrievalMetric(k=k)
        self.citations = CitationQuality(scorer)
        self.faithfulness = Faithfulness(scorer)
        self.refusal = RefusalAccuracy()

    def score(self, item: GoldenItem, answer: Answer | None) -> QuestionScores:
        if answer is None:  # the system failed: wrong on every count that applies
            return QuestionScores(
                correctness=self.correctness.run("", item.expected_facts),
                retrieval=self.retrieval.run([], item.supporting_articles),
                refusal=self.refusal.run(should_refuse=not item.answerable, refused=False),
            )
        # A refusal states no fact, so it scores 0 on correctness and has no claims to cite; the
        # text is scored as it is, since a refusal detected in the baseline's free text may still
        # carry facts after its first sentence.
        return QuestionScores(
            correctness=self.correctness.run(answer.text, item.expected_facts),
            retrieval=self.retrieval.run(answer.sources, item.supporting_articles),
            citations=self.citations.run(answer_sentences(answer), answer.sources),
            faithfulness=self.faithfulness.run(
                answer.text, answer.sources, [s.text for s in answer.sentences if s.reported]
            ),
            refusal=self.refusal.run(should_refuse=not item.answerable, refused=answer.refused),
        )


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


def summarize(answers: Sequence[SystemAnswer]) -> Summary:
    """Every metric over a set of answers; None where no answer in the set defines it."""
    scores = [a.scores for a in answers]
    refusal = RefusalAccuracy.aggregate([s.refusal for s in scores])
    done = [a.answer for a in answers if a.answer is not None]
    return {
        "answer_accuracy": _mean(float(s.correctness.correct) for s in scores if s.correctness),
        "fact_recall": _mean(s.correctness.fact_recall for s in scores if s.correctness),
        "hit_at_k": _mean(float(s.retrieval.hit) for s in scores if s.retrieval),
        "recall_at_k": _mean(s.retrieval.recall for s in scores if s.retrieval),
        "mrr": _mean(s.retrieval.reciprocal_rank for s in scores if s.retrieval),
        "citation_recall": _mean(s.citations.recall for s in scores if s.citations),
        "citation_precision": _mean(s.citations.precision for s in scores if s.citations),
        "faithfulness": _mean(s.faithfulness.faithfulness for s in scores if s.faithfulness),
        "refusal_accuracy": refusal.accuracy,
        "refusal_rate": refusal.refusal_rate,
        "false_refusal_rate": refusal.false_refusal_rate,
        "mean_prompt_tokens": _mean(float(a.prompt_tokens) for a in done),
        "mean_answer_s": _mean(a.timings.total_s for a in done),
        "mean_first_token_s": _mean(a.timings.first_token_s for a in done),
        "max_answer_s": max((a.timings.total_s for a in done), default=None),
        "errors": float(sum(a.error is not None for a in answers)),
    }


def summarize_system(records: Sequence[QuestionRecord], system: str, wall_s: float) -> SystemSummary:
    answers = [r.systems[system] for r in records if system in r.systems]
    by_kind: dict[str, list[SystemAnswer]] = defaultdict(list)
    for record in records:
        if system in record.systems:
            by_kind[record.item.kind].append(record.systems[system])
    return SystemSummary(
        overall=summarize(answers),
        by_kind={kind: summarize(by_kind[kind]) for kind in KINDS if kind in by_kind},
        wall_s=wall_s,
    )


# ------------------------------------------------------------------------------------- running


def select_items(items: Sequence[GoldenItem], limit: int | None) -> list[GoldenItem]:
    """The first ``limit`` items taking one kind after another, so a short run still covers every kind."""
    if limit is None or limit >= len(items):
        return list(items)
    queues: dict[str, list[GoldenItem]] = defaultdict(list)
    for item in items:
        queues[item.kind].append(item)
    order = [kind for kind in KINDS if queues[kind]]
    chosen: list[GoldenItem] = []
    while len(chosen) < limit:
        for kind in order:
            if queues[kind] and len(chosen) < limit:
                chosen.append(queues[kind].pop(0))
    return chosen


def ensure_corpus_indexed(components: Components, items: Sequence[GoldenItem]) -> float:
    """Index the bundled corpus into the configured store when a golden article is missing from it.

    Returns the seconds spent (0 when everything was there). The indexer is incremental, so an
    up-to-date store is left as it is.
    """
    from index.pipeline import Indexer  # lazy: seconds to import, paid only when indexing is needed

    needed = sorted({a for item in items for a in item.supporting_articles})
    store = components.store
    if needed and all(store.get_article(article) is not None for article in needed):
        return 0.0
    started = time.perf_counter()
    report = Indexer(components.settings, store, components.embedding).run([BUNDLED_CORPUS])
    missing = [a for a in needed if store.get_article(a) is None]
    if missing:
        skipped = "; ".join(f"{s.path}: {s.reason}" for s in getattr(report, "skipped", []))
        raise RuntimeError(
            f"Indexing {BUNDLED_CORPUS} did not store the golden set's articles {missing}"
            + (f" (skipped: {skipped})" if skipped else "")
        )
    return time.perf_counter() - started


Progress = Callable[[str, GoldenItem, SystemAnswer], None]


def run_system(
    name: str,
    answerer: Answerer,
    items: Sequence[GoldenItem],
    records: dict[str, QuestionRecord],
    scorer: AnswerScorer,
    progress: Progress | None = None,
) -> float:
    started = time.perf_counter()
    for item in items:
        t0 = time.perf_counter()
        answer: Answer | None = None
        error: str | None = None
        try:
            answer = answerer.answer(item.question)
        except Exception as exc:  # one failing question must not hide the other results
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
        result = SystemAnswer(answer=answer, error=error, seconds=seconds, scores=scorer.score(item, answer))
        records[item.id].systems[name] = result
        if progress:
            progress(name, item, result)
    return time.perf_counter() - started


class EngineAnswerer:
    """The product's answer engine behind the one-method interface the runner uses."""

    def __init__(self, settings: Settings, components: Components) -> None:
        from rag.engine import AnswerEngine  # lazy: seconds to import, paid only when answering

        self.engine = AnswerEngine(settings, components)

    def answer(self, question: str) -> Answer:
        return self.engine.answer(question)


def run_golden(
    settings: Settings,
    *,
    limit: int | None = None,
    baseline: bool = True,
    judge: bool = False,
    items: Sequence[GoldenItem] | None = None,
    progress: Progress | None = None,
    components: Components | None = None,
) -> EvalResult:
    """Answer and score the golden set; the gate is applied by the caller."""
    started = time.perf_counter()
    suite = list(items) if items is not None else load_golden()
    chosen = select_items(suite, limit)
    components = components or Components(settings)
    index_s = ensure_corpus_indexed(components, chosen)
    scorer = AnswerScorer(SupportScorer(llm=components.llm if judge else None))
    records = {item.id: QuestionRecord(item=item) for item in chosen}

    systems: dict[str, Answerer] = {"engine": EngineAnswerer(settings, components)}
    if baseline:
        systems["baseline"] = BaselinePipeline(components)
    walls = {name: run_system(name, s, chosen, records, scorer, progress) for name, s in systems.items()}

    ordered = [records[item.id] for item in chosen]
    return EvalResult(
        created=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        model=getattr(components.llm, "name", settings.llm.backend),
        backend=settings.llm.backend,
        judge=judge,
        limit=limit,
        available=len(suite),
        index_s=index_s,
        wall_s=time.perf_counter() - started,
        questions=ordered,
        summaries={name: summarize_system(ordered, name, wall) for name, wall in walls.items()},
    )
