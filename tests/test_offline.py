"""The product works with the network unreachable: models come only from installed packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def _unshare_works() -> bool:
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return probe.returncode == 0


def test_index_and_ask_in_a_namespace_with_no_network(tmp_path: Path, model_cache_dir: Path) -> None:
    """Index the bundled corpus and answer a question inside a network namespace that has
    no interfaces at all: any attempt to reach a hub would fail the commands."""
    assert _unshare_works(), "this test needs `unshare -n` (util-linux, run as root); CI runs as root"
    env = {
        **os.environ,
        "RAG_PROFILE": "test",
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "HF_HUB_OFFLINE": "0",  # no help from offline flags: the namespace alone must suffice
    }
    rag = [sys.executable, "-m", "rag.cli"]
    indexed = subprocess.run(["unshare", "-n", *rag, "index"], env=env, capture_output=True, text=True)
    assert indexed.returncode == 0, indexed.stderr
    asked = subprocess.run(
        ["unshare", "-n", *rag, "ask", "--json", "How many people live in Deir al-Zor city?"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["sources"], "retrieval found no sources"
    assert answer["text"]
