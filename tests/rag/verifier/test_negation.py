"""Negations: a claim that states plainly what the passage denies of the same figure fails."""

from __future__ import annotations

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

SALE = (
    "Grocer Northmart to sell its Danish branch to Fjord Retail Group (Example News) Published 21 June 2020.\n\n"
    "Fjord Retail also takes over about 7000 employees from Northmart. Northmart continues to run 19 "
    "stores, which were not included in this package.\n\n"
    "The deal covers 301 stores, two distribution centres and the head office."
)
"""The title shares most words with a claim about the sale; the figure's own sentence denies it."""


@pytest.fixture(scope="module")
def scorer() -> SupportScorer:
    return SupportScorer(None, SupportConfig.load())


@pytest.mark.unit
def test_a_figure_whose_own_sentence_denies_the_claim_fails(scorer: SupportScorer) -> None:
    denied = scorer.score(
        "Northmart is selling its Danish branch to Fjord Retail Group, which includes 19 stores.", [SALE]
    )
    assert not denied.supported
    assert "negation: the passage denies what it says of 19" in denied.unbacked
    right = scorer.score("The deal includes 301 stores.", [SALE])
    assert right.supported, right.unbacked


@pytest.mark.unit
def test_a_negation_of_the_figure_s_own_words_is_no_denial_of_another_verb(scorer: SupportScorer) -> None:
    # "not included" governs neither "run" nor "stores": the claim says what the sentence says
    kept = scorer.score("Northmart continues to run 19 stores.", [SALE])
    assert kept.supported, kept.unbacked
    assert not any("denies" in item for item in kept.unbacked)


@pytest.mark.unit
def test_a_negated_claim_is_left_to_the_negation_check(scorer: SupportScorer) -> None:
    negated = scorer.score("Northmart's 19 remaining stores were not included in the package.", [SALE])
    assert not any("denies" in item for item in negated.unbacked)


@pytest.mark.unit
def test_without_denies_only_what_follows_it(scorer: SupportScorer) -> None:
    passage = (
        "On Friday, Federal District Judge Maria Olsen sentenced Ohio man Dale Fenwick to life in prison "
        "without the possibility of parole."
    )
    sentenced = scorer.score("Judge Maria Olsen sentenced Dale Fenwick to life in prison.", [passage])
    assert sentenced.supported, sentenced.unbacked
    parole = scorer.score(
        "Judge Maria Olsen sentenced Dale Fenwick to life with the possibility of parole.", [passage]
    )
    assert not parole.supported


@pytest.mark.unit
def test_a_refusal_needs_a_denial_in_the_passage(scorer: SupportScorer) -> None:
    passage = (
        "Syrian rebel groups said Monday they will attend peace talks next week in Astana. "
        "The ferry company declined to comment on the strike."
    )
    refused = scorer.score("The Syrian rebel groups refused to attend the peace talks in Astana.", [passage])
    assert not refused.supported
    assert any(item.startswith("negation: refused") for item in refused.unbacked)
    declined = scorer.score("The ferry company declined to comment on the strike.", [passage])
    assert declined.supported, declined.unbacked
    # "failed to" is left to the other checks: it often reads a passage's "had trouble"
    flies = "They found the flies had a harder time landing on zebras than on the coats of the horses."
    assert not any(
        item.startswith("negation")
        for item in scorer.score("The flies failed to land on zebras.", [flies]).unbacked
    )
