"""Numbers as news text writes them."""

from __future__ import annotations

import pytest

from rag.text.numbers import count_value, digit_values

pytestmark = pytest.mark.unit


def test_numbers_as_written() -> None:
    assert digit_values("310,000 killed, 1.5 more, 2017") == {310000.0, 1.5, 2017.0}
    assert count_value("Twelve", None) == 12
    assert count_value("1,200", None) == 1200
    assert count_value("1.5", "million") == 1_500_000
    assert count_value("a  dozen", None) is None
