"""A ``rag serve`` started in the background after ``rag ask``, so the next question skips loading.

Why: a ``rag ask`` in a fresh process spends a third of its time importing the libraries and
loading the models and the index, and a user asking from a shell, or a script asking in a loop,
paid that for every question. Like a local model server that keeps a model loaded for a few
minutes after its last request, ``rag ask`` answers in its own process when nothing is running,
then starts ``rag serve --stop-when-idle MINUTES`` on a free loopback port, detached from the
terminal; the next ``rag ask`` on the same data folder finds it (:mod:`rag.server_link`). The
server stops by itself after that many minutes with no request, and ``rag ask`` says that it was
started, how to stop it and how to turn this off (``ask.keep_warm_minutes = 0``).

Measured with ``rag bench ask --questions 12`` (default model, 2 cores, each question a new
process): p50 9.8 s / p95 11.0 s in its own process, 6.5 / 7.3 s through a running ``rag serve``,
and 6.5 / 11.6 s as shipped with no server at the start. The first question answers in its own
process and starts the server; the second, asked at once while the server loads, took 14.4 s;
the server answered the next ten.

Only one is started at a time: a claim file, created exclusively, marks a server that is still
loading, so questions asked meanwhile do not start another. A claim older than
:data:`CLAIM_STALE_S` (a server that died while loading) is taken over. Only the standard
library is used, so nothing heavy is imported for this.

A question asked while that server loads waits for it (:func:`wait_for_server`, at most
:data:`LOADING_WAIT_S`) instead of loading a second copy of the models beside it, where the two
loads shared the two cores. Measured with ``rag bench ask --questions 12``, the second question
asked at once: 14.2 s answering in its own process (1.31x that run's own-process p50 of 10.8 s)
against 12.8 s waiting for the server (1.04x its run's 12.3 s), and one copy of the models in
memory instead of two. The claim holds the loading server's pid, so a server that dies while
loading ends the wait at once.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from rag.server_link import ServerRecord, find_server, process_alive, read_record, record_path

CLAIM = "serve.starting"
LOG = "serve-background.log"
CLAIM_STALE_S = 300.0
"""A server that has not written its record after this long is taken to have died while loading
(the default model loads in seconds; indexing is never part of a background start)."""
LOADING_WAIT_S = 60.0
"""How long a ``rag ask`` waits for a server that is loading before it answers in its own
process. The server is ready once its models are loaded and the fixed instructions evaluated
(seconds on an idle machine); the wait only ends this late when something is wrong with it."""
POLL_S = 0.2


def free_loopback_port() -> int:
    """A port nothing listens on now (the kernel's choice); the server binds it a moment later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stale(claim: Path) -> bool:
    """Whether ``claim`` is older than :data:`CLAIM_STALE_S` (left by a server that died loading);
    raises OSError when there is no claim."""
    return time.time() - claim.stat().st_mtime > CLAIM_STALE_S


def _claim(data_dir: Path) -> bool:
    """Whether this process may start the server: no other is running or loading."""
    record = read_record(record_path(data_dir))
    if record is not None and process_alive(record.pid):
        return False  # a server is running here already (perhaps one rag ask cannot use)
    if record is not None:
        record_path(data_dir).unlink(missing_ok=True)  # left by a killed server
    claim = data_dir / CLAIM
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if _stale(claim):
            claim.unlink(missing_ok=True)
    except OSError:
        pass  # no claim yet
    try:
        fd = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError:
        return False  # a read-only data folder: answer without keeping anything warm
    os.close(fd)
    return True


def loading_server(data_dir: Path) -> int | None:
    """The pid of a server started by ``rag ask`` that is still loading here, or None."""
    claim = data_dir / CLAIM
    try:
        if _stale(claim):
            return None
        pid = int(claim.read_text(encoding="utf-8").strip() or 0)
    except (OSError, ValueError):
        return None  # no claim, or one whose pid is not written yet
    return pid if pid > 0 and process_alive(pid) else None


def wait_for_server(
    data_dir: Path, backend: str, pid: int, timeout_s: float = LOADING_WAIT_S
) -> ServerRecord | None:
    """The loading server ``pid`` once it serves, or None when it dies, serves what ``rag ask``
    cannot use (another model) or is not ready within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        record = read_record(record_path(data_dir))
        if record is not None and record.pid == pid:
            return find_server(data_dir, backend)[0]
        if not process_alive(pid):
            return None
        time.sleep(POLL_S)
    return None


def _note_pid(claim: Path, pid: int) -> None:
    """Write the loading server's pid into its claim, so questions asked meanwhile wait for it;
    never re-create a claim the server has already released (it would outlive the server)."""
    with contextlib.suppress(OSError):
        fd = os.open(claim, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(str(pid))


def release_claim(data_dir: Path) -> None:
    """Called by the server once its record is written (or it gives up)."""
    (data_dir / CLAIM).unlink(missing_ok=True)


def serve_command(backend: str, port: int, minutes: float, profile: str | None) -> list[str]:
    command = [sys.executable, "-m", "rag.cli"]
    if profile:
        command += ["--profile", profile]
    return [
        *command,
        "serve",
        "--no-browser",
        "--port",
        str(port),
        "--llm",
        backend,
        "--stop-when-idle",
        f"{minutes:g}",
    ]


def start_background_server(data_dir: Path, backend: str, minutes: float, profile: str | None) -> str:
    """Start the server if none is running or loading; the line to tell the user ("" if none)."""
    if minutes <= 0 or not _claim(data_dir):
        return ""
    port = free_loopback_port()
    log = data_dir / LOG
    try:
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - our own command line
                serve_command(backend, port, minutes, profile),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # not stopped by the terminal's Ctrl+C or hang-up
                close_fds=True,
            )
    except OSError as exc:
        release_claim(data_dir)
        return f"Could not keep the models loaded for the next question ({exc})."
    _note_pid(data_dir / CLAIM, process.pid)
    return (
        f"Keeping the models loaded for the next questions: a rag serve (pid {process.pid}) is starting "
        f"at http://127.0.0.1:{port} and stops after {minutes:g} minutes without a question "
        f"(kill {process.pid} stops it now; RAG_ASK__KEEP_WARM_MINUTES=0 turns this off; log: {log})."
    )
