"""``rag serve``: the chat UI in the browser, indexing the bundled corpus on first start."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
from typing import Any

from rich.console import Console
from starlette.middleware import Middleware

from index.commands import ProgressDisplay
from rag.components import Components
from rag.errors import IndexMismatchError, StoreUnavailableError, explain
from rag.keep_warm import release_claim
from rag.server_link import ServerRecord, remove_record, write_record
from rag.settings import load_settings
from rag.subcommands import Command, add_command
from ui.idle import IdleClock, IdleWatch, wait_until_idle

AUTH_ENV = "RAG_SERVE_AUTH"
QUEUE_CONCURRENCY = 4
"""Events served at once. Generation is serialised by the model itself, so more would only
hold threads; uploads run one at a time on their own queue slot."""


SERVE_DESCRIPTION = (
    "Serve the chat UI: streamed answers with citations linked to their source cards, "
    "filters, uploads. On first start an empty index is filled from the bundled corpus."
)
SERVE_COMMAND = Command("serve", "open the chat UI in the browser", SERVE_DESCRIPTION)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, SERVE_COMMAND, serve)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    parser.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    parser.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        action="append",
        default=None,
        help=(
            "require a login for the page, the API and files; repeat for more users, each of whom "
            f"sees only their own conversations (or set ${AUTH_ENV}, one USER:PASSWORD per line, "
            "which keeps passwords out of ps)"
        ),
    )
    parser.add_argument(
        "--llm",
        choices=["local", "small", "openai"],
        default=None,
        help="answer model backend (default: settings)",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    parser.add_argument(
        "--stop-when-idle",
        type=_minutes,
        metavar="MINUTES",
        default=None,
        help="stop after MINUTES with no request (what `rag ask` starts in the background to keep "
        "the models loaded for the next question; default: serve until stopped)",
    )


def _minutes(value: str) -> float:
    try:
        minutes = float(value)
    except ValueError:
        minutes = 0.0
    if not minutes > 0:
        raise argparse.ArgumentTypeError(f"expected a number of minutes above 0, got {value!r}")
    return minutes


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:password`` (split at the first colon, so passwords may hold colons)."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError(f"--auth expects USER:PASSWORD with both parts non-empty, got {value!r}")
    return user, password


def parse_logins(values: list[str] | str | None) -> list[tuple[str, str]] | None:
    """Every ``user:password`` given (``--auth`` repeated, or one per line of the variable)."""
    if isinstance(values, str):
        values = values.splitlines()
    logins = [login for value in values or [] if (login := parse_auth(value.strip()))]
    users = [user for user, _ in logins]
    duplicates = sorted({user for user in users if users.count(user) > 1})
    if duplicates:
        raise ValueError(f"--auth names {', '.join(duplicates)} more than once; give each user once")
    return logins or None


API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.DOTALL)


class LoginPageGate:
    """Serves the login page without the API description gradio embeds in every page.

    Gradio 6.31 answers ``/`` before login with its login page, which also carries the
    app's API description: every endpoint and the choices of its inputs, so the list of
    outlets in the archive (issue 9). The login form needs none of it; the page after login
    keeps it. ASGI middleware (gradio passes ``app_kwargs`` on to FastAPI), so no gradio code
    is patched.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path") != "/":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def gated_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if b'"auth_required":true' in body:
                body = API_INFO.sub(b"window.gradio_api_info = {};</script>", body)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, gated_send)


def app_options(clock: IdleClock | None = None) -> dict[str, Any]:
    """FastAPI settings: no schema or docs pages (gradio's own API page sits behind the login);
    with ``clock``, every request is timed for ``--stop-when-idle``."""
    middleware = [Middleware(LoginPageGate)]
    if clock is not None:
        middleware.append(Middleware(IdleWatch, clock=clock))
    return {"openapi_url": None, "docs_url": None, "redoc_url": None, "middleware": middleware}


def ensure_index(settings: Any, components: Any, console: Any) -> None:
    """Index the bundled corpus when the store is empty, with progress in the terminal."""
    if components.store.stats().articles:
        return
    from index.pipeline import Indexer  # lazy: chromadb and llama-index cost `rag --help` 1.5 s

    corpus = settings.corpus_dir
    console.print(f"The index is empty: indexing the articles in {corpus} (first start only)")
    indexer = Indexer(settings, components.store, components.embedding)
    with ProgressDisplay(sys.stderr.isatty()) as on_progress:
        report = indexer.run([corpus], progress=on_progress)
    console.print(
        f"Indexed {len(report.added)} article(s), {report.chunks_added} chunk(s), "
        f"{report.duplicate_groups} passage(s) shared by several articles, in {report.seconds:.1f} s",
        highlight=False,
    )
    for item in report.skipped:
        console.print(f"  skipped {item.path}: {item.reason}", markup=False, highlight=False)


def serve(args: argparse.Namespace) -> int:
    settings = load_settings(getattr(args, "profile", None))
    try:
        return _serve(args, settings)
    finally:
        if args.stop_when_idle:  # started by rag ask (rag.keep_warm): no longer loading
            release_claim(settings.data_dir)


def _serve(args: argparse.Namespace, settings: Any) -> int:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    console = Console(stderr=True)
    try:
        auth = parse_logins(args.auth or os.environ.get(AUTH_ENV))
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    if args.llm:
        settings = settings.with_overrides(**{"llm.backend": args.llm})
    components = Components(settings)
    try:
        ensure_index(settings, components, console)
    except (IndexMismatchError, StoreUnavailableError) as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        return 1
    except Exception as exc:  # a damaged, full or read-only store: what to do, not a traceback
        message = explain(exc, settings)
        if message is None:
            raise
        # Not wrapped: the message holds a command to copy, which a wrap would cut in two.
        console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
        return 1

    # Gradio keeps uploads and its own scratch files in GRADIO_TEMP_DIR, read when it is imported;
    # under the data folder they stay with the archive instead of the shared /tmp.
    os.environ.setdefault("GRADIO_TEMP_DIR", str(settings.data_dir / "ui-files"))
    # lazy: gradio reads GRADIO_TEMP_DIR and GRADIO_ANALYTICS_ENABLED when imported (set above),
    # and it and the answer engine take seconds to import, which `rag --help` would pay
    from rag.chat import ChatService
    from ui.app import build_app, launch_options

    console.print(f"Loading the answer model ({settings.llm.backend})…")
    chat = ChatService(settings, components)
    demo = build_app(settings, components, chat)
    # The instructions that open every answer prompt, evaluated (or read back) before the first
    # question; a model that cannot load says so at the first question, in the chat.
    with contextlib.suppress(Exception):
        chat.engine.warm()
    demo.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=64)
    clock = IdleClock() if args.stop_when_idle else None
    try:
        demo.launch(
            server_name=args.host,
            server_port=args.port,
            auth=auth,
            auth_message="Log in to the news archive." if auth else None,
            inbrowser=not args.no_browser,
            max_file_size=f"{int(settings.ingest.max_file_mb)}mb",
            footer_links=["api", "settings"],
            app_kwargs=app_options(clock),
            quiet=True,
            prevent_thread_lock=True,
            **launch_options(),
        )
    except OSError as exc:
        console.print(
            f"[red]error:[/red] cannot serve on {args.host}:{args.port} ({exc}); "
            "choose another port with --port",
            highlight=False,
        )
        return 1
    url_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    console.print(
        f"Serving on http://{url_host}:{args.port}"
        + (" (login required)" if auth else "")
        + (" — reachable from other machines" if args.host not in ("127.0.0.1", "localhost", "::1") else "")
        + ". Press Ctrl+C to stop"
        + (f", or it stops after {args.stop_when_idle:g} minutes without a request." if clock else "."),
        highlight=False,
    )
    # `rag ask` on this machine answers through this server while it runs (rag.server_link).
    record = ServerRecord(f"http://{url_host}:{args.port}", os.getpid(), settings.llm.backend, bool(auth))
    write_record(settings.data_dir, record)
    # A plain `kill` ends the server as Ctrl+C does, so the record is removed on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if clock is None:
            demo.block_thread()
        else:
            release_claim(settings.data_dir)  # the record now tells rag ask where to go
            _serve_until_idle(demo, clock, args.stop_when_idle, console)
    finally:
        remove_record(settings.data_dir, os.getpid())
    return 0


def _serve_until_idle(demo: Any, clock: IdleClock, minutes: float, console: Console) -> None:
    try:
        wait_until_idle(clock, minutes * 60)
        console.print(f"Stopping: no request for {minutes:g} minutes.", highlight=False)
    except KeyboardInterrupt:
        console.print("Stopping.", highlight=False)
    finally:
        demo.close()
