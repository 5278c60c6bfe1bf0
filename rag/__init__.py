"""Offline, cited question answering over news archives."""

from rag import offline as _offline  # noqa: F401  (telemetry off before any library loads)
from rag import tokens as _tokens  # noqa: F401  (sets TIKTOKEN_CACHE_DIR before any tiktoken use)

__version__ = "0.1.0"
