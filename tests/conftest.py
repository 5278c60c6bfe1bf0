"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# No test leaves a background `rag serve` behind (rag.keep_warm); its own test turns it on.
os.environ.setdefault("RAG_ASK__KEEP_WARM_MINUTES", "0")

from rag.settings import BUNDLED_CORPUS, Settings, load_settings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Assembled model files are shared by the whole run (assembling the GGUF costs seconds)."""
    configured = os.environ.get("RAG_CACHE_DIR")
    return Path(configured) if configured else tmp_path_factory.mktemp("cache")


@pytest.fixture
def settings(tmp_path: Path, model_cache_dir: Path) -> Settings:
    """Test profile (small model) with a fresh, private data folder."""
    return load_settings("test", data_dir=tmp_path / "data", cache_dir=model_cache_dir)


@pytest.fixture
def corpus_dir() -> Path:
    return BUNDLED_CORPUS


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple]]:
    """Fail on any attempt to open a network connection other than a local Unix socket.

    Loopback is refused as well: the embedded store and local models need no sockets at all.
    """
    attempts: list[tuple] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(sock: socket.socket, address, *args, **kwargs):
        if sock.family == socket.AF_UNIX:
            return real_connect(sock, address, *args, **kwargs)
        attempts.append((sock.family, address))
        raise NetworkAttempt(f"network connection attempted to {address!r}")

    def guard_ex(sock: socket.socket, address, *args, **kwargs):
        if sock.family == socket.AF_UNIX:
            return real_connect_ex(sock, address, *args, **kwargs)
        attempts.append((sock.family, address))
        raise NetworkAttempt(f"network connection attempted to {address!r}")

    def guard_create(address, *args, **kwargs):
        attempts.append(("create_connection", address))
        raise NetworkAttempt(f"network connection attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard_ex)
    monkeypatch.setattr(socket, "create_connection", guard_create)
    yield attempts
    assert not attempts, f"network connections attempted: {attempts}"
