"""Fixtures for the indexing tests: the real embedding model, loaded once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.settings import BUNDLED_CORPUS, Settings, load_settings


@pytest.fixture(scope="session")
def embedding(tmp_path_factory: pytest.TempPathFactory):
    from rag.models.embedding import build_embedding

    return build_embedding(load_settings("test", data_dir=tmp_path_factory.mktemp("embedding-data")))


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus (with its sidecars)."""
    target = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, target)
    return target


def open_store(settings: Settings, embedding, **kwargs):
    from index.store import ChunkStore

    return ChunkStore.open(settings, embedding, **kwargs)
