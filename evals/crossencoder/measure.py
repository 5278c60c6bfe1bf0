"""The cross-encoder candidate beside the shipped scorer: SummEdits news and the labelled sentences.

Thresholds come from the SummEdits ``evaluation`` split only; the ``test`` split and the labelled
answer sentences are never tuned on.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from evals.sentences.data import load_records
from evals.sentences.score import Confusion, MemoScorer, verdicts
from evals.summedits.data import load_summedits
from evals.summedits.metrics import auroc, balanced_accuracy, best_threshold
from rag.evidence import source_document
from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

Score = Callable[[str, Sequence[str]], float]


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _fit(rows: list[tuple[int, float, float]]) -> np.ndarray:
    """Logistic weights of (logit shipped score, logit cross-encoder, 1), lightly regularised."""
    x = np.array([[_logit(d), _logit(c), 1.0] for _, c, d in rows])
    y = np.array([label for label, _, _ in rows], dtype=float)
    w = np.zeros(3)
    for _ in range(5000):
        p = 1 / (1 + np.exp(-x @ w))
        w -= 0.05 * (x.T @ (p - y) / len(y) + 0.01 * np.r_[w[:2], 0.0])
    return w


def summedits(cross: Score) -> dict:
    scorer = SupportScorer(None, SupportConfig.load())
    rows: dict[str, list[tuple[int, float, float, bool]]] = {}
    seconds = []
    for split in ("evaluation", "test"):
        rows[split] = []
        for item in load_summedits(split=split):
            shipped = scorer.score(item.summary, [item.doc])
            started = time.perf_counter()
            ce = cross(item.summary, [item.doc])
            seconds.append(time.perf_counter() - started)
            rows[split].append((item.label, ce, shipped.score, shipped.supported))
    evaluation = rows["evaluation"]
    cut = best_threshold([r[0] for r in evaluation], [r[1] for r in evaluation])
    weights = _fit([(r[0], r[1], r[2]) for r in evaluation])

    def combined(r: tuple[int, float, float, bool]) -> float:
        return float(
            1 / (1 + math.exp(-(weights[0] * _logit(r[2]) + weights[1] * _logit(r[1]) + weights[2])))
        )

    combined_cut = best_threshold([r[0] for r in evaluation], [combined(r) for r in evaluation])
    out: dict = {
        "threshold": cut,
        "logistic": [float(w) for w in weights],
        "logistic_threshold": combined_cut,
        "seconds_per_claim_p50": statistics.median(seconds),
    }
    for split, items in rows.items():
        labels = [r[0] for r in items]
        out[split] = {
            "items": len(items),
            "shipped": {
                "bacc": balanced_accuracy(labels, [r[3] for r in items]),
                "auroc": auroc(labels, [r[2] for r in items]),
            },
            "cross_encoder": {
                "bacc": balanced_accuracy(labels, [r[1] >= cut for r in items]),
                "auroc": auroc(labels, [r[1] for r in items]),
            },
            "shipped_and_cross_encoder": {
                "bacc": balanced_accuracy(labels, [r[3] and r[1] >= cut for r in items])
            },
            "logistic": {
                "bacc": balanced_accuracy(labels, [combined(r) >= combined_cut for r in items]),
                "auroc": auroc(labels, [combined(r) for r in items]),
            },
        }
    return out


def sentences(cross: Score, cut: float) -> dict:
    """Unsupported-sentence precision/recall/F1 (labelled no-claim and unchecked sentences left out)."""
    shipped, alone, either = Confusion(), Confusion(), Confusion()
    config = SupportConfig.load()
    for record in load_records():
        if not record.sentences:
            continue
        found = verdicts(record, MemoScorer(SupportScorer(None, config)))
        documents = [source_document(source) for source in record.rebuilt_sources()]
        for sentence, (verdict, _) in zip(record.sentences, found, strict=True):
            if sentence.label == "no_claim" or verdict == "unchecked":
                continue
            positive, flagged = sentence.label == "unsupported", verdict == "unsupported"
            low = cross(sentence.text, documents) < cut
            shipped.add(positive, flagged)
            alone.add(positive, low)
            either.add(positive, flagged or low)

    def figures(c: Confusion) -> dict:
        return {
            "precision": c.precision,
            "recall": c.recall,
            "f1": c.f1,
            "true_positive": c.true_positive,
            "false_positive": c.false_positive,
            "false_negative": c.false_negative,
        }

    return {
        "shipped": figures(shipped),
        "cross_encoder": figures(alone),
        "shipped_or_cross_encoder": figures(either),
    }
