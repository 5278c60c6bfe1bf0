"""Embeddings from a server that speaks the OpenAI embeddings API (``POST /v1/embeddings``).

For archives that outgrow one machine: the vectors are made on a server of their own
(llama.cpp's or llama-cpp-python's server, vLLM, text-embeddings-inference, Ollama), shared
by every process that indexes or asks, instead of by MiniLM in each process.

Written on httpx rather than llama-index's OpenAI embedding classes: those pull in the
``openai`` client for one endpoint, and they reject model names they do not know unless a
second "openai-like" package is installed. Two things servers do differently are handled here:

* some return one vector per token instead of one per text: llama-cpp-python's server does
  for a model without a pooling layer (any chat GGUF). Those are mean-pooled here, as
  sentence-transformers pools MiniLM. That server (0.3.36) also reads the token vectors of
  every text after the first in a request from the wrong offset (it steps by tokens, not by
  tokens times the vector length): measured, the second and third of three texts came back
  with other vectors than when sent alone. So once a server answers with token vectors, each
  text is sent in a request of its own;
* some return vectors of any length: every vector is scaled to length 1, so the store's cosine
  distance and dot products agree as they do for MiniLM.

The store records the server's model name, the prefixes and the pooling (``fingerprint``), so
an index built from another model is refused in plain words instead of searched with vectors
that mean something else.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import Embedding
from llama_index.core.bridge.pydantic import Field, PrivateAttr

from rag.models.embedding import ThreadedEmbedding
from rag.models.embedding_errors import EmbeddingUnavailableError
from rag.settings import Settings

MAX_TEXTS_PER_REQUEST = 32
"""Texts per request: small enough that a slow server answers each within the timeout, large
enough that the per-request cost (~5 ms on loopback) is lost in the model's time."""


class OpenAICompatibleEmbedding(ThreadedEmbedding):
    """Unit-length vectors from ``{base_url}/embeddings``; ``query_prefix`` and ``passage_prefix``
    are put before questions and passages (e5 and nomic models are trained with such prefixes)."""

    base_url: str = Field(description="The server's OpenAI API root, e.g. http://10.0.0.5:8080/v1.")
    query_prefix: str = Field(default="", description="Put before each question.")
    passage_prefix: str = Field(default="", description="Put before each passage.")
    timeout_s: float = Field(default=120.0, gt=0, description="Seconds to wait for one request.")

    _client: Any = PrivateAttr()
    _one_per_request: bool = PrivateAttr(default=False)
    """Set once the server has answered with token vectors (see the module's docstring); it only
    ever turns on, so a request racing with the change at worst is sent batched and re-sent."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        query_prefix: str = "",
        passage_prefix: str = "",
        **kwargs: Any,
    ) -> None:
        import httpx  # lazy: only when this backend is chosen

        if not model:
            raise EmbeddingUnavailableError(
                "No embedding model is named for the embedding server: set RAG_EMBEDDING__OPENAI_MODEL "
                "to a model the server at "
                f"{base_url} serves (its /models list), or RAG_EMBEDDING__BACKEND=minilm"
            )
        super().__init__(
            model_name=model,
            base_url=base_url.rstrip("/"),
            query_prefix=query_prefix,
            passage_prefix=passage_prefix,
            timeout_s=timeout_s,
            # Texts per call from llama-index and per indexing step; each call is sent in requests
            # of MAX_TEXTS_PER_REQUEST. A step per request would write to the store four times as often.
            embed_batch_size=4 * MAX_TEXTS_PER_REQUEST,
            **kwargs,
        )
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout_s, headers=headers)

    @classmethod
    def class_name(cls) -> str:
        return "OpenAICompatibleEmbedding"

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatibleEmbedding:
        cfg = settings.embedding
        return cls(
            cfg.openai_base_url,
            model=cfg.openai_model,
            api_key=cfg.openai_api_key.get_secret_value() if cfg.openai_api_key else None,
            timeout_s=cfg.request_timeout_s,
            query_prefix=cfg.query_prefix,
            passage_prefix=cfg.passage_prefix,
        )

    @property
    def url(self) -> str:
        return f"{self.base_url}/embeddings"

    @property
    def fingerprint(self) -> dict[str, Any]:
        """What a stored vector depends on. The server's address is not part of it: the same model
        moved to another machine makes the same vectors."""
        return {
            "model": f"openai-compatible:{self.model_name}",
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
            "pooling": "mean-of-token-vectors, unit-length",
        }

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text, in input order."""
        rows: list[np.ndarray] = []
        start = 0
        while start < len(texts):
            batch = texts[start : start + (1 if self._one_per_request else MAX_TEXTS_PER_REQUEST)]
            vectors, per_token = self._request(batch)
            if per_token and len(batch) > 1:
                self._one_per_request = True
                vectors = [self._request([text])[0][0] for text in batch]
            rows.extend(vectors)
            start += len(batch)
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack(rows)

    def _request(self, texts: list[str]) -> tuple[list[np.ndarray], bool]:
        """The texts' vectors, and whether the server answered with token vectors."""
        import httpx

        try:
            response = self._client.post(self.url, json={"model": self.model_name, "input": texts})
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise EmbeddingUnavailableError(
                f"Cannot reach the embedding server at {self.base_url} ({exc}). Start it, or point "
                "RAG_EMBEDDING__OPENAI_BASE_URL at it, or embed in this process with "
                "RAG_EMBEDDING__BACKEND=minilm (an index must be built and searched with the same model)"
            ) from exc
        except httpx.TimeoutException as exc:
            raise EmbeddingUnavailableError(
                f"The embedding server at {self.base_url} did not answer in {self.timeout_s:g} s; "
                "raise RAG_EMBEDDING__REQUEST_TIMEOUT_S or check the server"
            ) from exc
        except httpx.TransportError as exc:
            raise EmbeddingUnavailableError(
                f"The connection to the embedding server at {self.base_url} failed ({exc}); check the server"
            ) from exc
        if response.status_code >= 400:
            raise EmbeddingUnavailableError(
                f"The embedding server at {self.url} answered HTTP {response.status_code}: "
                f"{response.text[:300]} (check RAG_EMBEDDING__OPENAI_MODEL and RAG_EMBEDDING__OPENAI_API_KEY)"
            )
        try:
            data = sorted(response.json()["data"], key=lambda item: item["index"])
            raw = [np.asarray(item["embedding"], dtype=np.float32) for item in data]
            vectors = [_one_vector(array) for array in raw]
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbeddingUnavailableError(
                f"The server at {self.url} did not answer in the OpenAI embeddings format ({exc}); "
                "is RAG_EMBEDDING__OPENAI_BASE_URL its /v1 root?"
            ) from exc
        if len(vectors) != len(texts):
            raise EmbeddingUnavailableError(
                f"The embedding server at {self.url} returned {len(vectors)} vectors for {len(texts)} texts"
            )
        return vectors, any(array.ndim == 2 for array in raw)

    def _get_query_embedding(self, query: str) -> Embedding:
        return self.embed([self.query_prefix + query])[0].tolist()

    def _get_text_embedding(self, text: str) -> Embedding:
        return self.embed([self.passage_prefix + text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self.embed([self.passage_prefix + t for t in texts]).tolist()


def _one_vector(array: np.ndarray) -> np.ndarray:
    """A text's unit vector from the server's answer: one vector, or one per token (mean-pooled)."""
    if array.ndim == 2 and array.shape[0] > 0:
        array = array.mean(axis=0)
    if array.ndim != 1 or array.size == 0 or not np.isfinite(array).all():
        raise ValueError(f"an embedding of shape {array.shape} is not one finite vector")
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array
