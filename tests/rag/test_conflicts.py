"""Conflict detection on the bundled corpus passages and on crafted cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rag.conflicts import detect, names_found
from rag.types import Passage, Source

pytestmark = pytest.mark.unit


def corpus_text(corpus_dir: Path, prefix: str) -> str:
    return next(corpus_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def excerpt(text: str, start: str, end: str | None = None) -> str:
    return text[text.index(start) : text.index(end) if end else None]


def make_source(number: int, text: str, publisher: str | None, date: dt.date | None) -> Source:
    passage = Passage(
        chunk_id=f"c{number}", article_id=f"a{number}", text=text, start=0, end=len(text),
        source=publisher, date=date, title=f"Article {number}",
    )  # fmt: skip
    return Source(number=number, passage=passage)


@pytest.fixture
def bbc(corpus_dir) -> Source:
    text = corpus_text(corpus_dir, "001")
    return make_source(
        1, excerpt(text, "Islamic State militants have", "The jihadists have"), "BBC News", None
    )


@pytest.fixture
def afp(corpus_dir) -> Source:
    text = corpus_text(corpus_dir, "002")
    return make_source(2, excerpt(text, "Around 200,000 people"), "AFP", dt.date(2017, 1, 16))


@pytest.fixture
def homs(corpus_dir) -> Source:
    text = corpus_text(corpus_dir, "004")
    return make_source(3, excerpt(text, "Clashes between", '"The fighting'), "The National", None)


def test_rival_tolls_for_one_attack_are_a_conflict_citing_both(bbc, afp, homs):
    question = "How many people were killed in the IS attack on Deir al-Zor?"
    answer = "Twelve government soldiers and 20 IS fighters were killed [1]."
    conflicts, sentences = detect(question, answer, [bbc, afp, homs], cited=[1])
    assert {c.topic for c in conflicts} == {
        "government forces killed",
        "IS fighters killed",
        "civilians killed",
    }
    assert all(c.kind == "conflict" for c in conflicts)
    soldiers = next(c for c in conflicts if c.topic == "government forces killed")
    assert [(s.source_number, s.value) for s in soldiers.sides] == [
        (1, "Twelve government soldiers"),
        (2, "at least 28 regime forces"),
    ]
    assert soldiers.sides[1].source == "AFP" and soldiers.sides[1].date == dt.date(2017, 1, 16)
    assert len(sentences) == 1
    text, cited = sentences[0]
    assert cited == [1, 2]
    assert text.startswith("Sources differ: BBC News [1] reports twelve government soldiers")
    assert "while AFP (2017-01-16) [2] reports at least 28 regime forces, 40 IS fighters" in text
    # The Homs clash (a different battle) is not a side, although it also counts government dead.
    assert all(side.source_number != 3 for c in conflicts for side in c.sides)


def test_same_figure_in_two_outlets_is_no_conflict(bbc, afp):
    question = "How many people live in Deir al-Zor city?"
    answer = "About 200,000 people live in Deir al-Zor city [1][2]."
    conflicts, sentences = detect(question, answer, [bbc, afp], cited=[1, 2])
    assert conflicts == [] and sentences == []


def test_same_number_in_different_words_is_no_conflict():
    a = make_source(1, "Twelve soldiers were killed in the attack on Deir al-Zor.", "BBC", None)
    b = make_source(2, "The attack on Deir al-Zor left 12 government troops dead.", "AFP", None)
    conflicts, _ = detect(
        "How many soldiers died in Deir al-Zor?", "Twelve soldiers were killed [1].", [a, b], [1]
    )
    assert conflicts == []


def test_changed_war_toll_years_apart_is_an_update_with_both_dates(corpus_dir):
    early = make_source(
        1, excerpt(corpus_text(corpus_dir, "000"), "Earlier this month, Syrian"), "AFP", dt.date(2017, 1, 17)
    )
    late = make_source(
        2, excerpt(corpus_text(corpus_dir, "004"), "Syria's war has killed", "Diplomatically"),
        "The National", dt.date(2020, 7, 4),
    )  # fmt: skip
    question = "How many people have been killed in Syria's war?"
    conflicts, sentences = detect(
        question, "More than 310,000 people have been killed [1].", [late, early], [1]
    )
    assert [c.kind for c in conflicts] == ["update"]
    assert [(s.value, s.date) for s in conflicts[0].sides] == [
        ("More than 310,000 people", dt.date(2017, 1, 17)),
        ("more than 380,000 people", dt.date(2020, 7, 4)),
    ]
    text, cited = sentences[0]
    # each figure with the month its report gave it, the older first, qualifiers kept
    assert text == (
        "The figure changed over time: AFP [1] reported more than 310,000 people killed by January 2017; "
        "a later report, The National [2], gives more than 380,000 people by July 2020."
    )
    assert cited == [1, 2]


def test_same_story_different_figures_is_a_conflict_even_with_close_dates():
    a = make_source(
        1, "Rebels said 40 civilians were killed in the Aleppo shelling.", "Reuters", dt.date(2016, 5, 3)
    )
    b = make_source(2, "The Aleppo shelling killed 25 civilians, officials said.", "AP", dt.date(2016, 5, 4))
    conflicts, sentences = detect(
        "How many civilians were killed in Aleppo?", "40 civilians were killed [1].", [a, b], [1]
    )
    assert [(c.kind, c.topic) for c in conflicts] == [("conflict", "civilians killed")]
    assert "Reuters (2016-05-03) [1] reports 40 civilians killed" in sentences[0][0]


def test_figures_unrelated_to_the_answer_are_not_reported(bbc, afp):
    question = "How many people live in Deir al-Zor city?"
    answer = "About 200,000 people live there [1]."
    conflicts, _ = detect(question, answer, [bbc, afp], cited=[1])
    assert conflicts == []  # the two outlets' death tolls differ, but the question is about residents


def test_a_different_quantity_of_the_same_kind_is_not_a_rival_figure():
    a = make_source(1, "At least 82 people have been killed in the fighting in Deir al-Zor.", "Reuters", None)
    b = make_source(
        2, "More than 310,000 people have been killed in Syria, Deir al-Zor included.", "AFP", None
    )
    conflicts, _ = detect(
        "How many people were killed in Deir al-Zor?", "At least 82 people died [1].", [a, b], [1]
    )
    assert conflicts == []


def test_pairs_of_uncited_sources_are_not_compared():
    a = make_source(1, "About 200,000 people live in Deir al-Zor.", "BBC", None)
    b = make_source(2, "Some 200,000 people live in Deir al-Zor.", "AFP", None)
    c = make_source(3, "Around 150,000 people live in Deir al-Zor.", "Other", None)
    conflicts, _ = detect("How many people live in Deir al-Zor?", "About 200,000 [1].", [a, b, c], [1])
    assert [tuple(s.source_number for s in c.sides) for c in conflicts] == [(1, 3)]


def test_outlets_that_agree_form_one_side_against_the_one_that_differs():
    beirut = make_source(
        1, "Fighting in Deir al-Zor killed 82 people, among them 14 civilians.", None, dt.date(2017, 1, 17)
    )
    bbc = make_source(2, "In Deir al-Zor at least two civilians were also killed.", "BBC News", None)
    afp = make_source(
        3, "The Deir al-Zor fighting killed at least 14 civilians.", "AFP", dt.date(2017, 1, 17)
    )
    question = "How many civilians were killed in the fighting in Deir al-Zor?"
    answer = "At least 14 civilians were killed in Deir al-Zor [1][3]."
    conflicts, sentences = detect(question, answer, [beirut, bbc, afp], cited=[1, 3])

    assert len(conflicts) == 1
    assert conflicts[0].topic == "civilians killed"
    assert sorted((s.source_number, s.value) for s in conflicts[0].sides) == [
        (1, "14 civilians"),
        (2, "at least two civilians"),
        (3, "at least 14 civilians"),
    ]
    assert len(sentences) == 1, sentences
    text, cited = sentences[0]
    assert sorted(cited) == [1, 2, 3]
    assert text.count("[2]") == 1 and text.count("[1]") == 1 and text.count("[3]") == 1
    # Beirut and AFP agree on 14, but AFP's "at least" is its own and stays beside its name
    assert "[1] reports 14 civilians killed and AFP (2017-01-17) [3] at least 14 civilians, while" in text
    assert text.endswith("while BBC News [2] reports at least two civilians.")


# -- only reports of the same event are set side by side ----------------------------------------


@pytest.fixture
def beirut(corpus_dir) -> Source:
    text = corpus_text(corpus_dir, "000")
    passage = excerpt(text, "Fighting between", "Syrian state news")
    source = make_source(1, passage, None, dt.date(2017, 1, 17))
    source.passage.dateline = "BEIRUT"
    return source


@pytest.fixture
def homs_2020(corpus_dir) -> Source:
    """The 2020 clashes in the Homs desert, with the article's own headline."""
    source = make_source(
        3, excerpt(corpus_text(corpus_dir, "004"), "Clashes between", '"The fighting'), None, None
    )
    source.passage.title = "Dozens killed in ISIS and regime clashes in Syria, monitor says"
    return source


def test_a_clash_elsewhere_is_never_a_side_of_the_deir_al_zor_toll(beirut, bbc, homs_2020):
    """Testers saw "20 pro-government fighters" (Homs, 2020) listed against the 2017 Deir al-Zor toll."""
    bbc.number, bbc.passage.article_id = 2, "a2"  # the BBC's own article, not Beirut's
    # the Homs article cited: it counts government forces killed too, but in another battle
    question = (
        "Which monitoring group reported the death tolls of both the 2017 fighting in Deir al-Zor "
        "and the 2020 clashes in the Homs desert, and who heads it?"
    )
    answer = "The Syrian Observatory for Human Rights reported both tolls [3]."
    assert detect(question, answer, [beirut, bbc, homs_2020], cited=[3]) == ([], [])

    # the Deir al-Zor report cited: the BBC's rival toll is found, the Homs one is not a side
    question = "How many Islamic State fighters were killed in the fighting in Deir al-Zor?"
    answer = "At least 40 Islamic State fighters were killed in the fighting in Deir al-Zor [1]."
    conflicts, sentences = detect(question, answer, [beirut, bbc, homs_2020], cited=[1])
    assert [[(s.source_number, s.value) for s in c.sides] for c in conflicts] == [
        [(1, "at least 40 Islamic State fighters"), (2, "20 IS fighters")]
    ]
    assert sentences == [
        (
            "Sources differ: a report from Beirut (2017-01-17) [1] reports at least 40 Islamic State "
            "fighters killed, while BBC News [2] reports 20 IS fighters.",
            [1, 2],
        )
    ]


AIRPORT = (
    "Prague airport will spend 2.4 billion crowns on a new passenger terminal, the airport's operator "
    "said on Tuesday. Construction of the terminal is due to start next spring."
)
HOSPITAL = (
    "The Motol hospital in Prague will receive 290 million crowns from the state budget for a new "
    "children's ward, the health ministry said on Wednesday."
)


def test_a_sum_for_one_thing_is_not_a_rival_of_a_sum_for_another():
    """Testers saw an airport's 2.4 billion crowns "differ" from a hospital's 290 million."""
    airport = make_source(1, AIRPORT, "Prague Daily", dt.date(2024, 3, 5))
    hospital = make_source(2, HOSPITAL, "Czech Radio", dt.date(2024, 3, 6))
    question = "How much will Prague airport spend on its new terminal?"
    answer = "Prague airport will spend 2.4 billion crowns on a new passenger terminal [1]."
    assert detect(question, answer, [airport, hospital], [1]) == ([], [])


def test_rival_sums_for_the_same_thing_are_still_a_conflict():
    airport = make_source(1, AIRPORT, "Prague Daily", dt.date(2024, 3, 5))
    rival = make_source(
        2,
        "The new passenger terminal at Prague airport will cost 3 billion crowns, city officials said.",
        "Czech Radio",
        dt.date(2024, 3, 6),
    )
    question = "How much will Prague airport spend on its new terminal?"
    answer = "Prague airport will spend 2.4 billion crowns on a new passenger terminal [1]."
    conflicts, sentences = detect(question, answer, [airport, rival], [1])
    assert [(c.kind, [s.value for s in c.sides]) for c in conflicts] == [
        ("conflict", ["2.4 billion crowns", "3 billion crowns"])
    ]
    assert sentences[0][0] == (
        "Sources differ: Prague Daily (2024-03-05) [1] reports 2.4 billion crowns, "
        "while Czech Radio (2024-03-06) [2] reports 3 billion crowns."
    )


def test_the_same_place_months_apart_is_another_event_not_a_rival_toll():
    january = make_source(
        1,
        "At least 82 people have been killed in the fighting in Deir al-Zor.",
        "Reuters",
        dt.date(2017, 1, 17),
    )
    september = make_source(
        2,
        "Fighting in Deir al-Zor killed 35 people on Sunday, the monitor said.",
        "AFP",
        dt.date(2017, 9, 10),
    )
    question = "How many people were killed in the fighting in Deir al-Zor?"
    answer = "At least 82 people have been killed in the fighting [1]."
    assert detect(question, answer, [january, september], [1]) == ([], [])


def test_a_revised_toll_of_one_event_days_later_is_an_update_with_its_dates():
    first = make_source(
        1,
        "The collapse of the apartment block in Magnitogorsk killed 21 people.",
        "TASS",
        dt.date(2019, 1, 1),
    )
    later = make_source(
        2,
        "Rescuers ended their work in Magnitogorsk: the collapse killed 39 people.",
        "RIA",
        dt.date(2019, 1, 12),
    )
    question = "How many people died in the Magnitogorsk collapse?"
    conflicts, sentences = detect(question, "The collapse killed 39 people [2].", [first, later], [2])
    assert [c.kind for c in conflicts] == ["update"]
    assert sentences[0][0] == (
        "The figure changed over time: TASS [1] reported 21 people killed by January 1, 2019; "
        "a later report, RIA [2], gives 39 people by January 12, 2019."
    )


@pytest.mark.parametrize("qualifier", ["more than", "at least", "about", "nearly"])
def test_a_side_keeps_its_qualifier(qualifier: str):
    a = make_source(1, f"In Aleppo, {qualifier} 40 civilians were killed in the shelling.", "Reuters", None)
    b = make_source(2, "The Aleppo shelling killed 25 civilians, officials said.", "AP", None)
    conflicts, sentences = detect(
        "How many civilians were killed in Aleppo?", "25 civilians were killed [2].", [a, b], [2]
    )
    assert [s.value for c in conflicts for s in c.sides] == [f"{qualifier} 40 civilians", "25 civilians"]
    assert (
        f"Reuters [1] reports {qualifier} 40 civilians killed, while AP [2] reports 25 civilians."
        in (sentences[0][0])
    )


def test_two_passages_of_one_article_never_disagree() -> None:
    """Wikinews, each figure sentence taken as a cited answer: the only two notices paired passages
    of one article, where the writer counted two things (one candidate's delegates, another's)."""
    day = dt.date(2020, 3, 2)
    first = make_source(1, "Sanders won 15 delegates in the South Carolina primary.", "Wikinews", day)
    second = make_source(2, "Biden won 26 delegates in the South Carolina primary.", "Wikinews", day)
    answer = "Sanders won 15 delegates in the South Carolina primary [1]."
    question = "How many delegates were won in the South Carolina primary?"
    second.passage.article_id = first.passage.article_id
    assert detect(question, answer, [first, second], cited=[1]) == ([], [])
    # the same two sentences from two articles are rival reports, as before
    second.passage.article_id = "another article"
    conflicts, _ = detect(question, answer, [first, second], cited=[1])
    assert [[side.value for side in c.sides] for c in conflicts] == [["15 delegates", "26 delegates"]]


def test_a_question_is_about_the_sources_only_when_they_hold_each_of_its_names(bbc, afp, homs):
    sources = [bbc, afp, homs]
    assert names_found("How many civilians were killed in the IS attack on Deir al-Zour?", sources)
    assert names_found("How many government soldiers were killed in Deir al-Zor?", sources)
    # "Syrian" is in the sources, "Khan Shaykhun" in none: another attack (golden un10)
    assert not names_found(
        "What was the death toll of the Syrian government's chemical attack on Khan Shaykhun?", sources
    )
    flagged = make_source(4, "A chemical attack on Khan Shaykhun killed 80 people.", None, None)
    flagged.passage.suspicious = "reads like instructions to the model"
    question = "How many were killed in the attack on Khan Shaykhun?"
    assert not names_found(question, [*sources, flagged])
    flagged.passage.suspicious = None
    assert names_found(question, [*sources, flagged])
