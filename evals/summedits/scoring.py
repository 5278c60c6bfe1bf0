"""Scoring SummEdits items through the product's own ``SupportScorer``, document by document."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evals.summedits.data import SummEditsItem, order_by_document
from rag.verifier.scorer import SupportScorer


@dataclass
class ItemScore:
    id: str
    doc_id: str
    label: int
    edit_types: tuple[str, ...]
    features: dict[str, float]
    judge: float | None
    deterministic: float
    score: float
    unbacked: list[str]
    seconds: float
    judge_tokens: int | None = None
    """Prompt tokens the judge evaluated for this item (None: no judge, or served from the cache file)."""


Progress = Callable[[int, int, float], None]
"""(items done, items in all, seconds so far)."""


def score_items(
    scorer: SupportScorer, items: Sequence[SummEditsItem], progress: Progress | None = None
) -> list[ItemScore]:
    """Every item through ``SupportScorer.score`` (the product's own path), document by document."""
    out: list[ItemScore] = []
    ordered = order_by_document(items)
    started = time.perf_counter()
    for done, item in enumerate(ordered, 1):
        t0 = time.perf_counter()
        tokens_before = getattr(scorer.llm, "evaluated_tokens", None)
        misses_before = getattr(scorer.llm, "misses", None)
        result = scorer.score(item.summary, [item.doc])
        judge_tokens = None
        if tokens_before is not None and getattr(scorer.llm, "misses", None) != misses_before:
            judge_tokens = scorer.llm.evaluated_tokens - tokens_before  # type: ignore[union-attr]
        out.append(
            ItemScore(
                id=item.id,
                doc_id=item.doc_id,
                label=item.label,
                edit_types=item.edit_types,
                features=dict(result.features),
                judge=result.judge,
                deterministic=result.deterministic,
                score=result.score,
                unbacked=list(result.unbacked),
                seconds=time.perf_counter() - t0,
                judge_tokens=judge_tokens,
            )
        )
        if progress is not None:
            progress(done, len(ordered), time.perf_counter() - started)
    return out
