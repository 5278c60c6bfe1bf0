"""``rag ask`` through a running ``rag serve`` (rag.server_link): finding the server, reading its events,
and, end to end, a real server answering a real ``rag ask`` process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.keep_warm import free_loopback_port
from rag.server_link import (
    ServerLinkError,
    ServerRecord,
    _events,
    find_server,
    read_record,
    record_path,
    remove_record,
    write_record,
)
from rag.types import REFUSAL_TEXT, UNCHECKED_TEXT, Answer, Sentence, StreamEvent

REPO = Path(__file__).resolve().parents[2]


def _sse(*events: tuple[str, object]) -> list[bytes]:
    lines = []
    for name, value in events:
        lines += [f"event: {name}\n".encode(), f"data: {json.dumps(value)}\n".encode(), b"\n"]
    return lines


@pytest.mark.unit
def test_a_record_is_found_only_while_its_server_lives_and_can_answer(tmp_path: Path) -> None:
    assert find_server(tmp_path, "local") == (None, "")  # no server
    live = ServerRecord("http://127.0.0.1:7860", os.getpid(), "local", login=False)
    write_record(tmp_path, live)
    assert read_record(record_path(tmp_path)) == live
    assert find_server(tmp_path, "local") == (live, "")
    record, why = find_server(tmp_path, "small")
    assert record is None and "answers with the local model, not small" in why
    write_record(tmp_path, ServerRecord(live.url, os.getpid(), "local", login=True))
    record, why = find_server(tmp_path, "local")
    assert record is None and "asks for a login" in why
    write_record(tmp_path, ServerRecord("http://192.0.2.7:7860", os.getpid(), "local", login=False))
    record, why = find_server(tmp_path, "local")
    assert record is None and "not on this machine's loopback address" in why
    # A record left by a killed server (its process is gone) is ignored without a word.
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    write_record(tmp_path, ServerRecord(live.url, int(gone.stdout), "local", login=False))
    assert find_server(tmp_path, "local") == (None, "")
    # Half a file or someone else's JSON: no server.
    record_path(tmp_path).write_text('{"url": "http://127.0.0.1:1"', encoding="utf-8")
    assert find_server(tmp_path, "local") == (None, "")


@pytest.mark.unit
def test_a_server_removes_only_its_own_record(tmp_path: Path) -> None:
    write_record(tmp_path, ServerRecord("http://127.0.0.1:1", 1234567, "local", False))
    remove_record(tmp_path, os.getpid())
    assert record_path(tmp_path).exists()  # another server's
    remove_record(tmp_path, 1234567)
    assert not record_path(tmp_path).exists()
    remove_record(tmp_path, 1234567)  # gone already: nothing to do


@pytest.mark.unit
def test_events_are_read_from_server_sent_events_up_to_the_answer() -> None:
    sentence = Sentence(text="Six explosions hit the city [1].", start=0, end=32, citations=[1])
    answer = Answer(question="q", standalone_question="q", text=sentence.text, sentences=[sentence])
    token = StreamEvent(kind="token", text="")
    checked = StreamEvent(kind="sentence", sentence=sentence)
    final = StreamEvent(kind="answer", answer=answer)
    stream = _sse(
        ("heartbeat", None),
        *(("generating", [e.model_dump(mode="json")]) for e in (token, checked, final)),
        ("complete", [final.model_dump(mode="json")]),
    )
    events = list(_events(iter(stream), "http://x"))
    assert [e.kind for e in events] == ["token", "sentence", "answer"]
    assert events[-1].answer == answer


@pytest.mark.unit
def test_a_failed_or_cut_stream_says_so() -> None:
    with pytest.raises(ServerLinkError, match="The index is empty"):
        list(
            _events(
                iter(
                    _sse(("error", "The index is empty")),
                ),
                "http://x",
            )
        )
    with pytest.raises(ServerLinkError, match="failed while answering"):
        list(_events(iter(_sse(("error", None))), "http://x"))
    token = StreamEvent(kind="token", text="").model_dump(mode="json")
    with pytest.raises(ServerLinkError, match="ended without an answer"):
        list(_events(iter(_sse(("generating", [token]))), "http://x"))


@pytest.mark.integration
def test_rag_ask_is_answered_by_a_running_server_and_by_itself_with_local(
    tmp_path: Path, model_cache_dir: Path
) -> None:
    """A real ``rag serve`` (small model, no login) on a free loopback port and real ``rag ask``
    processes: the server answers, says so, prints what a local answer prints; its record goes
    when it stops."""
    from evals.bench.load import wait_until_serving

    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(data_dir),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "RAG_ANSWER__MAX_TOKENS": "48",
    }
    port = free_loopback_port()
    log = tmp_path / "serve.log"
    command = [
        sys.executable,
        "-m",
        "rag.cli",
        "--profile",
        "test",
        "serve",
        "--port",
        str(port),
        "--no-browser",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    question = "How many people live in Deir al-Zor city?"
    ask = [sys.executable, "-m", "rag.cli", "--profile", "test", "ask", question]
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", server, log, 420)
        # The record is written just after the server starts answering: wait for it briefly.
        deadline = time.monotonic() + 30
        while (record := read_record(record_path(data_dir))) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert record is not None and record.pid == server.pid and record.url.endswith(f":{port}")
        remote = subprocess.run(
            [*ask, "--json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
        )
        assert remote.returncode in (0, 3), remote.stderr
        assert f"Answered by the rag serve running at http://127.0.0.1:{port}" in remote.stderr
        answer = Answer.model_validate_json(remote.stdout)
        assert answer.question == question and answer.sources
        local = subprocess.run(
            [*ask, "--json", "--local"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
        )
        assert local.returncode == remote.returncode, local.stderr
        assert "Answered by the rag serve" not in local.stderr
        # The same engine, index and model: the same answer, made in either process.
        assert Answer.model_validate_json(local.stdout).text == answer.text
        printed = subprocess.run(ask, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert printed.returncode == remote.returncode and printed.stdout.strip()
        assert "Sources" in printed.stdout or printed.stdout.startswith((REFUSAL_TEXT, UNCHECKED_TEXT))
        # Another chat model than the server's: not asked there, and the reason given (the empty
        # question then stops before any model loads).
        other = subprocess.run(
            [sys.executable, "-m", "rag.cli", "--profile", "test", "ask", "", "--llm", "local"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert other.returncode == 2
        assert "answers with the small model, not local" in other.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert not record_path(data_dir).exists(), log.read_text()[-2000:]
