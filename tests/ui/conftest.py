"""A real ``rag serve`` (test profile, bundled corpus indexed into a temporary folder) and a
headless Debian Chromium driven by Playwright, shared by the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("RAG_TEST_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium's own connections are refused on a
# closed network and page loads stall; QUIC and GPU are of no use headless.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USER, PASSWORD = "reader", "archive-pass:with-colon"
START_TIMEOUT_S = 420
RESULTS = REPO / "results" / "ui"


@dataclass
class Server:
    url: str
    user: str
    password: str
    data_dir: Path
    log: Path
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rag serve exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"rag serve did not answer within {START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Iterator[Server]:
    """``rag serve --profile test`` with a login, on a free port of 127.0.0.1."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/browser-deps.sh (installs Debian's chromium)")
    data_dir = tmp_path_factory.mktemp("serve-data")
    log = data_dir / "serve.log"
    port = free_port()
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(data_dir),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        # Short answers keep the run short; streaming, citing and rendering are the same.
        "RAG_ANSWER__MAX_TOKENS": "64",
    }
    command = [sys.executable, "-m", "rag.cli", "--profile", "test", "serve"]
    command += ["--port", str(port), "--no-browser", "--auth", f"{USER}:{PASSWORD}"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Server(url, USER, PASSWORD, data_dir, log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives the browser a fresh temporary --user-data-dir of its own.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def log_in(context, server: Server) -> None:
    """Log a browser context in through the login endpoint (the form is tested on its own)."""
    response = context.request.post(
        f"{server.url}/login", form={"username": server.user, "password": server.password}
    )
    assert response.ok, f"login failed: {response.status} {response.text()[:200]}"


@pytest.fixture
def new_page(browser, server: Server):
    """Factory for logged-in pages, each in its own browser context (its own Gradio session)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        log_in(context, server)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(server.url)
        page.wait_for_selector("#question textarea")
        page.wait_for_selector("#sources-panel .src-panel")
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def results_dir() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS
