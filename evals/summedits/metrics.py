"""The agreement figures: balanced accuracy (overall and per edit type), AUROC, the best threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evals.summedits.data import EDIT_TYPES


def balanced_accuracy(labels: Sequence[int], predictions: Sequence[bool | int]) -> float:
    """Mean of the recall on consistent (1) and on inconsistent (0) items; 0.5 is chance."""
    pos = [p for y, p in zip(labels, predictions, strict=True) if y == 1]
    neg = [p for y, p in zip(labels, predictions, strict=True) if y == 0]
    if not pos or not neg:
        raise ValueError("balanced accuracy needs both consistent and inconsistent items")
    return (sum(bool(p) for p in pos) / len(pos) + sum(not p for p in neg) / len(neg)) / 2


def auroc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """P(score of a random consistent item > that of a random inconsistent one), ties counting half."""
    pos = np.array([s for y, s in zip(labels, scores, strict=True) if y == 1], dtype=float)
    neg = np.array([s for y, s in zip(labels, scores, strict=True) if y == 0], dtype=float)
    if not len(pos) or not len(neg):
        raise ValueError("AUROC needs both consistent and inconsistent items")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def per_edit_type(
    labels: Sequence[int], predictions: Sequence[bool | int], edit_types: Sequence[Sequence[str]]
) -> dict[str, dict[str, float | int | None]]:
    """Balanced accuracy on all consistent items plus the inconsistent items of one edit type.

    An inconsistent item with several edit types counts for each of them.
    """
    out: dict[str, dict[str, float | int | None]] = {}
    for kind in EDIT_TYPES:
        keep = [
            i for i, (y, types) in enumerate(zip(labels, edit_types, strict=True)) if y == 1 or kind in types
        ]
        ys = [labels[i] for i in keep]
        n_neg = sum(1 for y in ys if y == 0)
        value = balanced_accuracy(ys, [predictions[i] for i in keep]) if n_neg and n_neg < len(ys) else None
        out[kind] = {"n_inconsistent": n_neg, "balanced_accuracy": value}
    return out


def best_threshold(labels: Sequence[int], scores: Sequence[float]) -> float:
    """The cut between two adjacent distinct scores that maximises balanced accuracy."""
    values = sorted(set(scores))
    cuts = [values[0] - 1e-6] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    best, best_cut = -1.0, 0.5
    for cut in cuts:
        value = balanced_accuracy(labels, [s >= cut for s in scores])
        if value > best + 1e-12:
            best, best_cut = value, cut
    return round(float(best_cut), 4)


@dataclass
class ScorerMetrics:
    threshold: float | None
    balanced_accuracy: float | None
    auroc: float
    per_edit_type: dict[str, dict[str, float | int | None]]


def scorer_metrics(
    labels: Sequence[int],
    values: Sequence[float],
    edit_types: Sequence[Sequence[str]],
    threshold: float | None,
) -> ScorerMetrics:
    predictions = [v >= threshold for v in values] if threshold is not None else None
    return ScorerMetrics(
        threshold=threshold,
        balanced_accuracy=balanced_accuracy(labels, predictions) if predictions else None,
        auroc=auroc(labels, values),
        per_edit_type=per_edit_type(labels, predictions, edit_types) if predictions else {},
    )
