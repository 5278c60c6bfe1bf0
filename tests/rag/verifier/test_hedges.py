"""Hedges dropped: what a passage only hopes for or guesses is not backing for a claim that it happened."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.facts import extract_facts
from rag.verifier.hedges import dropped_hedges
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

BBC = (Path(__file__).resolve().parents[3] / "rag" / "corpus" / "001_aba8e4193e5ca6f2.txt").read_text(
    encoding="utf-8"
)
"""The High Negotiations Committee "expresses hope, that the meeting would reinforce the truce"."""
HOPE = "The High Negotiations Committee said that the meeting would reinforce the truce."


@pytest.fixture(scope="module")
def scorer() -> SupportScorer:
    return SupportScorer(None, SupportConfig.load())


def test_a_hope_told_as_a_statement_fails(scorer: SupportScorer) -> None:
    result = scorer.score(HOPE, [BBC])
    assert not result.supported
    assert "hedge: hope" in result.unbacked


def test_the_hope_kept_passes(scorer: SupportScorer) -> None:
    kept = "The High Negotiations Committee expressed hope that the meeting would reinforce the truce."
    assert scorer.score(kept, [BBC]).supported


def test_a_hedge_elsewhere_in_the_passage_does_not_count() -> None:
    passage = (
        "The meeting would reinforce the truce, the committee said. "
        "Talks would probably resume in Geneva in February."
    )
    claim = "The committee said the meeting would reinforce the truce."
    assert dropped_hedges(extract_facts(claim), Evidence.build([passage])) == []
    guessed = "Talks would resume in Geneva in February."
    assert dropped_hedges(extract_facts(guessed), Evidence.build([passage])) == ["hedge: probably"]


def test_a_hedge_dropped_in_one_clause_of_a_longer_claim_fails() -> None:
    # labelled un03#2: the second clause's sentence matches the whole claim best and hedges nothing
    passage = (
        'Sources from the opposition and the regime said the talks would "probably" be face-to-face. '
        "Several rounds of peace talks held by the United Nations have failed to produce a political "
        "solution to the conflict."
    )
    claim = (
        "The talks were face-to-face, and several rounds of peace talks held by the United Nations "
        "have failed to produce a political solution to the conflict."
    )
    assert dropped_hedges(extract_facts(claim), Evidence.build([passage])) == ["hedge: probably"]
    kept = claim.replace("were face-to-face", "would probably be face-to-face")
    assert dropped_hedges(extract_facts(kept), Evidence.build([passage])) == []
    alone = "Several rounds of peace talks held by the United Nations have failed, and the conflict goes on."
    assert dropped_hedges(extract_facts(alone), Evidence.build([passage])) == []


def test_the_sentence_with_the_claim_s_rare_word_states_it_not_one_with_as_many_common_ones() -> None:
    # held-out sq96: "The Astana talks will ..." holds "Astana" and "talks" as the hedged sentence
    # holds "talks" and "face-to-face"; only the hedged one says anything about face-to-face
    passage = (
        "The talks, beginning on January 23 in the Kazakh capital Astana, are set to build on a truce. "
        "The Astana talks will assume a different approach, focusing strictly on military developments. "
        'Sources from the opposition and the regime said the talks would "probably" be face-to-face.'
    )
    claim = "The Astana talks would be held face-to-face."
    assert dropped_hedges(extract_facts(claim), Evidence.build([passage])) == ["hedge: probably"]
    kept = "The Astana talks would probably be held face-to-face."
    assert dropped_hedges(extract_facts(kept), Evidence.build([passage])) == []
    flat = passage + " The Astana talks will be held face-to-face, a rebel source said."
    assert dropped_hedges(extract_facts(claim), Evidence.build([flat])) == []


EXPECTED = (
    "Hospitals returned to normal operation on Sunday. The state of emergency was expected to end on "
    "December 15, but on December 14 it was extended by two weeks to allow the immunization campaign "
    "to continue."
)
"""Wikinews, Samoa's measles emergency: what was expected did not happen."""


@pytest.mark.parametrize(
    "claim",
    ["The state of emergency ended on December 15.", "The state of emergency will end on December 15."],
)
def test_an_expectation_its_own_sentence_overturns_is_not_what_happened(claim: str) -> None:
    assert dropped_hedges(extract_facts(claim), Evidence.build([EXPECTED])) == ["hedge: expected"]


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("The state of emergency was extended on December 14.", EXPECTED),
        ("The state of emergency was expected to end on December 15.", EXPECTED),
        # an expectation nothing overturns is left to the other checks, as "expected" alone hedges nothing
        ("The state of emergency ended on December 15.", EXPECTED.split(", but")[0] + "."),
    ],
)
def test_what_happened_instead_and_a_kept_expectation_pass(claim: str, passage: str) -> None:
    assert dropped_hedges(extract_facts(claim), Evidence.build([passage])) == []


def test_an_expectation_word_governing_no_verb_leaves_the_hedge_check_on() -> None:
    # "set fire" states a deed: the claim hedges nothing of its own, so the passage's "probably" counts
    passage = "Protesters would probably set fire to the ministry building, police said."
    claim = "Protesters set fire to the ministry building, police said."
    assert dropped_hedges(extract_facts(claim), Evidence.build([passage])) == ["hedge: probably"]
    hedged = "Protesters were expected to set fire to the ministry building, police said."
    assert dropped_hedges(extract_facts(hedged), Evidence.build([passage])) == []


ASTANA = (
    "Organised by rebel backer Turkey and regime allies Russia and Iran, the meetings are the latest bid "
    "to put an end to the internecine war raging in Syria since March 2011. If the Astana meetings are "
    "successful, they could augur well for fresh UN-hosted negotiations on the conflict next month in Geneva."
)
"""AFP, January 2017: an aim and a condition, neither of which says what came of them."""


@pytest.mark.parametrize(
    ("claim", "cue"),
    [
        ("The Astana meetings were successful.", "hedge: If"),
        ("The internecine war in Syria ended in March 2011.", "hedge: bid"),
    ],
)
def test_what_a_passage_only_sets_as_a_condition_or_an_aim_is_not_what_happened(claim: str, cue: str) -> None:
    assert dropped_hedges(extract_facts(claim), Evidence.build([ASTANA])) == [cue]


@pytest.mark.parametrize(
    "claim",
    [
        # what follows the condition is left to the other checks, and so is a claim that keeps the "if"
        "The Astana meetings could augur well for fresh UN-hosted negotiations on the conflict in Geneva.",
        "If the Astana meetings are successful, fresh negotiations could follow in Geneva.",
        # the aim kept, or the deed told as a purpose of the claim's own
        "The meetings are the latest bid to put an end to the war in Syria.",
        "Turkey, Russia and Iran organised the meetings to put an end to the war in Syria.",
        # what the sentence states outright around the aim
        "The internecine war has been raging in Syria since March 2011.",
    ],
)
def test_a_kept_condition_or_aim_and_what_is_stated_beside_it_pass(claim: str) -> None:
    assert dropped_hedges(extract_facts(claim), Evidence.build([ASTANA])) == []


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        # the aim sought the eating, not the bomb (Wikinews wn-126 was refused as "hedge: trying")
        (
            "A jackal died biting a bomb hidden in meat in southern India.",
            "A jackal died trying to eat a bomb embedded in meat that subsequently exploded in India.",
        ),
        # the claim foresees the deed as the passage intends it (Wikinews wn-132 was refused)
        (
            "Prime Minister Igor Matovic said he would isolate for ten days after testing positive.",
            "Igor Matovic posted on Friday that he had tested positive, and intended to isolate for ten days.",
        ),
    ],
)
def test_an_aim_s_object_and_a_deed_the_claim_foresees_are_not_told_as_done(claim: str, passage: str) -> None:
    assert dropped_hedges(extract_facts(claim), Evidence.build([passage])) == []


@pytest.mark.parametrize(
    "claim",
    [
        "If the talks succeed, the truce will hold across Syria, the envoy said.",
        "Rebels tried to reach the talks, and the truce will hold across Syria, the envoy said.",
    ],
)
def test_a_condition_or_an_aim_of_the_claim_s_own_leaves_the_passage_s_other_hedges_counted(
    claim: str,
) -> None:
    # the claim's "if" or "tried to" makes only the passage's own condition or aim no cue
    passage = "The truce will probably hold across Syria, the envoy said."
    assert dropped_hedges(extract_facts(claim), Evidence.build([passage])) == ["hedge: probably"]
    conditioned = "If the talks succeed, the truce will hold across Syria, the envoy said."
    assert dropped_hedges(extract_facts(claim), Evidence.build([conditioned])) == []
