"""Foretold as done: what a story tells as still to come does not back a claim that it happened."""

from __future__ import annotations

import pytest

from rag.verifier.facts import extract_facts
from rag.verifier.foretold import foretold
from rag.verifier.passages import Evidence

pytestmark = pytest.mark.unit

ANNOUNCED = (
    "Syria rebels say will attend Astana negotiations (AFP) Published 17 January 2017.\n\n"
    "Syrian rebel groups said Monday they will attend peace talks next week in the Kazakh capital. "
    "The talks, beginning on January 23, will be held under the auspices of Russia and Turkey."
)
"""Written before the talks: they are only announced."""


def _foretold(claim: str, passage: str = ANNOUNCED) -> list[str]:
    return foretold(extract_facts(claim), Evidence.build([passage]))


@pytest.mark.parametrize(
    ("claim", "problem"),
    [
        (
            "Syrian rebel groups attended peace talks in the Kazakh capital.",
            "tense: attended (the passage tells it as still to come: will)",
        ),
        (
            "The talks were held under the auspices of Russia and Turkey.",
            "tense: held (the passage tells it as still to come: will)",
        ),
    ],
)
def test_a_deed_the_story_only_announces_is_not_told_as_done(claim: str, problem: str) -> None:
    assert _foretold(claim) == [problem]


@pytest.mark.parametrize(
    "claim",
    [
        # the claim keeps the future, or says who said it would happen
        "Syrian rebel groups will attend peace talks in the Kazakh capital.",
        "Syrian rebel groups said they would attend peace talks in the Kazakh capital.",
        "The talks were expected to be held under the auspices of Russia and Turkey.",
        # a present claim, and a claim on what the story tells as done
        "The talks begin on January 23.",
    ],
)
def test_a_claim_keeping_the_future_passes(claim: str) -> None:
    assert _foretold(claim) == []


def test_a_sentence_telling_anything_as_done_leaves_the_claim_to_the_other_checks() -> None:
    # "held" may be told in other words where the sentence tells the past: "took place" is not read here
    passage = (
        "The first round of talks was held in Astana on Monday, and the next round will take place in "
        "Geneva in February."
    )
    assert _foretold("The first round of talks took place in Astana.", passage) == []
    assert _foretold("The next round of talks took place in Geneva.", passage) == []
    future_only = "The next round of talks will take place in Geneva in February."
    assert _foretold("The next round of talks took place in Geneva.", future_only) == [
        "tense: took (the passage tells it as still to come: will)"
    ]


def test_a_name_that_looks_like_a_past_verb_tells_nothing() -> None:
    # "United" (Nations) is no verb: the sentence still tells the talks as still to come
    passage = "Talks under the United Nations will be held in Geneva next month."
    assert _foretold("Talks under the United Nations were held in Geneva.", passage) == [
        "tense: held (the passage tells it as still to come: will)"
    ]


def test_a_future_governing_another_verb_says_nothing_of_the_claim_s() -> None:
    passage = "The talks, beginning on January 23 in the Kazakh capital Astana, are set to build on a truce."
    assert _foretold("The talks began on January 23.", passage) == []
    assert _foretold("The talks built on a truce.", passage) == [
        "tense: built (the passage tells it as still to come: set)"
    ]


def test_a_past_verb_opening_a_sentence_tells_the_past() -> None:
    passage = (
        "Organised by Turkey, Russia and Iran, the Astana talks are the latest bid to end the war. "
        "Washington will be asked to attend the Astana talks, Turkey said."
    )
    assert _foretold("Turkey, Russia and Iran organised the Astana talks.", passage) == []
