"""Integrity checks for model files that arrive inside installed packages.

A truncated download or a corrupted cache produces a model that loads and then emits
garbage (or crashes deep inside a native library), so every model file is compared
with its published sha256 before it is used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

CHUNK_BYTES = 4 * 1024 * 1024


class ModelIntegrityError(RuntimeError):
    """A model file is missing or its content differs from the published checksum."""


def sha256_file(path: str | Path, progress: Callable[[int], None] | None = None) -> str:
    """Hex sha256 of a file, read in chunks so gigabyte files do not need gigabytes of RAM.

    ``progress`` receives the number of bytes read after each chunk.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


def verify(path: str | Path, expected: str, what: str) -> Path:
    """Return ``path`` if its sha256 is ``expected``; otherwise raise :class:`ModelIntegrityError`.

    ``what`` tells the user how to repair it, e.g. ``"reinstall it: pip install --force-reinstall X"``.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelIntegrityError(f"Model file {path} is missing; {what}.")
    actual = sha256_file(path)
    if actual != expected.lower():
        raise ModelIntegrityError(
            f"Model file {path} is corrupt: sha256 {actual}, expected {expected.lower()}; {what}."
        )
    return path
