"""``rag ask`` and ``rag chat``: answers in the terminal, streamed, with their sources."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
from collections.abc import Iterable
from typing import TextIO

from rag.types import Answer, Filters, StreamEvent

EMPTY_INDEX = (
    "The index is empty: nothing to answer from. Run `rag index` to index the bundled sample "
    "articles, or `rag index FOLDER` for your own, then ask again."
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2017-01-16"
        ) from None


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


def register(subparsers: argparse._SubParsersAction) -> None:
    ask = subparsers.add_parser(
        "ask",
        help="answer one question from the indexed articles, with citations",
        description="Answer a question from the indexed articles. Every sentence cites its source; "
        "sentences the sources do not back are marked, and disagreeing sources are reported.",
    )
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print the whole answer as JSON (no streaming)")
    ask.add_argument("--no-stream", action="store_true", help="print the answer when it is complete")
    _add_common(ask)
    ask.set_defaults(func=ask_command)

    chat = subparsers.add_parser(
        "chat",
        help="ask questions and follow-ups in a terminal conversation",
        description="A conversation in the terminal. Follow-up questions may refer to earlier turns. "
        "Commands: /new (new conversation), /sources (sources of the last answer), /quit.",
    )
    _add_common(chat)
    chat.set_defaults(func=chat_command)


def _settings(args: argparse.Namespace):
    from rag.settings import load_settings

    return load_settings(getattr(args, "profile", None)).with_overrides(**{"llm.backend": args.llm})


def _filters(args: argparse.Namespace) -> Filters | None:
    if args.since and args.until and args.since > args.until:
        raise SystemExit(f"--since {args.since} is after --until {args.until}; swap them")
    if not (args.since or args.until or args.source):
        return None
    return Filters(since=args.since, until=args.until, sources=list(args.source))


def _open(settings) -> tuple[object | None, str | None]:
    """Components with an opened, non-empty store, or the message that says why not."""
    from rag.components import Components

    components = Components(settings)
    try:
        if components.store.count_chunks() == 0:
            return None, EMPTY_INDEX
    except Exception as exc:  # the store names its own remedy (server down, model changed, ...)
        return None, f"Cannot open the index at {settings.store_path}: {exc}"
    return components, None


# -- printing ------------------------------------------------------------------------------


def _wrap(text: str, indent: str, width: int = 100) -> str:
    return textwrap.fill(" ".join(text.split()), width=width, initial_indent=indent, subsequent_indent=indent)


def format_sources(answer: Answer, *, cited_only: bool = False) -> str:
    """Sources with title, publisher, date and the passage, cited ones first."""
    cited = {n for s in answer.sentences for n in s.citations}
    lines = []
    ordered = sorted(answer.sources, key=lambda s: (s.number not in cited, s.number))
    for source in ordered:
        if cited_only and source.number not in cited:
            continue
        p = source.passage
        details = ", ".join(x for x in (p.source, p.date.isoformat() if p.date else None) if x)
        mark = "" if source.number in cited else " (not cited)"
        lines.append(
            f"[{source.number}] {p.title or p.article_id}" + (f" — {details}" if details else "") + mark
        )
        if source.number in cited:
            excerpt = p.text if len(p.text) <= 600 else p.text[:600].rsplit(" ", 1)[0] + " …"
            lines.append(_wrap(excerpt, "    "))
        copies = [c.source or c.title or c.article_id for c in source.corroborating]
        if copies:
            lines.append(f"    also reported by: {', '.join(dict.fromkeys(c for c in copies if c))}")
    return "\n".join(lines)


def format_answer(answer: Answer, streamed: str | None) -> str:
    """Everything after the streamed text: checked answer, warnings, conflicts, sources, timings."""
    out: list[str] = []
    if answer.refused:
        if streamed and streamed.strip() and streamed.strip() != answer.text:
            out.append("Not an answer: the text above is not backed by the sources.")
        if not streamed or streamed.strip() != answer.text:
            out.append(answer.text)
        if answer.refusal_reason:
            out.append(_wrap(f"Why: {answer.refusal_reason}", "  "))
    else:
        changed = streamed is None or " ".join(streamed.split()) != " ".join(answer.text.split())
        if changed:
            if streamed is not None:
                out.append("Checked answer:")
            for sentence in answer.sentences:
                flag = "" if sentence.supported else "   <- not supported by the cited sources"
                out.append(f"  {sentence.text}{flag}")
        else:
            for sentence in answer.sentences:
                if not sentence.supported:
                    out.append(f"Not supported by the sources: {sentence.text}")
        for conflict in answer.conflicts:
            sides = "; ".join(
                f"{s.value} [{s.source_number}] ({s.source or 'unknown source'}"
                + (f", {s.date.isoformat()}" if s.date else "")
                + ")"
                for s in conflict.sides
            )
            label = "Sources differ" if conflict.kind == "conflict" else "Figure changed over time"
            out.append(f"{label} on {conflict.topic}: {sides}")
    if answer.sources:
        out.append("")
        out.append("Sources:")
        out.append(format_sources(answer))
    t = answer.timings
    first = f"first token {t.first_token_s:.1f} s, " if t.first_token_s is not None else ""
    out.append("")
    out.append(
        f"[retrieval {t.retrieval_s:.2f} s, {first}total {t.total_s:.1f} s; "
        f"{answer.prompt_tokens} prompt + {answer.completion_tokens} generated tokens"
        + (f"; {answer.model}" if answer.model else "")
        + "]"
    )
    return "\n".join(out)


def render_stream(events: Iterable[StreamEvent], out: TextIO, *, stream: bool = True) -> Answer | None:
    """Write tokens as they arrive, then the checked answer; returns the Answer."""
    streamed: list[str] = []
    answer = None
    for event in events:
        if event.kind == "token":
            streamed.append(event.text)
            if stream:
                out.write(event.text)
                out.flush()
        elif event.answer is not None:
            answer = event.answer
    if answer is None:
        return None
    if stream and streamed:
        out.write("\n\n")
    out.write(format_answer(answer, "".join(streamed) if stream and streamed else None) + "\n")
    out.flush()
    return answer


# -- commands ------------------------------------------------------------------------------


def ask_command(args: argparse.Namespace) -> int:
    settings = _settings(args)
    filters = _filters(args)
    components, problem = _open(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from rag.engine import AnswerEngine

    engine = AnswerEngine(settings, components)
    try:
        if args.json:
            answer = engine.answer(args.question, filters=filters)
            print(answer.model_dump_json(indent=2))
            return 0
        render_stream(engine.stream(args.question, filters=filters), sys.stdout, stream=not args.no_stream)
    except _model_errors() as exc:
        print(f"\nCannot answer: {exc}", file=sys.stderr)
        return 1
    return 0


def _model_errors() -> tuple[type[Exception], ...]:
    """Failures a user can fix (model missing or unreachable), reported without a traceback."""
    from rag.models.checksums import ModelIntegrityError
    from rag.models.llm import LLMUnavailableError

    return (LLMUnavailableError, ModelIntegrityError)


CHAT_HELP = "Ask a question. /new starts over, /sources shows the last answer's sources, /quit leaves."


def chat_command(args: argparse.Namespace, *, input_fn=input, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    settings = _settings(args)
    filters = _filters(args)
    components, problem = _open(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from rag.chat import ChatService

    service = ChatService(settings, components)
    conversation = service.new_conversation()
    last: Answer | None = None
    out.write(CHAT_HELP + "\n")
    while True:
        try:
            line = input_fn("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            return 0
        if not line:
            continue
        command = line.lower()
        if command in ("/quit", "/exit", "/q"):
            return 0
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
        except _model_errors() as exc:
            out.write(f"\nCannot answer: {exc}\n")
            continue
        if last is not None and last.standalone_question != last.question:
            out.write(f"(understood as: {last.standalone_question})\n")
