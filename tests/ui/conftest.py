"""A real ``rag serve`` (test profile, bundled corpus indexed into a temporary folder) and a
headless Debian Chromium driven by Playwright, shared by the browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from evals.bench.load import wait_until_serving
from rag.keep_warm import free_loopback_port

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
OTHER_USER, OTHER_PASSWORD = "editor", "second-pass"
"""A second login: each user sees only their own conversations."""
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
    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        """Stop the server and start it again on the same port and data folder."""
        self.stop()
        self.process = _start(self.command, self.env, self.log)
        wait_until_serving(self.url, self.process, self.log, START_TIMEOUT_S)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Iterator[Server]:
    """``rag serve --profile test`` with a login, on a free port of 127.0.0.1."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/browser-deps.sh (installs Debian's chromium)")
    data_dir = tmp_path_factory.mktemp("serve-data")
    log = data_dir / "serve.log"
    port = free_loopback_port()
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
        # The 135M plumbing model writes backed, cited sentences by copying whole passages; given only
        # the question's sentences (the default, which the default model answers better from) it
        # mostly writes unbacked ones, and these tests need answers to render. The page is the same.
        "RAG_RETRIEVAL__FOCUS_TOKENS": "0",
    }
    command = [sys.executable, "-m", "rag.cli", "--profile", "test", "serve"]
    command += ["--port", str(port), "--no-browser"]
    command += ["--auth", f"{USER}:{PASSWORD}", "--auth", f"{OTHER_USER}:{OTHER_PASSWORD}"]
    process = _start(command, env, log)
    url = f"http://127.0.0.1:{port}"
    server = Server(url, USER, PASSWORD, data_dir, log, process, command, env)
    try:
        wait_until_serving(url, process, log, START_TIMEOUT_S)
        yield server
    finally:
        server.stop()


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("a") as out:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives the browser a fresh temporary --user-data-dir of its own.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def log_in(context, server: Server, user: str = USER) -> None:
    """Log a browser context in through the login endpoint (the form is tested on its own)."""
    password = {USER: server.password, OTHER_USER: OTHER_PASSWORD}[user]
    response = context.request.post(f"{server.url}/login", form={"username": user, "password": password})
    assert response.ok, f"login failed: {response.status} {response.text()[:200]}"


@pytest.fixture
def new_page(browser, server: Server):
    """Factory for logged-in pages, each in its own browser context (its own Gradio session)."""
    contexts = []

    def make(user: str = USER):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        log_in(context, server, user)
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
