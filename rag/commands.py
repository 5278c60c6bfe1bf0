"""``rag ask`` and ``rag chat``: answers in the terminal, streamed, with their sources."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TextIO

from rag.components import Components
from rag.errors import explain
from rag.questions import QuestionError, clean_question
from rag.settings import Settings, load_settings
from rag.subcommands import Command, add_command
from rag.types import Answer, Filters, Sentence, StreamEvent

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
  {EXIT_REFUSED}  refused: the archive does not hold the answer (the reason names the closest articles)"""

CHAT_EXIT_CODES = f"""exit codes:
  {EXIT_ANSWERED}  the conversation ended (/quit, Ctrl-D)
  {EXIT_FAILED}  the index is empty or cannot be opened
  {EXIT_USAGE}  usage error, e.g. a malformed date or --since after --until"""


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


ASK_DESCRIPTION = (
    "Answer a question from the indexed articles. Every sentence cites its source and "
    "is printed only once it has been checked against that source; sentences the sources do not "
    "back are marked, and disagreeing sources are reported. When the archive does not hold the "
    "answer, the reply says so in plain words and names the closest articles."
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
    _add_common(ask)

    chat = add_command(subparsers, CHAT_COMMAND, chat_command)
    _add_common(chat)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "profile", None)).with_overrides(**{"llm.backend": args.llm})


class UsageError(ValueError):
    """Options that parse but do not make sense together."""


def _filters(args: argparse.Namespace) -> Filters | None:
    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}; swap them")
    if not (args.since or args.until or args.source):
        return None
    return Filters(since=args.since, until=args.until, sources=list(args.source))


def _open(settings: Settings) -> tuple[Components | None, str | None]:
    """Components with an opened, non-empty store, or the message that says why not."""
    components = Components(settings)
    try:
        if components.store.count_chunks() == 0:
            return None, EMPTY_INDEX
    except Exception as exc:  # the store names its own remedy (server down, model changed, ...)
        message = explain(exc, settings) or f"{exc.__class__.__name__}: {exc}"
        return None, f"Cannot open the index at {_store_location(settings)}: {message}"
    return components, None


def _start(
    args: argparse.Namespace, question: str | None = None
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
    components, problem = _open(settings)
    if components is None:
        print(problem, file=sys.stderr)
        return EXIT_FAILED
    return settings, filters, components


def _store_location(settings: Settings) -> str:
    cfg = settings.store
    return str(settings.store_path) if cfg.mode == "embedded" else f"http://{cfg.host}:{cfg.port}"


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


UNSUPPORTED_FLAG = "   <- not supported by the cited sources"
WITHDRAWN = "Withdrawn: the sentences above are not an answer; the final check refused the reply."


def format_sentence(sentence: Sentence, width: int = 100) -> str:
    """One checked sentence as printed: indented, wrapped, marked when no source backs it."""
    return _wrap(sentence.text, "  ", width) + ("" if sentence.supported else UNSUPPORTED_FLAG)


def format_answer(answer: Answer, printed: Sequence[str] = ()) -> str:
    """The checked answer after the sentences already ``printed`` (their texts, in order):
    the remaining sentences (or a refusal), conflicts, sources and timings."""
    out: list[str] = []
    if answer.refused:
        if printed:
            out.append(WITHDRAWN)
        out.append(answer.text)
        if answer.refusal_reason:
            out.append(_wrap(answer.refusal_reason, "  "))
    else:
        texts = [s.text for s in answer.sentences]
        rest = answer.sentences[len(printed) :]
        if list(printed) != texts[: len(printed)]:  # not what was shown: show the answer whole
            out.append("Checked answer:")
            rest = answer.sentences
        out.extend(format_sentence(sentence) for sentence in rest)
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
    if t.first_sentence_s is not None:
        first = f"first sentence {t.first_sentence_s:.1f} s, "
    elif t.first_token_s is not None:
        first = f"first token {t.first_token_s:.1f} s, "
    else:
        first = ""
    out.append("")
    out.append(
        f"[retrieval {t.retrieval_s:.2f} s, {first}total {t.total_s:.1f} s, checks {t.check_s:.2f} s; "
        f"{answer.prompt_tokens} prompt + {answer.completion_tokens} generated tokens"
        + (f"; {answer.model}" if answer.model else "")
        + "]"
    )
    return "\n".join(out)


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class AnswerPrinter:
    """Prints one streamed answer: checked sentences only, one per line, as they arrive.

    The model's draft is never printed. On a terminal a status ("searching the archive…",
    then "checking…" while the model writes) is shown on stderr and erased before each
    sentence; if the final check refuses a reply whose sentences were already printed (the
    model declining after a backed sentence), they are erased from a terminal, and marked
    withdrawn elsewhere.
    """

    def __init__(self, out: TextIO, err: TextIO | None = None, *, stream: bool = True) -> None:
        self.out = out
        self.err = err if err is not None else sys.stderr
        self.stream = stream
        self.status_shown = _is_terminal(self.err)
        self.erasable = stream and _is_terminal(self.out)
        self.width = shutil.get_terminal_size().columns if self.erasable else 100
        self.printed: list[str] = []
        self._lines = 0
        self._status = ""

    def _show_status(self, label: str) -> None:
        if self.status_shown and self._status != label:
            self.err.write("\r\033[K" + label)
            self.err.flush()
            self._status = label

    def _clear_status(self) -> None:
        if self.status_shown and self._status:
            self.err.write("\r\033[K")
            self.err.flush()
            self._status = ""

    def _print_sentence(self, sentence: Sentence) -> None:
        self._clear_status()
        line = format_sentence(sentence, self.width - 1)
        self.out.write(line + "\n")
        self.out.flush()
        self.printed.append(sentence.text)
        self._lines += sum(max(1, -(-len(row) // self.width)) for row in line.split("\n"))

    def print(self, events: Iterable[StreamEvent]) -> Answer | None:
        answer = None
        self._show_status("searching the archive…")
        try:
            for event in events:
                if event.kind == "token":
                    self._show_status("checking…")
                elif event.kind == "sentence" and event.sentence is not None and self.stream:
                    self._print_sentence(event.sentence)
                elif event.kind == "answer" and event.answer is not None:
                    answer = event.answer
        finally:
            self._clear_status()
        if answer is None:
            return None
        if answer.refused and self.printed and self.erasable:
            self.out.write("\033[F\033[K" * self._lines)
            self.printed = []
        self.out.write(format_answer(answer, self.printed) + "\n")
        self.out.flush()
        return answer


def render_stream(
    events: Iterable[StreamEvent], out: TextIO, *, stream: bool = True, err: TextIO | None = None
) -> Answer | None:
    """Print checked sentences as they arrive, then the rest of the checked answer; returns it."""
    return AnswerPrinter(out, err, stream=stream).print(events)


# -- commands ------------------------------------------------------------------------------


def ask_command(args: argparse.Namespace) -> int:
    started = _start(args, args.question)
    if isinstance(started, int):
        return started
    settings, filters, components = started
    from rag.engine import AnswerEngine  # lazy: the answer engine takes 1 s to import

    engine = AnswerEngine(settings, components)
    try:
        if args.json:
            answer = engine.answer(args.question, filters=filters)
            print(answer.model_dump_json(indent=2))
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
