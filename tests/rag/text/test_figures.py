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


def test_a_figure_takes_its_scene_from_the_nearest_place_named_before_it() -> None:
    text = (
        "Fighting has killed dozens in Deir al-Zor, a monitor said. "
        "The dead comprised 28 from the army and 14 civilians. "
        "In Homs, 20 pro-government fighters were killed."
    )
    facts = extract_figures(text, title="Dozens dead in Syria")
    assert [(f.value, f.scene) for f in facts] == [(28, {"deir"}), (14, {"deir"}), (20, {"homs"})]
    assert extract_figures("The dead comprised 28 soldiers.", title="Clashes in Homs")[0].scene == {"homs"}


def test_a_running_total_is_placed_by_its_own_sentence_only() -> None:
    text = "Fighting raged in Deir al-Zor. More than 310,000 people have been killed since protests erupted in 2011."
    (toll,) = extract_figures(text)
    assert toll.running and toll.scene == {"deir"} and toll.places == frozenset()


def test_a_figure_belongs_to_the_words_of_its_clause() -> None:
    (airport,) = extract_figures(
        "Prague airport will spend 2.4 billion crowns on a new terminal, the operator said."
    )
    assert airport.phrase == "2.4 billion crowns" and airport.key == ("crown", "")
    assert airport.owner == {"prag", "airp", "spen", "term"}


def test_labels_times_and_speeds_are_not_counts_and_a_phrase_ends_with_its_clause() -> None:
    text = (
        "A Category 3 hurricane struck at 0930 UTC with winds of 120 mph. It was amended at 3:24:55 today. "
        "The shelling killed 25 civilians, officials said."
    )
    assert [(f.value, f.phrase) for f in extract_figures(text)] == [(25, "25 civilians")]


def test_each_figure_takes_the_fate_nearest_to_it() -> None:
    text = "The blast killed 3 people and wounded 12 others. It has infected over 200 people and killed three people."
    assert [(f.value, f.predicate) for f in extract_figures(text)] == [
        (3, "killed"),
        (12, "wounded"),
        (200, "infected"),
        (3, "killed"),
    ]
