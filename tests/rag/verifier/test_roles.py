"""Two names that trade places around the passage's own words (:mod:`rag.verifier.roles`)."""

from __future__ import annotations

import pytest

from rag.verifier.facts import extract_facts
from rag.verifier.passages import Evidence
from rag.verifier.roles import swapped_roles
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

PASSAGE = (
    "The post remained unfilled until Pierluisi was appointed to the position. The exiting governor "
    "Rosselló appointed Pierluisi as secretary of state. Warren and Sanders remain in the race."
)


def roles(claim: str, passage: str = PASSAGE) -> list[str]:
    return swapped_roles(extract_facts(claim), Evidence.build([passage]))


def test_names_that_trade_places_around_the_same_words_are_found() -> None:
    claim = "The exiting governor Pierluisi appointed Rosselló as secretary of state."
    assert roles(claim) == ["roles: Pierluisi, Rosselló"]
    assert not SupportScorer().score(claim, [PASSAGE]).supported
    assert (
        SupportScorer()
        .score(claim.replace("Pierluisi appointed Rosselló", "Rosselló appointed Pierluisi"), [PASSAGE])
        .supported
    )


@pytest.mark.parametrize(
    "claim",
    [
        "The exiting governor Rosselló appointed Pierluisi as secretary of state.",  # the passage's way
        "Pierluisi was appointed secretary of state by Rosselló.",  # a paraphrase: other words between
        "Sanders and Warren remain in the race.",  # "and" relates them both ways
    ],
)
def test_the_passages_order_a_paraphrase_and_a_relation_both_ways_are_not(claim: str) -> None:
    assert roles(claim) == []


def test_both_orders_in_the_passages_are_no_swap() -> None:
    passage = "Russia criticised Turkey on Monday. Turkey criticised Russia on Tuesday."
    assert roles("Turkey criticised Russia.", passage) == []
