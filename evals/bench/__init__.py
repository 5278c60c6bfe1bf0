"""Benchmarks: how fast answering, the models, retrieval, indexing and the archive list are (``rag bench``)."""
