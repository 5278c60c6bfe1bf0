"""Fitting the support scorer's combinations and thresholds on the ``evaluation`` split (never ``test``)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import minimize

from evals.summedits.data import SummEditsItem, load_summedits, select_split, stratified_subset
from evals.summedits.judge_cache import judge_llm
from evals.summedits.metrics import balanced_accuracy, best_threshold
from evals.summedits.scoring import ItemScore, Progress, score_items
from rag.verifier.combination import FEATURES, JUDGE_FEATURE, combine, logit
from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

if TYPE_CHECKING:
    from rag.components import Components
    from rag.settings import Settings

PRIOR_STRENGTH = 1.0
"""L2 pull of the fitted weights towards the hand-set ones in ``SupportConfig``'s defaults, used
when cross-validation cannot choose one (see ``PRIOR_GRID``).

The evaluation split holds only 4 documents; a feature that never varies there (say, a number that
is never edited) would otherwise fall to weight 0 and stop counting for the answer verifier."""

SIGNS = {"unbacked": -1.0}
"""Each weight keeps the direction that makes sense (more overlap, more backed facts, higher p(Yes):
more support; more unbacked items: less); the fit only sets the magnitudes."""


def _design(scores: Sequence[ItemScore], names: Sequence[str]) -> np.ndarray:
    rows = []
    for s in scores:
        row = []
        for name in names:
            if name == JUDGE_FEATURE:
                if s.judge is None:
                    raise ValueError(f"item {s.id} has no judge probability; score it with a model")
                row.append(logit(s.judge))
            else:
                row.append(s.features[name])
        rows.append(row)
    return np.array(rows, dtype=float)


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    prior: dict[str, float],
    strength: float = PRIOR_STRENGTH,
) -> dict[str, float]:
    """Logistic regression with an L2 pull towards ``prior`` and sign constraints (see ``SIGNS``).

    A few lines of scipy rather than a machine-learning library: the model has under ten weights.
    """
    m = np.array([prior.get(n, 0.0) for n in names], dtype=float)
    b0 = prior.get("bias", 0.0)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        nll = float(np.sum(np.logaddexp(0.0, z) - y * z))
        grad_z = p - y
        reg = 0.5 * strength * float(np.sum((w - m) ** 2))
        grad = np.append(x.T @ grad_z + strength * (w - m), grad_z.sum())
        return nll + reg, grad

    negative = np.array([SIGNS.get(n, 1.0) < 0 for n in names])
    bounds = [(None, 0.0) if neg else (0.0, None) for neg in negative] + [(None, None)]
    start = np.append(np.where(negative, np.minimum(m, 0.0), np.maximum(m, 0.0)), b0)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    if not result.success:
        raise RuntimeError(f"fitting the support combination did not converge: {result.message}")
    weights = {"bias": round(float(result.x[-1]), 4)}
    weights.update({n: round(float(v), 4) for n, v in zip(names, result.x[:-1], strict=True)})
    return weights


@dataclass
class FitReport:
    items: int
    use_judge: bool
    config: SupportConfig
    train_balanced_accuracy: dict[str, float]
    """On the evaluation split itself (optimistic: the thresholds were tuned there)."""
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "use_judge": self.use_judge,
            "config": self.config.model_dump(),
            "train_balanced_accuracy": self.train_balanced_accuracy,
            "seconds": round(self.seconds, 2),
        }


PRIOR_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
"""Prior strengths tried by leave-one-document-out cross-validation on the evaluation split."""


@dataclass
class CombinationFit:
    weights: dict[str, float]
    threshold: float
    strength: float
    cv_balanced_accuracy: dict[float, float | None]
    """Leave-one-document-out balanced accuracy for each prior strength tried."""


def _fit_combination(
    scores: Sequence[ItemScore], names: list[str], prior: dict[str, float], judged: bool
) -> CombinationFit:
    """Weights, threshold and prior strength for one combination.

    The strength is chosen by leave-one-document-out cross-validation (each held-out document scored
    with weights and threshold fitted on the others), ties going to the stronger prior; with a single
    document there is nothing to hold out and ``PRIOR_STRENGTH`` is used.
    """
    labels = [s.label for s in scores]
    y = np.array(labels, dtype=float)
    docs = sorted({s.doc_id for s in scores})

    def value(weights: dict[str, float], s: ItemScore) -> float:
        return combine(weights, s.features, s.judge if judged else None)

    cv: dict[float, float | None] = {}
    if len(docs) >= 2:
        for strength in PRIOR_GRID:
            held_labels: list[int] = []
            held_predictions: list[bool] = []
            for doc in docs:
                train = [s for s in scores if s.doc_id != doc]
                if len({s.label for s in train}) < 2:
                    continue
                w = fit_logistic(
                    _design(train, names), np.array([s.label for s in train], float), names, prior, strength
                )
                cut = best_threshold([s.label for s in train], [value(w, s) for s in train])
                held = [s for s in scores if s.doc_id == doc]
                held_labels += [s.label for s in held]
                held_predictions += [value(w, s) >= cut for s in held]
            cv[strength] = (
                balanced_accuracy(held_labels, held_predictions) if len(set(held_labels)) == 2 else None
            )
    valid = {k: v for k, v in cv.items() if v is not None}
    strength = max(valid, key=lambda k: (round(valid[k], 3), k)) if valid else PRIOR_STRENGTH
    weights = fit_logistic(_design(scores, names), y, names, prior, strength)
    threshold = best_threshold(labels, [value(weights, s) for s in scores])
    return CombinationFit(weights, threshold, strength, cv)


def fit_config(scores: Sequence[ItemScore], base: SupportConfig, *, use_judge: bool) -> SupportConfig:
    """Weights and thresholds from scored items; the judge combination only when items have p(Yes)."""
    prior = SupportConfig()
    det = _fit_combination(scores, list(FEATURES), prior.deterministic_weights, judged=False)
    update: dict[str, Any] = {
        "deterministic_weights": det.weights,
        "deterministic_threshold": det.threshold,
    }
    notes = [f"deterministic prior strength {det.strength}"]
    if use_judge and base.judge_rule == "veto":
        notes.append(f"judge joins as a veto at p(Yes) {base.judge_threshold} (not fitted)")
    elif use_judge:
        comb = _fit_combination(scores, [*FEATURES, JUDGE_FEATURE], prior.weights, judged=True)
        update["weights"] = comb.weights
        update["threshold"] = comb.threshold
        notes.append(f"combined prior strength {comb.strength}")
        if comb.cv_balanced_accuracy.get(comb.strength) is not None:
            notes[-1] += (
                f" (leave-one-document-out balanced accuracy {comb.cv_balanced_accuracy[comb.strength]:.3f})"
            )
    if det.cv_balanced_accuracy.get(det.strength) is not None:
        notes[0] += (
            f" (leave-one-document-out balanced accuracy {det.cv_balanced_accuracy[det.strength]:.3f})"
        )
    update["fitted_on"] = "; ".join(notes)
    return base.model_copy(update=update)


def fit(
    settings: Settings,
    components: Components | None = None,
    *,
    limit: int | None = None,
    use_judge: bool = True,
    data_path: Path | str | None = None,
    save: bool = True,
    config_path: Path | str | None = None,
    progress: Progress | None = None,
    judge_cache: Path | None = None,
    items: Sequence[SummEditsItem] | None = None,
) -> FitReport:
    """Fit the combination and thresholds on the ``evaluation`` split (never on ``test``) and save them.

    ``items`` replaces the data file (its ``evaluation`` items are used).
    """
    started = time.perf_counter()
    pool = select_split(items, "evaluation") if items is not None else load_summedits(data_path, "evaluation")
    chosen = stratified_subset(pool, limit)
    if config_path is None:
        base = SupportConfig.load()
    else:
        base = SupportConfig.load(config_path) if Path(config_path).exists() else SupportConfig()
    llm = judge_llm(components, settings, use_judge, judge_cache)
    scorer = SupportScorer(llm=llm, config=base.model_copy(update={"judge": use_judge}))
    scores = score_items(scorer, chosen, progress)
    config = fit_config(scores, base, use_judge=use_judge)
    model = getattr(llm, "name", None)
    config.fitted_on = (
        f"SummEdits news evaluation split, {len(chosen)} items, "
        f"{'judge ' + str(model) if use_judge else 'deterministic checks only'}, {dt.date.today().isoformat()}; "
        + config.fitted_on
    )
    labels = [s.label for s in scores]
    train = {
        "deterministic": balanced_accuracy(
            labels,
            [
                combine(config.deterministic_weights, s.features) >= config.deterministic_threshold
                for s in scores
            ],
        )
    }
    if use_judge:
        train["combined"] = balanced_accuracy(
            labels,
            [config.judged_score(s.features, s.judge) >= config.judged_threshold for s in scores],
        )
    if save:
        config.save(config_path)
    return FitReport(
        items=len(chosen),
        use_judge=use_judge,
        config=config,
        train_balanced_accuracy=train,
        seconds=time.perf_counter() - started,
    )
