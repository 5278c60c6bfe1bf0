"""Form handling of the chat UI that needs no models: filters and upload copies."""

from __future__ import annotations

import datetime as dt

import pytest

from rag.text.dates import TypedDateError
from ui.app import parse_filters

pytestmark = pytest.mark.unit


def test_empty_filters_restrict_nothing():
    assert parse_filters("", "  ", []) is None
    assert parse_filters(None, None, None) is None


def test_filters_carry_dates_and_sources():
    filters = parse_filters("2017-01-01", "2017-01-31", ["AFP", ""])
    assert filters.since == dt.date(2017, 1, 1)
    assert filters.until == dt.date(2017, 1, 31)
    assert filters.sources == ["AFP"]
    assert parse_filters("", "", "Reuters").sources == ["Reuters"]


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("17/01/2017", "", "Since date '17/01/2017' is not in the form YYYY-MM-DD"),
        ("", "2017-02-30", "Until date '2017-02-30' is not a real date"),
        ("2017-02-01", "2017-01-01", "Since date 2017-02-01 is after until date 2017-01-01"),
    ],
)
def test_bad_dates_get_a_message_that_says_what_to_fix(since, until, message):
    with pytest.raises(TypedDateError) as caught:
        parse_filters(since, until, [])
    assert message in str(caught.value)
