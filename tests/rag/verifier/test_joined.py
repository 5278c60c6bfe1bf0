"""Two events joined by "when" must be told together by one passage sentence."""

from __future__ import annotations

import pytest

from rag.verifier.facts import extract_facts
from rag.verifier.joined import joined_events
from rag.verifier.passages import Evidence

pytestmark = pytest.mark.unit

DEIR = (
    "Fighting between Islamic State and the Syrian army has killed dozens of soldiers in Deir al-Zor. "
    "Last month it recaptured the city of Palmyra. Two teenagers died when a wall collapsed in the city."
)


def joined(claim: str, passage: str = DEIR) -> list[str]:
    return joined_events(extract_facts(claim), Evidence.build([passage]))


def test_two_events_of_a_window_joined_by_when_fail():
    assert joined("Dozens of Syrian soldiers were killed when the Islamic State recaptured Palmyra.") == [
        "when: when the Islamic State"
    ]


def test_events_one_sentence_tells_together_pass():
    assert joined("Two people died when a wall collapsed in Deir al-Zor.") == []


def test_an_age_is_left_to_the_other_checks():
    conway = "John Horton Conway died on Saturday at his New Jersey home. Conway was 82 years old."
    assert joined("John Horton Conway was 82 years old when he died.", conway) == []


def test_a_claim_without_when_in_its_middle_is_not_read():
    assert joined("When the Islamic State recaptured Palmyra, dozens of soldiers were killed.") == []
    assert joined("Dozens of Syrian soldiers were killed in Deir al-Zor.") == []


def test_a_sentence_going_on_with_the_one_before_tells_the_event_with_it():
    story = (
        "On Wednesday, Arnav Gupta set himself on fire near the White House. Gupta was taken to a hospital "
        "with burns over 85% of his body. Last month another man set his jacket on fire there."
    )
    assert (
        joined("85% of his body was burned when a man set himself on fire near the White House.", story) == []
    )
    # the sentence after moves to another time: its fire is not the one that burned him
    moved = "Gupta had burns over 85% of his body. Last month another man set his jacket on fire there."
    assert joined("85% of his body was burned when a man set his jacket on fire.", moved)
