"""When a ``rag serve --stop-when-idle`` has had no request for long enough, so it can stop.

The server ``rag ask`` leaves running in the background (:mod:`rag.keep_warm`) holds the models in
memory (about 2 GB with the default model); it should give that back once nobody asks. Any HTTP
request counts as use: an answer streamed to ``rag ask`` or a browser, a page load, an upload. A
request still open (a streaming answer, a long upload) keeps the server up until it ends. ASGI
middleware, as the login gate is, so no gradio code is patched.
"""

from __future__ import annotations

import threading
import time
from typing import Any


class IdleClock:
    """Requests in flight and when the last one ended. The ASGI middleware writes it from the
    server's event loop; the serving command's thread reads it, so every access holds the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = 0
        self._last = time.monotonic()

    def begin(self) -> None:
        with self._lock:
            self._open += 1
            self._last = time.monotonic()

    def end(self) -> None:
        with self._lock:
            self._open -= 1
            self._last = time.monotonic()

    def idle_for(self) -> float:
        """Seconds since the last request ended; 0 while one is open."""
        with self._lock:
            return 0.0 if self._open else time.monotonic() - self._last


class IdleWatch:
    """ASGI middleware that tells an :class:`IdleClock` when each HTTP request starts and ends."""

    def __init__(self, app: Any, clock: IdleClock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.clock.begin()
        try:
            await self.app(scope, receive, send)
        finally:
            self.clock.end()


def wait_until_idle(clock: IdleClock, seconds: float, *, poll_s: float = 5.0) -> None:
    """Return once no request has been open for ``seconds``."""
    while (quiet := clock.idle_for()) < seconds:
        time.sleep(min(poll_s, max(seconds - quiet, 0.05)))
