"""The chat model the settings choose."""

from __future__ import annotations

from rag.models.llama_chat import LlamaCppChatModel
from rag.models.llm import ChatModel
from rag.models.openai_chat import OpenAICompatibleChatModel
from rag.settings import Settings


def build_llm(settings: Settings) -> ChatModel:
    """The chat model chosen by ``settings.llm.backend``."""
    backend = settings.llm.backend
    if backend in ("local", "small"):
        return LlamaCppChatModel.from_settings(settings)
    if backend == "openai":
        return OpenAICompatibleChatModel.from_settings(settings)
    raise ValueError(f"Unknown llm.backend {backend!r}; choose local, small or openai")
