"""Connecting to Chroma, and the fingerprint that says what a store's chunks and vectors were made with.

Vectors or chunks made under another fingerprint (embedding model, chunking settings,
duplicate detection, schema version) cannot be mixed with new ones, so
:meth:`index.store.ChunkStore.check_fingerprint` refuses such a store and names each difference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import chromadb
from chromadb.config import Settings as ChromaSettings

from index.dedup import DEDUP_FINGERPRINT
from rag.errors import StoreUnavailableError
from rag.settings import Settings

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

SCHEMA_VERSION = 2
SCHEMA_CHANGES = {
    2: "each chunk is now searched together with its article's title, subscription, cookie and "
    "credit lines are left out of the text, and chunks are stored without a second copy of their text"
}
"""What a layout changed, for the message that asks to rebuild an index written by an older one."""


def _embedding_fingerprint(embedding: BaseEmbedding) -> dict[str, Any]:
    found = getattr(embedding, "fingerprint", None)
    if isinstance(found, dict):
        return dict(found)
    return {"model": embedding.model_name, "class": type(embedding).__name__}


def build_fingerprint(settings: Settings, embedding: BaseEmbedding) -> dict[str, Any]:
    """Everything a stored chunk or vector depends on."""
    return {
        "schema": SCHEMA_VERSION,
        "embedding": _embedding_fingerprint(embedding),
        "chunking": settings.chunking.model_dump(),
        "dedup": DEDUP_FINGERPRINT,
    }


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): value}


def describe_mismatch(stored: dict[str, Any], current: dict[str, Any]) -> list[str]:
    old, new = _flatten(stored), _flatten(current)
    if old.get("embedding.model") != new.get("embedding.model"):
        # Another model: its other details (file checksum, prefixes) only repeat that.
        old = {k: v for k, v in old.items() if not k.startswith("embedding.") or k == "embedding.model"}
        new = {k: v for k, v in new.items() if not k.startswith("embedding.") or k == "embedding.model"}
    return [
        f"the index was written by another version of news-rag (store layout {old.get(key)!r}; this "
        f"version writes layout {new.get(key)!r}: {SCHEMA_CHANGES.get(new.get(key), 'see its release notes')})"
        if key == "schema"
        else f"{key}: index has {old.get(key)!r}, settings give {new.get(key)!r}"
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]


def fingerprint_problem(stored: dict[str, Any] | None, current: dict[str, Any], location: str) -> str | None:
    """What to tell the user when a store holding chunks was made under another fingerprint
    (``stored``; None: a store from before fingerprints), or None when it matches ``current``."""
    if stored is None:
        return (
            f"The index at {location} has no record of the model and settings it was built "
            "with. Run `rag index --rebuild` to rebuild it."
        )
    differences = describe_mismatch(stored, current)
    if not differences:
        return None
    return (
        f"The index at {location} was built with other settings or another embedding model:\n  "
        + "\n  ".join(differences)
        + "\nRun `rag index --rebuild` to rebuild it (or restore the previous settings)."
    )


def make_client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    cfg = settings.store
    if cfg.mode == "embedded":
        settings.store_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.store_path), settings=chroma_settings)
    try:
        client = chromadb.HttpClient(host=cfg.host, port=cfg.port, settings=chroma_settings)
        client.heartbeat()
    except Exception as error:  # chromadb raises several types for a refused connection
        raise StoreUnavailableError(
            f"Cannot reach the Chroma server at {cfg.host}:{cfg.port} ({error.__class__.__name__}: {error}). "
            f"Start one with `chroma run --host {cfg.host} --port {cfg.port} --path DIR`, or use the "
            "on-disk store (RAG_STORE__MODE=embedded)."
        ) from None
    return client
