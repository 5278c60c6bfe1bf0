"""Sentence boundaries: article spans, the verifier's claims, the model's answer, quick splits."""

from __future__ import annotations

import time

import pytest

from rag.text.sentences import (
    Span,
    answer_boundaries,
    claim_sentences,
    claim_sentences_at,
    ends_abbreviation,
    rough_sentences,
    sentence_spans,
    trim_span,
)

pytestmark = pytest.mark.unit


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentence_spans(text)]


def test_abbreviations_quotes_and_initials() -> None:
    text = (
        "He met U.S. officials on Jan. 23 in Washington, D.C. on Monday. Then Mr. Smith left. "
        "\u201cAre you sure?\u201d he asked. George W. Bush spoke at 10 a.m. local time. The end."
    )
    assert sentences(text) == [
        "He met U.S. officials on Jan. 23 in Washington, D.C. on Monday.",
        "Then Mr. Smith left.",
        "\u201cAre you sure?\u201d he asked.",
        "George W. Bush spoke at 10 a.m. local time.",
        "The end.",
    ]


def test_newlines_are_hard_boundaries() -> None:
    text = "Headline without a stop\nDAMASCUS - Rebels said\r\nthey would attend.\n\n- 'Only military' talks -\nNext."
    assert sentences(text) == [
        "Headline without a stop",
        "DAMASCUS - Rebels said",
        "they would attend.",
        "- 'Only military' talks -",
        "Next.",
    ]


def test_a_long_run_of_dots_splits_in_linear_time() -> None:
    """160,000 dots with no space in one article: the sentence-end pattern tried every dot of the
    run as a start and backtracked over the rest, so indexing it took minutes (16,000 took 2.2 s)."""
    text = "The report ends here" + "." * 160_000 + "x. Next sentence starts."
    started = time.perf_counter()
    parts = sentences(text)
    assert time.perf_counter() - started < 2.0
    assert parts[-1] == "Next sentence starts."


def test_trim_span_drops_surrounding_whitespace_or_gives_none() -> None:
    assert trim_span("  ab  ", Span(0, 6)) == Span(2, 4)
    assert trim_span("    ", Span(0, 4)) is None


def test_claim_sentences_keep_abbreviations_and_join_wrapped_lines() -> None:
    text = "Talks in the U.K. began on Feb. 3 with Mr. Smith. They ended.\nLate.\n\nNew block [2]."
    assert claim_sentences(text) == [
        "Talks in the U.K. began on Feb. 3 with Mr. Smith.",
        "They ended.",
        "Late.",
        "New block [2].",
    ]


def test_claim_sentences_say_where_they_lie_as_written() -> None:
    text = "Rebels  said\nthey would come. Talks\n\n began."
    found = claim_sentences_at(text)
    assert [sentence for sentence, _, _ in found] == ["Rebels said they would come.", "Talks", "began."]
    assert [text[start:end] for _, start, end in found] == [
        "Rebels  said\nthey would come.",
        "Talks",
        "began.",
    ]


def test_answer_boundaries_keep_attached_markers_with_their_sentence() -> None:
    text = "Talks began on Jan. 23. \ue000 Rebels came.\nNext"
    ends = answer_boundaries(text, lambda char: char == "\ue000")
    assert [text[:end] for end, _ in ends][0] == "Talks began on Jan. 23. \ue000"
    assert text[ends[0][1] :].startswith("Rebels")
    assert ends_abbreviation("Jan.", 3) and ends_abbreviation("W.", 1) and not ends_abbreviation("day.", 3)


def test_rough_splits_skip_blank_pieces() -> None:
    assert rough_sentences("One. \u201cTwo.\u201d Three!\n  \nFour") == [
        "One.",
        "\u201cTwo.",  # the closing quote goes with the break
        "Three!",
        "Four",
    ]
    assert rough_sentences("A\n  \nB") == ["A", "B"]


@pytest.mark.unit
def test_a_sentence_may_open_with_two_brackets() -> None:
    """An interview's speaker label, "((WN))", opens a sentence: read as one with the answer before
    it, a question's "don't" negated the answer (a Wikinews quote that failed against its passage)."""
    text = "So yeah, I really like to play against French Defence. ((WN)) And which opening you don't like?"
    assert claim_sentences(text) == [
        "So yeah, I really like to play against French Defence.",
        "((WN)) And which opening you don't like?",
    ]
