"""Filter semantics shared by the keyword mask and the per-passage check."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from rag.retrieval.hybrid import KeywordIndex
from rag.types import Filters
from tests.rag.retrieval.helpers import passage

pytestmark = pytest.mark.unit

PASSAGES = [
    passage("a:0", text="Astana talks", date=dt.date(2017, 1, 16), source="AFP"),
    passage("b:0", text="Astana talks", date=dt.date(2020, 7, 4), source="The National"),
    passage("c:0", text="Astana talks", date=None, source="afp"),
    passage("d:0", text="Astana talks", date=dt.date(2017, 12, 31), source=None),
]

CASES = [
    (Filters(), [True, True, True, True]),
    (Filters(until=dt.date(2017, 12, 31)), [True, False, False, True]),
    (Filters(since=dt.date(2020, 1, 1)), [False, True, False, False]),
    (Filters(since=dt.date(2017, 1, 16), until=dt.date(2017, 1, 16)), [True, False, False, False]),
    (Filters(sources=["AFP"]), [True, False, True, False]),
    (Filters(sources=[" the national "]), [False, True, False, False]),
    (Filters(article_ids=["b", "d"]), [False, True, False, True]),
    (Filters(sources=["afp"], until=dt.date(2018, 1, 1)), [True, False, False, False]),
]


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_mask_and_per_passage_check_agree(filters: Filters, expected: list[bool]) -> None:
    index = KeywordIndex.build("r1", PASSAGES)
    mask = index.mask(filters)
    assert (np.ones(len(PASSAGES), bool) if mask is None else mask).tolist() == expected
    assert [filters.admits(p) for p in PASSAGES] == expected


def test_no_filters_means_no_mask() -> None:
    index = KeywordIndex.build("r1", PASSAGES)
    assert index.mask(None) is None and index.mask(Filters()) is None
    assert index.stored_sources == {"AFP", "The National", "afp"}


def test_the_store_gets_the_same_restrictions_as_a_chroma_where_clause() -> None:
    assert Filters().chroma_where() is None
    assert Filters(sources=["AFP"]).chroma_where() == {"source": {"$in": ["AFP"]}}
    assert Filters(
        since=dt.date(2017, 1, 16), until=dt.date(2017, 12, 31), article_ids=["b"]
    ).chroma_where() == {
        "$and": [
            {"date": {"$gte": 20170116}},
            {"date": {"$lte": 20171231}},
            {"article_id": {"$in": ["b"]}},
        ]
    }
