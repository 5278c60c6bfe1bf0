"""The logistic combination of the features, and the veto rule that joins a judge to the checks."""

from __future__ import annotations

import math

FEATURES: tuple[str, ...] = ("overlap", "bigrams", "numbers", "dates", "names", "negation", "unbacked")
"""Deterministic features, each in 0..1 except ``unbacked`` (a count, capped at 3)."""
JUDGE_FEATURE = "judge"
"""The judge enters the combination as the log-odds of its p(Yes)."""


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def logit(p: float, eps: float = 1e-4) -> float:
    p = min(max(p, eps), 1 - eps)
    return math.log(p / (1 - p))


def combine(weights: dict[str, float], features: dict[str, float], judge: float | None = None) -> float:
    """Logistic combination; a weight for a feature that is absent counts as zero contribution."""
    z = weights.get("bias", 0.0)
    for name in FEATURES:
        z += weights.get(name, 0.0) * features.get(name, 0.0)
    if judge is not None:
        z += weights.get(JUDGE_FEATURE, 0.0) * logit(judge)
    return sigmoid(z)


VETO_BAR = 0.5
"""Under the veto rule a score of 0.5 means both signals just reach their own thresholds."""


def veto_score(
    deterministic: float, deterministic_threshold: float, judge: float, judge_threshold: float
) -> float:
    """The weaker of the two signals, each scaled so that its own threshold lands on ``VETO_BAR``.

    ``veto_score(...) >= VETO_BAR`` exactly when both reach their thresholds, and the score still
    ranks claims (AUROC) by how far the weaker signal is from failing.
    """
    return min(
        1.0,
        VETO_BAR * deterministic / max(deterministic_threshold, 1e-9),
        VETO_BAR * judge / max(judge_threshold, 1e-9),
    )
