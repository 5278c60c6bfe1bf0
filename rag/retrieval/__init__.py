"""Hybrid retrieval: dense + BM25, fused, duplicate groups collapsed, within a token budget."""

from rag.retrieval.budget import format_context, format_source
from rag.retrieval.hybrid import HybridRetriever, RetrievalResult, RetrievalTimings

__all__ = ["HybridRetriever", "RetrievalResult", "RetrievalTimings", "format_context", "format_source"]
