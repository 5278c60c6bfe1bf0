"""A sentence listing names, read one name at a time (rag/verifier/lists.py)."""

from __future__ import annotations

import pytest

from rag.verifier.lists import list_variants

pytestmark = pytest.mark.unit


def test_each_listed_name_gets_the_rest_of_the_sentence_and_the_count_is_left_out():
    claim = (
        "The archive reported fighting between IS and government forces in two Syrian provinces: "
        "Homs and Deir Ezzor."
    )
    assert list_variants(claim) == [
        ("The archive reported fighting between IS and government forces in Syrian provinces: Homs.", "Homs"),
        (
            "The archive reported fighting between IS and government forces in Syrian provinces: Deir Ezzor.",
            "Deir Ezzor",
        ),
    ]


def test_a_list_with_commas_is_split_at_each_comma_although_names_run_across_them():
    assert [v for v, _ in list_variants("The three countries were Turkey, Russia and Iran.")] == [
        "The countries were Turkey.",
        "The countries were Russia.",
        "The countries were Iran.",
    ]
    assert list_variants("Russia, Turkey, and Iran brokered the talks.") == [
        ("Russia brokered the talks.", "Russia"),
        ("Turkey brokered the talks.", "Turkey"),
        ("Iran brokered the talks.", "Iran"),
    ]


def test_a_number_that_counts_something_else_stays():
    assert [v for v, _ in list_variants("Two people were killed in Homs and Aleppo.")] == [
        "Two people were killed in Homs.",
        "Two people were killed in Aleppo.",
    ]
    # The count differs from the list's length: the list is part of what is counted.
    assert list_variants("Three countries were Turkey and Iran.")[0][0] == "Three countries were Turkey."


@pytest.mark.parametrize(
    "claim",
    [
        "Talks between Russia and Turkey began in Astana.",  # one relation, not a list
        "Both Russia and Turkey back the talks.",
        "Clashes in Homs, Syria killed 20 fighters.",  # a place and its country
        "Deir al-Zour is besieged, and Raqqa is the capital.",  # two clauses
        "Twelve soldiers were killed in Deir Ezzor.",  # one name
        "No names here at all.",
    ],
)
def test_no_list_no_variants(claim):
    assert list_variants(claim) == []
