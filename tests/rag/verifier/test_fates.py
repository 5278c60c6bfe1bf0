"""What befell the counted: a figure stated with another fate than its passage gives it fails."""

from __future__ import annotations

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.fates import changed_fates, unfated_members
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer

STAMPEDE = (
    "The stampede, which occurred in Kerman, resulted in at least 56 deaths and over 200 people injured, "
    "according to state television."
)


def fates(claim: str, passage: str, check=changed_fates) -> list[str]:
    return check(claim, Evidence.build([passage]))


def members(claim: str, passage: str) -> list[str]:
    return fates(claim, passage, unfated_members)


@pytest.mark.unit
def test_the_injured_counted_as_dead_fail():
    assert fates("The stampede in Kerman killed 200 people.", STAMPEDE) == [
        "fate: 200 people killed (passage: wounded)"
    ]
    assert fates("In Kerman, 200 people were killed in the stampede.", STAMPEDE)
    assert (
        not SupportScorer(None, SupportConfig.load())
        .score("The stampede killed 200 people.", [STAMPEDE])
        .supported
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    "claim",
    [
        "The stampede in Kerman killed 56 people.",  # the same fate
        "The stampede in Kerman injured 200 people.",
        "Over 200 people were hurt in Kerman.",  # "hurt" and "injured" are one fate
        "About 200 people were at the stampede in Kerman.",  # no fate in the claim
        # the fate word belongs to another figure of the claim
        "Around 870 infections have been reported worldwide, with 457 deaths in 21 countries.",
    ],
)
def test_a_figure_with_its_passage_s_fate_or_none_passes(claim):
    passage = STAMPEDE + " Around 870 infections have been reported worldwide since 1997, with 457 deaths."
    assert fates(claim, passage) == []


@pytest.mark.unit
def test_two_fates_outside_the_named_groups_are_not_set_against_each_other():
    # "arrested" and "detained" may name the same fate
    assert fates("Police arrested 71 people.", "Police detained 71 people on Friday.") == []
    assert fates("Police killed 71 people.", "Police detained 71 people on Friday.")


@pytest.mark.unit
def test_people_counted_with_the_passage_s_fate_pass_the_whole_scorer():
    # "people" counts anyone: not a swap with "over 200 people injured" (rag.verifier.alignment)
    scorer = SupportScorer(None, SupportConfig.load())
    assert scorer.score("The stampede in Kerman killed 56 people.", [STAMPEDE]).supported
    assert not scorer.score("The stampede in Kerman injured 56 people.", [STAMPEDE]).supported


CAPTION = (
    "Iraqi refugees that fled violence in Mosul and internally displaced Syrians gather near the Iraqi "
    "border. Islamic State militants have launched a fierce assault on government-held areas in the "
    "eastern Syrian city of Deir al-Zour, with dozens reportedly killed."
)
TOLL = (
    "At least 82 people have been killed in the fighting, the Syrian Observatory said. The dead comprised "
    "28 from the army and allied militia, at least 40 Islamic State fighters, and 14 civilians."
)


@pytest.mark.unit
def test_members_of_the_killed_that_no_sentence_says_were_killed_fail():
    assert members("Dozens of people were killed in Deir al-Zour, including Iraqi refugees.", CAPTION) == [
        "fate: including Iraqi refugees (no passage sentence says they were killed)"
    ]
    # the fate nearest before "including" is theirs: here, the wounded
    wounded = "Twelve people were killed and 30 wounded. Five children were among the wounded."
    assert members("Twelve were killed and 30 wounded, including five children.", wounded) == []
    assert members("Thirty were wounded and twelve killed, including five children.", wounded) == [
        "fate: including five children (no passage sentence says they were killed)"
    ]
    # among the arrested, which this check does not judge: no "killed" asked of them
    arrested = "Twelve people were killed and 30 arrested. Five children were among the arrested."
    assert members("Twelve were killed and 30 arrested, including five children.", arrested) == []
    claim = "Dozens were killed in Deir al-Zour, including Iraqi refugees and internally displaced Syrians."
    assert not SupportScorer(None, SupportConfig.load()).score(claim, [CAPTION]).supported


@pytest.mark.unit
@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("At least 82 people were killed in the fighting, including 14 civilians.", TOLL),
        # named by what they are: "28 from the army"
        ("At least 82 people were killed in the fighting, including 28 soldiers.", TOLL),
        ("At least 82 people were killed, among them Islamic State fighters.", TOLL),
        ("Six people were killed, including the mayor.", "Six people died. Among the victims was the mayor."),
        # no fate before "including": another check's business
        ("Refugees gather near the border, including Iraqi refugees.", CAPTION),
    ],
)
def test_members_a_sentence_gives_the_same_fate_pass(claim: str, passage: str):
    assert members(claim, passage) == []
