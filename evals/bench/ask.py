"""``rag ask`` as a user times it: a fresh process per question, on its own and through ``rag serve``.

    rag bench ask [--questions 8] [--llm local] [--out DIR]

Indexes the bundled corpus into a temporary data folder, then for each of ``--questions`` golden
questions runs ``rag ask --local --json`` in a new process (the models and the keyword index are
loaded for every question: what a shell user waits for), and after that starts ``rag serve`` on a
free loopback port on the same folder and runs ``rag ask --json`` again for each question, now
answered by the server (:mod:`rag.server_link`). Wall-clock time per question, from starting the
process to its exit, p50 and p95, the second beside the first with the ratio, and how many answers
differ between the two: the same engine, index and model answer both, but the server finds parts of
a prompt already evaluated where a fresh process evaluates it whole, and llama.cpp's arithmetic
over other batch splits can move a borderline answer (1 of 8 in the first run).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.bench.answers import golden_questions
from evals.bench.common import Figure, Results, load_average, percentile
from evals.bench.load import free_port, stop_server, wait_until_serving

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


def run(args: argparse.Namespace) -> Results:
    if not 1 <= args.questions <= 56:
        raise SystemExit("rag bench ask: --questions must be 1-56")
    work = Path(tempfile.mkdtemp(prefix="rag-bench-ask-"))
    env = {**os.environ, "RAG_DATA_DIR": str(work / "data"), "GRADIO_ANALYTICS_ENABLED": "False"}
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
    port = free_port()
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
    ]
    notes = [
        f"{len(questions)} golden questions, model {args.llm}, each `rag ask` a new process (wall clock)",
        f"load average at start {loads[0]}; after the own-process runs {loads[1]}; at the end {loads[2]}",
    ]
    raw = {"questions": questions, "own_process_s": alone, "through_server_s": served, "differing": differing}
    series = {"own process": alone, "through rag serve": served}
    return Results("ask", "rag ask from a fresh shell", figures, raw, series=series, notes=notes)
