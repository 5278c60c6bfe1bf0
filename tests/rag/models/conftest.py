"""The small chat model (SmolLM2-135M), loaded once per test module."""

from __future__ import annotations

import pytest

from rag.models.backends import build_llm
from rag.models.llama_chat import LlamaCppChatModel
from rag.settings import load_settings


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> LlamaCppChatModel:
    settings = load_settings("test", data_dir=tmp_path_factory.mktemp("data"))
    model = build_llm(settings)
    assert isinstance(model, LlamaCppChatModel)
    return model
