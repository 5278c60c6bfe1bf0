"""Refusal reasons in plain words, naming the closest articles by title, outlet and date."""

from __future__ import annotations

import datetime as dt

import pytest

from rag import refusals
from rag.asked import read_question
from rag.types import Filters, Passage, Source


def source(number: int, article_id: str, **fields) -> Source:
    passage = Passage(chunk_id=f"{article_id}-c", article_id=article_id, start=0, end=10, **fields)
    return Source(number=number, passage=passage)


SOURCES = [
    source(1, "a", text="x", title="Syria war: Dozens dead", source="BBC News", date=dt.date(2017, 1, 16)),
    source(2, "a", text="same article, another passage", title="Syria war: Dozens dead", source="BBC News"),
    source(3, "b", text="AMMAN - Syrian rebel negotiator Mohammad Alloush said on Monday he would head it."),
    source(4, "c", text="y", title="Astana talks", date=dt.date(2017, 1, 23)),
    source(5, "d", text="z", title="Fourth article", source="AFP"),
]


@pytest.mark.unit
def test_closest_articles_are_named_once_each_by_title_outlet_and_date():
    assert refusals.closest_articles(SOURCES) == [
        "“Syria war: Dozens dead” (BBC News, 16 January 2017)",
        "the article beginning “AMMAN - Syrian rebel negotiator Mohammad Alloush said …”",
        "“Astana talks” (23 January 2017)",
    ]


@pytest.mark.unit
def test_each_reason_is_a_sentence_naming_the_closest_articles():
    question = "Who won the 2017 French election?"
    assert refusals.not_covered(question, SOURCES[:1]) == (
        "No article in the archive covers “Who won the 2017 French election?”. "
        "The closest articles are: “Syria war: Dozens dead” (BBC News, 16 January 2017)."
    )
    for reason in (
        refusals.model_declined(SOURCES),
        refusals.no_sentence(SOURCES),
        refusals.nothing_checkable(SOURCES),
        refusals.not_backed(SOURCES),
    ):
        assert reason.endswith("“Astana talks” (23 January 2017).")
        assert "Fourth article" not in reason  # three are enough
    assert refusals.not_backed([]) == (
        "The reply the model wrote is not backed by the articles it was given, so it is not shown as an answer."
    )


@pytest.mark.unit
def test_a_question_in_another_language_than_the_articles_gets_a_note():
    english = [
        source(
            1,
            "a",
            text="Fighting between Islamic State and the Syrian army has killed dozens of people in the city.",
        )
    ]
    german = "Wie viele Menschen wurden bei den Kämpfen in Deir al-Zor getötet?"
    assert refusals.other_language(german, english) == (
        "The question looks like German and the articles are in English; search and checks match words, "
        "so asking in English may find what they hold."
    )
    assert refusals.not_covered(german, english).startswith(f"No article in the archive matches “{german}”.")
    assert refusals.other_language("How many people were killed in Deir al-Zor?", english) is None
    assert refusals.other_language("Palmyra?", english) is None  # too short to tell
    assert refusals.other_language(german, []) is None
    deutsch = [
        source(
            1,
            "a",
            text="Bei den Kämpfen in der Stadt wurden Dutzende Menschen getötet, wie die Beobachter sagten.",
        )
    ]
    assert refusals.other_language(german, deutsch) is None  # an archive in German, asked in German


@pytest.mark.unit
def test_nothing_matched_says_to_widen_the_filters_when_there_are_some():
    assert refusals.nothing_matched(None) == "No article in the archive matches the question."
    assert refusals.nothing_matched(Filters()) == "No article in the archive matches the question."
    assert "widen or remove the filters" in refusals.nothing_matched(Filters(sources=["AFP"]))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "reported"),
    [
        # injection q04's refusal read "... says what the Fateh al-Sham Front called before it
        # changed its name was"
        (
            "What was the Fateh al-Sham Front called before it changed its name?",
            "what the Fateh al-Sham Front was called before it changed its name",
        ),
        (
            "What were the militias backed by Iran fighting for?",
            "what the militias backed by Iran were fighting for",
        ),
        ("What is the building near the airport used for?", "what the building near the airport is used for"),
        (
            "When was the Baal Shamin temple in Palmyra built?",
            "when the Baal Shamin temple in Palmyra was built",
        ),
        ("What was the reason for the attack on the city?", "what the reason for the attack on the city was"),
        ("Where was the besieged city located?", "where the besieged city was located"),
        ("Who recaptured the city of Palmyra?", "who recaptured the city of Palmyra"),
    ],
)
def test_a_question_is_reported_in_the_order_of_a_statement(question: str, reported: str) -> None:
    assert refusals.indirect(question) == reported


@pytest.mark.unit
def test_a_reply_that_answers_nothing_is_not_said_to_be_missing_from_the_articles() -> None:
    """Golden sa17: the model named the rebels, the checks refused it, and the notice said that none of
    the articles says who recaptured Palmyra, while the first of them does. The notice speaks of the
    checked answer, which is what the engine knows, not of what the articles hold."""
    asked = read_question("Who recaptured the city of Palmyra from the Syrian government in December 2016?")
    kept = ["Syrian rebel groups said Monday they will attend peace talks in Palmyra [1]."]
    notice = refusals.not_answered(asked, kept, [])
    assert notice == (
        "The articles found mention Palmyra, but no checked answer from them says who recaptured the city "
        "of Palmyra from the Syrian government in December 2016."
    )
    bare = refusals.not_answered(asked, ["The talks begin next week [1]."], [])
    assert bare == (
        "No checked answer from the articles found says who recaptured the city of Palmyra from the Syrian "
        "government in December 2016."
    )


@pytest.mark.unit
def test_asked_who_reported_an_answer_no_sentence_attributes_the_reason_names_its_articles():
    copy = Passage(
        chunk_id="e-c", article_id="e", start=0, end=1, text="same", title="Rebels go", source="AFP"
    )
    cited = [SOURCES[3].model_copy(update={"corroborating": [copy, copy]}), SOURCES[0]]
    assert refusals.reported_in(cited) == (
        "The sentence that backs the answer above does not name who reported it. It comes from "
        "[4] “Astana talks” (23 January 2017), also carried by AFP; "
        "[1] “Syria war: Dozens dead” (BBC News, 16 January 2017)."
    )
    flagged = SOURCES[4].model_copy(
        update={"passage": SOURCES[4].passage.model_copy(update={"suspicious": "x"})}
    )
    assert (
        refusals.reported_in([flagged])
        == "The sentence that backs the answer above does not name who reported it."
    )
