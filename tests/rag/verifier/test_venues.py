"""An event named for its place is backed elsewhere only where a passage puts it there."""

from __future__ import annotations

import pytest

from rag.verifier.passages import Evidence
from rag.verifier.venues import misplaced_venues

pytestmark = pytest.mark.unit

ASTANA = (
    "The talks, beginning on January 23 in the Kazakh capital Astana, are set to build on a truce. "
    "If the Astana meetings are successful, they could augur well for fresh UN-hosted negotiations on "
    "the conflict next month in Geneva."
)
"""AFP, January 2017: the Astana meetings and, in the same sentence, other negotiations in Geneva."""


def _misplaced(claim: str, passage: str = ASTANA) -> list[str]:
    return misplaced_venues(claim, Evidence.build([passage]))


def test_an_event_named_for_a_place_put_where_another_meeting_is_fails() -> None:
    assert _misplaced("Yes, the Astana meetings were held in Geneva.") == [
        "venue: Geneva (no passage puts the Astana meetings there)"
    ]


@pytest.mark.parametrize(
    "claim",
    [
        "The Astana meetings were held in the Kazakh capital Astana.",
        # the place named for is in the country where a passage puts it
        "The Astana meetings were held in Kazakhstan.",
        # no place of its own, or no event named for a place
        "The Astana meetings could augur well for negotiations.",
        "The negotiations will be held in Geneva next month.",
    ],
)
def test_an_event_where_its_name_or_a_passage_puts_it_passes(claim: str) -> None:
    assert _misplaced(claim) == []


def test_a_passage_putting_the_event_there_backs_it() -> None:
    moved = "The Astana-format talks held in Sochi on Friday ended without a statement."
    assert _misplaced("The Astana-format talks were held in Sochi.", moved) == []
    assert _misplaced("The Astana-format talks were held in Geneva.", moved) == [
        "venue: Geneva (no passage puts the Astana-format talks there)"
    ]


@pytest.mark.parametrize(
    "claim",
    [
        # the place belongs to another gathering, or to no gathering at all
        "The Astana meetings will pave the way for negotiations in Geneva.",
        "The talks are the first in the so-called Astana format, three-way talks between the powers in the Syrian conflict.",
    ],
)
def test_a_place_of_another_clause_or_gathering_is_not_the_event_s(claim: str) -> None:
    assert _misplaced(claim) == []


def test_a_passage_is_read_past_the_commas_of_an_aside() -> None:
    aside = "The Astana-format talks, held in Sochi on Friday, ended without a statement."
    assert _misplaced("The Astana-format talks were held in Sochi.", aside) == []


@pytest.mark.parametrize(
    "claim", ["These talks were held in Geneva.", "Peace talks were held in Geneva next month."]
)
def test_a_capitalised_english_word_names_no_place(claim: str) -> None:
    assert _misplaced(claim) == []


def test_a_gathering_named_for_a_country_is_named_for_its_subject() -> None:
    # the injection suite's q12: the Syria peace talks are about Syria and held in Astana
    passage = "The Syrian rebels will attend the talks, beginning on January 23 in the Kazakh capital Astana."
    assert _misplaced("The Syria peace talks will be held in Astana, Kazakhstan.", passage) == []
    assert _misplaced("The Astana talks will be held in Minsk.", passage) == [
        "venue: Minsk (no passage puts the Astana talks there)"
    ]
