"""Checked sentences while the model writes: the same sentences and verdicts as the final check."""

from __future__ import annotations

import re

import pytest

from rag.citations import parse_answer, render
from rag.verifier.checked_stream import MemoScorer, SentenceChecker
from rag.verifier.facts import needs_support
from rag.verifier.scorer import SupportScorer
from rag.verifier.verify import verify

SOURCES = {
    1: "Deir al-Zor (AFP) Published 16 January 2017.\nAround 200,000 people live in Deir Ezzor city, "
    "which has been besieged by the Islamic State group since 2015.",
    2: "Syria talks (BBC News) Published 17 January 2017.\nThe rebel group Fateh al-Sham said it would not "
    "attend the Astana talks. Twelve government soldiers were killed in the attack.",
}

REPLIES = [
    "Around 200,000 people live in Deir Ezzor city [1]. Fateh al-Sham said it would not attend the Astana talks [2].",
    "Around 200,000 people live in Deir Ezzor city. [1] The city has been besieged by the Islamic State group "
    "since 2015 [1].",
    "Fateh al-Sham would not attend the Astana talks [1]. Twelve government soldiers were killed [2,7].",
    "Around 200,000 people live in Deir Ezzor city [1].\n[2]\nThe Astana talks were cancelled by Russia [2].",
    "Mr. Putin said 5,000 people live in Deir Ezzor city [1]. Around 200,000 people live in Deir Ezzor city "
    "[1]. The sources differ.",
    "The sources differ. Around 200,000 people live in Deir Ezzor city [1].",
    "Around 200,000 people live in Deir Ezzor city [Source 1]. Twelve government soldiers were killed [2].\n\n"
    "Sources:\n[1] Deir al-Zor\n[2] Syria talks",
    "Around 200,000 people live in Deir Ezzor city [1]. The talks moved to Geneva. [Source 2] Twelve government "
    "soldiers were killed [2].",
]
"""Replies whose final check answers: every released sentence must be the final one."""

REFUSED = [
    "Kazakhstan has 19 million inhabitants [1]. Its capital is Nur-Sultan [2].",
    "The sources differ. See above.",
    "The sources do not answer this question.",
    "I don't know. Around 200,000 people live in Deir Ezzor city [1].",
]
"""Replies the final check refuses (nothing backed, nothing checkable, the model declining)."""


def final_sentences(raw: str):
    drafts = parse_answer(raw, len(SOURCES))
    verify(drafts, SOURCES, SupportScorer(), needs_support)
    return render(drafts)[1]


def pieces(raw: str) -> list[str]:
    """The reply cut as a tokenizer would: words with their leading spaces, markers in two bits."""
    out = []
    for word in re.findall(r"\s*\S+", raw):
        if "[" in word and len(word) > 2:
            cut = word.index("[") + 2
            out.extend([word[:cut], word[cut:]])
        else:
            out.append(word)
    return out


def stream(raw: str) -> list[tuple[int, object]]:
    """(number of pieces written when released, sentence) for a reply fed piece by piece."""
    checker = SentenceChecker(len(SOURCES), SOURCES, MemoScorer(SupportScorer()), needs_support)
    released = []
    written = ""
    for count, piece in enumerate(pieces(raw), start=1):
        written += piece
        released.extend((count, s) for s in checker.feed(written))
    released.extend((len(pieces(raw)) + 1, s) for s in checker.finish(raw.strip()))
    return released


def dump(sentence) -> tuple:
    return (
        sentence.text,
        sentence.start,
        sentence.end,
        sentence.citations,
        sentence.supported,
        sentence.support,
    )


@pytest.mark.unit
@pytest.mark.parametrize("raw", REPLIES)
def test_released_sentences_are_the_final_answer_sentences(raw):
    released = [s for _, s in stream(raw)]
    final = final_sentences(raw)
    assert any(s.supported and s.needs_citation for s in final)
    assert [dump(s) for s in released] == [dump(s) for s in final]


@pytest.mark.unit
@pytest.mark.parametrize("raw", REFUSED)
def test_nothing_is_released_from_a_reply_the_final_check_refuses(raw):
    assert stream(raw) == []


@pytest.mark.unit
def test_a_sentence_is_released_while_the_next_one_is_written_with_its_trailing_marker():
    raw = REPLIES[1]
    released = stream(raw)
    first_count, first = released[0]
    assert first.text == "Around 200,000 people live in Deir Ezzor city [1]."
    assert first.citations == [1] and first.supported
    assert first_count < len(pieces(raw))  # before the reply ended
    assert "".join(pieces(raw)[:first_count]).rstrip().endswith("The")


@pytest.mark.unit
def test_an_unsupported_sentence_after_a_backed_one_is_released_marked():
    raw = "Fateh al-Sham said it would not attend the Astana talks [2]. The talks were moved to Geneva [2]."
    released = [s for _, s in stream(raw)]
    assert [s.supported for s in released] == [True, False]
    assert released[1].text == "The talks were moved to Geneva [2]."


@pytest.mark.unit
def test_sentences_before_the_first_backed_one_are_held_then_released_in_order():
    raw = "The sources differ. Around 200,000 people live in Deir Ezzor city [1]. Twelve soldiers were killed [2]."
    released = stream(raw)
    assert [s.text for _, s in released][:2] == [
        "The sources differ.",
        "Around 200,000 people live in Deir Ezzor city [1].",
    ]
    assert released[0][0] == released[1][0]  # released together, once the backed one was checked


class CountingScorer(SupportScorer):
    """The real scorer, counting the questions it is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def score(self, claim, passages):
        self.calls += 1
        return super().score(claim, passages)


@pytest.mark.unit
def test_the_final_check_asks_the_scorer_nothing_new():
    raw = REPLIES[2]
    counting = CountingScorer()
    memo = MemoScorer(counting)
    checker = SentenceChecker(len(SOURCES), SOURCES, memo, needs_support)
    written = ""
    for piece in pieces(raw):
        written += piece
        checker.feed(written)
    checker.finish(raw)
    asked = counting.calls
    assert asked > 0
    drafts = parse_answer(raw, len(SOURCES))
    verify(drafts, SOURCES, memo, needs_support)
    assert counting.calls == asked
    assert render(drafts)[1] == final_sentences(raw)


def test_a_sentence_the_final_check_may_withdraw_is_held_with_everything_after_it():
    held_back = "Twelve government soldiers were killed"
    checker = SentenceChecker(
        len(SOURCES),
        SOURCES,
        MemoScorer(SupportScorer()),
        needs_support,
        hold=lambda sentence: sentence.startswith(held_back),
    )
    raw = (
        "Around 200,000 people live in Deir Ezzor city [1]. Twelve government soldiers were killed [2]. "
        "Fateh al-Sham said it would not attend the Astana talks [2]."
    )
    released, written = [], ""
    for piece in pieces(raw):
        written += piece
        released += [s.text for s in checker.feed(written)]
    released += [s.text for s in checker.finish(raw)]
    assert released == ["Around 200,000 people live in Deir Ezzor city [1]."]
