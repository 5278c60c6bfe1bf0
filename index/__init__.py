"""Ingestion: loading, metadata, chunking, near-duplicate grouping, the Chroma store, incremental indexing."""

import rag.offline  # noqa: F401  (telemetry off before any library loads, whichever package is imported first)
