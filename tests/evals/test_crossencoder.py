"""The cross-encoder candidate's training pairs, and its command without torch.

Training itself needs a CPU torch, which the product does not install; the pairs it learns from are
plain Python and are checked here: each edit makes a claim the window does not back, each kept or
shortened claim is still backed.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter

import pytest

from evals.crossencoder.__main__ import main
from evals.crossencoder.perturb import (
    archive_pairs,
    day_as_count,
    edit,
    names,
    read_archive,
    scoped,
    shorten,
    turned_bounds,
    windows,
)

pytestmark = pytest.mark.unit

WINDOW = (
    "Rescuers found 39 bodies in Magnitogorsk on Monday. Vladimir Putin visited the city. "
    "The building was not insured, officials said."
)
ARTICLE = (
    "An apartment building collapsed on Monday in Magnitogorsk, a city in the Ural region of Russia. "
    "A suspected gas leak led to an explosion, followed by the ten-storey building coming down. "
    "A total of 39 are confirmed dead, officials told state media, adding that 17 people were rescued. "
    "Vladimir Putin met Emergencies Minister Yevgeny Zinichev in the city on Tuesday. "
    "The building was not insured, and residents had complained about gas in 2018. "
    "Rescue teams worked through the night in temperatures that fell to minus 20 degrees. "
    "The city's mayor, Sergei Berdnikov, said 110 residents had been moved to a school. "
    "Investigators from Moscow arrived on Wednesday to examine the site."
)


def test_windows_are_runs_of_three_sentences() -> None:
    found = windows(["One is here. Two is here. Three is here. Four is here.", "Short one. Two."])
    assert found == [
        "One is here. Two is here. Three is here.",
        "Two is here. Three is here. Four is here.",
        "Short one. Two.",
    ]


def test_names_skip_the_opening_word_and_calendar_words() -> None:
    found = [
        text for _, _, text in names("The city of Magnitogorsk saw Vladimir Putin on Monday in January.")
    ]
    assert found == ["Magnitogorsk", "Vladimir Putin"]


def test_each_edit_makes_a_claim_the_window_does_not_back() -> None:
    rng = random.Random(0)
    sentence = "Rescuers found 39 bodies in Magnitogorsk on Monday."
    name = edit(sentence, "name", WINDOW, ["Moscow", "Magnitogorsk"], [], rng)
    assert name == "Rescuers found 39 bodies in Moscow on Monday."
    number = edit(sentence, "number", WINDOW, [], ["17", "39"], rng)
    assert number == "Rescuers found 17 bodies in Magnitogorsk on Monday."
    date = edit(sentence, "date", WINDOW, [], [], rng)
    assert (
        date is not None
        and "Monday" not in date
        and date.replace(date.split()[-1], "") == sentence.replace("Monday.", "")
    )
    assert (
        edit("The building was not insured.", "negation", WINDOW, [], [], rng) == "The building was insured."
    )
    assert edit("The toll rose overnight, he said.", "negation", WINDOW, [], [], rng) is None
    assert edit("The toll rose overnight.", "opposite", WINDOW, [], [], rng) == "The toll fell overnight."
    roles = edit("Vladimir Putin met Yevgeny Zinichev in Moscow.", "roles", WINDOW, [], [], rng)
    assert roles is not None and roles != "Vladimir Putin met Yevgeny Zinichev in Moscow."
    assert sorted(n for _, _, n in names(roles)) == ["Moscow", "Vladimir Putin", "Yevgeny Zinichev"]


def test_an_edit_that_the_window_would_back_is_not_made() -> None:
    rng = random.Random(0)
    # Every other number of the article is in the window too: no number edit from the article.
    assert edit("Rescuers found 39 bodies.", "number", "39 bodies and 40 more.", [], ["39", "40"], rng) != (
        "Rescuers found 40 bodies."
    )
    assert (
        edit(
            "Rescuers found bodies in Magnitogorsk.",
            "name",
            WINDOW,
            ["Magnitogorsk", "Vladimir Putin"],
            [],
            rng,
        )
        is None
    )


def test_shortened_claims_keep_only_words_of_the_sentence() -> None:
    rng = random.Random(0)
    sentence = "The mayor, Sergei Berdnikov, said 110 residents (most of them elderly) had been moved, officials said."
    seen = set()
    for _ in range(40):
        short = shorten(sentence, rng)
        assert short is not None and short != sentence
        extra = set(re.findall(r"[a-z0-9]+", short.lower())) - set(re.findall(r"[a-z0-9]+", sentence.lower()))
        assert extra <= {"stated", "reported", "announced"}, short
        seen.add(short)
    assert len(seen) > 2


def test_article_pairs_balance_labels_and_keep_supported_claims_in_their_window() -> None:
    pairs = archive_pairs([ARTICLE] * 4, seed=3, per_article=8)
    kinds = Counter(p.kind for p in pairs)
    assert kinds["copy"] + kinds["short"] == 32
    assert sum(1 for p in pairs if p.label == 0) >= 32
    for pair in pairs:
        if pair.kind == "copy":
            assert pair.claim in pair.window
        if pair.label == 0:
            assert pair.claim not in pair.window.split(". ")
            assert pair.claim not in pair.window


def test_read_archive_names_a_bad_line(tmp_path) -> None:
    export = tmp_path / "articles.jsonl"
    export.write_text('{"text": "One."}\n["not", "an", "object"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"articles.jsonl, line 2"):
        read_archive(export)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("First article.", encoding="utf-8")
    (folder / "b.md").write_text("Second article.", encoding="utf-8")
    (folder / "c.pdf").write_bytes(b"%PDF")
    assert read_archive(folder) == ["First article.", "Second article."]


def test_without_torch_the_command_says_what_to_install(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    export = tmp_path / "articles.jsonl"
    export.write_text(f'{{"text": "{ARTICLE}"}}\n', encoding="utf-8")
    assert main(["--archive", str(export), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "needs a CPU torch" in error and "crossencoder" in error
    assert not (tmp_path / "out" / "report.json").exists()


@pytest.mark.unit
def test_each_bounded_figure_is_turned_round_once() -> None:
    sentence = (
        "More than 50 fighters and at least three civilians died over two days, said over 20 witnesses."
    )
    assert turned_bounds(sentence) == [
        "Fewer than 50 fighters and at least three civilians died over two days, said over 20 witnesses.",
        "More than 50 fighters and at most three civilians died over two days, said over 20 witnesses.",
        "More than 50 fighters and at least three civilians died under two days, said over 20 witnesses.",
        "More than 50 fighters and at least three civilians died over two days, said under 20 witnesses.",
    ]
    assert turned_bounds("The talks went on over the years without a result.") == []


@pytest.mark.unit
def test_a_scope_word_is_put_before_a_name_and_before_a_plural() -> None:
    assert scoped("Police said the rebels were arrested by the United Nations.") == [
        "Police said the rebels were arrested by only the United Nations.",
        "Police said all the rebels were arrested by the United Nations.",
    ]
    assert scoped("The talks were organised by Turkey.") == ["The talks were organised by only Turkey."]
    assert scoped("The boss said the previous plan failed.") == []  # no name, no plural
    assert scoped("Only Turkey said all the talks failed.") == []  # a scope word already


@pytest.mark.unit
def test_a_count_is_replaced_by_a_day_the_passage_writes_only_as_a_day() -> None:
    passage = "On March 14, police said 9 people died. In 2019, 4 fled."
    assert day_as_count("Police said 9 people died.", passage) == ["Police said 14 people died."]
    # a year, a date's own numbers, a time or a share are no counts
    assert day_as_count("The army moved on November 15, 2017, with 9 tanks.", passage) == [
        "The army moved on November 15, 2017, with 14 tanks."
    ]
    assert day_as_count("Spread over May 24 to 26, at 3 p.m., 25.7% voted.", passage) == []
    # a day the passage also writes as a count, in digits or words, backs the count
    assert day_as_count("Police said 9 people died.", "On March 3, police said three people died.") == []
