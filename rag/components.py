"""Infrastructure components, each chosen by a typed settings field and built once, on first use.

Features (indexing, answering, evals, UI) receive a :class:`Components` rather than
building models themselves, so one process loads each model once and tests can swap
the settings (e.g. the test profile's small model) without touching feature code.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING

from rag.settings import Settings

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from index.store import ChunkStore
    from rag.models.llm import ChatModel


class Components:
    def __init__(self, settings: Settings, *, check_store: bool = True) -> None:
        self.settings = settings
        self.check_store = check_store
        """False for ``rag index --rebuild``: the store may have been built with other settings,
        and is about to be replaced."""
        self._llm_lock = threading.Lock()
        self._llm: ChatModel | None = None

    @cached_property
    def embedding(self) -> BaseEmbedding:
        from rag.models.embedding import build_embedding  # lazy: llama-index takes 0.9 s to import

        return build_embedding(self.settings)

    @cached_property
    def llm(self) -> ChatModel:
        from rag.models.backends import build_llm  # lazy: numpy and the backends cost `rag --help` 0.2 s

        # Built once even when two threads ask at once (``rag ask`` loads it in the background while
        # it searches); ``cached_property`` itself holds no lock from Python 3.12 on.
        with self._llm_lock:
            if self._llm is None:
                self._llm = build_llm(self.settings)
            return self._llm

    @cached_property
    def store(self) -> ChunkStore:
        from index.store import ChunkStore  # lazy: chromadb and llama-index take 1.5 s to import

        return ChunkStore.open(self.settings, self.embedding, check=self.check_store)
