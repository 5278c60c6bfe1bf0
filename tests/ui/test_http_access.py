"""HTTP access to a real ``rag serve --auth`` (test profile): nothing about the archive before
login, and the documented ``/ask`` endpoint through the README's gradio_client example."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import httpx
import pytest

from tests.ui.conftest import REPO, Server

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

EXAMPLE = REPO / "docs" / "http_api_example.py"


def outlets_after_login(server: Server) -> list[str]:
    """The outlet names the page offers once logged in (the source filter's choices)."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert client.post("/login", data={"username": server.user, "password": server.password}).is_success
        config = client.get("/config").json()
    for component in config["components"]:
        if component.get("props", {}).get("elem_id") == "source-filter":
            return [
                choice[0] if isinstance(choice, list) else choice for choice in component["props"]["choices"]
            ]
    raise AssertionError("no source filter in the page config")


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_of(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_of(item)}
    return set()


def test_unauthenticated_requests_leak_nothing_about_the_archive(server: Server):
    outlets = outlets_after_login(server)
    assert "BBC News" in outlets and "AFP" in outlets  # the names that must not leak
    requests = [
        ("GET", "/"),
        ("GET", "/?view=api"),
        ("GET", "/config"),
        ("GET", "/info"),
        ("GET", "/gradio_api/info"),
        ("GET", "/gradio_api/info?all_endpoints=true"),
        ("GET", "/openapi.json"),
        ("GET", "/gradio_api/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/redoc"),
        ("GET", "/gradio_api/mcp/schema"),
        ("GET", f"/gradio_api/file={server.data_dir / 'serve.log'}"),
        ("GET", "/gradio_api/call/ask"),
        ("POST", "/gradio_api/call/ask"),
        ("POST", "/gradio_api/queue/join"),
        ("POST", "/gradio_api/run/ask"),
        ("POST", "/gradio_api/api/ask"),
        ("POST", "/gradio_api/upload"),
    ]
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for method, path in requests:
            response = client.request(method, path, json={"data": ["x", ""]} if method == "POST" else None)
            body = response.text
            leaked = [name for name in outlets if name in body]
            assert not leaked, f"{method} {path} -> {response.status_code} names {leaked}"
            if path.startswith("/?") or path == "/":
                assert response.status_code == 200 and '"auth_required":true' in body  # the login page
                assert "window.gradio_api_info = {};" in body  # no endpoints, no input choices
                assert "chat_ask" not in body and "add_articles" not in body
            else:
                assert response.status_code in (401, 403, 404, 405), (
                    f"{method} {path} -> {response.status_code}"
                )
        # after login the same page describes the API again
        client.post("/login", data={"username": server.user, "password": server.password})
        assert re.search(r'"/ask"', client.get("/").text)


def test_the_readme_http_example_asks_and_follows_up(server: Server):
    env = {
        **os.environ,
        "RAG_URL": server.url,
        "RAG_USER": server.user,
        "RAG_PASSWORD": server.password,
        "HF_HUB_OFFLINE": "1",
    }
    run = subprocess.run(
        [sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=1200, cwd=REPO
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.strip().splitlines()
    conversation = lines[-1].removeprefix("conversation: ").strip()
    assert re.fullmatch(r"[0-9a-f]{16}", conversation), run.stdout
    assert lines[0].strip() and lines[-2].strip(), run.stdout  # an answer (or a plain refusal) to each

    from gradio_client import Client

    client = Client(server.url, auth=(server.user, server.password), verbose=False)
    with pytest.raises(Exception, match="belongs to someone else|No conversation"):
        client.predict(question="And then?", conversation_id="0000000000000000", api_name="/ask")
    with httpx.Client(base_url=server.url, timeout=30) as http:
        http.post("/login", data={"username": server.user, "password": server.password})
        info = http.get("/gradio_api/info").json()["named_endpoints"]["/ask"]
    assert [p["parameter_name"] for p in info["parameters"]] == ["question", "conversation_id"]

    # The streamed endpoint through the same client: an answer with its sources arrives (gradio_client
    # stopped at a 403 before, taking each passage's "path" for a file to fetch from the server).
    final = client.predict(question="How many people live in Deir al-Zor city?", api_name="/answer_events")
    assert final["kind"] == "answer" and final["answer"]["sources"], final
    assert "path" not in keys_of(final) and str(REPO) not in json.dumps(final)
