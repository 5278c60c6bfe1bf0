"""How a source is named in the sentence that reports a disagreement."""

from __future__ import annotations

import datetime as dt

import pytest

from rag.conflict_report import join_and, source_label
from rag.types import Passage, Source

pytestmark = pytest.mark.unit


def make_source(number: int, publisher: str | None, date: dt.date | None) -> Source:
    fields = {"chunk_id": f"c{number}", "article_id": f"a{number}", "text": "Text.", "start": 0, "end": 5}
    passage = Passage(**fields, source=publisher, date=date, title=f"Article {number}")
    return Source(number=number, passage=passage)


def test_a_source_is_named_by_outlet_then_dateline_then_quoted_title() -> None:
    """A lead-sentence title named bare ran into the sentence that names it; a dateline reads as a name."""
    day = dt.date(2017, 1, 17)
    outlet = make_source(1, "AFP", day)
    assert source_label(outlet) == "AFP (2017-01-17)"
    lead_titled = make_source(2, None, day)
    lead_titled.passage.dateline = "BEIRUT"
    lead_titled.passage.title = "Fighting between Islamic State and the Syrian army has killed dozens"
    assert source_label(lead_titled) == "a report from Beirut (2017-01-17)"
    titled = make_source(3, None, None)
    assert source_label(titled) == "“Article 3”"
    titled.passage.title = None
    assert source_label(titled) == "source 3"


def test_names_are_joined_with_commas_and_a_final_and() -> None:
    assert join_and(["A"]) == "A"
    assert join_and(["A", "B"]) == "A and B"
    assert join_and(["A", "B", "C"]) == "A, B and C"
