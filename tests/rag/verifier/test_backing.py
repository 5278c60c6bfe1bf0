"""The passage sentences named as a claim's backing: shared words and figures, nothing on a weak match."""

from __future__ import annotations

import pytest

from rag.verifier.backing import backing_spans
from rag.verifier.facts import extract_facts
from rag.verifier.passages import Evidence

pytestmark = pytest.mark.unit


def backing(claim: str, *passages: str) -> list[str]:
    return [
        passages[i][start:end]
        for i, start, end in backing_spans(extract_facts(claim), Evidence.build(passages))
    ]


def test_a_weak_overlap_names_nothing():
    assert backing("Talks begin in Astana on Monday.", "The weather was cold in the north.") == []


def test_a_shared_figure_picks_the_sentence_that_carries_it():
    text = "People were killed in the fighting in the city on Monday. The dead comprised 28 soldiers killed."
    [sentence] = backing("28 people were killed in the fighting.", text)
    assert sentence.startswith("The dead comprised 28")


def test_each_passage_names_its_own_best_sentence_as_written():
    first = (
        "Talks open in Astana.\nAt least 82 people\nwere killed in Deir al-Zor on Monday. Weather was cold."
    )
    second = "Officials said 82 people were killed in Deir al-Zor."
    assert backing("At least 82 people were killed in Deir al-Zor.", first, "", second) == [
        "At least 82 people\nwere killed in Deir al-Zor on Monday.",
        second,
    ]


IMPEACHMENT = (
    "US House of Representatives impeaches President Trump (Wikinews (English)) Published 21 December 2019."
    "\n\nOn Wednesday, the United States House of Representatives impeached President Donald Trump over"
    " complaints arising from an alleged abuse of power. Trump is to face trial in the Senate."
)


def test_the_story_sentence_not_the_header_line_that_shares_as_much():
    # The card shows the story, not the header line: a header named as backing highlighted nothing.
    claim = "Trump was impeached by the United States House of Representatives on December 18, 2019."
    [sentence] = backing(claim, IMPEACHMENT)
    assert sentence.startswith("On Wednesday, the United States House")


def test_a_day_told_by_weekday_is_a_figure_of_its_sentence():
    story = (
        "Vote held (Wikinews (English)) Published 21 December 2019.\n\n"
        "The council met in the town hall. On Wednesday the council voted on the budget."
    )
    [sentence] = backing("The council voted on December 18.", story)
    assert sentence.startswith("On Wednesday")


def test_the_header_line_when_no_story_sentence_backs_the_claim():
    story = "Floods hit Venice (Wikinews (English)) Published 13 November 2019.\n\nThe weather was cold."
    [sentence] = backing("Floods hit Venice.", story)
    assert sentence.startswith("Floods hit Venice (Wikinews")
