"""The product works with the network unreachable: models come only from installed packages."""

from __future__ import annotations

import numpy as np
import pytest

from rag.components import Components
from rag.settings import Settings

pytestmark = pytest.mark.integration


def test_embedding_and_small_llm_load_and_run_without_network(
    settings: Settings, no_network: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    components = Components(settings)

    vectors = np.array(components.embedding.get_text_embedding_batch(["Rebels took the town.", "Rain fell."]))
    assert vectors.shape == (2, 384)

    reply = components.llm.chat([{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert reply.strip()
    assert no_network == []
