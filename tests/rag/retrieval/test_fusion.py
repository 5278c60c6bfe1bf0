"""Reciprocal rank fusion on crafted rankings."""

from __future__ import annotations

import pytest

from rag.retrieval.fusion import reciprocal_rank_fusion
from tests.rag.retrieval.helpers import passage

pytestmark = pytest.mark.unit


def ids(passages) -> list[str]:
    return [p.chunk_id for p in passages]


def test_item_in_both_lists_beats_items_in_one() -> None:
    dense = [passage("a:0"), passage("b:0"), passage("c:0")]
    keyword = [passage("d:0"), passage("c:0"), passage("e:0")]
    fused = reciprocal_rank_fusion([dense, keyword], k=60)
    assert ids(fused)[0] == "c:0"
    assert fused[0].score == pytest.approx(1 / 63 + 1 / 62)
    assert ids(fused) == ["c:0", "a:0", "d:0", "b:0", "e:0"]


def test_scores_follow_the_formula_and_k_changes_the_balance() -> None:
    dense = [passage("a:0"), passage("b:0"), passage("c:0"), passage("x:0")]
    keyword = [passage("x:0")]
    # With a small k the top rank of one list dominates; with a large k agreement wins.
    assert ids(reciprocal_rank_fusion([dense, keyword], k=0))[0] == "x:0"  # 1/4 + 1/1
    assert ids(reciprocal_rank_fusion([dense, keyword], k=1))[0] == "x:0"
    fused = reciprocal_rank_fusion([[passage("a:0"), passage("x:0")], [passage("b:0")]], k=60)
    assert [round(p.score, 6) for p in fused] == [round(1 / 61, 6), round(1 / 61, 6), round(1 / 62, 6)]


def test_ties_break_by_best_rank_then_list_order() -> None:
    dense = [passage("a:0"), passage("b:0")]
    keyword = [passage("c:0"), passage("d:0")]
    # a and c tie (rank 1 each), b and d tie (rank 2 each): dense list first within a tie.
    assert ids(reciprocal_rank_fusion([dense, keyword], k=60)) == ["a:0", "c:0", "b:0", "d:0"]
    assert ids(reciprocal_rank_fusion([keyword, dense], k=60)) == ["c:0", "a:0", "d:0", "b:0"]


def test_one_or_both_lists_empty() -> None:
    dense = [passage("a:0"), passage("b:0")]
    assert ids(reciprocal_rank_fusion([dense, []], k=60)) == ["a:0", "b:0"]
    assert ids(reciprocal_rank_fusion([[], dense], k=60)) == ["a:0", "b:0"]
    assert reciprocal_rank_fusion([[], []], k=60) == []
    assert reciprocal_rank_fusion([], k=60) == []


def test_same_text_in_two_articles_stays_two_candidates() -> None:
    shared = "Around 200,000 people live in Deir Ezzor city."
    dense = [passage("002:5", text=shared), passage("003:4", text=shared)]
    fused = reciprocal_rank_fusion([dense, list(reversed(dense))], k=60)
    assert sorted(ids(fused)) == ["002:5", "003:4"]


def test_inputs_are_not_modified_and_metadata_is_kept() -> None:
    original = passage("a:0", score=0.83, source="AFP", group_id="g1")
    fused = reciprocal_rank_fusion([[original]], k=60)
    assert original.score == 0.83
    assert fused[0].score == pytest.approx(1 / 61)
    assert (fused[0].source, fused[0].group_id) == ("AFP", "g1")


def test_repeated_item_within_a_list_counts_once() -> None:
    fused = reciprocal_rank_fusion([[passage("a:0"), passage("a:0")]], k=60)
    assert len(fused) == 1 and fused[0].score == pytest.approx(1 / 61)


def test_negative_k_is_rejected() -> None:
    with pytest.raises(ValueError, match="rrf_k"):
        reciprocal_rank_fusion([[passage("a:0")]], k=-1)
