"""Past one machine: the store, the embedding model and the answer model each on a server of its
own (a real `chroma run` and a real llama-cpp-python OpenAI-compatible server, on 127.0.0.1),
with `rag index` and `rag ask` run as a user runs them, configured by environment variables
only, as the README's deployment section says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.keep_warm import free_loopback_port
from tests.index.chroma_server import ChromaServer
from tests.llama_server import CHAT_MODEL, EMBED_MODEL, LlamaServer

pytestmark = pytest.mark.integration

RAG = [sys.executable, "-m", "rag.cli"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ChromaServer, LlamaServer]]:
    folder = tmp_path_factory.mktemp("servers")
    chroma = ChromaServer(folder / "chroma", free_loopback_port())
    llama = LlamaServer(folder / "llama")
    chroma.start()
    try:
        llama.start()
        try:
            yield chroma, llama
        finally:
            llama.stop()
    finally:
        chroma.stop()


def _env(tmp_path: Path, model_cache_dir: Path, chroma: ChromaServer, llama: LlamaServer) -> dict[str, str]:
    return {
        **os.environ,
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "RAG_STORE__MODE": "server",
        "RAG_STORE__HOST": "127.0.0.1",
        "RAG_STORE__PORT": str(chroma.port),
        "RAG_EMBEDDING__BACKEND": "openai",
        "RAG_EMBEDDING__OPENAI_BASE_URL": llama.base_url,
        "RAG_EMBEDDING__OPENAI_MODEL": EMBED_MODEL,
        "RAG_LLM__BACKEND": "openai",
        "RAG_LLM__OPENAI_BASE_URL": llama.base_url,
        "RAG_LLM__OPENAI_MODEL": CHAT_MODEL,
    }


def test_index_and_ask_with_each_piece_on_its_own_server(
    servers: tuple[ChromaServer, LlamaServer], tmp_path: Path, model_cache_dir: Path
) -> None:
    chroma, llama = servers
    env = _env(tmp_path, model_cache_dir, chroma, llama)
    indexed = subprocess.run([*RAG, "index", "--json"], env=env, capture_output=True, text=True)
    assert indexed.returncode == 0, indexed.stderr
    report = json.loads(indexed.stdout)
    assert len(report["added"]) == 5 and report["chunks_total"] == 30
    embed_calls = llama.log.read_text().count("POST /v1/embeddings")
    assert embed_calls >= 30  # every chunk was embedded by the server (one text a request: see client)

    asked = subprocess.run(
        [*RAG, "ask", "--json", "Who will head the rebel delegation to the Astana talks?"],
        env=env,
        capture_output=True,
        text=True,
    )
    # 0: answered, 3: refused in plain words; the small plumbing model is often refused.
    assert asked.returncode in (0, 3), asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["model"] == CHAT_MODEL and answer["completion_tokens"] > 0
    titles = [source["passage"]["title"] for source in answer["sources"]]
    assert any("Alloush" in title or "delegation" in title for title in titles), titles
    log = llama.log.read_text()
    assert log.count("POST /v1/embeddings") > embed_calls  # the question was embedded there too
    assert "POST /v1/chat/completions" in log
    # Nothing of the archive is kept beside the commands: the chunks live on the Chroma server.
    assert not (tmp_path / "data" / "chroma").exists()
    assert (chroma.folder / "chroma.sqlite3").exists()

    # The same archive asked with the in-process model is refused in plain words, naming only the model.
    other = {**env, "RAG_EMBEDDING__BACKEND": "minilm"}
    mismatched = subprocess.run(
        [*RAG, "ask", "Who heads the delegation?"], env=other, capture_output=True, text=True
    )
    assert mismatched.returncode == 1
    message = mismatched.stderr + mismatched.stdout
    assert f"embedding.model: index has 'openai-compatible:{EMBED_MODEL}'" in message
    assert "embedding.onnx_sha256" not in message and "rag index --rebuild" in message
    assert "Traceback" not in message
