"""Hybrid retrieval: dense + BM25, fused, duplicate groups collapsed, within a token budget."""
