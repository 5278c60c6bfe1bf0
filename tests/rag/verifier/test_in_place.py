"""One word of a passage sentence turned: an opposite, or a negation added or removed (:mod:`rag.verifier.in_place`)."""

from __future__ import annotations

import pytest

from rag.verifier.facts import extract_facts
from rag.verifier.in_place import negated_in_place, swapped_in_place
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

FIRE = (
    "Not only did they put out the fire but they continued to cool the structure after the fire was "
    "gone. The airline was Iran's first in private hands. For as long as the government doesn't respond, "
    "there will only be more large-scale protests."
)
SENATE = (
    "While the House of Representatives confirmed Pierluisi's nomination on Friday, the Senate did not. "
    "As of Thursday, police were investigating the conditions leading up to his death, with no cause of "
    "death confirmed yet."
)


def evidence(passage: str) -> Evidence:
    return Evidence.build([passage])


@pytest.mark.parametrize(
    "claim",
    [
        "They continued to cool the structure before the fire was gone.",
        "The airline was Iran's last in private hands.",
        "There will only be fewer large-scale protests.",
    ],
)
def test_an_opposite_in_the_place_of_the_passages_word_is_found(claim: str) -> None:
    assert swapped_in_place(extract_facts(claim), evidence(FIRE))
    assert not SupportScorer().score(claim, [FIRE]).supported


@pytest.mark.parametrize(
    "claim",
    [
        "They continued to cool the structure after the fire was gone.",  # the passage's word
        "The airline was the first Iranian airline in private hands.",  # other words around it
    ],
)
def test_the_passages_own_word_or_other_words_around_it_are_not(claim: str) -> None:
    assert swapped_in_place(extract_facts(claim), evidence(FIRE)) == []


def test_a_negation_added_to_a_passage_sentence_is_found() -> None:
    claim = "As of Thursday, police were not investigating the conditions leading up to his death."
    assert negated_in_place(extract_facts(claim), evidence(SENATE))
    assert not SupportScorer().score(claim, [SENATE]).supported


def test_a_negation_left_out_is_found() -> None:
    claim = "While the House of Representatives confirmed Pierluisi's nomination on Friday, the Senate did."
    assert negated_in_place(extract_facts(claim), evidence(SENATE))
    assert not SupportScorer().score(claim, [SENATE]).supported


@pytest.mark.parametrize(
    "claim",
    [
        "The Senate did not confirm Pierluisi's nomination.",  # the passage's negation, other words
        "No cause of death was confirmed yet.",
        "Police were investigating the conditions leading up to his death.",
    ],
)
def test_negations_where_the_passage_has_them_are_not(claim: str) -> None:
    assert negated_in_place(extract_facts(claim), evidence(SENATE)) == []


REPAIR = (
    "The harbour bridge reopened on Thursday after a two-year repair that cost 48 million euros. "
    "The mayor said the repair had come in 6 million euros under budget."
)


@pytest.mark.parametrize(
    "claim",
    ["The bridge repair went over budget.", "The harbour bridge reopened before a two-year repair."],
)
def test_over_or_before_turned_is_read_from_the_words_after_it(claim: str) -> None:
    # the words before it are the claim's own ("went", "reopened"), so only what follows can place it
    assert swapped_in_place(extract_facts(claim), evidence(REPAIR))


@pytest.mark.parametrize(
    "claim",
    [
        "The mayor said the repair came in under budget.",
        "The harbour bridge reopened after a two-year repair.",
        "The bridge repair was over by Thursday.",  # no word of its own after "over"
    ],
)
def test_a_preposition_the_passage_has_in_that_place_passes(claim: str) -> None:
    assert swapped_in_place(extract_facts(claim), evidence(REPAIR)) == []
