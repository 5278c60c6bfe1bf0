"""What a name is said to be must be in the passages, however the sentence is padded around it."""

from __future__ import annotations

import pytest

from rag.verifier.facts import extract_facts
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer
from rag.verifier.titles import unbacked_titles
from tests.rag.verifier.sample import ALLOUSH, FORMER

pytestmark = pytest.mark.unit


def titles(claim: str, passage: str = ALLOUSH) -> list[str]:
    return unbacked_titles(extract_facts(claim), Evidence.build([passage]))


@pytest.mark.parametrize(
    "claim",
    [
        f"The UN special envoy for Syria was Mohammad Alloush and he was {FORMER}.",
        f"The UN special envoy for Syria was Mohammad Alloush; he was {FORMER}.",
        f"Mohammad Alloush, the UN special envoy for Syria, was {FORMER}.",
        f"The UN special envoy for Syria, Mohammad Alloush, was {FORMER}.",
        f"As {FORMER}, Mohammad Alloush became the UN special envoy for Syria.",
        f"Mohammad Alloush was {FORMER} and later the UN special envoy for Syria.",
        f"Mohammad Alloush was the UN special envoy for Syria and {FORMER}.",
        f"Having been {FORMER}, Mohammad Alloush is now the UN special envoy for Syria.",
    ],
)
def test_a_post_the_passage_never_names_fails_however_it_is_padded(claim: str) -> None:
    found = titles(claim)
    assert len(found) == 1 and "special envoy" in found[0]
    assert not SupportScorer().score(claim, [ALLOUSH]).supported


@pytest.mark.parametrize(
    "claim",
    [
        f"Mohammad Alloush was {FORMER}.",
        "Mohammad Alloush, a leading rebel negotiator, would head the delegation to the talks in Kazakhstan.",
        "Mohammad Alloush was the head of the rebel delegation.",
        "In Geneva, the talks failed.",  # a clause after a name, not an apposition
    ],
)
def test_what_the_passage_says_a_name_is_passes(claim: str) -> None:
    assert titles(claim) == []


def test_one_word_of_its_own_is_left_to_the_other_checks() -> None:
    # "envoy" alone may be a paraphrase ("negotiator"); two words of its own are a claim
    assert titles("Mohammad Alloush was the envoy.") == []


def test_the_name_is_is_no_copula() -> None:
    # golden cf03: "IS" made the part "sources report that 20 IS fighters" read as saying what IS is
    passage = "Twelve government soldiers and 20 IS fighters were killed, the monitor said."
    assert (
        titles(
            "The BBC News sources report that 20 IS fighters and 12 government soldiers were killed.", passage
        )
        == []
    )


def test_a_passive_or_an_adjective_after_the_copula_says_no_post() -> None:
    # Wikinews wn-059: "... president Swami Chakrapani was meant to ward off COVID-19" is no title
    passage = "The party was organised by Hindu Mahasabha president Swami Chakrapani to fight off COVID-19."
    assert (
        titles("The party organised by president Swami Chakrapani was meant to ward off COVID-19.", passage)
        == []
    )


def test_words_a_passage_joins_into_one_count_as_its_own() -> None:
    # Wikinews wn-111: "the first person to walk in space" where the story has "the first human spacewalk"
    passage = "Leonov was famous for performing the first human spacewalk as part of the Voskhod 2 mission."
    assert titles("Alexei Leonov, the first person to walk in space, died in 2019.", passage) == []
    assert titles("Alexei Leonov, the first person to swim in space, died in 2019.", passage) != []
