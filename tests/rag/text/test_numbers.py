"""Numbers as news text writes them."""

from __future__ import annotations

import pytest

from rag.text.numbers import attached_unit, count_value, digit_values, unit_of

pytestmark = pytest.mark.unit


def test_numbers_as_written() -> None:
    assert digit_values("310,000 killed, 1.5 more, 2017") == {310000.0, 1.5, 2017.0}
    assert count_value("Twelve", None) == 12
    assert count_value("1,200", None) == 1200
    assert count_value("1.5", "million") == 1_500_000
    assert count_value("a  dozen", None) is None


def test_a_unit_has_one_name_however_it_is_written():
    assert unit_of("kilometres") == unit_of("km") == unit_of("Kilometers") == "km"
    assert unit_of("miles") == unit_of("mi") == "mile"
    assert unit_of("pounds") is None and unit_of("m") is None  # a currency; a million
    assert attached_unit("185km") == "km" and attached_unit("5,000ft") == "foot"
    assert attached_unit("5pm") is None and attached_unit("185") is None and attached_unit("5m") is None
