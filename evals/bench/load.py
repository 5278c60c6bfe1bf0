"""Load check of the chat server: N concurrent logins asking questions for a fixed time, on loopback.

    rag bench load [--sessions 8] [--seconds 120] [--llm local] [--data DIR] [--out DIR]

Starts its own ``rag serve`` on 127.0.0.1 (a free port, a temporary data folder with the bundled
corpus or the archive in ``--data``, one login per session), then each session asks through the documented ``/ask`` HTTP
endpoint, a first question and follow-ups in its own conversation, until the time is up (a turn
under way then is finished, never cut). Measured, per the product's promise to several
colleagues sharing one server:

* failures: any turn that raised or returned no answer;
* time per turn, p50 and p95 (the model answers one turn at a time, so turns queue: p95 grows
  with the number of sessions while a single answer's speed stays the same);
* peak resident memory of the server process (``VmHWM``, the kernel's own high-water mark);
* mixed histories: afterwards the conversation store is read back, and every conversation must
  hold exactly the questions its session asked, in order, under its own login.

Bounded in count and time and aimed only at 127.0.0.1. Prints the figures and writes
``load.md``, ``load.json`` (with the raw report) and ``load.png`` (time per turn); exits 1 when a
turn failed or a history was mixed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from evals.bench.common import Figure, Results, percentile
from rag.keep_warm import free_loopback_port

QUESTIONS = [
    ("How many people were killed in the fighting in Deir al-Zor?", "And how many of them were civilians?"),
    ("Who will head the rebel delegation to the Astana talks?", "What role did he have before?"),
    ("When do the Astana peace talks begin?", "Who organised them?"),
    ("How many people live in Deir al-Zor city?", "Who controls the city?"),
]
START_TIMEOUT_S = 600
MAX_TURNS_PER_SESSION = 50


@dataclass
class Session:
    user: str
    password: str
    asked: dict[str, list[str]] = field(default_factory=dict)
    """conversation id -> questions asked in it, in order."""
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def rss_bytes(pid: int, field: str = "VmHWM") -> int:
    """The process's resident memory: ``VmHWM`` its high-water mark, ``VmRSS`` now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def run_session(url: str, session: Session, index: int, deadline: float) -> None:
    from gradio_client import Client

    client = Client(url, auth=(session.user, session.password), verbose=False)
    turn = 0
    last_conversation = ""
    while time.monotonic() < deadline and turn < MAX_TURNS_PER_SESSION:
        first, follow_up = QUESTIONS[(index + turn // 2) % len(QUESTIONS)]
        question = first if turn % 2 == 0 else follow_up
        conversation = "" if turn % 2 == 0 else last_conversation
        started = time.perf_counter()
        try:
            result = client.predict(question=question, conversation_id=conversation, api_name="/ask")
            if not result.get("answer"):
                raise RuntimeError(f"no answer text: {result}")
            last_conversation = result["conversation_id"]
            session.asked.setdefault(last_conversation, []).append(question)
            session.seconds.append(time.perf_counter() - started)
        except Exception as exc:  # every failure is counted and named in the report
            session.failures.append(f"{type(exc).__name__}: {exc}"[:300])
            if turn % 2 == 0:
                turn += 1  # no conversation to follow up in
        turn += 1


def mixed_histories(data_dir: Path, sessions: list[Session]) -> list[str]:
    """Conversations whose stored questions differ from what their session asked."""
    from rag.conversations import ConversationStore

    store = ConversationStore.in_folder(data_dir)
    problems = []
    try:
        for session in sessions:
            for conversation, questions in session.asked.items():
                stored = [a.question for a in store.answers(session.user, conversation)]
                if stored != questions:
                    problems.append(f"{session.user}/{conversation}: asked {questions}, stored {stored}")
    finally:
        store.close()
    return problems


def run(args: argparse.Namespace) -> Results:
    if not 1 <= args.sessions <= 32 or not 1 <= args.seconds <= 1800:
        raise SystemExit(
            "rag bench load: --sessions must be 1-32 and --seconds 1-1800 (the check stays bounded)"
        )
    work = Path(tempfile.mkdtemp(prefix="rag-load-"))
    given: Path | None = getattr(args, "data", None)
    data = given or work / "data"
    if given is not None and not (given / "chroma").is_dir():
        raise SystemExit(f"rag bench load: {given} holds no indexed archive (no chroma folder in it)")
    sessions = [Session(f"reader{i}", f"pass-{i}-{os.getpid()}") for i in range(args.sessions)]
    port = free_loopback_port()
    env = {**os.environ, "RAG_DATA_DIR": str(data)}
    env["RAG_SERVE_AUTH"] = "\n".join(f"{s.user}:{s.password}" for s in sessions)
    log = (work / "serve.log").open("w")
    command = [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen([*command, "--llm", args.llm], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_serving(url, server, work / "serve.log")
        except RuntimeError as error:
            raise SystemExit(f"rag bench load: {error}") from None
        print(f"server up on {url}; {args.sessions} sessions for {args.seconds:.0f} s", file=sys.stderr)
        rss_at_start = rss_bytes(server.pid, "VmRSS")
        started = time.monotonic()
        end = started + args.seconds
        threads = [
            threading.Thread(target=run_session, args=(url, s, i, end), daemon=True)
            for i, s in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        peak = rss_bytes(server.pid)
        rss_at_end = rss_bytes(server.pid, "VmRSS")
    finally:
        stop_server(server)
    times = [t for s in sessions for t in s.seconds]
    failures = [f for s in sessions for f in s.failures]
    mixed = mixed_histories(data, sessions)
    report = {
        "sessions": args.sessions,
        "data": str(given) if given else "bundled corpus",
        "seconds": round(wall, 1),
        "llm": args.llm,
        "turns": len(times),
        "failures": len(failures),
        "failure_examples": failures[:5],
        "turn_p50_s": round(percentile(times, 50), 2),
        "turn_p95_s": round(percentile(times, 95), 2),
        "peak_rss_gb": round(peak / 1e9, 2),
        "rss_at_start_gb": round(rss_at_start / 1e9, 2),
        "rss_at_end_gb": round(rss_at_end / 1e9, 2),
        "mixed_histories": mixed,
        "conversations": sum(len(s.asked) for s in sessions),
    }
    figures = [
        Figure("sessions", args.sessions),
        Figure("turns answered", len(times)),
        Figure("failed turns", len(failures)),
        Figure("conversations with a mixed history", len(mixed)),
        Figure("turn p50", report["turn_p50_s"], "s"),
        Figure("turn p95", report["turn_p95_s"], "s", report["turn_p50_s"], "p50"),
        Figure("server peak memory", report["peak_rss_gb"], "GB", report["rss_at_start_gb"], "at start"),
        Figure(
            "server memory at the end", report["rss_at_end_gb"], "GB", report["rss_at_start_gb"], "at start"
        ),
    ]
    title = f"Chat server under load: {args.sessions} logins for {args.seconds:.0f} s, model {args.llm}" + (
        f", archive {given}" if given else ""
    )
    notes = [f"failed: {f}" for f in failures[:5]] + [f"mixed: {m}" for m in mixed[:5]]
    return Results(
        "load", title, figures, report, series={"turn": times}, notes=notes, ok=not failures and not mixed
    )


def stop_server(server: subprocess.Popen) -> None:
    """Stop a ``rag serve`` started by a benchmark: asked first, killed after a minute."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()


def wait_until_serving(
    url: str, server: subprocess.Popen, log: Path, timeout_s: float = START_TIMEOUT_S
) -> None:
    """Return once ``url`` answers 200; RuntimeError with the end of the server's log if it exits or stalls."""
    # httpx is imported here: only this benchmark talks HTTP, and rag --help should not pay for it.
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"rag serve exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"rag serve did not answer within {timeout_s:.0f} s:\n{log.read_text()[-4000:]}")
