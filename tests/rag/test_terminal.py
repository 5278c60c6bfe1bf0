"""Answers in the terminal: only checked sentences are printed, a refusal withdraws them."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from rag.engine import REFUSAL_TEXT
from rag.terminal import ASKED_AGAIN, UNSUPPORTED_FLAG, WITHDRAWN, format_answer, render_stream
from rag.types import (
    QUOTED_NOTE,
    Answer,
    Conflict,
    ConflictSide,
    Passage,
    Sentence,
    Source,
    StreamEvent,
    Timings,
)


def _answer() -> Answer:
    passage = Passage(
        chunk_id="c", article_id="001", text="Twelve government soldiers were killed.", start=0, end=39,
        title="Syria war", source="BBC News", date=dt.date(2017, 1, 15),
    )  # fmt: skip
    other = passage.model_copy(update={"text": "At least 28 regime forces dead.", "source": "AFP"})
    text = "Twelve soldiers were killed [1]. Sources differ: BBC News [1] reports twelve, while AFP [2] reports 28."
    first, second = text.split(" Sources differ")
    return Answer(
        question="q", standalone_question="q", text=text,
        sentences=[
            Sentence(text=first, start=0, end=len(first), citations=[1], support=0.9),
            Sentence(text="Sources differ" + second, start=len(first) + 1, end=len(text), citations=[1, 2]),
            Sentence(text="Made up [1].", start=0, end=0, citations=[1], supported=False, support=0.1),
        ],
        sources=[Source(number=1, passage=passage), Source(number=2, passage=other)],
        conflicts=[Conflict(topic="government forces killed", sides=[
            ConflictSide(value="Twelve government soldiers", source_number=1, source="BBC News"),
            ConflictSide(value="at least 28 regime forces", source_number=2, source="AFP", date=dt.date(2017, 1, 16)),
        ])],
        timings=Timings(retrieval_s=0.1, first_token_s=1.5, total_s=3.0), prompt_tokens=500,
        completion_tokens=30, model="m",
    )  # fmt: skip


@pytest.mark.unit
def test_printed_answer_marks_unsupported_sentences_and_shows_sources_conflicts_timings():
    printed = format_answer(_answer())
    assert "Made up [1].   <- not supported by the cited sources" in printed
    assert "Sources differ on government forces killed" in printed
    assert "at least 28 regime forces [2] (AFP, 2017-01-16)" in printed
    assert "[1] Syria war — BBC News, 2017-01-15" in printed
    assert "Twelve government soldiers were killed." in printed  # the cited passage
    assert "first token 1.5 s" in printed and "500 prompt" in printed
    assert QUOTED_NOTE not in printed


@pytest.mark.unit
def test_a_quote_of_the_sources_is_said_to_be_one():
    printed = format_answer(_answer().model_copy(update={"quoted": True}))
    assert QUOTED_NOTE in printed
    # after the sentences, before the sources
    assert printed.index("Made up [1].") < printed.index(QUOTED_NOTE) < printed.index("Sources:")


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, as a real one does (to see what a terminal gets)."""

    def isatty(self) -> bool:
        return True


def _events(answer: Answer) -> list[StreamEvent]:
    """A stream as the engine sends it: draft tokens, each checked sentence, then the answer."""
    events = [StreamEvent(kind="token", text="DRAFT-TEXT Twelve")]
    for sentence in answer.sentences[:2]:
        events.append(StreamEvent(kind="sentence", sentence=sentence))
        events.append(StreamEvent(kind="token", text=" DRAFT-TEXT"))
    return [*events, StreamEvent(kind="answer", answer=answer)]


@pytest.mark.unit
def test_only_checked_sentences_are_printed_one_by_one_with_a_status_on_a_terminal():
    answer = _answer()
    answer.sentences = answer.sentences[:2]
    out, err = io.StringIO(), Terminal()
    printed = render_stream(_events(answer), out, err=err)
    assert printed is answer
    text = out.getvalue()
    assert "DRAFT-TEXT" not in text + err.getvalue()
    lines = text.splitlines()
    assert lines[0] == "  Twelve soldiers were killed [1]."
    assert lines[1].startswith("  Sources differ: BBC News [1] reports twelve")
    assert text.count("Twelve soldiers were killed [1].") == 1  # not printed again at the end
    assert "Checked answer:" not in text and "Sources:" in text and "[retrieval" in text
    status = err.getvalue()
    assert "searching the archive…" in status and "checking…" in status
    assert status.endswith("\r\033[K")  # erased
    quiet = io.StringIO()
    render_stream(_events(answer), io.StringIO(), err=quiet)
    assert quiet.getvalue() == ""  # no status when stderr is not a terminal


@pytest.mark.unit
def test_an_unsupported_sentence_is_printed_marked():
    answer = _answer()
    made_up = answer.sentences[2]
    answer.sentences = [answer.sentences[0], made_up]
    events = [StreamEvent(kind="sentence", sentence=s) for s in answer.sentences]
    out = io.StringIO()
    render_stream([*events, StreamEvent(kind="answer", answer=answer)], out, err=io.StringIO())
    assert out.getvalue().splitlines()[1] == "  Made up [1]." + UNSUPPORTED_FLAG


def _refusal(base: Answer) -> Answer:
    return base.model_copy(
        update={
            "text": REFUSAL_TEXT, "sentences": [], "conflicts": [], "refused": True,
            "refusal_reason": "The articles closest to the question do not answer it.",
            "refusal_details": "The model found no answer in the sources: ...",
        }
    )  # fmt: skip


@pytest.mark.unit
def test_a_refusal_after_printed_sentences_is_erased_on_a_terminal_and_withdrawn_elsewhere():
    base = _answer()
    events = [StreamEvent(kind="sentence", sentence=base.sentences[0])]
    events.append(StreamEvent(kind="answer", answer=_refusal(base)))
    piped = io.StringIO()
    render_stream(events, piped, err=io.StringIO())
    text = piped.getvalue()
    assert text.index("Twelve soldiers") < text.index(WITHDRAWN) < text.index(REFUSAL_TEXT)
    assert "The articles closest to the question do not answer it." in text
    assert "model found no answer" not in text  # the details are for --json
    assert "Sources:" not in text
    terminal = Terminal()
    render_stream(events, terminal, err=io.StringIO())
    shown = terminal.getvalue()
    erase = "\033[F\033[K"
    assert shown.index("Twelve soldiers") < shown.index(erase) < shown.index(REFUSAL_TEXT)
    assert WITHDRAWN not in shown


@pytest.mark.unit
def test_a_second_reply_takes_the_place_of_what_the_first_printed():
    """The engine asks the model again (a ``restart`` event): the status says so, sentences printed
    from the first reply are erased on a terminal, and elsewhere the answer is printed whole after
    them, after a line withdrawing them."""
    base = _answer()
    first = base.sentences[2]  # printed, then the model is asked again
    answer = base.model_copy(update={"sentences": base.sentences[:1]})
    events = [
        StreamEvent(kind="sentence", sentence=first),
        StreamEvent(kind="restart", text="asking the model again"),
        StreamEvent(kind="sentence", sentence=answer.sentences[0]),
        StreamEvent(kind="answer", answer=answer),
    ]
    terminal, status = Terminal(), Terminal()
    render_stream(events, terminal, err=status)
    shown = terminal.getvalue()
    erase = "\033[F\033[K"
    assert shown.index("Made up") < shown.index(erase) < shown.index("Twelve soldiers")
    assert shown.count("Twelve soldiers were killed [1].") == 1
    assert "asking the model again" in status.getvalue()
    piped = io.StringIO()
    render_stream(events, piped, err=io.StringIO())
    text = piped.getvalue()
    assert text.index("Made up") < text.index(ASKED_AGAIN) < text.index("Twelve soldiers were killed")
    assert text.count("Twelve soldiers were killed [1].") == 1 and "Checked answer:" not in text
