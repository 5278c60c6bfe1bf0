"""``rag ask`` through a ``rag serve`` already running on this machine, whose models are loaded.

A ``rag ask`` in a fresh process first imports the libraries and loads the embedding model, the
chat model and the keyword index; a running ``rag serve`` on the same data folder holds them all.
While it serves, the server writes where it listens to ``<data_dir>/serve.json``
(:func:`write_record`); ``rag ask`` reads it (:func:`find_server`) and, when that server is
alive, answers through its ``answer_events`` endpoint: Gradio's HTTP API, a POST to
``/gradio_api/call/answer_events`` that returns an event id, then the answer's events read from
``GET /gradio_api/call/answer_events/<id>`` as server-sent events. The events are the engine's own
(:class:`rag.types.StreamEvent`, as JSON), so the terminal prints them exactly as it prints an
answer made in its own process.

The server is not used when it asks for a login (``rag ask`` has no password to give), when it
runs another chat model than the one asked for, when its process is gone (a record left by a
killed server), or when the record names an address other than this machine's loopback (the
question is never sent off the machine); ``rag ask --local`` never uses it. Only the standard library is used here, so
asking through the server costs no import of the heavy libraries.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.types import Filters, StreamEvent

RECORD = "serve.json"
ENDPOINT = "answer_events"
CONNECT_TIMEOUT_S = 2.0
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ServerLinkError(RuntimeError):
    """The running server could not be asked; the message says why, in plain words."""


@dataclass(frozen=True)
class ServerRecord:
    url: str
    pid: int
    backend: str
    """The chat model backend the server answers with (``local``, ``small``, ``openai``)."""
    login: bool
    """Whether the server asks for a login."""


def record_path(data_dir: Path) -> Path:
    return data_dir / RECORD


def write_record(data_dir: Path, record: ServerRecord) -> Path:
    """Where the server listens, written atomically (a reader never sees half a file)."""
    path = record_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{RECORD}.{os.getpid()}")
    partial.write_text(json.dumps(asdict(record)), encoding="utf-8")
    partial.replace(path)
    return path


def remove_record(data_dir: Path, pid: int) -> None:
    """Remove the record if it is still this server's (another server may have started since)."""
    path = record_path(data_dir)
    record = read_record(path)
    if record is not None and record.pid == pid:
        path.unlink(missing_ok=True)


def read_record(path: Path) -> ServerRecord | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ServerRecord(str(data["url"]), int(data["pid"]), str(data["backend"]), bool(data["login"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs; a process that has exited but not been reaped (a zombie) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to ask
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc here: signal 0 is all there is to go by
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def find_server(data_dir: Path, backend: str) -> tuple[ServerRecord | None, str]:
    """The running server to ask, or None with the reason it cannot be used ("" when there is none)."""
    record = read_record(record_path(data_dir))
    if record is None or not process_alive(record.pid):
        return None, ""
    if urllib.parse.urlsplit(record.url).hostname not in LOOPBACK:
        # The question goes where the record says: only ever to this machine's own loopback.
        return None, f"the rag serve at {record.url} is not on this machine's loopback address"
    if record.login:
        return None, f"the rag serve at {record.url} asks for a login"
    if record.backend != backend:
        return None, f"the rag serve at {record.url} answers with the {record.backend} model, not {backend}"
    return record, ""


def _post(url: str, payload: dict, timeout: float) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - a loopback URL we wrote
        return json.loads(response.read().decode("utf-8"))


def stream_answer(
    record: ServerRecord, question: str, filters: Filters | None, *, timeout_s: float
) -> Iterator[StreamEvent]:
    """The engine's events for ``question``, answered by the server; :class:`ServerLinkError` when
    it cannot be reached or fails, before any event or in the middle."""
    since = filters.since.isoformat() if filters and filters.since else ""
    until = filters.until.isoformat() if filters and filters.until else ""
    sources = list(filters.sources) if filters else []
    base = f"{record.url.rstrip('/')}/gradio_api/call/{ENDPOINT}"
    try:
        started = _post(base, {"data": [question, since, until, sources]}, CONNECT_TIMEOUT_S)
        event_id = started["event_id"]
        response = urllib.request.urlopen(f"{base}/{event_id}", timeout=timeout_s)  # noqa: S310
    except (OSError, ValueError, KeyError) as exc:
        raise ServerLinkError(f"the rag serve at {record.url} did not take the question ({exc})") from None
    with response:
        yield from _events(response, record.url)


def _events(lines: Iterator[bytes], url: str) -> Iterator[StreamEvent]:
    """Server-sent events (``event: NAME`` then ``data: JSON``) as the engine's events.

    A generator endpoint sends each yielded value as ``generating`` and the last one again as
    ``complete``; the answer event ends the stream, so the repeat is never read.
    """
    kind = ""
    try:
        for raw in lines:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line.startswith("event:"):
                kind = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                data = line.partition(":")[2].strip()
                if kind == "error":
                    message = json.loads(data) if data and data != "null" else None
                    raise ServerLinkError(message or f"the rag serve at {url} failed while answering")
                if kind in ("generating", "complete") and data:
                    (value,) = json.loads(data)
                    event = StreamEvent.model_validate(value)
                    yield event
                    if event.kind == "answer":
                        return
    except (OSError, ValueError) as exc:
        raise ServerLinkError(f"the rag serve at {url} stopped answering ({exc})") from None
    raise ServerLinkError(f"the rag serve at {url} ended without an answer")
