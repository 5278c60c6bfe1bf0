"""The question's own description of the noun it asks about (rag.described)."""

from __future__ import annotations

import pytest

from rag.asked import stem
from rag.described import descriptions, referent


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("What kind of car was the fire in the Hollin airport car park traced to?", "fire"),
        ("How old was the man charged with murder over the shootings at two mosques?", "man"),
        ("What job did the man who stabbed four colleagues at the headquarters do there?", "man"),
        ("How old was the engineer killed working on a moving walkway at Tarn station?", "engineer"),
    ],
)
def test_descriptions_after_a_noun_with_its_determiner(question: str, noun: str) -> None:
    assert noun in [head for head, _ in descriptions(question)]


@pytest.mark.unit
@pytest.mark.parametrize(
    "question",
    [
        "How many people died in the crash?",  # the verb's place, not a noun's description
        "Who runs the Syrian Observatory for Human Rights?",  # inside a name
        "When did the talks open?",
        # a verb, not a participle describing the noun (labelled sq109)
        "How many Syrian soldiers were killed when the Islamic State recaptured Palmyra in December 2016?",
    ],
)
def test_no_description(question: str) -> None:
    assert descriptions(question) == ()


@pytest.mark.unit
def test_referent_reads_what_is_asked_the_noun_and_the_description() -> None:
    read = referent("How old was the engineer killed working on a moving walkway at Tarn station?")
    assert read is not None
    assert read.units == (frozenset({stem("old")}), frozenset({stem("engineer")}))
    assert {stem("killed"), stem("walkway"), stem("station")} <= read.described
    court = referent("At how much did a court set bail for the Veldran tennis player charged with assault?")
    assert court is not None
    # "how much" is what the figure answers; the noun and its modifiers are one unit
    assert frozenset({stem("veldran"), stem("tennis"), stem("player")}) in court.units
    assert frozenset({stem("much")}) not in court.units


@pytest.mark.unit
@pytest.mark.parametrize(
    "question",
    [
        # a preposition as often places the answer as it describes the noun
        "What kind of car was the fire in the Hollin airport car park traced to?",
        # two questions in one
        "How old was the man charged with murder, and when will he be sentenced?",
        "Who runs the Syrian Observatory for Human Rights?",
        "How many people died in the crash?",
    ],
)
def test_no_referent(question: str) -> None:
    assert referent(question) is None
