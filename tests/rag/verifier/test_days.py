"""The day of an event, not the day its story was published."""

from __future__ import annotations

import pytest

from rag.contradictions import contradictions
from rag.verifier.days import misdated_days
from rag.verifier.facts import extract_facts
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

IMPEACHED = (
    "US House of Representatives impeaches President Trump (Wikinews) Published 21 December 2019.\n\n"
    "On Wednesday, the United States House of Representatives impeached President Donald Trump over "
    "complaints arising from an alleged abuse of power. Trump, the third President to be impeached by "
    "the House, is to face trial in the Senate."
)
ANNOUNCED = (
    "Biden announces Kamala Harris as running mate (Wikinews) Published 12 August 2020.\n\n"
    "Yesterday, Joe Biden, the Democratic Party's presumptive nominee, announced Kamala Harris as his "
    "choice for running mate in the 2020 United States presidential election."
)
LATER_PASSAGE = (
    "Biden announces Kamala Harris as running mate (Wikinews) Published 12 August 2020.\n\n"
    "In March, at the final presidential debate, Biden announced his plan to choose a woman to be his "
    "running mate."
)


def supported(claim: str, *passages: str) -> bool:
    return SupportScorer().score(claim, list(passages)).supported


def test_the_header_date_is_not_the_day_of_the_event_the_story_dates_by_weekday():
    assert not supported("Trump was impeached by the House on December 21, 2019.", IMPEACHED)
    assert supported("Trump was impeached by the House on December 18, 2019.", IMPEACHED)
    assert not supported("Trump was impeached by the House on December 17, 2019.", IMPEACHED)
    assert not supported("Biden announced Harris as his running mate on August 12, 2020.", ANNOUNCED)
    assert supported("Biden announced Harris as his running mate on 11 August 2020.", ANNOUNCED)


def test_the_check_names_the_day_the_story_tells():
    claim = "Biden announced Harris as his running mate on August 12, 2020."
    assert misdated_days(extract_facts(claim), Evidence.build([ANNOUNCED])) == [
        "day: August 12 (the story tells August 11)"
    ]


def test_a_story_that_names_no_day_leaves_its_header_date_alone():
    undated_event = (
        "Biden announces Kamala Harris as running mate (Wikinews) Published 12 August 2020.\n\n"
        "Joe Biden announced Kamala Harris as his choice for running mate."
    )
    assert supported("Biden announced Harris as his running mate on August 12, 2020.", undated_event)
    assert (
        misdated_days(extract_facts("Biden announced Harris on August 12."), Evidence.build([undated_event]))
        == []
    )


def test_another_passage_of_the_story_telling_the_day_counts_when_the_cited_one_does_not():
    claim = "Biden announced Harris as his running mate on August 12, 2020."
    # the later passage alone names no day, so its header date may be the event's
    assert supported(claim, LATER_PASSAGE)
    # read beside the lead, which the model was also given, the day is the lead's "Yesterday"
    assert SupportScorer().contested(claim, [LATER_PASSAGE, ANNOUNCED]) == [
        "day: August 12 (the story tells August 11)"
    ]


def test_a_told_day_is_stated_as_surely_as_a_written_one():
    evidence = Evidence.build([IMPEACHED])
    told = frozenset().union(*evidence.told)
    assert contradictions("The House voted on December 18.", evidence.text, told) == []
    assert contradictions("The House voted on December 20.", evidence.text, told) == [
        "date: December 20 (passage: December 18, December 21)"
    ]


def test_a_day_another_sentence_names_is_another_events():
    docked = (
        "SpaceX Crew Dragon capsule docks with International Space Station (Wikinews) Published 5 March 2019.\n\n"
        "On Sunday, the SpaceX Crew Dragon capsule successfully docked with the International Space "
        "Station. At 2:49 a.m. local time on Saturday morning, the Crew Dragon was launched via a Falcon 9 "
        "rocket from the Kennedy Space Center."
    )
    claim = "On March 2, 2019, the SpaceX Crew Dragon capsule successfully docked with the International Space Station."
    assert not supported(claim, docked)
    assert supported(claim.replace("March 2", "March 3"), docked)
    assert supported("The Crew Dragon was launched via a Falcon 9 rocket on March 2, 2019.", docked)


ENDED = (
    "Samoan government ends state of emergency over measles outbreak (Wikinews) Published 1 January 2020.\n\n"
    "On Sunday, the state of emergency begun on November 15 over a measles outbreak ended in Samoa. "
    "The state of emergency was expected to end on December 15, but on December 14 it was extended by "
    "two weeks to allow the immunization campaign to continue."
)
"""Wikinews wd-025: the emergency ended on Sunday 29 December; 15 December was only expected."""


def test_a_day_given_only_to_what_was_expected_and_did_not_happen_is_not_told():
    claim = "did Samoa's state of emergency over the measles outbreak end December {}."
    assert misdated_days(extract_facts(claim.format(15)), Evidence.build([ENDED])) == [
        "day: December 15 (the story tells November 15, December 14, December 29)"
    ]
    assert not supported(claim.format(15), ENDED)
    assert supported(claim.format(29), ENDED)
    assert supported("The state of emergency was extended on December 14.", ENDED)
    # the sentence itself, quoted: the day it says was expected is not claimed to be the day it ended
    assert supported(ENDED.split("Samoa. ")[1], ENDED)
