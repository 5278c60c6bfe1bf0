"""``rag ask`` as a user times it: a fresh process per question, on its own and through ``rag serve``.

    rag bench ask [--questions 8] [--llm local] [--out DIR]

Indexes the bundled corpus into a temporary data folder, then times ``--questions`` golden questions
three ways, each ``rag ask --json`` a new process:

1. ``--local``: the models and the keyword index are loaded for every question (what a shell user
   waited for before the models were kept loaded);
2. through a ``rag serve`` started on a free loopback port on the same folder
   (:mod:`rag.server_link`);
3. as shipped: no server at the start, so the first ``rag ask`` answers in its own process and
   starts one that keeps the models loaded (:mod:`rag.keep_warm`).

Wall-clock time per question, from starting the process to its exit, p50 and p95, each beside the
first with the ratio, and how many answers differ between 1 and 2: the same engine, index and model
answer both, but the server finds parts of a prompt already evaluated where a fresh process
evaluates it whole, and llama.cpp's arithmetic over other batch splits can move a borderline answer
(1 of 8 in the first run).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.bench.answers import golden_questions
from evals.bench.common import Figure, Results, load_average, percentile
from evals.bench.load import stop_server, wait_until_serving
from rag.keep_warm import free_loopback_port
from rag.server_link import process_alive, read_record, record_path

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 600
ASK_TIMEOUT_S = 600


def _ask(question: str, env: dict[str, str], llm: str, *, local: bool) -> tuple[float, str, str]:
    command = [sys.executable, "-m", "rag.cli", "ask", question, "--json", "--llm", llm]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--local"] if local else command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=ASK_TIMEOUT_S,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 3):
        raise SystemExit(f"rag bench ask: rag ask failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stdout, done.stderr


def _text(stdout: str) -> str:
    from rag.types import Answer

    return Answer.model_validate_json(stdout).text


def _as_a_user_asks(
    questions: list[str], env: dict[str, str], llm: str, data_dir: Path
) -> tuple[list[float], int]:
    """``rag ask`` one question after another as shipped: the first starts the server that keeps
    the models loaded (:mod:`rag.keep_warm`). Seconds per question, and how many the server answered."""
    kept_env = {**env, "RAG_ASK__KEEP_WARM_MINUTES": "2"}
    seconds_each, served = [], 0
    try:
        for question in questions:
            seconds, _, err = _ask(question, kept_env, llm, local=False)
            seconds_each.append(seconds)
            by_server = "Answered by the rag serve" in err
            served += by_server
            print(
                f"  kept    {seconds:5.1f}s  {'server' if by_server else 'itself'}  {question[:50]!r}",
                flush=True,
            )
    finally:
        record = read_record(record_path(data_dir))
        if record is not None and process_alive(record.pid):
            os.kill(record.pid, signal.SIGTERM)
    return seconds_each, served


def run(args: argparse.Namespace) -> Results:
    if not 1 <= args.questions <= 56:
        raise SystemExit("rag bench ask: --questions must be 1-56")
    work = Path(tempfile.mkdtemp(prefix="rag-bench-ask-"))
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(work / "data"),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "RAG_ASK__KEEP_WARM_MINUTES": "0",  # until the last part, which measures it
    }
    indexed = subprocess.run(
        [sys.executable, "-m", "rag.cli", "index"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if indexed.returncode != 0:
        raise SystemExit(f"rag bench ask: indexing the bundled corpus failed:\n{indexed.stderr[-2000:]}")
    questions = golden_questions(args.questions)
    loads = [load_average()]
    alone, alone_text = [], []
    for question in questions:
        seconds, out, _ = _ask(question, env, args.llm, local=True)
        alone.append(seconds)
        alone_text.append(_text(out))
        print(f"  alone   {seconds:5.1f}s  {question[:60]!r}", flush=True)
    loads.append(load_average())
    port = free_loopback_port()
    log_path = work / "serve.log"
    command = [
        sys.executable,
        "-m",
        "rag.cli",
        "serve",
        "--port",
        str(port),
        "--no-browser",
        "--llm",
        args.llm,
    ]
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    served, served_text = [], []
    try:
        try:
            wait_until_serving(f"http://127.0.0.1:{port}", server, log_path, START_TIMEOUT_S)
        except RuntimeError as error:
            raise SystemExit(f"rag bench ask: {error}") from None
        for question in questions:
            seconds, out, err = _ask(question, env, args.llm, local=False)
            if "Answered by the rag serve" not in err:
                raise SystemExit(f"rag bench ask: the running server was not used:\n{err[-1000:]}")
            served.append(seconds)
            served_text.append(_text(out))
            print(f"  served  {seconds:5.1f}s  {question[:60]!r}", flush=True)
    finally:
        stop_server(server)
    kept, kept_served = _as_a_user_asks(questions, env, args.llm, work / "data")
    loads.append(load_average())
    differing = sum(a != b for a, b in zip(alone_text, served_text, strict=True))
    figures = [
        Figure("rag ask, own process: p50", percentile(alone, 50), "s"),
        Figure("rag ask, own process: p95", percentile(alone, 95), "s"),
        Figure(
            "rag ask through rag serve: p50",
            percentile(served, 50),
            "s",
            percentile(alone, 50),
            "own process",
        ),
        Figure(
            "rag ask through rag serve: p95",
            percentile(served, 95),
            "s",
            percentile(alone, 95),
            "own process",
        ),
        Figure("answers that differ between the two", differing),
        Figure(
            "rag ask, models kept loaded (the default): p50",
            percentile(kept, 50),
            "s",
            percentile(alone, 50),
            "own process",
        ),
        Figure(
            "rag ask, models kept loaded (the default): p95",
            percentile(kept, 95),
            "s",
            percentile(alone, 95),
            "own process",
        ),
        Figure("questions the kept server answered", kept_served),
    ]
    notes = [
        f"{len(questions)} golden questions, model {args.llm}, each `rag ask` a new process (wall clock)",
        "models kept loaded: no server at the start; the first `rag ask` answers in its own process and "
        "starts one (rag.keep_warm); the questions follow one another with no pause, so the next one "
        "waits while it loads",
        f"load average at start {loads[0]}; after the own-process runs {loads[1]}; at the end {loads[2]}",
    ]
    raw = {
        "questions": questions,
        "own_process_s": alone,
        "through_server_s": served,
        "differing": differing,
        "kept_loaded_s": kept,
        "kept_loaded_served": kept_served,
    }
    series = {"own process": alone, "through rag serve": served, "models kept loaded": kept}
    return Results("ask", "rag ask from a fresh shell", figures, raw, series=series, notes=notes)
