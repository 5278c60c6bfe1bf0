"""``rag serve --stop-when-idle``: requests are timed by real ASGI middleware in a real server."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ui.idle import IdleClock, IdleWatch, wait_until_idle

pytestmark = pytest.mark.unit


def _run(coroutine) -> None:
    """Run on a thread of its own: a browser test earlier in the session may leave an event loop
    running on this one, where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def test_a_request_in_flight_keeps_the_server_busy_and_its_end_starts_the_quiet() -> None:
    clock = IdleClock()
    inside: list[float] = []

    async def app(scope, receive, send) -> None:
        inside.append(clock.idle_for())
        await asyncio.sleep(0.05)
        inside.append(clock.idle_for())

    async def nothing(*_):
        return None

    _run(IdleWatch(app, clock)({"type": "http"}, nothing, nothing))
    assert inside == [0.0, 0.0]  # a streaming answer is never "idle"
    time.sleep(0.05)
    assert 0.04 <= clock.idle_for() < 1.0


def test_a_failing_request_still_ends_and_other_scopes_are_not_counted() -> None:
    clock = IdleClock()

    async def broken(scope, receive, send) -> None:
        raise RuntimeError("handler failed")

    async def nothing(*_):
        return None

    with pytest.raises(RuntimeError):
        _run(IdleWatch(broken, clock)({"type": "http"}, nothing, nothing))
    time.sleep(0.02)
    assert clock.idle_for() > 0  # the failed request was counted as ended, so quiet time runs

    seen: list[str] = []

    async def lifespan(scope, receive, send) -> None:
        seen.append(scope["type"])
        seen.append(str(clock.idle_for() > 0 or "open"))

    time.sleep(0.01)
    _run(IdleWatch(lifespan, clock)({"type": "lifespan"}, nothing, nothing))
    assert seen == ["lifespan", "True"]  # the server's own start-up is not a request


def test_waiting_returns_only_after_the_quiet_lasts() -> None:
    clock = IdleClock()
    clock.begin()
    released = threading.Event()

    def end_later() -> None:
        time.sleep(0.3)
        clock.end()
        released.set()

    threading.Thread(target=end_later).start()
    started = time.monotonic()
    wait_until_idle(clock, 0.2, poll_s=0.02)
    waited = time.monotonic() - started
    assert released.is_set()
    assert waited >= 0.5 - 0.05  # 0.3 s open, then 0.2 s quiet
