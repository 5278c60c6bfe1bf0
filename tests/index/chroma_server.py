"""A real `chroma run` server on a free local port, for the server-mode and fault tests."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

CHROMA = Path(sys.executable).with_name("chroma")


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    """Until ``url`` answers 200; fails with the server's log if it exits or takes longer."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert process.poll() is None, f"{process.args[:3]} exited:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"{url} did not answer in {seconds:g} s:\n{log.read_text()}"
        time.sleep(0.3)


class ChromaServer:
    """Serves ``folder`` on ``port``; may be stopped and started again (its log is appended to)."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.log = folder.parent / "chroma.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(CHROMA),
                    "run",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--path",
                    str(self.folder),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_answering(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", self.process, self.log, 60)

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)
