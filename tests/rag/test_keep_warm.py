"""``rag ask`` keeps the models loaded in a background ``rag serve`` (rag.keep_warm): who may start
one, and, end to end, real ``rag ask`` processes starting, using and outliving a real server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag import keep_warm
from rag.server_link import ServerRecord, process_alive, read_record, record_path, write_record

REPO = Path(__file__).resolve().parents[2]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.unit
def test_only_one_process_may_start_a_server_and_only_when_none_runs(tmp_path: Path) -> None:
    data = tmp_path / "data"  # not there yet: a store on a Chroma server leaves no folder here
    assert keep_warm._claim(data)
    assert not keep_warm._claim(data), "a second question while the first server loads starts none"
    keep_warm.release_claim(data)
    write_record(data, ServerRecord("http://127.0.0.1:1", os.getpid(), "local", False))
    assert not keep_warm._claim(data), "a running server (this test's process) is used, not doubled"
    write_record(data, ServerRecord("http://127.0.0.1:1", _dead_pid(), "local", False))
    assert keep_warm._claim(data), "a killed server's record does not block a new one"
    assert not record_path(data).exists()


@pytest.mark.unit
def test_a_claim_left_by_a_server_that_died_while_loading_is_taken_over(tmp_path: Path) -> None:
    assert keep_warm._claim(tmp_path)
    claim = tmp_path / keep_warm.CLAIM
    old = time.time() - keep_warm.CLAIM_STALE_S - 1
    os.utime(claim, (old, old))
    assert keep_warm._claim(tmp_path)


@pytest.mark.unit
def test_a_question_asked_while_the_server_loads_waits_for_it(tmp_path: Path) -> None:
    assert keep_warm.loading_server(tmp_path) is None, "no claim: nothing to wait for"
    assert keep_warm._claim(tmp_path)
    assert keep_warm.loading_server(tmp_path) is None, "a claim without its pid yet: answer here"
    loader = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        keep_warm._note_pid(tmp_path / keep_warm.CLAIM, loader.pid)
        assert keep_warm.loading_server(tmp_path) == loader.pid
        assert keep_warm.wait_for_server(tmp_path, "local", loader.pid, timeout_s=0.5) is None, (
            "not ready yet"
        )
        ready = ServerRecord("http://127.0.0.1:1", loader.pid, "local", False)
        write_record(tmp_path, ready)
        assert keep_warm.wait_for_server(tmp_path, "local", loader.pid, timeout_s=0.5) == ready
        assert keep_warm.wait_for_server(tmp_path, "small", loader.pid, timeout_s=5) is None, "another model"
    finally:
        loader.kill()
        loader.wait()
    record_path(tmp_path).unlink()
    started = time.monotonic()
    assert keep_warm.wait_for_server(tmp_path, "local", loader.pid, timeout_s=30) is None
    assert time.monotonic() - started < 5, "a server that died while loading ends the wait at once"
    assert keep_warm.loading_server(tmp_path) is None


@pytest.mark.unit
def test_a_released_claim_is_not_written_again(tmp_path: Path) -> None:
    """The pid is noted after the server starts; a server that was quicker and released its
    claim must not find it re-created, or no server would start for minutes after it stops."""
    keep_warm._note_pid(tmp_path / keep_warm.CLAIM, os.getpid())
    assert not (tmp_path / keep_warm.CLAIM).exists()


@pytest.mark.unit
def test_nothing_is_started_when_turned_off(tmp_path: Path) -> None:
    assert keep_warm.start_background_server(tmp_path, "small", 0, "test") == ""
    assert not (tmp_path / keep_warm.CLAIM).exists()


@pytest.mark.unit
def test_the_server_command_carries_the_model_profile_and_idle_limit() -> None:
    command = keep_warm.serve_command("small", 8123, 2.5, "test")
    assert command[:3] == [sys.executable, "-m", "rag.cli"]
    assert command[3:] == [
        "--profile", "test", "serve", "--no-browser", "--port", "8123", "--llm", "small",
        "--stop-when-idle", "2.5",
    ]  # fmt: skip


@pytest.mark.integration
def test_rag_ask_starts_a_server_the_next_ask_uses_and_it_stops_when_idle(
    tmp_path: Path, model_cache_dir: Path
) -> None:
    """As a user runs it: the first ``rag ask`` answers in its own process and leaves a server
    loading; the next one, asked at once, waits for that server and is answered by it; with nobody
    asking, the server stops by itself and removes its record."""
    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(data_dir),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "RAG_ANSWER__MAX_TOKENS": "48",
        "RAG_ASK__KEEP_WARM_MINUTES": "0.25",  # 15 s without a request
    }
    rag = [sys.executable, "-m", "rag.cli", "--profile", "test"]
    indexed = subprocess.run([*rag, "index"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert indexed.returncode == 0, indexed.stderr
    question = "How many people live in Deir al-Zor city?"

    first = subprocess.run(
        [*rag, "ask", "--json", question], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert first.returncode in (0, 3), first.stderr
    assert "Answered by the rag serve" not in first.stderr
    assert "Keeping the models loaded for the next questions" in first.stderr, first.stderr
    assert "stops after 0.25 minutes without a question" in first.stderr

    # Asked at once, while the server loads: it waits for the server instead of loading the
    # models a second time beside it.
    second = subprocess.run(
        [*rag, "ask", "--json", question], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    record = read_record(record_path(data_dir))
    log = (data_dir / keep_warm.LOG).read_text() if (data_dir / keep_warm.LOG).exists() else ""
    assert record is not None, log[-3000:]
    try:
        assert record.backend == "small" and record.url.startswith("http://127.0.0.1:")
        assert not (data_dir / keep_warm.CLAIM).exists(), "the server released its claim once serving"
        assert second.returncode == first.returncode, second.stderr
        assert f"Waiting for the rag serve (pid {record.pid})" in second.stderr, second.stderr
        assert f"Answered by the rag serve running at {record.url}" in second.stderr
        assert "Keeping the models loaded" not in second.stderr  # one server, not one per question

        deadline = time.monotonic() + 120
        while process_alive(record.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not process_alive(record.pid), "the server is still running after 2 minutes unused"
    finally:
        if process_alive(record.pid):
            os.kill(record.pid, 15)
    assert not record_path(data_dir).exists()
    assert "Stopping: no request for 0.25 minutes." in (data_dir / keep_warm.LOG).read_text()
