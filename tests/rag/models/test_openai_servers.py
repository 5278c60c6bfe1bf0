"""The OpenAI-compatible chat and embedding backends against a real server:
llama-cpp-python's own (``python -m llama_cpp.server``) serving the small bundled GGUF on 127.0.0.1.

The stand-in server of ``test_llm_openai.py`` pins the wire format; these tests check that the
clients work with a server someone would actually deploy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rag.keep_warm import free_loopback_port
from rag.models.backends import build_llm
from rag.models.embedding import build_embedding
from rag.models.openai_chat import OpenAICompatibleChatModel
from rag.models.openai_embedding import EmbeddingUnavailableError, OpenAICompatibleEmbedding
from rag.settings import Settings
from tests.llama_server import CHAT_MODEL, EMBED_MODEL, LlamaServer

pytestmark = pytest.mark.integration

PASSAGES = [
    "At least 82 people were killed in fighting in Deir al-Zor, a monitoring group said.",
    "The rebel delegation to the Astana talks will be headed by Mohammed Alloush.",
    "Heavy snow closed schools across the region on Tuesday.",
]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = LlamaServer(tmp_path_factory.mktemp("llama-server"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def server_settings(settings: Settings, server: LlamaServer) -> Settings:
    return settings.with_overrides(
        **{
            "llm.backend": "openai",
            "llm.openai_base_url": server.base_url,
            "llm.openai_model": CHAT_MODEL,
            "embedding.backend": "openai",
            "embedding.openai_base_url": server.base_url,
            "embedding.openai_model": EMBED_MODEL,
        }
    )


def test_chat_streams_from_the_server(settings: Settings, llama_server: LlamaServer) -> None:
    model = build_llm(server_settings(settings, llama_server))
    assert isinstance(model, OpenAICompatibleChatModel)
    stream = model.stream_chat(
        [{"role": "user", "content": "Name three colours."}], max_tokens=24, temperature=0.0
    )
    pieces = list(stream)
    assert len(pieces) > 3, pieces  # streamed piece by piece, not in one block
    assert "".join(pieces).strip()
    # llama-cpp-python's server sends no usage while streaming: the client's estimate stands in.
    assert stream.usage.prompt_tokens > 0 and stream.usage.completion_tokens > 0


def test_embeddings_from_the_server(settings: Settings, llama_server: LlamaServer) -> None:
    embedding = build_embedding(server_settings(settings, llama_server))
    assert isinstance(embedding, OpenAICompatibleEmbedding)
    vectors = np.array(embedding.get_text_embedding_batch(PASSAGES))
    # llama-cpp-python's server returns one vector per token for a chat GGUF; the client pools them.
    assert vectors.shape == (3, 576)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert len({tuple(np.round(v, 4)) for v in vectors}) == 3
    # Each text's vector does not depend on the others sent with it, nor on its place.
    alone = np.array(embedding.get_text_embedding(PASSAGES[1]))
    assert np.allclose(alone, vectors[1], atol=1e-4)
    query = np.array(embedding.get_query_embedding("Who heads the rebel delegation?"))
    assert query.shape == (576,)


def test_more_texts_than_one_request_come_back_in_order(
    settings: Settings, llama_server: LlamaServer
) -> None:
    embedding = build_embedding(server_settings(settings, llama_server))
    texts = [f"Story number {i} about {PASSAGES[i % 3]}" for i in range(40)]
    together = embedding.embed(texts)
    assert together.shape[0] == 40
    for i in (0, 31, 32, 39):
        assert np.allclose(embedding.embed([texts[i]])[0], together[i], atol=1e-4)


def test_a_model_the_server_does_not_serve_is_named(settings: Settings, llama_server: LlamaServer) -> None:
    wrong = server_settings(settings, llama_server).with_overrides(
        **{"embedding.openai_model": "no-such-model"}
    )
    with pytest.raises(EmbeddingUnavailableError) as error:
        build_embedding(wrong).embed(["text"])
    assert llama_server.base_url in str(error.value)
    assert "RAG_EMBEDDING__OPENAI_MODEL" in str(error.value)


def test_an_unreachable_embedding_server_says_what_to_do(settings: Settings, tmp_path: Path) -> None:

    url = f"http://127.0.0.1:{free_loopback_port()}/v1"
    gone = settings.with_overrides(
        **{"embedding.backend": "openai", "embedding.openai_base_url": url, "embedding.openai_model": "m"}
    )
    with pytest.raises(EmbeddingUnavailableError) as error:
        build_embedding(gone).get_query_embedding("question")
    message = str(error.value)
    assert url in message and "RAG_EMBEDDING__BACKEND=minilm" in message
