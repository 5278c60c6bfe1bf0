"""Reciprocal rank fusion (RRF) of the dense and keyword rankings.

Own code rather than llama-index's ``QueryFusionRetriever(mode="reciprocal_rerank")``,
after reading its source (llama-index-core 0.14.25, ``retrievers/fusion_retriever.py``):

* its RRF constant is hard-coded (``k = 60.0``), so ``settings.retrieval.rrf_k`` could not
  be honoured;
* built without an ``llm`` it resolves ``Settings.llm``, which tries to import the OpenAI
  integration and fails offline (and would reach a server if it were installed), even
  with ``num_queries=1`` where no query is generated;
* a ``QueryBundle`` carries no metadata filters, so per-request filters would have to be
  set as mutable state on the wrapped retrievers, which is unsafe when several
  conversations retrieve at once; by default it also runs the retrievers through an
  asyncio event loop, a needless hop inside the UI's worker threads;
* it identifies nodes by ``node.hash`` (text + metadata) and overwrites their scores in
  place. Here passages are identified by ``chunk_id``: two articles carrying the same
  sentence stay two candidates, so the duplicate collapse can show the second as a
  corroborating source instead of losing it.

The fused score is ``sum(1 / (k + rank))`` over the lists a passage appears in, ranks
counted from 1 as in Cormack et al. (2009).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.types import Passage


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Passage]], k: int = 60) -> list[Passage]:
    """One ranking from several, best first; each passage appears once.

    Each input list must be ordered best first (its own scores are not compared across
    lists: dense similarities and BM25 scores live on different scales). The returned
    passages are copies whose ``score`` is the fused score; the first occurrence's
    metadata is kept. Ties are broken by the best rank the passage reached in any list,
    then by list order (earlier lists first), so the result is deterministic.
    """
    if k < 0:
        raise ValueError(f"retrieval.rrf_k must be >= 0, got {k}")
    fused: dict[str, float] = {}
    first: dict[str, Passage] = {}
    best: dict[str, tuple[int, int]] = {}
    for list_index, ranking in enumerate(rankings):
        seen: set[str] = set()
        for rank, passage in enumerate(ranking, start=1):
            key = passage.chunk_id
            if key in seen:  # a list repeating an item gets credit for its best rank only
                continue
            seen.add(key)
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
            first.setdefault(key, passage)
            best[key] = min(best.get(key, (rank, list_index)), (rank, list_index))
    # (rank, list) pairs are unique per passage, so this order is total.
    order = sorted(fused, key=lambda key: (-fused[key], best[key]))
    return [first[key].model_copy(update={"score": fused[key]}) for key in order]
