"""Reading a question: the type of answer it wants and the words that name what it asks."""

from __future__ import annotations

import pytest

from rag.asked import is_participle, read_question

pytestmark = pytest.mark.unit


# -- answer type and focus ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind", "focus"),
    [
        ("When was the Baal Shamin temple in Palmyra built?", "time", ("built",)),
        ("On what date do the Astana peace talks begin?", "time", ("begin",)),
        ("In which year did ISIS declare its cross-border caliphate?", "time", ("declare",)),
        ("How many US troops are deployed in Syria?", "number", ("troops", "deployed")),
        ("How far is Palmyra from Deir al-Zor?", "number", ()),
        ("What was the overall death toll of the January 2017 fighting in Deir al-Zor?", "number",
         ("overall", "death", "toll")),
        ("Who is the leader of the Islamic State group?", "name", ("leader",)),
        ("Who runs the Syrian Observatory for Human Rights?", "name", ("runs",)),
        ("Which faction is Ahmad al-Othman from?", "name", ("faction",)),
        ("Where will the details of the political process be left to?", "place", ("left",)),
        ("Near which town did the jihadist assault on regime positions in Homs province take place?",
         "place", ("regime", "positions", "province")),
        ("What was the outcome of the Astana peace talks that began on January 23, 2017?", None, ("outcome",)),
        ("What are the IS fighters attacking Deir al-Zour reportedly trying to cut off?", None,
         ("fighters", "attacking", "trying", "cut")),
        ("How had the Islamic State's hold on territory in Syria changed?", None,
         ("hold", "territory", "changed")),
        # a name is asked for, and what is named is the focus, not the word "name"
        ("What was the name of the dive boat that caught fire off California?", "name", ("dive", "boat")),
        ("What was Doris Day's name at birth?", "name", ("birth",)),
    ],
)  # fmt: skip
def test_reads_the_answer_type_and_the_focus(question, kind, focus):
    asked = read_question(question)
    assert (asked.kind, asked.focus) == (kind, focus)


def test_a_question_places_what_it_asks_unless_it_asks_where_or_has_two_parts():
    assert read_question("How many Syrian refugees live in Turkey?").places
    assert not read_question("Where do most Syrian refugees in Turkey live?").places
    assert not read_question("Who attacked Palmyra in 2015, and when did Turkey respond?").places


def test_names_are_the_capitalised_runs_after_the_first_word():
    assert read_question("When was the Baal Shamin temple in Palmyra built?").names == (
        "Baal Shamin",
        "Palmyra",
    )


@pytest.mark.parametrize(("word", "participle"), [("built", True), ("taken", True), ("held", True),
                                                  ("deployed", True), ("temple", False), ("build", False)])  # fmt: skip
def test_past_participles_irregular_ones_included(word, participle):
    assert is_participle(word) is participle


@pytest.mark.parametrize(
    ("question", "owned"),
    [
        ("Which governor's deputy chief of staff had her conviction overturned?", ("governor", "deputy")),
        ("Which animal's glue are scientists trying to use?", ("animal", "glue")),
        ("Which bus company's school bus hit a bridge?", ()),  # "bus" owns nothing: no possessive
        ("Whose car was found?", ()),
        ("What was Tesco's sale price?", ()),
    ],
)
def test_a_possessive_which_question_names_the_owner_and_what_it_owns(question, owned):
    assert read_question(question).owned == owned


def test_which_species_asks_for_a_sort_of_thing_not_a_name():
    asked = read_question(
        "Which prehistoric shark species moved into False Bay once the great whites were gone?"
    )
    assert asked.kind is None and "shark" in asked.focus
    assert read_question("Which company ran the tourist bus?").kind == "name"


@pytest.mark.parametrize(
    ("question", "denied"),
    [
        ("Which countries did not attend the talks?", True),
        ("Who has never been charged?", True),
        ("How many stores are included in Tesco's sale?", False),
        ("Why was nobody charged?", False),
    ],
)
def test_a_question_that_denies_its_verb_is_read_once(question: str, denied: bool) -> None:
    assert read_question(question).denied is denied
