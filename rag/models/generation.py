"""A llama.cpp chat stream run in a worker thread, so that waiting for its pieces can time out."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

ABORT_GRACE_S = 10.0
"""How long a stopped generation may take to leave llama.cpp before the caller moves on
(an aborted decode returns within one graph node, milliseconds)."""


def timeout_message(name: str, timeout_s: float) -> str:
    return (
        f"The chat model {name} produced nothing for {timeout_s:.0f} s, so the answer was stopped "
        "(limit: RAG_LLM__REQUEST_TIMEOUT_S). Ask again; if it happens again the machine is "
        "overloaded or the model file is damaged (delete it from the cache folder to rebuild it)."
    )


class Generation:
    """A llama-cpp-python chat stream consumed in a worker thread, its pieces handed over a queue.

    ``stop()`` asks the worker to leave between tokens; after a timeout (or if it does not
    leave within :data:`ABORT_GRACE_S`) the shared abort flag also stops the native decode.
    """

    def __init__(self, stream: Iterator[Any], abort: threading.Event) -> None:
        self._stream = stream
        self._abort = abort
        self._stop = threading.Event()
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._done_callbacks: list[Callable[[], None]] = []
        self._done_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="llama-generation", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for chunk in self._stream:
                if self._stop.is_set():
                    break
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    self._queue.put(("piece", piece))
            self._queue.put(("end", None))
        except BaseException as error:  # handed to the consumer, which re-raises it
            self._queue.put(("error", error))
        finally:
            try:
                self._stream.close()  # type: ignore[attr-defined]
            finally:
                with self._done_lock:
                    callbacks, self._done_callbacks = self._done_callbacks, []
                for callback in callbacks:
                    callback()

    def pieces(self, timeout_s: float) -> Iterator[str]:
        """The reply's pieces; ``queue.Empty`` when none comes for ``timeout_s``."""
        while True:
            try:
                kind, value = self._queue.get(timeout=timeout_s)
            except queue.Empty:
                self._abort.set()
                raise
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(ABORT_GRACE_S)
        if self._thread.is_alive():
            self._abort.set()
            self._thread.join(ABORT_GRACE_S)

    def when_done(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the worker has left llama.cpp (now, if it has)."""
        with self._done_lock:
            if self._thread.is_alive():
                self._done_callbacks.append(callback)
                return
        callback()
