"""``rag ask`` and ``rag chat``: answers in the terminal, streamed, with their sources."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from rag.components import Components
from rag.errors import explain
from rag.keep_warm import LOG, loading_server, start_background_server, wait_for_server
from rag.questions import QuestionError, clean_question
from rag.server_link import ServerLinkError, find_server, stream_answer
from rag.settings import Settings, load_settings
from rag.subcommands import Command, add_command
from rag.terminal import format_sources, render_stream
from rag.text.dates import TypedDateError, check_order, typed_day
from rag.types import Answer, Filters

EMPTY_INDEX = (
    "The index is empty: nothing to answer from. Run `rag index` to index the bundled sample "
    "articles, or `rag index FOLDER` for your own, then ask again."
)

EXIT_ANSWERED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3

ASK_EXIT_CODES = f"""exit codes:
  {EXIT_ANSWERED}  answered: every printed sentence was checked against the sources
  {EXIT_FAILED}  no answer could be attempted: the index is empty or cannot be opened (server
     down, disk full, read-only folder), or the model is missing, unreachable or timed out
     (the message says what to do)
  {EXIT_USAGE}  usage error: an empty or over-long question, a malformed date, --since after --until
  {EXIT_REFUSED}  refused: no answer backed by the archive (the reason says why and names the closest articles)"""

CHAT_EXIT_CODES = f"""exit codes:
  {EXIT_ANSWERED}  the conversation ended (/quit, Ctrl-D)
  {EXIT_FAILED}  the index is empty or cannot be opened
  {EXIT_USAGE}  usage error, e.g. a malformed date or --since after --until"""


def _date(value: str) -> dt.date | None:
    try:
        return typed_day(value, "The")
    except TypedDateError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_date, metavar="DATE", help="only articles dated on or after DATE")
    parser.add_argument("--until", type=_date, metavar="DATE", help="only articles dated on or before DATE")
    parser.add_argument(
        "--source", action="append", default=[], metavar="NAME",
        help="only articles from this publisher (repeatable), e.g. --source AFP",
    )  # fmt: skip
    parser.add_argument(
        "--llm", choices=["local", "small", "openai"], default=None,
        help="chat model: local (default, Qwen2.5-1.5B), small (fast, low quality), openai (a server)",
    )  # fmt: skip


ASK_DESCRIPTION = (
    "Answer a question from the indexed articles. Every sentence cites its source and "
    "is printed only once it has been checked against that source; sentences the sources do not "
    "back are marked, and disagreeing sources are reported. When no answer backed by the archive "
    "is found, the reply says so in plain words, says why and names the closest articles."
)
CHAT_DESCRIPTION = (
    "A conversation in the terminal. Follow-up questions may refer to earlier turns. "
    "Commands: /new (new conversation), /sources (sources of the last answer), /quit."
)
ASK_COMMAND = Command(
    "ask", "answer one question from the indexed articles, with citations", ASK_DESCRIPTION, ASK_EXIT_CODES
)
CHAT_COMMAND = Command(
    "chat", "ask questions and follow-ups in a terminal conversation", CHAT_DESCRIPTION, CHAT_EXIT_CODES
)


def register(subparsers: argparse._SubParsersAction) -> None:
    ask = add_command(subparsers, ASK_COMMAND, ask_command)
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument(
        "--json", action="store_true",
        help="print the whole answer as JSON (no streaming); a refusal's figures are in refusal_details",
    )  # fmt: skip
    ask.add_argument("--no-stream", action="store_true", help="print the answer when it is complete")
    ask.add_argument(
        "--local", action="store_true",
        help="answer in this process even when a `rag serve` runs on this data folder, and start none "
        "(by default the running server answers: its models are loaded, so the answer comes seconds "
        "sooner; when none runs, one is started in the background after the answer and stops after "
        "ask.keep_warm_minutes, default 10, without a question)",
    )  # fmt: skip
    _add_common(ask)

    chat = add_command(subparsers, CHAT_COMMAND, chat_command)
    _add_common(chat)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "profile", None)).with_overrides(**{"llm.backend": args.llm})


class UsageError(ValueError):
    """Options that parse but do not make sense together."""


def _filters(args: argparse.Namespace) -> Filters | None:
    try:
        check_order(args.since, args.until, ("--since", "--until"))
    except TypedDateError as error:
        raise UsageError(str(error)) from None
    if not (args.since or args.until or args.source):
        return None
    return Filters(since=args.since, until=args.until, sources=list(args.source))


def _open(
    settings: Settings, meanwhile: Callable[[Components], None] | None = None
) -> tuple[Components | None, str | None]:
    """Components with an opened, non-empty store, or the message that says why not.
    ``meanwhile`` is given the components before the store is opened (to start other work)."""
    components = Components(settings)
    if meanwhile is not None:
        meanwhile(components)
    try:
        if components.store.count_chunks() == 0:
            return None, EMPTY_INDEX
    except Exception as exc:  # the store names its own remedy (server down, model changed, ...)
        explained = explain(exc, settings)
        if explained:
            return None, explained
        return None, f"Cannot open the index at {_store_location(settings)}: {exc.__class__.__name__}: {exc}"
    return components, None


def _start(
    args: argparse.Namespace,
    question: str | None = None,
    meanwhile: Callable[[Components], None] | None = None,
) -> tuple[Settings, Filters | None, Components] | int:
    """Settings, filters and an opened, non-empty index for a command, or its exit status
    once the reason it cannot start is printed. ``question`` is checked before any model loads:
    an empty question costs nothing."""
    settings = _settings(args)
    try:
        filters = _filters(args)
        if question is not None:
            clean_question(question)
    except (UsageError, QuestionError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    components, problem = _open(settings, meanwhile)
    if components is None:
        print(problem, file=sys.stderr)
        return EXIT_FAILED
    return settings, filters, components


def _store_location(settings: Settings) -> str:
    cfg = settings.store
    return str(settings.store_path) if cfg.mode == "embedded" else f"http://{cfg.host}:{cfg.port}"


# -- commands ------------------------------------------------------------------------------


def ask_command(args: argparse.Namespace) -> int:
    if not args.local:
        through_server = _ask_server(args)
        if through_server is not None:
            return through_server
    loaders: list[threading.Thread] = []
    try:
        status = _ask_here(args, loaders)
    finally:
        for loader in loaders:  # never leave the loader inside llama.cpp while the interpreter exits
            loader.join()
    if status in (EXIT_ANSWERED, EXIT_REFUSED) and not args.local:
        settings = _settings(args)
        told = start_background_server(
            settings.data_dir,
            settings.llm.backend,
            settings.ask.keep_warm_minutes,
            getattr(args, "profile", None),
        )
        if told:
            print(told, file=sys.stderr)
    return status


def _ask_here(args: argparse.Namespace, loaders: list[threading.Thread]) -> int:
    def preload(components: Components) -> None:
        if _store_may_exist(components.settings):
            loaders.append(_load_in_background(components))

    started = _start(args, args.question, meanwhile=preload)
    if isinstance(started, int):
        return started
    settings, filters, components = started
    from rag.engine import AnswerEngine  # lazy: the answer engine takes 1 s to import

    engine = AnswerEngine(settings, components)
    try:
        if args.json:
            answer = engine.answer(args.question, filters=filters)
            print(answer.model_dump_json(indent=2, exclude={"exchange"}))
        else:
            events = engine.stream(args.question, filters=filters)
            answer = render_stream(events, sys.stdout, stream=not args.no_stream)
    except Exception as exc:
        message = explain_failure(exc, settings)
        print(f"\nCannot answer: {message}", file=sys.stderr)
        return EXIT_USAGE if _is_question_error(exc) else EXIT_FAILED
    if answer is None:
        return EXIT_FAILED
    return EXIT_REFUSED if answer.refused else EXIT_ANSWERED


def _store_may_exist(settings: Settings) -> bool:
    """Whether there may be an index to answer from (a server, or the embedded store's folder):
    only then is the chat model loaded before the index is opened."""
    return settings.store.mode == "server" or settings.store_path.is_dir()


def _load_in_background(components: Components) -> threading.Thread:
    """Start loading the chat model (and its fixed instructions' state, :meth:`AnswerEngine.warm`)
    while the index opens and the question is searched for: in a fresh process opening the index
    (Chroma, the embedding model) took ~3 s and loading the model ~2.6 s, one after the other on
    two cores, and neither needs the other. The engine waits for the model when it needs it
    (``Components.llm`` is built once, under a lock); a load that fails here fails again there,
    with its message."""

    # Imported here, before the thread starts: two threads importing the same packages at once
    # (llama-index, which both the engine and the index use) can meet a half-imported module.
    import llama_cpp.llama_chat_format  # noqa: F401 - loaded now, used by the loader thread

    import rag.models.backends  # noqa: F401 - loaded now, used by the loader thread
    import rag.models.gguf  # noqa: F401 - loaded now, used by the loader thread
    from rag.engine import AnswerEngine

    def load() -> None:
        with contextlib.suppress(Exception):
            AnswerEngine(components.settings, components).warm()

    thread = threading.Thread(target=load, name="load-chat-model", daemon=True)
    thread.start()
    return thread


def _ask_server(args: argparse.Namespace) -> int | None:
    """The exit status of ``rag ask`` answered by a ``rag serve`` running on this data folder, or
    None when there is none to ask or it failed before answering (the answer is then made here).

    It says on stderr which it did, so a user knows why an answer came in a second or in ten.
    """
    settings = _settings(args)
    record, why_not = find_server(settings.data_dir, settings.llm.backend)
    loading = None if record is not None or why_not else loading_server(settings.data_dir)
    if record is None and loading is None:
        if why_not:
            print(f"Answering in this process: {why_not}.", file=sys.stderr)
        return None
    try:
        filters = _filters(args)
        clean_question(args.question)
    except (UsageError, QuestionError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if record is None and loading is not None:
        print(
            f"Waiting for the rag serve (pid {loading}) that is loading the models for the next "
            "questions (--local answers in this process).",
            file=sys.stderr,
        )
        record = wait_for_server(settings.data_dir, settings.llm.backend, loading)
        if record is None:
            log = settings.data_dir / LOG
            print(
                f"That rag serve is not serving (its log: {log}); answering in this process.", file=sys.stderr
            )
            return None
    print(
        f"Answered by the rag serve running at {record.url} (--local answers in this process).",
        file=sys.stderr,
    )
    events = stream_answer(record, args.question, filters, timeout_s=settings.llm.request_timeout_s * 2)
    try:
        if args.json:
            answer = next(e.answer for e in events if e.kind == "answer")
            print(answer.model_dump_json(indent=2, exclude={"exchange"}))
        else:
            answer = render_stream(events, sys.stdout, stream=not args.no_stream)
    except ServerLinkError as exc:
        print(f"Answering in this process instead: {exc}.", file=sys.stderr)
        return None
    if answer is None:
        return EXIT_FAILED
    return EXIT_REFUSED if answer.refused else EXIT_ANSWERED


def explain_failure(exc: BaseException, settings: Settings) -> str:
    """The plain message for a failed turn (:mod:`rag.errors`); re-raises what it cannot explain,
    so an unknown fault still shows where it came from."""
    message = explain(exc, settings)
    if message is None:
        raise exc
    return message


def _is_question_error(exc: BaseException) -> bool:
    return isinstance(exc, QuestionError)


CHAT_HELP = "Ask a question. /new starts over, /sources shows the last answer's sources, /quit leaves."


def chat_command(args: argparse.Namespace, *, input_fn=input, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    started = _start(args)
    if isinstance(started, int):
        return started
    settings, filters, components = started
    from rag.chat import ChatService  # lazy: the answer engine takes 1 s to import

    service = ChatService(settings, components)
    conversation = service.new_conversation()
    last: Answer | None = None
    out.write(CHAT_HELP + "\n")
    while True:
        try:
            line = input_fn("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            return EXIT_ANSWERED
        if not line:
            continue
        command = line.lower()
        if command in ("/quit", "/exit", "/q"):
            return EXIT_ANSWERED
        if command == "/new":
            conversation = service.new_conversation()
            last = None
            out.write("New conversation.\n")
            continue
        if command == "/sources":
            out.write((format_sources(last) if last and last.sources else "No sources yet.") + "\n")
            continue
        if command.startswith("/"):
            out.write(CHAT_HELP + "\n")
            continue
        out.write("\n")
        try:
            last = render_stream(service.stream(conversation, line, filters), out)
        except Exception as exc:  # the turn fails; the conversation goes on
            out.write(f"\nCannot answer: {explain_failure(exc, settings)}\n")
            continue
        if last is not None and last.standalone_question != last.question:
            out.write(f"(understood as: {last.standalone_question})\n")
