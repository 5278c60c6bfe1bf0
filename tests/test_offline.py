"""The product works with the network unreachable: models come only from installed packages."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from rag.components import Components
from rag.keep_warm import free_loopback_port
from rag.settings import Settings

pytestmark = pytest.mark.integration


def test_embedding_and_small_llm_load_and_run_without_network(
    settings: Settings, no_network: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    components = Components(settings)

    vectors = np.array(components.embedding.get_text_embedding_batch(["Rebels took the town.", "Rain fell."]))
    assert vectors.shape == (2, 384)

    reply = components.llm.chat([{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert reply.strip()
    assert no_network == []


def _unshare_works() -> bool:
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return probe.returncode == 0


def test_index_and_ask_in_a_namespace_with_no_network(tmp_path: Path, model_cache_dir: Path) -> None:
    """Index the bundled corpus and answer a question inside a network namespace that has
    no interfaces at all: any attempt to reach a hub would fail the commands."""
    assert _unshare_works(), "this test needs `unshare -n` (util-linux, run as root); CI runs as root"
    env = {
        **os.environ,
        "RAG_PROFILE": "test",
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "HF_HUB_OFFLINE": "0",  # no help from offline flags: the namespace alone must suffice
    }
    rag = [sys.executable, "-m", "rag.cli"]
    indexed = subprocess.run(["unshare", "-n", *rag, "index"], env=env, capture_output=True, text=True)
    assert indexed.returncode == 0, indexed.stderr
    asked = subprocess.run(
        ["unshare", "-n", *rag, "ask", "--json", "How many people live in Deir al-Zor city?"],
        env=env,
        capture_output=True,
        text=True,
    )
    # 0: answered; 3: refused in plain words (the small plumbing model often answers off the
    # question, which the relevance check refuses). Either way the model ran with no network.
    assert asked.returncode in (0, 3), asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["sources"], "retrieval found no sources"
    assert answer["completion_tokens"] > 0, "the model wrote nothing"
    assert answer["text"] and (answer["refusal_reason"] if answer["refused"] else answer["sentences"])


# ---------------------------------------------------------------- what the commands touch

TRACED_CONNECT = re.compile(r"connect\(\d+, \{sa_family=(AF_\w+), (.*?)\}")
LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"')


def _outside_connections(log: Path) -> list[str]:
    """connect() calls to anything but loopback, and every DNS lookup (port 53, or nscd's socket)."""
    bad = []
    for line in log.read_text(errors="replace").splitlines():
        match = TRACED_CONNECT.search(line)
        if not match:
            continue
        family, address = match.groups()
        if family == "AF_UNIX":
            if "nscd" in address:
                bad.append(line)
            continue
        if "htons(53)" in address or not LOOPBACK.search(address):
            bad.append(line)
    return bad


def _bare_env(tmp_path: Path, model_cache_dir: Path) -> dict[str, str]:
    """A user's shell: a fresh HOME and temp folder, and none of the telemetry switches set,
    so the product itself must turn them off."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmp_path / "tmp"),
        "RAG_PROFILE": "test",
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "RAG_LLM__MAX_TOKENS": "48",  # the model must run, not write at length
    }
    for folder in ("home", "tmp", "cwd"):
        (tmp_path / folder).mkdir()
    return env


def _written(tmp_path: Path) -> list[str]:
    return sorted(
        str(p.relative_to(tmp_path)) for f in ("home", "tmp", "cwd") for p in (tmp_path / f).rglob("*")
    )


@pytest.mark.slow
def test_index_ask_and_serve_connect_nowhere_and_write_only_their_folders(
    tmp_path: Path, model_cache_dir: Path
) -> None:
    """Under ``strace -f -e trace=connect``, as a user runs them: not one connection off loopback,
    not one DNS lookup, and nothing written to HOME, the temp folder or the working folder.
    (onnxruntime wrote a device id under ~/.cache/Microsoft and queued telemetry before.)"""
    assert shutil.which("strace"), (
        "strace is missing: scripts/bootstrap.sh --test installs it (apt-get install strace)"
    )
    env = _bare_env(tmp_path, model_cache_dir)
    rag = [sys.executable, "-m", "rag.cli"]
    cwd = tmp_path / "cwd"

    def traced(name: str, *args: str) -> list[str]:
        return [
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=connect",
            "-o",
            str(tmp_path / f"{name}.log"),
            *rag,
            *args,
        ]

    indexed = subprocess.run(traced("index", "index"), env=env, cwd=cwd, capture_output=True, text=True)
    assert indexed.returncode == 0, indexed.stderr
    asked = subprocess.run(
        traced("ask", "ask", "--json", "How many people live in Deir al-Zor city?"),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert asked.stdout.strip(), asked.stderr

    port = free_loopback_port()
    log = (tmp_path / "serve.out").open("w")
    server = subprocess.Popen(
        traced("serve", "serve", "--port", str(port)), env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 300
        status = None
        while time.monotonic() < deadline and status != 200:
            assert server.poll() is None, (tmp_path / "serve.out").read_text()
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code
            except httpx.HTTPError:
                time.sleep(1)
        assert status == 200, "rag serve did not answer"
    finally:
        _stop_traced(server)

    for name in ("index", "ask", "serve"):
        assert _outside_connections(tmp_path / f"{name}.log") == [], f"rag {name} reached off the machine"
    assert _written(tmp_path) == []


def test_the_connection_guard_flags_what_it_must(tmp_path: Path) -> None:
    log = tmp_path / "trace.log"
    log.write_text(
        '1 connect(3, {sa_family=AF_INET, sin_port=htons(7860), sin_addr=inet_addr("127.0.0.1")}, 16) = 0\n'
        '2 connect(4, {sa_family=AF_UNIX, sun_path="/tmp/x.sock"}, 110) = 0\n'
        '3 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.11")}, 16) = 0\n'
        '4 connect(6, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("13.69.109.130")}, 16) = -1\n'
        '5 connect(7, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT\n'
        "6 connect(8, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), "
        'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0\n'
    )
    assert [line.split()[0] for line in _outside_connections(log)] == ["3", "4", "5"]


def _stop_traced(process: subprocess.Popen) -> None:
    """Stop the program strace runs, then strace; nothing is left running, whatever the order of exits."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)
    deadline = time.monotonic() + 20
    for pid in pids:
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
