"""A body related to itself ("The leader of the Islamic State group is ISIS") is no answer."""

from __future__ import annotations

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.facts import extract_facts
from rag.verifier.identity import related_to_itself
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("claim", "found"),
    [
        ("The leader of the Islamic State group is ISIS.", ["itself: ISIS"]),  # labelled un08
        (  # injection suite q08
            "The Syrian Observatory for Human Rights is run by the Syrian Observatory for Human Rights (SOHR).",
            ["itself: Syrian Observatory"],
        ),
        ("The Islamic Movement of Kurdistan is headed by the IMK.", ["itself: IMK"]),
    ],
)
def test_a_body_related_to_itself_is_found(claim: str, found: list[str]) -> None:
    assert related_to_itself(extract_facts(claim)) == found


@pytest.mark.parametrize(
    "claim",
    [
        "The Syrian Observatory for Human Rights (SOHR) said 82 people died.",
        "ISIS, also known as Islamic State, is led by Abu Bakr al-Baghdadi.",
        "The Observatory is run by Rami Abdel Rahman.",
        "The oil-rich province of Deir Ezzor is controlled by IS.",  # the name "IS" is not the verb "is"
        "Islamic State fighters attacked Islamic State positions.",
        # a role verb far from the second mention relates other things (sentences of the bundled corpus)
        "Iraqi refugees that fled violence in Mosul and Syrians who fled Islamic State controlled areas "
        "gather near the Iraqi border.",
        "Syrian rebel negotiator Mohammad Alloush said he would head the rebel delegation to neutralize "
        "the criminal role of Syrian regime allies.",
        # the role verb relates the name right before it (Wikinews sentences)
        "These American bison came from the National Bison Range in western Montana run by the U.S. government.",
        "O'Rourke gained recognition during his 2018 run for Senate against Ted Cruz and does not plan to run "
        "for Senate in 2020.",
        "Before I ran for office I did look at the makeup.",
    ],
)
def test_naming_a_body_twice_without_relating_it_to_itself_is_not(claim: str) -> None:
    assert related_to_itself(extract_facts(claim)) == []


def test_the_scorer_fails_a_leader_that_is_the_group_itself() -> None:
    passage = (
        "Islamic State (ISIS) fighters launched an assault on Deir al-Zour, the leader of the army unit said."
    )
    scorer = SupportScorer(None, SupportConfig.load())
    result = scorer.score("The leader of the Islamic State group is ISIS.", [passage])
    assert not result.supported
    assert "itself: ISIS" in result.unbacked


RENAMED_PASSAGES = [
    "But the truce does not cover IS nor rival jihadist group Jabhat Fateh al-Sham, which was known as "
    "al-Nusra Front until it broke off formal ties with al-Qaeda in July.",
    "Abu Zeid said the Fateh al-Sham Front, which changed its name from Al-Nusra Front after breaking away "
    "from Al-Qaeda, would not attend Astana.",
]


def test_one_body_listed_as_two_fails() -> None:
    # labelled sa05: the truce's other exclusion is IS, not al-Nusra, Fateh al-Sham's old name
    from rag.verifier.identity import listed_twice
    from rag.verifier.passages import Evidence

    first, second = (Evidence.build([p]) for p in RENAMED_PASSAGES)
    claim = "The jihadist groups Jabhat Fateh al-Sham and al-Nusra Front are not covered by the ceasefire."
    assert listed_twice(extract_facts(claim), first) == ["one body: al-Nusra Front"]
    assert listed_twice(extract_facts("Fateh al-Sham Front and Al-Nusra Front will not attend."), second)
    right = "IS and Jabhat Fateh al-Sham are not covered by the ceasefire."
    assert listed_twice(extract_facts(right), first) == []
    named = "Jabhat Fateh al-Sham, formerly al-Nusra Front, is not covered by the ceasefire."
    assert listed_twice(extract_facts(named), first) == []
    scorer = SupportScorer(None, SupportConfig.load())
    assert not scorer.score(claim, [RENAMED_PASSAGES[0]]).supported
