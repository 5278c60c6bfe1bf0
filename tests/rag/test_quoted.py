"""The sources' own sentence that answers, quoted when the model's replies are refused (rag.quoted)."""

from __future__ import annotations

import datetime as dt

import pytest

from rag.quoted import answering_sentence, copies_its_sources, gives_a_count
from rag.types import Answer, Sentence, Source
from tests.rag.retrieval.helpers import passage

pytestmark = pytest.mark.unit

AFP = [
    "Diplomatically, Iran, Russia and Turkey held talks on Wednesday to bring peace to the country, "
    "whose conflict has entered its 10th year.",
    "Iranian President Hassan Rouhani said there was no military solution for Syria.",
    "He said government forces were carrying out more than 20 air strikes on IS positions on Monday.",
]
BBC = [
    "Around 200,000 people live in Deir Ezzor city, which has been besieged since early 2015.",
    "The Syrian Observatory for Human Rights said the city had been hit by at least six explosions.",
]


def make(number: int, sentences: list[str]) -> Source:
    text = "\n\n".join(sentences)
    return Source(
        number=number,
        passage=passage(f"{number:03d}:0", text=text, title="Report", source="AFP", date=dt.date(2020, 7, 2)),
    )


SOURCES = [make(1, BBC), make(2, AFP)]


def test_the_sentence_holding_the_asked_kind_and_most_of_the_question_is_quoted_with_its_citation():
    found = answering_sentence(
        "How many air strikes did government forces carry out on Monday?", SOURCES, 0.6
    )
    assert found is not None and found.number == 2
    assert found.sentence == AFP[2] and found.reply == f"{AFP[2]} [2]"
    assert found.share >= 0.6


def test_a_sentence_without_the_asked_kind_is_not_an_answer_however_many_words_it_shares():
    who = answering_sentence("Who said there was no military solution for Syria?", SOURCES, 0.6)
    assert who is not None and who.sentence == AFP[1]
    # every word of this question is in Rouhani's sentence, but it names no time
    when = "When did Hassan Rouhani say there was no military solution for Syria?"
    assert answering_sentence(when, SOURCES, 0.6) is None
    # a weekday answers "when": the talks' sentence
    found = answering_sentence("When did Iran, Russia and Turkey hold talks to bring peace?", SOURCES, 0.6)
    assert found is not None and found.sentence == AFP[0]


def test_below_the_share_nothing_is_quoted():
    question = "How many people live in the Turkish city of Gaziantep under siege?"
    assert answering_sentence(question, SOURCES, 0.6) is None  # "people live ... besieged": too little
    found = answering_sentence("How many people live in Deir Ezzor city?", SOURCES, 0.6)
    assert found is not None and found.sentence == BBC[0] and found.number == 1
    assert answering_sentence("How many people live in Deir Ezzor city?", SOURCES, 1.0) is not None
    assert (
        answering_sentence("How many people live in Deir Ezzor city under siege now?", SOURCES, 1.0) is None
    )


def test_a_question_that_cannot_be_checked_for_an_answer_gets_no_quote():
    assert answering_sentence("Did Iran, Russia and Turkey hold talks?", SOURCES, 0.1) is None  # yes/no
    # "what N" asks for no kind a sentence can be seen to hold: naming the ship and its fate is no cargo
    ship = [make(1, ["In late December, Indonesian cargo ship MV Namse Bangdzod vanished in local waters."])]
    assert answering_sentence("What cargo was the vanished Indonesian ship carrying?", ship, 0.1) is None
    assert answering_sentence("Who?", SOURCES, 0.1) is None  # no term to cover
    assert answering_sentence("How many people live in Deir Ezzor city?", [], 0.6) is None


def test_between_equal_sentences_the_better_ranked_source_is_quoted():
    twice = [make(1, [BBC[0]]), make(2, [BBC[0]])]
    found = answering_sentence("How many people live in Deir Ezzor city?", twice, 0.6)
    assert found is not None and found.number == 1


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Fighting has killed dozens in Deir al-Zor.", False),
        ("Hundreds fled the city in 2016.", False),  # a year is no count
        ("It carried out more than 20 air strikes.", True),
        ("The city was hit by at least six explosions.", True),
        ("Syria's war has killed more than 380,000 people.", True),
    ],
)
def test_a_count_is_a_figure_not_an_order_of_magnitude(sentence, count):
    assert gives_a_count(sentence) is count


def test_a_copy_may_carry_the_date_the_model_was_shown_for_a_weekday():
    """2 July 2020 was a Thursday: the AFP source's "on Wednesday" was shown as "on Wednesday (1
    July 2020)", and a reply copying it so is a copy; a reply joining other words to it is not."""

    def reply(text: str) -> Answer:
        return Answer(
            question="When were the talks held?",
            standalone_question="When were the talks held?",
            text=text,
            sentences=[Sentence(text=text, start=0, end=len(text), citations=[2])],
            sources=SOURCES,
        )

    shown = (
        "Diplomatically, Iran, Russia and Turkey held talks on Wednesday (1 July 2020) to bring peace to the "
        "country, whose conflict has entered its 10th year [2]."
    )
    assert copies_its_sources(reply(shown))
    assert copies_its_sources(reply(shown.replace(" (1 July 2020)", "")))
    assert not copies_its_sources(
        reply("Iran, Russia and Turkey held talks on 1 July 2020 in Geneva to end the war [2].")
    )
