"""What was called for: the word must follow the appeal in a passage sentence when the passages
have it elsewhere; a word of the claim's own is a paraphrase left to the overlap."""

from __future__ import annotations

import pytest

from rag.verifier.appeals import unbacked_appeals
from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

PASSAGE = [
    "Russian President Vladimir Putin denounced newly imposed US sanctions that he said were aimed at "
    '"suffocating" Syria, while Turkey\'s Recep Tayyip Erdogan called for peace and security to be '
    "restored in his country's southern neighbour.",
    "Iran and Russia have been staunch supporters of President Bashar Al Assad, while Turkey has called "
    "for the ouster of his regime and backed opposition fighters.",
    "Syria's war has killed more than 380,000 people since it started in 2011.",
]


@pytest.mark.parametrize(
    ("claim", "problem"),
    [
        ("Erdogan called for war.", "appeal: called for war (no passage sentence asks for it)"),
        ("Putin called for sanctions.", "appeal: called for sanctions (no passage sentence asks for it)"),
    ],
)
def test_an_appeal_for_what_the_passage_names_elsewhere_fails(claim: str, problem: str) -> None:
    assert unbacked_appeals(claim, PASSAGE) == [problem]


@pytest.mark.parametrize(
    "claim",
    [
        "Erdogan called for peace.",
        "Erdogan called for the restoration of peace and security.",  # within six words
        "Turkey has called for the ouster of Assad.",
        "Turkey has called for the removal of Assad.",  # "removal": the passages' word is "ouster"
        "Erdogan demanded war.",  # "demanded" and "urged" take a person as often as a thing: not read
    ],
)
def test_an_appeal_the_passage_states_or_words_of_its_own_pass(claim: str) -> None:
    assert unbacked_appeals(claim, PASSAGE) == []


def test_the_scorer_refuses_a_call_for_war_beside_a_call_for_peace() -> None:
    scorer = SupportScorer(None, SupportConfig.load())
    assert not scorer.score("Erdogan called for war.", PASSAGE).supported
    assert scorer.score("Erdogan called for peace and security.", PASSAGE).supported
