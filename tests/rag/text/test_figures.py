"""Counted figures: how many of what, and what happened to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.text.figures import asked_categories, extract_figures, predicates

pytestmark = pytest.mark.unit


def corpus_text(corpus_dir: Path, prefix: str) -> str:
    return next(corpus_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_extracts_counts_with_what_they_count_and_skips_dates_and_distances(corpus_dir):
    facts = extract_figures(corpus_text(corpus_dir, "001"))
    found = {(f.value, f.category, f.predicate) for f in facts}
    assert (12, "government forces", "killed") in found
    assert (20, "IS fighters", "killed") in found
    assert (2, "civilians", "killed") in found
    assert (200000, "people", "live") in found
    text = "Last month it recaptured Palmyra, 185km (115 miles) away. Talks begin on January 23, 2017, after a six-year-old war."
    assert extract_figures(text) == []


def test_figures_keep_their_hedge_scale_and_noun_phrase() -> None:
    facts = extract_figures("At least 1.5 million people live there. Some 28 from the army died.")
    assert [(f.value, f.phrase, f.key) for f in facts] == [
        (1_500_000, "At least 1.5 million people", ("people", "live")),
        (28, "Some 28 from the army", ("government forces", "killed")),
    ]


def test_questions_name_predicates_and_only_narrow_categories_on_how_many() -> None:
    assert predicates("How many were killed or wounded?") == ["killed", "wounded"]
    assert asked_categories("How many soldiers were killed?") == {"government forces"}
    assert asked_categories("How many people died in the IS attack?") == set()
