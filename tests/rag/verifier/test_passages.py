"""Analysed passages: which spellings of a name they back, which dates a dated passage names."""

from __future__ import annotations

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

OTHMAN = (
    'Ahmad al-Othman from the Sultan Murad faction also said that "the rebel groups have decided to go '
    'to the talks."'
)


def test_transliterated_spellings_of_a_name_are_backed() -> None:
    evidence = Evidence.build(["IS fighters attacked Deir al-Zour on Saturday, and Mohammad Alloush spoke."])
    assert evidence.backs_name("Deir al-Zor")
    assert evidence.backs_name("Deir Ezzor")
    assert evidence.backs_name("Muhammad Alloush")


def test_a_name_is_not_backed_by_common_words_with_the_same_letters() -> None:
    # "Alloush" and "also" share the key "ls", "Mohammad" and "Ahmad" share "md"
    evidence = Evidence.build([OTHMAN])
    assert evidence.backs_name("Ahmad al-Othman")
    assert not evidence.backs_name("Mohammad Alloush")
    assert not evidence.backs_name("Alloush")


def test_a_hyphenated_name_is_backed_through_an_alias_of_its_piece() -> None:
    # golden ma01: the model wrote "The British-based monitoring group is headed by Rami Abdel Rahman"
    evidence = Evidence.build(["Clashes killed 51 fighters in two days, a Britain-based war monitor said."])
    assert evidence.backs_name("British-based")
    assert evidence.backs_name("UK-based")
    assert not evidence.backs_name("French-based")
    assert not evidence.backs_name("US-based")


def test_the_names_of_the_islamic_state_back_each_other() -> None:
    # labelled sq20: a sentence copied from the passage, "ISIS" written "The Islamic State"
    evidence = Evidence.build(['ISIS declared a cross-border "caliphate" in large parts of Syria in 2014.'])
    assert evidence.backs_name("Islamic State")
    assert evidence.backs_name("Daesh")
    assert not evidence.backs_name("Islamic Jihad")


def test_a_claim_of_dozens_dead_is_backed_by_its_passage_s_figure():
    scorer = SupportScorer(None, SupportConfig.load())
    passage = (
        "During the funeral of General Soleimani on Tuesday, a stampede erupted, resulting in a postponement of "
        "the burial. The stampede, which occurred in Kerman, resulted in at least 56 deaths."
    )
    assert scorer.score(
        "A stampede at the general's funeral in Kerman killed dozens of people.", [passage]
    ).supported
    assert not scorer.score(
        "A stampede at the general's funeral in Kerman killed thousands of people.", [passage]
    ).supported


def test_last_month_in_a_dated_passage_names_the_month_before():
    story = (
        "Germany says Alexei Navalny poisoned (Example News) Published 5 September 2020.\n\n"
        "Last month, Alexei Navalny was airlifted from Omsk to Berlin and taken to a hospital there, Charité."
    )
    assert {"month:8", "year:2020"} <= Evidence.build([story]).dates
    scorer = SupportScorer(None, SupportConfig.load())
    assert scorer.score("Alexei Navalny was airlifted to Berlin in August 2020.", [story]).supported
    assert not scorer.score("Alexei Navalny was airlifted to Berlin in July 2020.", [story]).supported
    # an undated passage's "last month" names no month
    assert "month:8" not in Evidence.build([story.split("\n\n", 1)[1]]).dates


FERRY = (
    "Ferry strike ends (Example News) Published 2 May 2024.\n\n"
    "The ferry workers ended their strike on Thursday after nine days, the union said. About 3 ferries were idle."
)
"""The header's day (2) is no count of the story: only 9 and 3 count something. (2 May 2024 was a
Thursday: the strike ended that day.)"""


def test_a_day_of_a_date_backs_a_day_and_no_count() -> None:
    evidence = Evidence.build([FERRY])
    assert evidence.backs_number("2", day=True)
    assert not evidence.backs_number("2", day=False)
    assert evidence.backs_number("3", day=False) and evidence.backs_number("9", day=False)


def test_a_count_backed_only_by_a_date_fails() -> None:
    scorer = SupportScorer(None, SupportConfig.load())
    for claim in ("Two ferries were idle.", "The ferry workers ended their strike after two days."):
        verdict = scorer.score(claim, [FERRY])
        assert not verdict.supported and "number: two" in verdict.unbacked
    for claim in ("About 3 ferries were idle.", "The strike ended on 2 May after nine days."):
        assert scorer.score(claim, [FERRY]).supported, claim
