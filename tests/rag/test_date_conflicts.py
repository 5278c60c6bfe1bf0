"""Days of the same event that sources give differently; days of other events are left alone."""

from __future__ import annotations

import datetime as dt

import pytest

from rag.date_conflicts import find
from rag.types import Passage, Source

pytestmark = pytest.mark.unit


def make_source(number: int, text: str, outlet: str, date: dt.date | None) -> Source:
    passage = Passage(
        chunk_id=f"a{number}:0", article_id=f"a{number}", text=text, start=0, end=len(text),
        source=outlet, date=date, title=f"Article {number}",
    )  # fmt: skip
    return Source(number=number, passage=passage)


def talks(number: int, day: int, outlet: str, date: dt.date = dt.date(2017, 1, 17)) -> Source:
    text = f"The talks, beginning on January {day} in the Kazakh capital Astana, are set to build on a truce."
    return make_source(number, text, outlet, date)


def test_another_day_for_the_same_talks_is_reported() -> None:
    (finding,) = find(
        ["The Astana talks begin on January 25."], [talks(1, 25, "Observer"), talks(2, 23, "AFP")]
    )
    assert not finding.withdraw and finding.numbers == [1, 2]
    assert finding.report == (
        "Sources differ on the date: AFP (2017-01-17) [2] gives January 23, "
        "while Observer (2017-01-17) [1] gives January 25."
    )


def test_a_debate_in_another_city_is_another_event() -> None:
    """Wikinews, October 2020: the debate "scheduled for October 15 in Miami" against the one "held
    October 24 in Cheyenne" was reported as a disagreement on the date."""
    miami = make_source(
        1,
        "The second presidential debate, scheduled for October 15 in Miami, would be conducted virtually.",
        "Wikinews",
        dt.date(2020, 10, 12),
    )
    cheyenne = make_source(
        2,
        "At the final presidential debate held October 24 in Cheyenne, Wyoming, the candidates took ten questions.",
        "Wikinews",
        dt.date(2020, 11, 2),
    )
    assert find(["The second presidential debate was scheduled for October 15 [1]."], [miami, cheyenne]) == []


def test_the_same_day_of_the_month_in_another_year_is_another_event() -> None:
    later = talks(2, 23, "AFP", dt.date(2020, 1, 20))  # the same words, three years on
    assert find(["The Astana talks begin on January 25."], [talks(1, 25, "Observer"), later]) == []
