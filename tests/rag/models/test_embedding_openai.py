"""The OpenAI-compatible embedding client against a stand-in peer on 127.0.0.1.

The peer answers like a pooling server (vLLM, text-embeddings-inference, Ollama): one vector
per text, in an order of its own choosing, so the client's ordering, batching, scaling and
error messages can be pinned. ``test_openai_servers.py`` runs the client against a real server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from rag.errors import USER_FACING
from rag.models.openai_embedding import (
    MAX_TEXTS_PER_REQUEST,
    EmbeddingUnavailableError,
    OpenAICompatibleEmbedding,
)

pytestmark = pytest.mark.unit


class Peer(ThreadingHTTPServer):
    requests: list[dict[str, Any]]
    reply: str = "pooled"  # pooled | error | garbage | short


def vector_for(text: str) -> list[float]:
    """A deterministic, not unit-length vector that differs from text to text."""
    return [float(len(text)), float(sum(map(ord, text)) % 97), 3.0]


class Handler(BaseHTTPRequestHandler):
    server: Peer

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"auth": self.headers.get("Authorization"), "body": body})
        reply = self.server.reply
        if reply == "error":
            payload, status = {"error": {"message": "model 'x' not found"}}, 404
        elif reply == "garbage":
            payload, status = {"result": "ok"}, 200
        else:
            texts = body["input"][:-1] if reply == "short" else body["input"]
            data = [{"index": i, "embedding": vector_for(t)} for i, t in enumerate(texts)]
            payload, status = {"object": "list", "data": list(reversed(data))}, 200
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def peer() -> Iterator[Peer]:
    httpd = Peer(("127.0.0.1", 0), Handler)
    httpd.requests = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def client(peer: Peer, **kwargs: Any) -> OpenAICompatibleEmbedding:
    host, port = peer.server_address[:2]
    return OpenAICompatibleEmbedding(f"http://{host}:{port}/v1/", model="e5-small", **kwargs)


def test_vectors_come_back_in_input_order_and_unit_length(peer: Peer) -> None:
    texts = ["a", "bb", "ccc"]
    vectors = client(peer, api_key="sekret").embed(texts)
    expected = np.array([vector_for(t) for t in texts], dtype=np.float32)
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(vectors, expected)
    (request,) = peer.requests
    assert request["body"] == {"model": "e5-small", "input": texts}
    assert request["auth"] == "Bearer sekret"


def test_a_pooling_server_gets_full_batches(peer: Peer) -> None:
    texts = [f"text {i}" for i in range(MAX_TEXTS_PER_REQUEST + 5)]
    vectors = client(peer).get_text_embedding_batch(texts)
    assert len(vectors) == len(texts)
    assert [len(r["body"]["input"]) for r in peer.requests] == [MAX_TEXTS_PER_REQUEST, 5]


def test_prefixes_go_before_questions_and_passages(peer: Peer) -> None:
    model = client(peer, query_prefix="query: ", passage_prefix="passage: ")
    model.get_query_embedding("who won?")
    model.get_text_embedding_batch(["It rained."])
    assert [r["body"]["input"] for r in peer.requests] == [["query: who won?"], ["passage: It rained."]]
    assert model.fingerprint["query_prefix"] == "query: "
    assert model.fingerprint["model"] == "openai-compatible:e5-small"


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        ("error", ["HTTP 404", "model 'x' not found", "RAG_EMBEDDING__OPENAI_MODEL"]),
        ("garbage", ["OpenAI embeddings format", "RAG_EMBEDDING__OPENAI_BASE_URL"]),
        ("short", ["returned 1 vectors for 2 texts"]),
    ],
)
def test_a_bad_answer_is_told_in_plain_words(peer: Peer, reply: str, words: list[str]) -> None:
    peer.reply = reply
    with pytest.raises(EmbeddingUnavailableError) as error:
        client(peer).embed(["one", "two"])
    for word in words:
        assert word in str(error.value)
    assert isinstance(error.value, USER_FACING)


def test_no_model_name_is_refused_before_any_request() -> None:
    with pytest.raises(EmbeddingUnavailableError, match="RAG_EMBEDDING__OPENAI_MODEL"):
        OpenAICompatibleEmbedding("http://127.0.0.1:9/v1", model="")
