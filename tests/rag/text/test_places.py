"""Where a sentence says something happened."""

from __future__ import annotations

import pytest

from rag.text.places import place_keys, place_names, placed_elsewhere, same_place

pytestmark = pytest.mark.unit


def test_names_after_locative_words_are_places_and_spellings_meet() -> None:
    assert place_names("Fighting has killed dozens in Deir al-Zor, where the group attacked") == [
        "Deir al-Zor"
    ]
    assert place_keys("the eastern Syrian city of Deir al-Zour") == {"deir", "zour"}
    assert place_keys("Around 200,000 people live in Deir Ezzor city") == {"deir", "ezzo"}
    assert place_keys("air strikes in the central desert province of Homs since late Thursday") == {"homs"}
    assert place_keys("beginning on January 23 in the Kazakh capital Astana") == {"kaza", "asta"}


def test_months_weekdays_acronyms_and_common_words_are_not_places() -> None:
    assert place_keys("Dozens killed in ISIS and regime clashes in Syria on Monday, in January") == {"syri"}
    assert place_keys("in the fighting, at least 28 were killed in two days") == frozenset()
    assert place_keys("in the United States and the United Kingdom") == frozenset()  # unknown, not equal


def test_places_differ_only_when_both_are_named() -> None:
    homs, deir = place_keys("in Homs"), place_keys("in Deir al-Zor")
    assert not same_place(homs, deir)
    assert same_place(deir, place_keys("in Deir Ezzor"))
    assert same_place(homs, frozenset())


def test_a_sentence_about_another_place_is_placed_elsewhere():
    turkey = place_keys("How many Syrian refugees live in Turkey?")
    assert placed_elsewhere(turkey, "There are around 200,000 people living in Deir Ezzor city [2].")
    assert not placed_elsewhere(
        turkey, "Around 3.5 million refugees live in Turkish cities [1]."
    )  # a form of it
    assert not placed_elsewhere(turkey, "Around 3.5 million refugees live there [1].")  # no place: unknown
    deir = place_keys("How many people live in Deir al-Zour?")
    assert not placed_elsewhere(
        deir, "Around 200,000 people live in Deir Ezzor city [2]."
    )  # another spelling
    assert not placed_elsewhere(frozenset(), "Around 200,000 people live in Deir Ezzor city [2].")
