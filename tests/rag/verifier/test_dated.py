"""A date given to another event of the story (rag.verifier.dated)."""

from __future__ import annotations

import pytest

from rag.verifier.dated import misdated_events
from rag.verifier.facts import extract_facts
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

WAR = (
    "Talks on Veldra held by video (Example News) Published 2 July 2020.\n\n"
    "Veldra's war has killed more than 380,000 people since it started in 2011 with the repression "
    "of protests.\n\n"
    "Three countries that support opposing sides held talks on Wednesday on the country, whose "
    "conflict has entered its 10th year."
)


def problems(claim: str, passage: str = WAR) -> list[str]:
    return misdated_events(extract_facts(claim), Evidence.build([passage]))


def test_a_date_the_story_gives_another_verb_fails():
    # golden dd04: "The conflict had entered in 2011", the story's war "started in 2011"
    assert problems("The conflict had entered in 2011.") == ["dated: enter 2011"]
    assert not SupportScorer().score("The conflict had entered in 2011.", [WAR]).supported


def test_the_verb_the_story_dates_passes():
    assert problems("The war started in 2011.") == []
    assert SupportScorer().score("The war started in 2011.", [WAR]).supported


def test_a_verb_telling_the_same_moment_is_dated_as_the_storys_own():
    # "began" is nowhere in the story; "started" tells the same moment of the war
    assert problems("The war began in 2011.") == []
    assert problems("The war began in 2014.") == ["dated: begin 2014"]
    # a verb of another moment is left to the other checks
    assert problems("The war ended in 2014.") == []


def test_a_year_the_story_gives_no_verb_may_be_the_claims():
    story = WAR.replace("since it started in 2011 with", "since 2011, after")
    assert problems("The conflict had entered in 2011.", story) == []


def test_a_noun_before_the_date_is_no_verb():
    # labelled sq49, supported: "protests" is also a verb form, but not one in the past
    assert problems("The war started with the repression of protests in 2011.") == []


@pytest.mark.unit
def test_a_verb_the_story_dates_with_another_year_fails() -> None:
    story = Evidence.build(
        [
            "Marnia's war has killed more than 80,000 people since it started in 2009 with the repression "
            "of protests. The Velmar Front declared a caliphate in large parts of Marnia in 2012."
        ]
    )
    assert misdated_events(extract_facts("The Marnian war started in 2012."), story) == ["dated: start 2012"]
    assert misdated_events(extract_facts("The Marnian war started in 2009."), story) == []
    # another event with the same verb is no date of this one
    assert misdated_events(extract_facts("The Velmar Front's campaign started in 2012."), story) == []


TALKS = (
    "Rebels say they will attend Veldra talks (Example News) Published 17 January 2017.\n\n"
    "The talks, beginning on January 23 in the Kazakh capital Astana, are set to build on a nationwide "
    "truce. Organised by Turkey and Russia, the meetings are the latest bid to end the war raging in "
    "Veldra since March 2011."
)
"""The talks' day in one sentence, the war's month in the next: every word of "The Astana talks
began in March 2011" is in one stretch (the golden Astana articles)."""


def test_a_day_given_to_the_verb_in_its_ing_form_dates_the_event() -> None:
    assert problems("The Astana talks began in March 2011.", TALKS) == ["dated: begin march 2011"]
    assert not SupportScorer().score("The Astana talks began in March 2011.", [TALKS]).supported
    assert problems("The Astana talks began on January 11.", TALKS) == ["dated: begin january 11"]


@pytest.mark.parametrize(
    "claim",
    [
        "The Astana talks began on January 23.",
        "The talks began on 23 January 2017.",
        "The talks began in January.",
    ],
)
def test_a_date_that_can_be_the_storys_passes(claim: str) -> None:
    assert problems(claim, TALKS) == []
    assert SupportScorer().score(claim, [TALKS]).supported, claim


def test_a_day_given_to_a_verb_of_the_same_moment_dates_the_event() -> None:
    # "The Astana talks started in March 2011" passed: the story's talks are "beginning on January 23"
    assert problems("The Astana talks started in March 2011.", TALKS) == ["dated: start march 2011"]
    assert not SupportScorer().score("The Astana talks started in March 2011.", [TALKS]).supported
    assert problems("The Astana talks commenced on January 23.", TALKS) == []
