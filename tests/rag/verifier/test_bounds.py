"""A figure's bound turned round ("fewer than 50" for "more than 50") is caught; other bounds are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.verifier.bounds import turned_bounds
from rag.verifier.config import SupportConfig
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer

CORPUS = Path(__file__).resolve().parents[3] / "rag" / "corpus"
HOMS = (CORPUS / "004_7dbd45bfcd338f02.txt").read_text(encoding="utf-8")
"""Bundled corpus: "Clashes ... have killed more than 50 fighters on both sides in two days"."""
REBELS = (CORPUS / "002_3598194b84453929.txt").read_text(encoding="utf-8")
"""Bundled corpus: "IS already controls more than half the city", "more than 20 air strikes"."""


def _turned(claim: str, passage: str) -> list[str]:
    return turned_bounds(claim, Evidence.build([passage]))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("The clashes killed fewer than 50 fighters.", HOMS),
        ("IS controls less than half the city.", REBELS),
        ("Government forces carried out under 20 air strikes on IS positions.", REBELS),
        ("At most 82 people have been killed.", "At least 82 people have been killed in the fighting."),
        ("Up to 310,000 people have been killed.", "More than 310,000 people have been killed."),
        ("More than 40 rooms were damaged.", "Nearly 40 rooms were damaged, the hotel said."),
        ("Over fifty houses burned.", "Fewer than 50 houses burned."),
        ("Support for him is not more than one percent.", "Support for him is more than one percent."),
    ],
)
def test_a_bound_turned_round_is_caught(claim: str, passage: str) -> None:
    assert _turned(claim, passage)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        # the same bound, or one the passage gives both ways, or none
        ("The clashes killed over 50 fighters.", HOMS),
        ("IS controls more than half the city.", REBELS),
        ("Fewer than 50 people died.", "Fewer than 50 people died, though more than 50 were hurt."),
        ("Fewer than 50 people died.", "50 people died."),
        ("Support for him is under one percent.", "Support for him is no more than one percent."),
        # the same figure of something else
        ("Fewer than 50 civilians were hurt.", "More than 50 fighters were killed."),
        # a preposition, not a bound
        ("The two sides fought under 20 air strikes.", "They fought over 20 towns."),
        ("The talks went on for under two days.", "The talks went on over two days."),
        # two-sided hedges are left alone
        ("Around 200,000 people live in the city.", "More than 200,000 people live in the city."),
    ],
)
def test_other_bounds_are_left_alone(claim: str, passage: str) -> None:
    assert _turned(claim, passage) == []


@pytest.mark.unit
def test_the_scorer_refuses_a_turned_bound_and_names_it() -> None:
    result = SupportScorer(None, SupportConfig.load()).score(
        "The clashes killed fewer than 50 fighters.", [HOMS]
    )
    assert not result.supported
    assert "bound: fewer than 50 (the passage: more than 50)" in result.unbacked
    assert (
        SupportScorer(None, SupportConfig.load())
        .score("The clashes killed more than 50 fighters.", [HOMS])
        .supported
    )
