"""Ranking figures per question and over questions: rank of the answering article, hit@k, MRR, fusion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60
TOP_K = 10
METHODS = ("bm25", "dense", "rrf", "product_no_dates", "product")
FILTERS = ("none", "window")


def rank_of(ranking: Sequence[str], relevant: frozenset[str] | set[str], k: int = TOP_K) -> int | None:
    """1-based rank of the first relevant article within the top ``k`` (None: not there)."""
    for rank, article in enumerate(ranking[:k], start=1):
        if article in relevant:
            return rank
    return None


def hit_at(ranking: Sequence[str], relevant: frozenset[str] | set[str], k: int) -> bool:
    return rank_of(ranking, relevant, k) is not None


def reciprocal_rank(ranking: Sequence[str], relevant: frozenset[str] | set[str], k: int = TOP_K) -> float:
    rank = rank_of(ranking, relevant, k)
    return 0.0 if rank is None else 1.0 / rank


def summarise(ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@10 and MRR@10 from each question's rank (None: not in the top 10)."""
    n = max(len(ranks), 1)
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@10": sum(r is not None and r <= TOP_K for r in ranks) / n,
        "mrr@10": sum(1.0 / r for r in ranks if r is not None and r <= TOP_K) / n,
    }


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[str]:
    """Cormack et al. (2009): score ``sum(1 / (k + rank))``, ranks from 1; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(dict.fromkeys(ranking), start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])  # sorted() is stable: ties stay in first-seen order


def first_occurrence(article_ids: Sequence[str]) -> list[str]:
    """A chunk ranking as an article ranking: each article at the rank of its best chunk."""
    return list(dict.fromkeys(article_ids))


def results_of(rows: Sequence[Mapping[str, object]]) -> dict[str, dict]:
    """Per filter: each method's hit@1 / hit@10 / MRR@10 and the prompt-source hit rate over ``rows``."""
    return {
        name: {
            **{method: summarise([row[f"{method}/{name}"] for row in rows]) for method in METHODS},
            "prompt": {"in_sources": sum(bool(row[f"prompt/{name}"]) for row in rows) / max(len(rows), 1)},
        }
        for name in FILTERS
    }
