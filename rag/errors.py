"""Low-level failures turned into one-line messages that name the folder or server and the fix.

Chroma reports a full disk as "Error in compaction: Failed to apply logs to the metadata
segment" and a lost server as an httpx traceback; neither tells a user what to do. So the
commands, the chat and the UI pass any failure of a turn through :func:`explain`, which

* passes on messages that already speak to the user (a question that cannot be asked, a
  model that cannot be loaded or timed out, an unreachable server, an index built with
  other settings);
* for a failure while the embedded store was in use, looks at the store's folder itself
  (a probe write): a full disk and a read-only folder are told apart by the operating
  system's answer, not by Chroma's wording, which changes between versions;
* for a connection error in server mode, names the server and the `chroma run` command.

Anything else returns None: the caller lets it propagate, since an unknown error hidden
behind a vague message would be harder to report.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from rag.models.checksums import ModelIntegrityError
from rag.models.embedding_errors import EmbeddingUnavailableError
from rag.models.llm import LLMUnavailableError, ModelTimeoutError
from rag.questions import QuestionError

if TYPE_CHECKING:
    from rag.settings import Settings

PROBE_BYTES = 1 << 20
"""Bytes written by the probe: Chroma needs at least this much to apply one batch."""

_FULL = (errno.ENOSPC, errno.EDQUOT)
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


class StoreFaultError(RuntimeError):
    """The index cannot be used right now; the message names the place and the fix."""


class IndexMismatchError(RuntimeError):
    """The store was built with other settings or another model than the current ones."""


class StoreUnavailableError(RuntimeError):
    """The configured Chroma server cannot be reached."""


USER_FACING: tuple[type[BaseException], ...] = (
    QuestionError,
    LLMUnavailableError,
    EmbeddingUnavailableError,
    ModelTimeoutError,
    ModelIntegrityError,
    StoreUnavailableError,
    IndexMismatchError,
    StoreFaultError,
)
"""Failures whose message already speaks to the user."""


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def probe_folder(folder: Path) -> int | None:
    """The errno of writing :data:`PROBE_BYTES` into ``folder`` (or its nearest existing parent);
    None when the write succeeds."""
    probe = _nearest_existing(folder) / f".rag-write-probe-{uuid.uuid4().hex}"
    try:
        with probe.open("wb") as handle:
            handle.write(b"\0" * PROBE_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        return error.errno or errno.EIO
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    return None


def _file_in_the_way(folder: Path) -> Path | None:
    """The file standing where the index's folder, or a folder above it, should be (None if none)."""
    target = _nearest_existing(folder)
    return target if target.exists() and not target.is_dir() else None


def _nearest_existing(folder: Path) -> Path:
    """``folder`` or its nearest ancestor that exists (the root when none does)."""
    target = Path(folder)
    while not target.exists() and target != target.parent:
        target = target.parent
    return target


def not_a_folder_message(folder: Path, blocker: Path) -> str:
    return (
        f"The index cannot be kept at {folder}: {blocker} is a file, not a folder. Point RAG_DATA_DIR "
        "(or RAG_STORE__PATH) at a folder, or move that file away, and run the command again."
    )


def full_message(folder: Path) -> str:
    return (
        f"The disk holding the index at {folder} is full. Free some space on it (or move the index "
        "elsewhere with RAG_DATA_DIR) and run the command again; `rag index` then completes what was "
        "interrupted. `rag status` still works meanwhile."
    )


def read_only_message(folder: Path) -> str:
    return (
        f"The index at {folder} is read-only, so it cannot be updated or searched. Make it writable "
        f"(`chmod -R u+w {folder}`, or remount its filesystem read-write), or point RAG_DATA_DIR at a "
        "writable copy. `rag status` still works meanwhile."
    )


def server_message(settings: Settings) -> str:
    cfg = settings.store
    return (
        f"Lost the connection to the Chroma server at {cfg.host}:{cfg.port}. Start it again with "
        f"`chroma run --host {cfg.host} --port {cfg.port} --path DIR` (the folder it was serving) "
        "and try again: `rag index` then completes what was interrupted, and a chat goes on where it was."
    )


def _is_connection_error(exc: BaseException) -> bool:
    import httpx  # lazy: 0.1 s, paid only when a failure is being explained

    if isinstance(exc, httpx.TransportError | ConnectionError):
        return True
    text = str(exc).lower()
    return any(s in text for s in ("connection refused", "could not connect", "connecterror"))


def store_fault(exc: BaseException, settings: Settings) -> str | None:
    """The message for a store failure, or None when ``exc`` is not one."""
    chain = _chain(exc)
    if settings.store.mode == "server":
        return server_message(settings) if any(_is_connection_error(e) for e in chain) else None
    folder = Path(settings.store_path)
    for error in chain:
        if isinstance(error, OSError) and error.errno in _FULL:
            return full_message(folder)
        if isinstance(error, OSError) and error.errno in _READ_ONLY:
            return read_only_message(folder)
    from chromadb.errors import ChromaError  # lazy: importing chromadb costs 0.5 s at start-up

    if not any(isinstance(e, ChromaError | sqlite3.Error | OSError) for e in chain):
        return None
    blocker = _file_in_the_way(folder)
    if blocker is not None:
        return not_a_folder_message(folder, blocker)
    found = probe_folder(folder)
    if found in _FULL:
        return full_message(folder)
    if found in _READ_ONLY or any("readonly database" in str(e).lower() for e in chain):
        return read_only_message(folder)
    for error in chain:
        damage = _DAMAGED.search(str(error))
        # Chroma wraps its own SQLite's errors in its own; Python's sqlite3 reads only the keyword file.
        if damage and isinstance(error, sqlite3.Error):
            return damaged_keywords_message(folder, damage.group(0))
        if damage:
            return damaged_message(folder, damage.group(0))
    return None


_DAMAGED = re.compile(r"database disk image is malformed|file is not a database", re.IGNORECASE)
"""SQLite's words for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB), as Chroma and sqlite3 pass
them on: a store file cut short by a crashed disk or a bad copy."""


def damaged_keywords_message(folder: Path, detail: str) -> str:
    return (
        f"The keyword file of the index at {folder} (keywords_*.sqlite3) is damaged ({detail}). Delete "
        "that file and run `rag index` on your article folders: their articles are indexed again, and "
        "nothing else in the index is lost."
    )


def damaged_message(folder: Path, detail: str) -> str:
    return (
        f"The index at {folder} is damaged ({detail}) and cannot be read. Your article files are not "
        f"affected: move the folder aside (`mv {folder} {folder}.damaged`) and run `rag index` on your "
        "article folders to build it again."
    )


def explain(exc: BaseException, settings: Settings) -> str | None:
    """A one-line message for ``exc`` that tells the user what to do, or None if it is unknown."""
    if isinstance(exc, USER_FACING):
        return str(exc)
    return store_fault(exc, settings)
