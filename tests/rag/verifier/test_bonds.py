"""Allies and rivals: a bond between two named parties needs a passage sentence that names it
beside them; the bundled corpus's own sentences back what they say and nothing more."""

from __future__ import annotations

import pytest

from rag.verifier.bonds import unbacked_bonds
from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

CORPUS = [
    "Meanwhile, Syrian rebel groups said Monday they will attend peace talks next week, in a boost to "
    "efforts by rivals Turkey and Russia to put an end to the nearly six-year-old conflict.",
    "Organised by rebel backer Turkey and regime allies Russia and Iran, the meetings are the latest bid "
    "to put an end to the internecine war raging in Syria since March 2011.",
]


@pytest.mark.parametrize(
    "claim",
    [
        "Yes, Turkey and Russia are allies in Syria.",
        "Turkey is an ally of Russia.",
        "Russia and Iran are rivals.",
        "Iran and Turkey are close partners.",
    ],
)
def test_a_bond_no_sentence_names_beside_the_pair_fails(claim: str) -> None:
    (problem,) = unbacked_bonds(claim, CORPUS)
    assert problem.startswith("bond: ") and problem.endswith("(no passage sentence calls them so)")


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        ("Turkey and Russia are rivals.", CORPUS[0]),
        ("Russia and Turkey were rivals in Syria.", CORPUS[0]),
        ("Russia and Iran are allies.", CORPUS[1]),
        ("Russia is an ally of Iran.", CORPUS[1]),
        ("Russia and Iran are allies.", "Russia and Iran, both allies of Damascus, met on Monday."),
        ("Qatar and Turkey are close allies.", "Turkey, a close ally of Qatar, sent troops."),
        ("Iran and Russia are allies.", "Russia and its ally Iran back the government."),
        ("Iran and Russia are allies of Assad.", "Iran and Russia have been staunch supporters of Assad."),
        ("Turkey and Russia are not allies.", CORPUS[1]),  # negated: the negation checks' work
        ("Turkey and Russia met in Astana.", CORPUS[1]),  # no bond stated
    ],
)
def test_a_bond_named_beside_the_pair_passes(claim: str, sentence: str) -> None:
    assert unbacked_bonds(claim, [sentence]) == []


def test_the_scorer_refuses_allies_the_archive_calls_rivals() -> None:
    scorer = SupportScorer(None, SupportConfig.load())
    result = scorer.score("Yes, Turkey and Russia are allies in Syria.", CORPUS)
    assert not result.supported
    assert "bond: Turkey and Russia as allies (no passage sentence calls them so)" in result.unbacked
    assert scorer.score("Turkey and Russia are rivals.", CORPUS).supported
