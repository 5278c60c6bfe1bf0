"""Numbers of a claim and of its passages: what they count, whether a passage states them."""

from __future__ import annotations

import pytest

from rag.verifier.facts import extract_facts
from rag.verifier.numbers import counted_numbers, figures, number_backed, numberish, remainders
from rag.verifier.scorer import SupportScorer
from rag.verifier.tokens import tokenize

pytestmark = pytest.mark.unit


def test_a_plural_scale_word_is_backed_by_a_figure_in_its_range():
    assert number_backed("dozens", {"56", "200"})  # Wikinews wn-115: "killed dozens" for 56 deaths
    assert number_backed("hundreds", {"56", "200"})
    assert not number_backed("dozens", {"12", "150"})
    assert not number_backed("thousands", {"56", "200"})
    assert number_backed("thousands", {"thousands"})
    assert number_backed("56", {"56"}) and not number_backed("57", {"56"})


def test_each_number_counts_the_word_after_it():
    text = "Twelve government soldiers and 20 IS fighters were killed."
    assert counted_numbers(tokenize(text), text) == {"12": {"govern"}, "20": {"fighter"}}


def test_a_unit_counts_as_its_one_name_written_apart_or_against_the_number():
    text = "Palmyra, 185km (115 miles) southwest of Deir al-Zor, fell."
    assert counted_numbers(tokenize(text), text) == {"185": {"km"}, "115": {"mile"}}
    text = "The road runs 40 kilometres east."
    assert counted_numbers(tokenize(text), text) == {"40": {"km"}}


def test_figures_hold_numbers_and_years():
    assert figures(extract_facts("In 2017, 310,000 people had died.")) == {"2017", "310000"}
    assert numberish("twelve") and numberish("million") and numberish("2017") and not numberish("talks")


def test_all_but_some_of_a_whole_leaves_a_count():
    assert remainders("All but one of the sixteen on board died.") == {"15"}
    assert remainders("all but 2 of its 40 stores closed") == {"38"}
    assert remainders("It was all but certain. All but one of them left.") == set()
    crash = "A cargo plane crashed into houses in Karaj. All but one of the sixteen on board died."
    scorer = SupportScorer()
    assert scorer.score("In Karaj, 15 of the sixteen on board died.", [crash]).supported
    assert not scorer.score("In Karaj, 14 of the sixteen on board died.", [crash]).supported
