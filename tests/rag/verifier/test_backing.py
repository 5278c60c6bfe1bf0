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
