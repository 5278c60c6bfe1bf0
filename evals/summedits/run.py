"""Scoring one split with the stored configuration (nothing is tuned here): the ``summedits`` suite."""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from evals.summedits.data import (
    SummEditsItem,
    document_subset,
    load_summedits,
    select_split,
    stratified_subset,
)
from evals.summedits.fitting import fit
from evals.summedits.judge_cache import judge_llm
from evals.summedits.metrics import ScorerMetrics, scorer_metrics
from evals.summedits.report import SummEditsReport
from evals.summedits.scoring import ItemScore, Progress, score_items
from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

if TYPE_CHECKING:
    from rag.components import Components
    from rag.settings import Settings


class ScoringInputs(TypedDict, total=False):
    """Where the items come from and how they are scored: passed on alike to ``fit`` and ``evaluate``."""

    use_judge: bool
    data_path: Path | str | None
    progress: Progress | None
    judge_cache: Path | None
    items: Sequence[SummEditsItem] | None
    """Replace the data file (the items of the split asked for are used)."""


def evaluate(
    settings: Settings,
    components: Components | None = None,
    *,
    split: str = "test",
    limit: int | None = None,
    use_judge: bool = True,
    config: SupportConfig | None = None,
    data_path: Path | str | None = None,
    progress: Progress | None = None,
    judge_cache: Path | None = None,
    documents: int | None = None,
    items: Sequence[SummEditsItem] | None = None,
) -> SummEditsReport:
    """Score a split with the stored configuration (nothing is tuned here) and report the metrics.

    ``documents`` first keeps the items of that many randomly drawn documents, ``limit`` then draws a
    stratified subset of those. ``items`` replaces the data file (its ``split`` items are used).
    """
    all_items = select_split(items, split) if items is not None else load_summedits(data_path, split)
    pool = document_subset(all_items, documents)
    chosen = stratified_subset(pool, limit)
    config = config or SupportConfig.load()
    llm = judge_llm(components, settings, use_judge, judge_cache)
    scorer = SupportScorer(llm=llm, config=config.model_copy(update={"judge": use_judge}))
    started = time.perf_counter()
    scores = score_items(scorer, chosen, progress)
    seconds = time.perf_counter() - started
    counts = Counter(s.label for s in scores)
    judged = use_judge and all(s.judge is not None for s in scores)
    return SummEditsReport(
        split=split,
        items=len(chosen),
        available=len(all_items),
        consistent=counts[1],
        inconsistent=counts[0],
        subset=subset_note(all_items, pool, chosen),
        use_judge=judged,
        model=getattr(llm, "name", None) if judged else None,
        config_fitted_on=config.fitted_on,
        scorers=scorer_figures(scores, config, judged),
        seconds=seconds,
        seconds_per_item=seconds / len(chosen) if chosen else math.nan,
        judge_tokens=sum(s.judge_tokens or 0 for s in scores) if judged else None,
        judge_cached_items=sum(1 for s in scores if s.judge is not None and s.judge_tokens is None),
        item_scores=scores,
    )


def scorer_figures(
    scores: Sequence[ItemScore], config: SupportConfig, judged: bool
) -> dict[str, ScorerMetrics]:
    """ "combined" (when judged), "deterministic", and "judge" (p(Yes) at 0.5, when judged)."""
    labels = [s.label for s in scores]
    types = [s.edit_types for s in scores]
    scorers: dict[str, ScorerMetrics] = {}
    if judged:
        scorers["combined"] = scorer_metrics(
            labels, [s.score for s in scores], types, config.judged_threshold
        )
    scorers["deterministic"] = scorer_metrics(
        labels, [s.deterministic for s in scores], types, config.deterministic_threshold
    )
    if judged:
        scorers["judge"] = scorer_metrics(labels, [s.judge or 0.0 for s in scores], types, 0.5)
    return scorers


def subset_note(
    all_items: Sequence[SummEditsItem], pool: Sequence[SummEditsItem], chosen: Sequence[SummEditsItem]
) -> str:
    """How the scored items were drawn from the split: "all", or the document and stratified draws."""
    n_docs = len({i.doc_id for i in all_items})
    parts = []
    if len(pool) < len(all_items):
        parts.append(
            f"all items of {len({i.doc_id for i in pool})} of {n_docs} documents drawn at random, seed 0"
        )
    if len(chosen) < len(pool):
        parts.append(f"stratified subset of {len(pool)} by label and edit type, seed 0")
    return "; ".join(parts) or "all"


def run_summedits(
    settings: Settings,
    components: Components | None = None,
    *,
    refit: bool = False,
    split: str = "test",
    limit: int | None = None,
    documents: int | None = None,
    **inputs: Unpack[ScoringInputs],
) -> SummEditsReport:
    """The ``summedits`` eval suite: optionally refit on ``evaluation`` first, then evaluate ``split``.

    The data file is read (and its checksum checked) unless ``items`` are given.
    """
    config = fit(settings, components, **inputs).config if refit else None
    return evaluate(
        settings, components, split=split, limit=limit, config=config, documents=documents, **inputs
    )
