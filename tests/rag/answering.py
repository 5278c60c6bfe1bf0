"""Shared set-up for the answering tests: the bundled corpus indexed into a real temporary store,
and a scripted chat model for tests that need fixed model output."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

from index.pipeline import Indexer
from rag.components import Components
from rag.models.llm import ChatStream, Usage
from rag.retrieval import HybridRetriever, RetrievalResult
from rag.settings import BUNDLED_CORPUS, Settings, load_settings
from rag.types import Filters


def indexed_components(root: Path, model_cache_dir: Path, **overrides) -> Components:
    """Test-profile components over a fresh store holding the bundled corpus."""
    settings = load_settings("test", data_dir=root / "data", cache_dir=model_cache_dir)
    if overrides:
        settings = settings.with_overrides(**overrides)
    corpus = root / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    components = Components(settings)
    report = Indexer(settings, components.store, components.embedding).run([corpus])
    assert len(report.added) == 5 and not report.skipped
    return components


def with_settings(components: Components, settings: Settings) -> Components:
    """Other settings over the same opened store, embedding and model (nothing re-loaded)."""
    other = Components(settings)
    for name in ("store", "embedding", "llm"):
        if name in components.__dict__:
            other.__dict__[name] = components.__dict__[name]
    return other


class RecordingRetriever(HybridRetriever):
    """The real hybrid retriever, remembering what it was asked."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[str, Filters | None]] = []

    def run(self, query: str, filters: Filters | None = None) -> RetrievalResult:
        self.calls.append((query, filters))
        return super().run(query, filters)


class ScriptedChatModel:
    """A chat model whose replies are fixed: it stands in for the model's wording, so a test can
    check what the engine does with a known reply. It records every conversation it is sent."""

    name = "scripted"
    context_window = 4096

    def __init__(self, answer: str | list[str], rewrite: str = "") -> None:
        self.answers = [answer] if isinstance(answer, str) else list(answer)
        """Replies in order; the last one repeats."""
        self.rewrite = rewrite
        self.sent: list[list[dict[str, str]]] = []
        self._lock = threading.Lock()

    def count_prompt_tokens(self, messages) -> int:
        return sum(len(m["content"].split()) + 4 for m in messages)

    def stream_chat(self, messages, *, max_tokens=None, stop=None, temperature=None) -> ChatStream:
        usage = Usage()
        return ChatStream(self._reply(messages, usage), usage)

    def _reply(self, messages, usage: Usage) -> Iterator[str]:
        with self._lock:
            self.sent.append(messages)
            usage.prompt_tokens = self.count_prompt_tokens(messages)
            reply = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        words = reply.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word
        usage.completion_tokens = len(words)

    def chat(self, messages, *, max_tokens=None, stop=None, temperature=None) -> str:
        with self._lock:
            self.sent.append(messages)
        return self.rewrite

    def yes_probability(self, messages, yes="Yes", no="No") -> None:
        return None
