"""A sentence's main clause must state its words without its asides too."""

from __future__ import annotations

import pytest

from rag.verifier.asides import main_clause, words_only
from rag.verifier.scorer import SupportScorer
from tests.rag.verifier.sample import ALLOUSH, FORMER

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("sentence", "main"),
    [
        (
            f"The UN special envoy for Syria was Mohammad Alloush, who was {FORMER}.",
            "The UN special envoy for Syria was Mohammad Alloush.",
        ),
        (
            f"The UN special envoy for Syria was Mohammad Alloush, {FORMER}.",
            "The UN special envoy for Syria was Mohammad Alloush.",
        ),
        (
            f"Mohammad Alloush, {FORMER}, was the UN special envoy for Syria.",
            "Mohammad Alloush was the UN special envoy for Syria.",
        ),
        (
            "Alloush, who leads Jaish al-Islam, said all rebel groups would attend.",
            "Alloush said all rebel groups would attend.",
        ),
        (
            "Rami Abdel Rahman, whose group monitors the war, said 20 died, which is more than before.",
            "Rami Abdel Rahman said 20 died.",
        ),
    ],
)
def test_asides_after_a_comma_are_left_out(sentence, main):
    assert main_clause(sentence) == main


@pytest.mark.parametrize(
    "sentence",
    [
        "The man who died was 44 years old.",  # restrictive: no comma, part of what is said
        "The attack, which killed 20 people, including five children, was condemned.",  # the aside goes on
        "He said so, which is new.",  # too little left to check on its own
        "Turkey, Russia, the US and Iran attended the talks.",  # a list, not an aside
        "Talks were held in Astana on Monday.",
    ],
)
def test_sentences_without_an_aside_that_can_be_cut_cleanly_are_left_whole(sentence):
    assert main_clause(sentence) is None


def test_only_problems_of_the_words_count_for_a_main_clause():
    assert words_only(["apart: envoy, special"])
    assert words_only([])  # a low overlap alone
    assert not words_only(["negation: the passage negates this"])
    assert not words_only(["apart: envoy", "said by: Levant"])


@pytest.mark.parametrize(
    "claim",
    [
        f"The UN special envoy for Syria was Mohammad Alloush, who was {FORMER}.",
        f"The UN special envoy for Syria was Mohammad Alloush, {FORMER}.",
        f"Mohammad Alloush, who was {FORMER}, was the UN special envoy for Syria.",
    ],
)
def test_a_false_claim_padded_with_a_copied_aside_fails(claim):
    result = SupportScorer().score(claim, [ALLOUSH])
    assert not result.supported
    assert any(item.startswith("apart:") and "envoy" in item for item in result.unbacked)


def test_a_true_claim_with_an_aside_passes():
    claim = f"Mohammad Alloush, {FORMER}, said their participation was needed to hold back Iran's militias."
    assert SupportScorer().score(claim, [ALLOUSH]).supported


def test_a_negation_inside_the_passages_aside_does_not_fail_a_quote():
    # the main clause alone seems to drop the aside's "not"; the whole sentence reads it in place
    passage = "A decision was made outside of their view, which they would not have made themselves."
    assert SupportScorer().score(passage, [passage]).supported
