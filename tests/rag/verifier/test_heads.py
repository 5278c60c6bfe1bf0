"""Who heads a body: the head-of sense of "lead", "head", "run" told apart from their other senses."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.heads import heading
from rag.verifier.scorer import SupportScorer
from rag.verifier.tokens import tokenize

CORPUS = Path(__file__).resolve().parents[3] / "rag" / "corpus"
REBELS = (CORPUS / "002_3598194b84453929.txt").read_text(encoding="utf-8")
""""Syria rebels say will attend Astana negotiations" (bundled corpus): "Mohammad Alloush, a leading
figure in the Jaish al-Islam (Army of Islam) rebel group", "Ahmad al-Othman from the Sultan Murad
faction", "Ahmad Ramadan, from the leading National Coalition opposition group"."""


def _heads(text: str) -> list[str]:
    return [token.text for token in heading(tokenize(text))]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Jaish al-Islam is led by Mohammad Alloush.", ["led"]),
        ("Rami Abdel Rahman, who runs the monitoring group, said ...", ["runs"]),
        ("The leader of the group is X.", ["leader"]),
        ("X, the head of the Observatory, said ...", ["head"]),
        ("She is leading the protests.", ["leading"]),
        ("The US-led coalition struck.", ["US-led"]),
        ("Observatory chief X said.", ["chief"]),
        ("Mohammad Alloush, a leading figure in Jaish al-Islam, said.", []),
        ("Ahmad Ramadan, from the leading National Coalition opposition group.", []),
        ("The floods led to 20 deaths.", []),
        ("He tested positive, leading the basketball league to suspend its season.", []),
        ("Rami Abdel Rahman, who leads the group, said it would go to Astana.", ["leads"]),
        ("The week leading up to the vote.", []),
        ("He was shot in the head by another officer.", []),
        ("The ship headed for Borneo.", []),
        ("Biden is leading President Donald Trump in the polls.", ["leading"]),  # as "Biden led Trump"
        ("The team took the lead in the second half.", []),
        ("The two sides held direct talks.", []),
    ],
)
def test_the_head_of_sense_is_told_from_the_others(text: str, words: list[str]) -> None:
    assert _heads(text) == words


@pytest.fixture(scope="module")
def scorer() -> SupportScorer:
    return SupportScorer(None, SupportConfig.load())


@pytest.mark.unit
@pytest.mark.parametrize(
    ("claim", "backed"),
    [
        # each of these passed while "leading" (prominent) and "leads" were one stem
        ("Mohammad Alloush leads Jaish al-Islam.", False),
        ("Jaish al-Islam is led by Mohammad Alloush.", False),
        ("The leader of Jaish al-Islam is Mohammad Alloush.", False),
        ("Mohammad Alloush is the head of Jaish al-Islam.", False),
        ("Ahmad Ramadan leads the National Coalition.", False),
        ("The leader of the Sultan Murad faction is Ahmad al-Othman.", False),
        ("Ahmad al-Othman leads the Sultan Murad faction.", False),
        # what the passage says of them
        ("Mohammad Alloush is a leading figure in the Jaish al-Islam rebel group.", True),
        ("Ahmad Ramadan is from the leading National Coalition opposition group.", True),
        (
            "Ahmad al-Othman from the Sultan Murad faction said the rebel groups have decided to go to the talks.",
            True,
        ),
    ],
)
def test_a_leading_figure_or_a_leading_group_is_no_leader(
    scorer: SupportScorer, claim: str, backed: bool
) -> None:
    result = scorer.score(claim, [REBELS])
    assert result.supported is backed, result.unbacked
    if not backed:
        assert any(problem.startswith("apart:") for problem in result.unbacked), result.unbacked


@pytest.mark.unit
def test_a_head_of_word_is_backed_by_another_one(scorer: SupportScorer) -> None:
    """One relation however it is written: "runs" backs "is led by", "head of" backs "leads"."""
    passage = (
        "Rami Abdel Rahman, who runs the Syrian Observatory for Human Rights, said 20 fighters were "
        "killed. The group has reported on the war since 2011."
    )
    for claim in (
        "The Syrian Observatory for Human Rights is led by Rami Abdel Rahman.",
        "Rami Abdel Rahman heads the Syrian Observatory for Human Rights.",
    ):
        result = scorer.score(claim, [passage])
        assert result.supported, (claim, result.unbacked)
