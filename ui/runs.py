"""Answers being written, one per browser session, so Stop and New chat can end them.

Why a worker thread per answer: the engine's events come seconds apart while the prompt
is processed, and Gradio only resumes a streaming handler when it yields. The worker
reads the engine's events into a queue; the handler polls that queue every
:data:`POLL_S`, so Stop takes effect within that time, not after the next token. The
cancel flag also reaches the engine's stream (through :meth:`rag.chat.ChatService.stream`),
which closes it and frees the model for the next question even if the browser is gone.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

POLL_S = 0.1
_DONE = object()

Reason = Literal["stop", "new_chat"]


@dataclass
class Run:
    """One answer being written for one browser session."""

    conversation_id: str
    cancel: threading.Event = field(default_factory=threading.Event)
    reason: Reason | None = None
    messages: list[dict[str, str]] = field(default_factory=list)


class Runs:
    """At most one answer at a time per browser session."""

    def __init__(self) -> None:
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()

    def start(self, session: str, conversation_id: str) -> Run | None:
        """A new run, or None while this session's previous answer is still being written."""
        with self._lock:
            if session in self._runs:
                return None
            run = self._runs[session] = Run(conversation_id)
            return run

    def stop(self, session: str, reason: Reason) -> Run | None:
        """End the session's run (if any): its handler stops at its next poll."""
        with self._lock:
            run = self._runs.pop(session, None)
        if run is not None:
            run.reason = reason
            run.cancel.set()
        return run

    def finish(self, session: str, run: Run) -> None:
        with self._lock:
            if self._runs.get(session) is run:
                del self._runs[session]

    def active(self, session: str) -> bool:
        with self._lock:
            return session in self._runs


def pump(events: Iterable[Any], cancel: threading.Event) -> Iterator[Any]:
    """``events`` read in a worker thread; yields them, or ends within POLL_S of ``cancel``.

    An exception raised by ``events`` is re-raised here, in the consumer's thread.
    """
    inbox: queue.Queue[Any] = queue.Queue()

    def work() -> None:
        try:
            for event in events:
                inbox.put(event)
                if cancel.is_set():
                    break
        except BaseException as exc:  # handed to the consumer
            inbox.put(exc)
        finally:
            inbox.put(_DONE)

    threading.Thread(target=work, name="answer-stream", daemon=True).start()
    while True:
        try:
            item = inbox.get(timeout=POLL_S)
        except queue.Empty:
            if cancel.is_set():
                return
            continue
        if item is _DONE or cancel.is_set():
            return
        if isinstance(item, BaseException):
            raise item
        yield item
