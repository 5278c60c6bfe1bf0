"""The retrievers the product is measured against: BM25 over whole articles, MiniLM over leads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import bm25s
import numpy as np

from evals.wikinews.data import WikinewsArticle

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

LEAD_CHARS = 1200
"""Characters of text after the title for the dense baseline's passage; MiniLM reads at most
256 word pieces (~1,000 characters of news), so more would be cut off anyway."""


class Baselines:
    """BM25 over whole articles and MiniLM over one title + lead passage per article."""

    def __init__(self, articles: Sequence[WikinewsArticle], embedding: BaseEmbedding) -> None:
        self.ids = [a.id for a in articles]
        self.dates = np.array([a.date.toordinal() for a in articles])
        self.embedding = embedding
        corpus = bm25s.tokenize(
            [f"{a.title}\n\n{a.text}" for a in articles], stopwords="en", show_progress=False
        )
        self.bm25 = bm25s.BM25(method="lucene")
        self.bm25.index(corpus, show_progress=False)
        leads = [f"{a.title}\n\n{a.text[:LEAD_CHARS]}" for a in articles]
        self.vectors = np.array(embedding.get_text_embedding_batch(leads), dtype=np.float32)

    def allowed(self, window: tuple[dt.date, dt.date] | None) -> np.ndarray:
        if window is None:
            return np.ones(len(self.ids), dtype=bool)
        return (self.dates >= window[0].toordinal()) & (self.dates <= window[1].toordinal())

    def bm25_ranking(self, query: str, allowed: np.ndarray) -> list[str]:
        tokens = bm25s.tokenize(query, stopwords="en", show_progress=False, return_ids=False)[0]
        if not tokens:
            return []
        scores = np.asarray(self.bm25.get_scores(tokens))
        return self._ranking(scores, allowed & (scores > 0))

    def dense_ranking(self, query_vector: Sequence[float], allowed: np.ndarray) -> list[str]:
        return self._ranking(self.vectors @ np.asarray(query_vector, dtype=np.float32), allowed)

    def _ranking(self, scores: np.ndarray, allowed: np.ndarray) -> list[str]:
        order = np.argsort(-scores, kind="stable")
        return [self.ids[i] for i in order if allowed[i]]
