"""Qualifiers kept: a backed figure keeps the "at least" its backing sentences give it."""

from __future__ import annotations

import pytest

from rag.verifier.qualifiers import restore

pytestmark = pytest.mark.unit

BBC = "The Syrian Observatory said the city had been hit by at least six explosions since Saturday morning."
AFP = "Around 200,000 people live in Deir Ezzor city, which has been besieged by IS since early 2015."


def test_a_bare_figure_gets_the_qualifier_of_its_passage():
    assert restore(["Six explosions hit the city"], [BBC]) == ["At least six explosions hit the city"]
    assert restore(["The city was hit by six explosions"], [BBC]) == [
        "The city was hit by at least six explosions"
    ]
    assert restore(["200,000 people live in Deir Ezzor"], [AFP]) == [
        "Around 200,000 people live in Deir Ezzor"
    ]


def test_a_figure_with_words_of_its_own_is_left_as_written():
    assert restore(["About 200,000 people live there"], [AFP]) == ["About 200,000 people live there"]
    assert restore(["Only six explosions hit"], [BBC]) == ["Only six explosions hit"]


def test_nothing_is_added_when_the_passages_write_the_figure_bare_or_differently():
    both = ["at least 28 regime forces were killed", "the army said 28 soldiers died"]
    assert restore(["28 soldiers died"], both) == ["28 soldiers died"]
    assert restore(["Seven explosions hit"], [BBC]) == ["Seven explosions hit"]


def test_years_and_prepositions_are_not_qualifiers():
    assert restore(["IS has besieged the city since 2015"], ["since about 2015"]) == [
        "IS has besieged the city since 2015"
    ]
    talks = "The delegates talked about two issues over three days."
    assert restore(["The delegates raised two issues in three days"], [talks]) == [
        "The delegates raised two issues in three days"
    ]


def test_pieces_between_citations_are_read_in_order():
    backing = ["Twelve soldiers and at least 20 IS fighters were killed."]
    assert restore(["Twelve soldiers", " and 20 fighters were killed"], backing) == [
        "Twelve soldiers",
        " and at least 20 fighters were killed",
    ]


def test_an_ambiguous_word_is_put_back_where_the_passage_hedges_the_figure_with_it():
    # Wikinews wn-019: "Reportedly over 400 firefighters ..." was shown as "400 firefighters ..."
    notre_dame = "Reportedly over 400 firefighters fought the blaze and were still working at midnight."
    assert restore(["400 firefighters fought the blaze"], [notre_dame]) == [
        "Over 400 firefighters fought the blaze"
    ]
    assert restore(["There were 400 people"], ["There were over 400 people."]) == [
        "There were over 400 people"
    ]
    assert restore(["400 people came"], ["Some 400 people came."]) == ["Some 400 people came"]


def test_an_ambiguous_word_after_a_verb_or_before_a_span_of_time_is_not_a_qualifier():
    assert restore(["They fought two towns"], ["They fought over two towns."]) == ["They fought two towns"]
    assert restore(["It lasted three days"], ["It lasted over three days."]) == ["It lasted three days"]
    # written bare once, hedged once: nothing is added
    mixed = ["Over 400 firefighters came.", "Then 400 firefighters left."]
    assert restore(["400 firefighters came"], mixed) == ["400 firefighters came"]
