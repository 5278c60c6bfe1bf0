"""Duplicate groups collapse to one source with the other articles as corroboration."""

from __future__ import annotations

import pytest

from rag.retrieval.collapse import collapse_duplicates
from rag.types import Passage
from tests.rag.retrieval.helpers import passage

pytestmark = pytest.mark.unit


def test_best_ranked_copy_kept_others_corroborate() -> None:
    candidates = [
        passage("002:3", group_id="g"),
        passage("001:1"),
        passage("000:7", group_id="g"),
        passage("003:2", group_id="g"),
    ]
    sources = collapse_duplicates(candidates)
    assert [s.number for s in sources] == [1, 2]
    assert sources[0].passage.chunk_id == "002:3"
    assert [p.article_id for p in sources[0].corroborating] == ["000", "003"]
    assert sources[1].passage.chunk_id == "001:1" and sources[1].corroborating == []


def test_unretrieved_group_members_are_added_once_per_article() -> None:
    looked_up: list[list[str]] = []

    def members(groups: list[str]) -> dict[str, list[Passage]]:
        looked_up.append(groups)
        return {
            "g": [
                passage("002:3", group_id="g"),
                passage("000:7", group_id="g"),
                passage("003:2", group_id="g"),
            ],
            "h": [passage("001:4", group_id="h"), passage("001:5", group_id="h")],
        }

    candidates = [
        passage("000:7", group_id="g"),
        passage("001:4", group_id="h"),
        passage("002:3", group_id="g"),
    ]
    sources = collapse_duplicates(candidates, members)
    assert looked_up == [["g", "h"]]
    assert [p.chunk_id for p in sources[0].corroborating] == ["002:3", "003:2"]
    # Group h only holds chunks of the source's own article: nothing corroborates it.
    assert sources[1].corroborating == []


def test_second_chunk_of_the_same_article_in_a_group_adds_nothing() -> None:
    candidates = [
        passage("000:1", group_id="g"),
        passage("000:2", "000", group_id="g"),
        passage("002:1", group_id="g"),
    ]
    sources = collapse_duplicates(candidates)
    assert len(sources) == 1
    assert [p.chunk_id for p in sources[0].corroborating] == ["002:1"]


def test_ungrouped_passages_of_one_article_stay_separate() -> None:
    sources = collapse_duplicates([passage("000:1"), passage("000:2", "000", start=500)])
    assert [s.passage.chunk_id for s in sources] == ["000:1", "000:2"]


def test_no_lookup_when_nothing_is_grouped() -> None:
    def members(groups: list[str]) -> dict[str, list[Passage]]:
        raise AssertionError("group lookup called without groups")

    assert len(collapse_duplicates([passage("a:0")], members)) == 1
    assert collapse_duplicates([], members) == []


ARTICLE = "One. Two. Three. Four. Five."


def piece(chunk_id: str, start: int, end: int, **kw) -> Passage:
    return passage(chunk_id, "art", text=ARTICLE[start:end], start=start, **kw)


def test_lower_ranked_overlapping_chunk_loses_the_shared_sentences() -> None:
    first = piece("art:1", 10, 22, group_id="g1", score=0.9)  # "Three. Four."
    second = piece("art:0", 0, 16, group_id="g0")  # "One. Two. Three."
    other = passage("zz:0", group_id="g2")
    sources = collapse_duplicates([first, other, second])
    assert [s.number for s in sources] == [1, 2, 3]
    assert sources[0].passage == first
    trimmed = sources[2].passage
    assert (trimmed.chunk_id, trimmed.text, trimmed.start, trimmed.end) == ("art:0", "One. Two.", 0, 9)
    assert ARTICLE[trimmed.start : trimmed.end] == trimmed.text


def test_later_chunk_keeps_what_follows_the_better_one() -> None:
    sources = collapse_duplicates([piece("art:0", 0, 16), piece("art:1", 10, 22)])
    trimmed = sources[1].passage
    assert (trimmed.text, trimmed.start, trimmed.end) == ("Four.", 17, 22)
    assert ARTICLE[17:22] == "Four."


def test_contained_chunk_is_dropped_and_its_corroboration_moves_up() -> None:
    outer = piece("art:0", 0, 22, group_id="g0")
    inner = piece("art:1", 5, 10, group_id="g1")
    after = piece("art:2", 22, len(ARTICLE))  # touches but does not overlap: stays
    sources = collapse_duplicates([outer, inner, after, passage("x:0", group_id="g1")])
    assert [(s.passage.start, s.passage.end) for s in sources] == [(0, 22), (22, len(ARTICLE))]
    assert [s.number for s in sources] == [1, 2]
    assert [p.article_id for p in sources[0].corroborating] == ["x"]


def test_chunk_containing_a_better_one_keeps_its_longer_side() -> None:
    sources = collapse_duplicates([piece("art:1", 5, 9), piece("art:0", 0, 28)])
    kept = sources[1].passage
    assert (kept.text, kept.start, kept.end) == (ARTICLE[10:28], 10, 28)
