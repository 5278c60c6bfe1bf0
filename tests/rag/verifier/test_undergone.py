"""A passive claim's subject must meet its verb in a passage sentence."""

from __future__ import annotations

import pytest

from rag.verifier.facts import extract_facts
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer
from rag.verifier.undergone import unmet_patients

pytestmark = pytest.mark.unit

BBC = (
    "Syria war: Dozens dead in IS attack on Deir al-Zour\n\n"
    "Iraqi refugees that fled violence in Mosul and internally displaced Syrians who fled Islamic State "
    "controlled areas in Deir al-Zour, gather near the Iraqi border, in Hasaka Governorate on 23 October "
    "2016. Islamic State militants have launched a fierce assault on government-held areas in the eastern "
    "Syrian city of Deir al-Zour, with dozens reportedly killed."
)


def unmet(claim: str, passage: str = BBC) -> list[str]:
    return unmet_patients(extract_facts(claim), Evidence.build([passage]))


def test_a_subject_the_passages_never_put_with_the_verb_fails():
    claim = "Iraqi refugees that fled violence in Mosul were attacked by IS fighters."
    assert unmet(claim) == ["done to: Iraqi refugees attacked"]
    assert not SupportScorer().score(claim, [BBC]).supported
    assert SupportScorer().score("Deir al-Zour was attacked by IS.", [BBC]).supported


def test_a_subject_the_verb_befalls_in_a_passage_sentence_passes():
    assert unmet("Deir al-Zour was attacked by IS.") == []
    assert unmet("Dozens were reportedly killed by IS in Deir al-Zour.") == []


def test_a_passive_without_its_agent_or_after_a_relative_is_not_read():
    assert unmet("Iraqi refugees that fled violence in Mosul were attacked.") == []
    assert unmet("Islamic State, which was attacked by Iraqi refugees, fled Mosul.") == []


def test_a_sentence_that_refers_back_carries_the_subject_of_the_one_before():
    story = "Deir al-Zour has been besieged since 2015. IS attacked the city on Saturday."
    assert unmet("Deir al-Zour was attacked by IS on Saturday.", story) == []
    unrelated = "Deir al-Zour has been besieged since 2015. Rebels attacked Aleppo on Saturday."
    assert unmet("Deir al-Zour was attacked by rebels on Saturday.", unrelated) == [
        "done to: Deir al-Zour attacked"
    ]


def test_a_verb_the_passages_never_use_is_left_to_the_overlap():
    assert unmet("Iraqi refugees were bombed by IS fighters.") == []


def test_a_pronoun_subject_and_active_claims_are_not_read():
    assert unmet("They were attacked by IS fighters.") == []
    assert unmet("IS fighters attacked Iraqi refugees.") == []


def test_the_subject_is_read_within_its_own_clause():
    claim = "The refugees gathered near the border, and Deir al-Zour was attacked by IS."
    assert unmet(claim) == []


def test_who_heads_a_body_is_left_to_the_heads_check():
    story = "Observatory head Rami Abdel Rahman said the fighting started on Thursday."
    assert unmet("The British-based monitoring group is headed by Rami Abdel Rahman.", story) == []
    assert unmet(
        "The British-based monitoring group was attacked by Rami Abdel Rahman.", story + " He attacked IS."
    ) == ["done to: The British-based monitoring group attacked"]
