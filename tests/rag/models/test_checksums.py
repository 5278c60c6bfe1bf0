"""sha256 verification of model files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rag.models.checksums import ModelIntegrityError, sha256_file, verify

pytestmark = pytest.mark.unit


def test_sha256_matches_hashlib_across_chunk_boundaries(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40_000  # ~10 MB: spans several read chunks
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    seen: list[int] = []
    assert sha256_file(path, progress=seen.append) == hashlib.sha256(data).hexdigest()
    assert sum(seen) == len(data)


def test_verify_returns_path_when_hash_matches(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"weights")
    assert verify(path, hashlib.sha256(b"weights").hexdigest().upper(), "reinstall X") == path


def test_verify_names_file_hashes_and_remedy_on_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"weights, flipped")
    expected = hashlib.sha256(b"weights").hexdigest()
    actual = hashlib.sha256(b"weights, flipped").hexdigest()
    with pytest.raises(ModelIntegrityError) as info:
        verify(path, expected, "reinstall it with: pip install --force-reinstall pkg")
    message = str(info.value)
    assert str(path) in message and expected in message and actual in message
    assert "pip install --force-reinstall pkg" in message


def test_verify_reports_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelIntegrityError, match="missing"):
        verify(tmp_path / "absent.onnx", "0" * 64, "reinstall X")
