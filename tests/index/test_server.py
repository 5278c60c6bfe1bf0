"""The store in server mode, against a real `chroma run` process."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.pipeline import Indexer
from index.store import ChunkStore
from rag.errors import StoreUnavailableError
from rag.keep_warm import free_loopback_port
from rag.settings import Settings
from tests.index.chroma_server import ChromaServer

pytestmark = pytest.mark.integration


@pytest.fixture
def chroma_server(tmp_path: Path):
    server = ChromaServer(tmp_path / "server", free_loopback_port())
    server.start()
    try:
        yield server.port
    finally:
        server.stop()


def test_index_and_query_through_a_server(
    settings: Settings, embedding, corpus_copy: Path, chroma_server: int
) -> None:
    server = settings.with_overrides(**{"store.mode": "server", "store.port": chroma_server})
    store = ChunkStore.open(server, embedding)
    report = Indexer(server, store, embedding).run([corpus_copy])
    assert len(report.added) == 5 and report.duplicate_groups >= 3
    again = ChunkStore.open(server, embedding)
    assert Indexer(server, again, embedding).run([corpus_copy]).unchanged == report.added
    stats = again.stats()
    assert (stats.mode, stats.location, stats.size_bytes) == (
        "server",
        f"http://127.0.0.1:{chroma_server}",
        None,
    )
    assert stats.chunks == report.chunks_added
    hits = again.query(embedding.get_query_embedding("Astana peace talks"), 2)
    assert len(hits) == 2
    assert not settings.store_path.exists() or not any(settings.store_path.iterdir())


def test_unreachable_server_error_says_what_to_do(settings: Settings, embedding) -> None:
    port = free_loopback_port()
    server = settings.with_overrides(**{"store.mode": "server", "store.port": port})
    with pytest.raises(StoreUnavailableError) as error:
        ChunkStore.open(server, embedding)
    message = str(error.value)
    assert f"127.0.0.1:{port}" in message
    assert f"chroma run --host 127.0.0.1 --port {port} --path DIR" in message
