"""Answers in the terminal: checked sentences printed as they arrive, then conflicts, sources and timings.

Used by ``rag ask`` and ``rag chat`` (:mod:`rag.commands`). The model's draft is never printed:
only sentences the verifier has checked, and a refusal replaces whatever was shown.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TextIO

from rag.types import QUOTED_NOTE, Answer, Sentence, StreamEvent


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
ASKED_AGAIN = "Withdrawn: the sentences above are not backed; the model was asked again."


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
        if answer.quoted:
            out.append(QUOTED_NOTE)
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
    model declining after a backed sentence), or the model is asked again (a ``restart``
    event), they are erased from a terminal, and marked withdrawn elsewhere.
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

    def _erase(self) -> None:
        """Take back the sentences printed so far, where the terminal allows it."""
        if self.printed and self.erasable:
            self.out.write("\033[F\033[K" * self._lines)
            self.printed = []
            self._lines = 0

    def print(self, events: Iterable[StreamEvent]) -> Answer | None:
        answer = None
        self._show_status("searching the archive…")
        try:
            for event in events:
                if event.kind == "token":
                    self._show_status("checking…")
                elif event.kind == "sentence" and event.sentence is not None and self.stream:
                    self._print_sentence(event.sentence)
                elif event.kind == "restart":
                    if self.printed and not self.erasable:
                        self.out.write(ASKED_AGAIN + "\n")
                        self.printed = []
                    self._erase()
                    self._show_status(event.text)
                elif event.kind == "answer" and event.answer is not None:
                    answer = event.answer
        finally:
            self._clear_status()
        if answer is None:
            return None
        if answer.refused:
            self._erase()
        self.out.write(format_answer(answer, self.printed) + "\n")
        self.out.flush()
        return answer


def render_stream(
    events: Iterable[StreamEvent], out: TextIO, *, stream: bool = True, err: TextIO | None = None
) -> Answer | None:
    """Print checked sentences as they arrive, then the rest of the checked answer; returns it."""
    return AnswerPrinter(out, err, stream=stream).print(events)
