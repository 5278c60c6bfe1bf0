"""Token counting with tiktoken, offline.

tiktoken downloads its encodings on first use; llama-index ships them, so the cache
directory is pointed there before tiktoken is imported anywhere in this process.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import tiktoken


def bundled_tiktoken_cache() -> Path:
    spec = find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llama-index-core is not installed; it carries the tiktoken encodings")
    return Path(next(iter(spec.submodule_search_locations))) / "_static" / "tiktoken_cache"


def ensure_offline_tiktoken() -> None:
    """Point TIKTOKEN_CACHE_DIR at llama-index's bundled encodings unless the user chose one."""
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled_tiktoken_cache()))


ensure_offline_tiktoken()


@lru_cache(maxsize=4)
def encoding(name: str = "cl100k_base") -> tiktoken.Encoding:
    return tiktoken.get_encoding(name)


def count_tokens(text: str, name: str = "cl100k_base") -> int:
    return len(encoding(name).encode(text, disallowed_special=()))
