"""Which sentences state a fact, and the claims an answer splits into."""

from __future__ import annotations

import pytest

from rag.verifier.facts import needs_support
from rag.verifier.tokens import split_claims

# ---------------------------------------------------------------- split_claims / needs_support


@pytest.mark.unit
def test_split_claims_respects_abbreviations_and_drops_citations() -> None:
    text = "U.K. activists met on Feb. 24, 2022 in London [1]. Mr. Smith said 3.5% [2][3]. Who knows? Yes!"
    assert split_claims(text) == [
        "U.K. activists met on Feb. 24, 2022 in London.",
        "Mr. Smith said 3.5%.",
        "Who knows?",
        "Yes!",
    ]
    assert split_claims("") == []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The sources differ.", False),
        ("The sources disagree on the death toll [1][2].", False),
        ("I don't know.", False),
        ("The archive does not hold the answer to this question.", False),
        ("What happened next?", False),
        ("Yes.", False),
        ("The war killed 310,000 people [1].", True),
        ("Boris Johnson resigned.", True),
        ("Protesters blocked the main road for hours.", True),
    ],
)
def test_needs_support(sentence: str, expected: bool) -> None:
    assert needs_support(sentence) is expected
