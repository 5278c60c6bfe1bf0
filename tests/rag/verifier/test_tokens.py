"""The verifier's stems: an irregular verb form is compared as its verb ("began" as "beginning")."""

from __future__ import annotations

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer
from rag.verifier.tokens import stem


@pytest.mark.unit
@pytest.mark.parametrize(
    ("form", "other"),
    [("began", "beginning"), ("rose", "rise"), ("held", "holding"), ("fled", "flee"), ("killed", "kill")],
)
def test_an_irregular_form_shares_its_verbs_stem(form: str, other: str) -> None:
    assert stem(form) == stem(other)


@pytest.mark.unit
def test_a_form_that_is_itself_a_verb_stays_itself() -> None:
    assert stem("found") != stem("find")  # "found" a company
    assert stem("talks") == stem("talk")


@pytest.mark.unit
def test_a_past_tense_is_backed_by_the_passages_participle() -> None:
    passage = (
        "Syria rebels say will attend Astana negotiations (AFP) Published 17 January 2017.\n\n"
        "The talks, beginning on January 23 in the Kazakh capital Astana, are set to build on a "
        "nationwide truce."
    )
    scorer = SupportScorer(None, SupportConfig.load())
    assert scorer.score("They began on January 23.", [passage]).supported
    assert not scorer.score("They began on January 25.", [passage]).supported
