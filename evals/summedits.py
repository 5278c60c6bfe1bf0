"""SummEdits (news): how well the support scorer agrees with human consistency labels.

Each item is a news document and a one-sentence summary, labelled by annotators as consistent (1) or
not (0); inconsistent summaries carry the kind of edit that broke them. The scorer's combination and
thresholds are fitted on the ``evaluation`` split only (:func:`fit`, which writes
``evals/support_config.toml``) and measured on ``test`` (:func:`evaluate`): balanced accuracy overall
and per edit type, AUROC, and time per item.

Items are scored document by document, and the judge prompt starts with the document, so the model
evaluates each document once and every further summary of it costs only its own tokens.

The data file (never part of the repository) is found, checked and cut into subsets by
``evals/summedits_data.py``.

Run: ``python -m evals.summedits --fit --split test`` (``--limit N`` for a stratified subset,
``--no-judge`` for the deterministic checks alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from evals.summedits_data import (
    DATA_ENV,
    EDIT_TYPES,
    SPLITS,
    SummEditsDataError,
    SummEditsItem,
    document_subset,
    load_summedits,
    order_by_document,
    select_split,
    stratified_subset,
)
from rag.support import FEATURES, JUDGE_FEATURE, SupportConfig, SupportScorer, combine, logit

if TYPE_CHECKING:
    from rag.components import Components
    from rag.models.llm import ChatModel, Message
    from rag.settings import Settings

PUBLISHED = {
    "GPT-4": 83.3,
    "Claude 2.1": 77.2,
    "QAFactEval": 74.4,
    "SummaC-Conv": 61.9,
    "Llama-2-13B": 59.3,
}
"""Published balanced accuracy on SummEdits news (Laban et al. 2023), for comparison."""

PRIOR_STRENGTH = 1.0
"""L2 pull of the fitted weights towards the hand-set ones in ``SupportConfig``'s defaults, used
when cross-validation cannot choose one (see ``PRIOR_GRID``).

The evaluation split holds only 4 documents; a feature that never varies there (say, a number that
is never edited) would otherwise fall to weight 0 and stop counting for the answer verifier."""

SIGNS = {"unbacked": -1.0}
"""Each weight keeps the direction that makes sense (more overlap, more backed facts, higher p(Yes):
more support; more unbacked items: less); the fit only sets the magnitudes."""


# --------------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Scoring items
# --------------------------------------------------------------------------------------------------


class CachedJudge:
    """Remembers the model's p(Yes) per prompt in a JSON-lines file, so refitting or re-running the
    deterministic part after a change does not pay for the judge again.

    Keyed by the model's name and the full prompt, so a different model or prompt is asked afresh.
    Everything other than ``yes_probability`` is passed to the model.
    """

    def __init__(self, llm: ChatModel, path: Path) -> None:
        self._llm = llm
        self.path = path
        self.hits = 0
        self.misses = 0
        self.evaluated_tokens = 0
        """Prompt tokens the model evaluated (not served from its KV cache), over all calls."""
        self._memo: dict[str, float | None] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    self._memo[record["key"]] = record["p_yes"]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def _key(self, messages: list[Message], yes: str, no: str) -> str:
        payload = json.dumps([self._llm.name, yes, no, messages], sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def yes_probability(self, messages: list[Message], yes: str = "Yes", no: str = "No") -> float | None:
        key = self._key(messages, yes, no)
        if key in self._memo:
            self.hits += 1
            return self._memo[key]
        self.misses += 1
        value = self._llm.yes_probability(messages, yes=yes, no=no)
        usage = getattr(self._llm, "last_usage", None)
        if usage is not None:
            self.evaluated_tokens += max(0, usage.prompt_tokens - usage.cached_tokens)
        self._memo[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": key, "p_yes": value}) + "\n")
        return value


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


# --------------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------------


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
    from scipy.optimize import minimize

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


def default_judge_cache(settings: Settings) -> Path:
    return settings.cache_dir / "evals" / "summedits_judge.jsonl"


def _components_llm(
    components: Components | None, settings: Settings, use_judge: bool, judge_cache: Path | None
) -> ChatModel | None:
    if not use_judge:
        return None
    if components is None:
        from rag.components import Components

        components = Components(settings)
    cache = judge_cache if judge_cache is not None else default_judge_cache(settings)
    return CachedJudge(components.llm, cache)  # type: ignore[return-value]


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
    llm = _components_llm(components, settings, use_judge, judge_cache)
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


# --------------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------------


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


@dataclass
class SummEditsReport:
    split: str
    items: int
    consistent: int
    inconsistent: int
    subset: str
    """"all" or how the stratified subset was drawn."""
    use_judge: bool
    model: str | None
    config_fitted_on: str
    scorers: dict[str, ScorerMetrics]
    """"combined" (deterministic + judge, when judged), "deterministic", and "judge" (p(Yes) at 0.5)."""
    seconds: float
    seconds_per_item: float
    judge_tokens: int | None = None
    """Prompt tokens the judge evaluated over the run (a load-independent measure of its cost)."""
    judge_cached_items: int = 0
    """Items whose p(Yes) came from the judge cache file rather than the model."""
    available: int = 0
    """Items in the split before any subset was drawn (``items`` of ``available`` were scored)."""
    item_scores: list[ItemScore] = field(default_factory=list, repr=False)

    @property
    def primary(self) -> str:
        return "combined" if "combined" in self.scorers else "deterministic"

    @property
    def balanced_accuracy(self) -> float | None:
        return self.scorers[self.primary].balanced_accuracy

    def to_dict(self, include_items: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "suite": "summedits",
            "split": self.split,
            "items": self.items,
            "available": self.available,
            "consistent": self.consistent,
            "inconsistent": self.inconsistent,
            "subset": self.subset,
            "use_judge": self.use_judge,
            "model": self.model,
            "config_fitted_on": self.config_fitted_on,
            "primary": self.primary,
            "balanced_accuracy": self.balanced_accuracy,
            "scorers": {name: asdict(metrics) for name, metrics in self.scorers.items()},
            "seconds": round(self.seconds, 2),
            "seconds_per_item": round(self.seconds_per_item, 3),
            "judge_tokens": self.judge_tokens,
            "judge_cached_items": self.judge_cached_items,
            "published_balanced_accuracy": PUBLISHED,
        }
        if include_items:
            data["item_scores"] = [asdict(s) for s in self.item_scores]
        return data

    def format_table(self) -> str:
        """A plain-text table: one row per scorer, one column per edit type."""

        def pct(value: float | None) -> str:
            return "  -  " if value is None else f"{100 * value:5.1f}"

        head = f"{'scorer':<14}{'thresh':>7}{'BAcc':>7}{'AUROC':>7}" + "".join(
            f"{kind[:12]:>14}" for kind in EDIT_TYPES
        )
        lines = [
            f"SummEdits news, split {self.split}: {self.items} items ({self.consistent} consistent, "
            f"{self.inconsistent} inconsistent; {self.subset}); judge: {self.model if self.use_judge else 'off'}",
            head,
        ]
        for name, m in self.scorers.items():
            cells = "".join(
                f"{pct(m.per_edit_type.get(k, {}).get('balanced_accuracy')):>14}" for k in EDIT_TYPES
            )
            thresh = "  -  " if m.threshold is None else f"{m.threshold:.3f}"
            lines.append(f"{name:<14}{thresh:>7}{pct(m.balanced_accuracy):>7}{pct(m.auroc):>7}{cells}")
        counts = next(iter(self.scorers.values())).per_edit_type
        if counts:
            lines.append(
                f"{'(inconsistent)':<35}" + "".join(f"{counts[k]['n_inconsistent']:>14}" for k in EDIT_TYPES)
            )
        cost = ""
        if self.judge_tokens is not None:
            cost = f", judge evaluated {self.judge_tokens} prompt tokens"
            if self.judge_cached_items:
                cost += f" ({self.judge_cached_items} items from the judge cache)"
        lines.append(
            f"time: {self.seconds:.1f} s, {self.seconds_per_item:.2f} s/item{cost}. Published balanced accuracy: "
            + ", ".join(f"{k} {v}" for k, v in PUBLISHED.items())
        )
        return "\n".join(lines)


def _markdown_rows(report: SummEditsReport) -> list[str]:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f}"

    rows = []
    for name, m in report.scorers.items():
        cells = " | ".join(pct(m.per_edit_type.get(k, {}).get("balanced_accuracy")) for k in EDIT_TYPES)
        thresh = "-" if m.threshold is None else f"{m.threshold:.3f}"
        rows.append(f"| {name} | {thresh} | {pct(m.balanced_accuracy)} | {pct(m.auroc)} | {cells} |")
    return rows


def to_markdown(report: SummEditsReport) -> str:
    """A Markdown table of one report (scorers as rows, edit types as columns)."""
    counts = next(iter(report.scorers.values())).per_edit_type
    header = " | ".join(f"{k} ({counts[k]['n_inconsistent']})" if counts else k for k in EDIT_TYPES)
    lines = [
        f"Split `{report.split}`: {report.items} items ({report.consistent} consistent, "
        f"{report.inconsistent} inconsistent; {report.subset}); judge: "
        f"{report.model if report.use_judge else 'off'}; {report.seconds:.0f} s, "
        f"{report.seconds_per_item:.2f} s/item"
        + (
            f", {report.judge_tokens} judge prompt tokens evaluated"
            if report.judge_tokens is not None
            else ""
        ),
        "",
        f"| scorer | threshold | balanced acc. | AUROC | {header} |",
        "|---|---|---|---|" + "---|" * len(EDIT_TYPES),
        *_markdown_rows(report),
    ]
    return "\n".join(lines)


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
    llm = _components_llm(components, settings, use_judge, judge_cache)
    scorer = SupportScorer(llm=llm, config=config.model_copy(update={"judge": use_judge}))
    started = time.perf_counter()
    scores = score_items(scorer, chosen, progress)
    seconds = time.perf_counter() - started
    labels = [s.label for s in scores]
    types = [s.edit_types for s in scores]
    scorers: dict[str, ScorerMetrics] = {}
    judged = use_judge and all(s.judge is not None for s in scores)
    if judged:
        scorers["combined"] = scorer_metrics(
            labels, [s.score for s in scores], types, config.judged_threshold
        )
    scorers["deterministic"] = scorer_metrics(
        labels, [s.deterministic for s in scores], types, config.deterministic_threshold
    )
    if judged:
        scorers["judge"] = scorer_metrics(labels, [s.judge or 0.0 for s in scores], types, 0.5)
    counts = Counter(labels)
    n_docs = len({i.doc_id for i in all_items})
    parts = []
    if len(pool) < len(all_items):
        parts.append(
            f"all items of {len({i.doc_id for i in pool})} of {n_docs} documents drawn at random, seed 0"
        )
    if len(chosen) < len(pool):
        parts.append(f"stratified subset of {len(pool)} by label and edit type, seed 0")
    subset = "; ".join(parts) or "all"
    return SummEditsReport(
        split=split,
        items=len(chosen),
        available=len(all_items),
        consistent=counts[1],
        inconsistent=counts[0],
        subset=subset,
        use_judge=judged,
        model=getattr(llm, "name", None) if judged else None,
        config_fitted_on=config.fitted_on,
        scorers=scorers,
        seconds=seconds,
        seconds_per_item=seconds / len(chosen) if chosen else math.nan,
        judge_tokens=sum(s.judge_tokens or 0 for s in scores) if judged else None,
        judge_cached_items=sum(1 for s in scores if s.judge is not None and s.judge_tokens is None),
        item_scores=scores,
    )


def run_summedits(
    settings: Settings,
    components: Components | None = None,
    split: str = "test",
    limit: int | None = None,
    use_judge: bool = True,
    *,
    refit: bool = False,
    data_path: Path | str | None = None,
    progress: Progress | None = None,
    judge_cache: Path | None = None,
    documents: int | None = None,
    items: Sequence[SummEditsItem] | None = None,
) -> SummEditsReport:
    """The ``summedits`` eval suite: optionally refit on ``evaluation`` first, then evaluate ``split``.

    The data file is read (and its checksum checked) unless ``items`` are given.
    """
    config = None
    if refit:
        config = fit(
            settings,
            components,
            use_judge=use_judge,
            data_path=data_path,
            progress=progress,
            judge_cache=judge_cache,
            items=items,
        ).config
    return evaluate(
        settings,
        components,
        split=split,
        limit=limit,
        use_judge=use_judge,
        config=config,
        data_path=data_path,
        progress=progress,
        judge_cache=judge_cache,
        documents=documents,
        items=items,
    )


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------


def _print_progress(every: int = 10) -> Progress:
    def report(done: int, total: int, seconds: float) -> None:
        if done % every == 0 or done == total:
            eta = seconds / done * (total - done)
            print(f"  {done}/{total} items, {seconds:.0f} s, ~{eta:.0f} s left", file=sys.stderr, flush=True)

    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.summedits",
        description="Agreement of the support scorer with SummEdits (news) human consistency labels.",
    )
    parser.add_argument("--split", choices=SPLITS, default="test", help="split to evaluate (default: test)")
    parser.add_argument("--limit", type=int, default=None, help="stratified subset of this many items")
    parser.add_argument(
        "--documents", type=int, default=None, help="only the items of this many randomly drawn documents"
    )
    parser.add_argument(
        "--fit",
        action="store_true",
        help="first fit weights and thresholds on the evaluation split and save them",
    )
    parser.add_argument("--fit-only", action="store_true", help="fit on the evaluation split and stop")
    parser.add_argument("--no-judge", action="store_true", help="deterministic checks only (no model)")
    parser.add_argument("--profile", choices=["default", "test"], default=None, help="settings profile")
    parser.add_argument(
        "--data", type=Path, default=None, help=f"data file (default: ${DATA_ENV} or shared data)"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the report (with per-item scores) here"
    )
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table as Markdown here")
    args = parser.parse_args(argv)

    from rag.components import Components
    from rag.settings import load_settings

    settings = load_settings(args.profile)
    components = Components(settings)
    use_judge = not args.no_judge
    progress = _print_progress()
    try:
        if args.fit or args.fit_only:
            report = fit(settings, components, use_judge=use_judge, data_path=args.data, progress=progress)
            print(
                f"Fitted on {report.items} evaluation items in {report.seconds:.1f} s; saved to support_config.toml"
            )
            print(
                "  evaluation-split balanced accuracy (tuned there, optimistic): "
                + ", ".join(f"{k} {100 * v:.1f}" for k, v in report.train_balanced_accuracy.items())
            )
            if args.fit_only:
                return 0
        result = evaluate(
            settings,
            components,
            split=args.split,
            limit=args.limit,
            use_judge=use_judge,
            data_path=args.data,
            progress=progress,
            documents=args.documents,
        )
    except SummEditsDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.format_table())
    if args.markdown:
        args.markdown.write_text(to_markdown(result) + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(result.to_dict(include_items=True), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
