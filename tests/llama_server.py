"""A real llama-cpp-python OpenAI-compatible server (``python -m llama_cpp.server``) on 127.0.0.1.

It serves the small bundled GGUF twice, under two names: ``chat`` for chat completions and
``embed`` (loaded with ``embedding: true``) for the embeddings endpoint. Plumbing only: the
small model's answers and vectors are poor, which is what the tests expect of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rag.keep_warm import free_loopback_port
from rag.models.gguf import smol_path
from tests.index.chroma_server import wait_until_answering

CHAT_MODEL = "chat"
EMBED_MODEL = "embed"


def server_installed() -> bool:
    """llama-cpp-python's ``[server]`` extra (fastapi, uvicorn, sse-starlette, starlette-context)."""
    try:
        import llama_cpp.server.app  # noqa: F401
    except ImportError:
        return False
    return True


class LlamaServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_loopback_port()
        self.log = folder / "llama-server.log"
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        if not server_installed():
            pytest.fail(
                "llama-cpp-python's server is not installed; install the test extras: "
                "bash scripts/bootstrap.sh --test"
            )
        model = str(smol_path())
        config = {
            "host": "127.0.0.1",
            "port": self.port,
            "models": [
                {"model": model, "model_alias": CHAT_MODEL, "n_ctx": 2048, "n_threads": 2, "verbose": False},
                {
                    "model": model,
                    "model_alias": EMBED_MODEL,
                    "embedding": True,
                    "n_ctx": 512,
                    "n_batch": 512,
                    "n_threads": 2,
                    "verbose": False,
                },
            ],
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        config_file = self.folder / "llama-server.json"
        config_file.write_text(json.dumps(config))
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "llama_cpp.server", "--config_file", str(config_file)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_answering(f"{self.base_url}/models", self.process, self.log, 90)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
