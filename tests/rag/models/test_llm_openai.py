"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1.

The server is a stand-in peer that speaks the chat-completions SSE format; the code
under test is the client: request body, streaming parser, usage and errors.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from rag.models.backends import build_llm
from rag.models.llm import LLMUnavailableError
from rag.models.openai_chat import OpenAICompatibleChatModel
from rag.settings import load_settings

pytestmark = pytest.mark.unit

PIECES = ["The ", "death toll ", "rose to ", "12 [1]."]


class ChatServer(ThreadingHTTPServer):
    requests: list[dict[str, Any]]
    status: int = 200


class Handler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        if self.server.status != 200:
            self.send_response(self.server.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "invalid api key"}}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def event(payload: dict[str, Any] | str) -> None:
            data = payload if isinstance(payload, str) else json.dumps(payload)
            self.wfile.write(f"data: {data}\n\n".encode())
            self.wfile.flush()

        event({"choices": [{"index": 0, "delta": {"role": "assistant"}}]})
        self.wfile.write(b": keep-alive comment\n\n")
        for piece in PIECES:
            event({"choices": [{"index": 0, "delta": {"content": piece}}]})
        event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        event({"choices": [], "usage": {"prompt_tokens": 57, "completion_tokens": 9}})
        event("[DONE]")


@pytest.fixture
def server() -> Iterator[ChatServer]:
    httpd = ChatServer(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _client(server: ChatServer, **kwargs: Any) -> OpenAICompatibleChatModel:
    host, port = server.server_address[:2]
    return OpenAICompatibleChatModel(f"http://{host}:{port}/v1/", model="qwen-test", **kwargs)


def test_streams_pieces_and_reads_usage(server: ChatServer) -> None:
    model = _client(server, api_key="sk-local", max_tokens=50)
    messages = [{"role": "system", "content": "Cite."}, {"role": "user", "content": "How many died?"}]
    stream = model.stream_chat(messages, stop=["\n\n"], temperature=0.2)
    pieces = list(stream)
    assert pieces == PIECES
    assert (stream.usage.prompt_tokens, stream.usage.completion_tokens) == (57, 9)
    [request] = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-local"
    body = request["body"]
    assert body["model"] == "qwen-test" and body["messages"] == messages and body["stream"] is True
    assert (body["max_tokens"], body["stop"], body["temperature"]) == (50, ["\n\n"], 0.2)


def test_chat_joins_the_stream_and_judge_is_unavailable(server: ChatServer) -> None:
    model = _client(server)
    assert model.chat([{"role": "user", "content": "q"}]) == "".join(PIECES)
    assert server.requests[0]["auth"] is None
    assert server.requests[0]["body"]["temperature"] == 0.0
    assert model.yes_probability([{"role": "user", "content": "q"}]) is None
    assert model.count_prompt_tokens([{"role": "user", "content": "one two three"}]) > 3


def test_http_error_is_reported_with_status_and_body(server: ChatServer) -> None:
    server.status = 401
    with pytest.raises(LLMUnavailableError, match="HTTP 401.*invalid api key"):
        _client(server).chat([{"role": "user", "content": "q"}])


def test_unreachable_server_names_the_url_and_the_setting() -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = load_settings(
        "test", llm={"backend": "openai", "openai_base_url": f"http://127.0.0.1:{port}/v1"}
    )
    model = build_llm(settings)
    assert isinstance(model, OpenAICompatibleChatModel)
    with pytest.raises(LLMUnavailableError) as info:
        model.chat([{"role": "user", "content": "q"}])
    assert f"http://127.0.0.1:{port}/v1" in str(info.value)
    assert "RAG_LLM__OPENAI_BASE_URL" in str(info.value)
