"""Retrieval quality against the articles that hold the answer: hit@k, recall@k, MRR.

Scored on the numbered sources an answer was given (what the model saw), not on the raw candidate
list, so the metric covers fusion, duplicate collapse and the token budget together. An article
counts as retrieved at a source's rank when the source's passage or any of its corroborating
copies comes from it: the three rewrites of one wire story are collapsed into one source, and that
source retrieves all three.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from rag.types import Passage, Source


def article_key(passage: Passage) -> set[str]:
    """Ids under which a passage's article may be named in the golden set.

    The store keeps the file stem as the article id but may add ``#<record>`` for JSON records
    or a suffix to keep ids unique; the file stem of ``path`` is accepted as well.
    """
    keys = {passage.article_id, passage.article_id.split("#", 1)[0]}
    if passage.path:
        keys.add(Path(passage.path).stem)
    return keys


def source_articles(source: Source) -> set[str]:
    keys: set[str] = set()
    for passage in (source.passage, *source.corroborating):
        keys |= article_key(passage)
    return keys


class RetrievalScore(BaseModel):
    """One answer's sources scored against the articles that hold the answer (the retriever's own
    output is :class:`rag.retrieval.RetrievalResult`)."""

    k: int
    hit: bool
    """At least one supporting article among the first k sources."""
    recall: float
    """Share of supporting articles among the first k sources."""
    reciprocal_rank: float
    """1 / rank of the first source from a supporting article; 0 when none is within k."""
    ranks: dict[str, int | None] = Field(default_factory=dict)
    """First rank (1-based) at which each supporting article was retrieved."""


class RetrievalMetric:
    """hit@k, recall@k and reciprocal rank for one question; undefined without supporting articles."""

    def __init__(self, k: int = 4) -> None:
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        self.k = k

    def run(self, sources: Sequence[Source], supporting_articles: Sequence[str]) -> RetrievalScore | None:
        if not supporting_articles:
            return None
        ordered = sorted(sources, key=lambda s: s.number)
        ranks: dict[str, int | None] = {}
        for article in supporting_articles:
            ranks[article] = next(
                (rank for rank, source in enumerate(ordered, 1) if article in source_articles(source)), None
            )
        within = [a for a, r in ranks.items() if r is not None and r <= self.k]
        first = min((r for r in ranks.values() if r is not None), default=None)
        return RetrievalScore(
            k=self.k,
            hit=bool(within),
            recall=len(within) / len(ranks),
            reciprocal_rank=1.0 / first if first and first <= self.k else 0.0,
            ranks=ranks,
        )
