"""Who reported the previous answer: the follow-ups that ask it and the backing sentence that says it."""

from __future__ import annotations

import pytest

from rag.provenance import (
    asks_who_reported,
    cited_sources,
    names_its_speaker,
    reporting_sentence,
    unattributed,
)
from rag.types import UNCHECKED_TEXT, Answer, EvidenceSpan, Passage, Sentence, Source

pytestmark = pytest.mark.unit

STORY = (
    "Islamic State militants have launched a fierce assault on Deir al-Zour. "
    "The Syrian Observatory for Human Rights (SOHR) said the city had been hit by at least six explosions "
    "since Saturday morning."
)
LIVE = "Around 200,000 people live in Deir Ezzor city, which has been besieged since early 2015."


def source(number: int, text: str) -> Source:
    passage = Passage(chunk_id=f"a{number}:0", article_id=f"a{number}", start=0, end=len(text), text=text)
    return Source(number=number, passage=passage)


def answered(text: str, backing: tuple[int, str], sources: list[Source]) -> Answer:
    """An answer of one sentence citing source ``backing[0]``, backed there by the sentence ``backing[1]``."""
    number, sentence = backing
    passage = next(s.passage.text for s in sources if s.number == number)
    start = passage.index(sentence)
    span = EvidenceSpan(source=number, start=start, end=start + len(sentence))
    checked = Sentence(text=text, start=0, end=len(text), citations=[number], evidence=[span])
    return Answer(question="q", standalone_question="q", text=text, sentences=[checked], sources=sources)


SIX_BACKING = (
    2,
    "The Syrian Observatory for Human Rights (SOHR) said the city had been hit by at least six explosions "
    "since Saturday morning.",
)
SIX = answered(
    "At least six explosions hit Deir al-Zour [2].", SIX_BACKING, [source(1, LIVE), source(2, STORY)]
)


@pytest.mark.parametrize(
    "question",
    [
        "Who reported that?",
        "Which group reported that?",
        "who said so",
        "And who reported it?",
        "Which news agency reported this?",
        "Who reported the explosions?",
    ],
)
def test_follow_ups_asking_who_reported_the_answer(question: str):
    assert asks_who_reported(question, SIX)


@pytest.mark.parametrize(
    "question",
    [
        "Who reported the death toll?",
        "Who besieges it?",
        "What else did he say?",
        "Who reported that the talks failed?",
    ],
)
def test_follow_ups_asking_something_else(question: str):
    assert not asks_who_reported(question, SIX)


def test_the_backing_sentence_that_names_its_speaker_is_quoted_with_its_source():
    quote = reporting_sentence(SIX)
    assert quote is not None and quote.number == 2
    assert quote.reply == (
        "The Syrian Observatory for Human Rights (SOHR) said the city had been hit by at least six "
        "explosions since Saturday morning. [2]"
    )


def test_a_backing_sentence_that_names_no_one_gives_no_quote():
    live = answered("About 200,000 live there [1].", (1, LIVE), [source(1, LIVE)])
    assert reporting_sentence(live) is None
    unchecked = live.model_copy(update={"sentences": [live.sentences[0].model_copy(update={"evidence": []})]})
    assert reporting_sentence(unchecked) is None


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("Twelve soldiers were killed, the Syrian Observatory for Human Rights said on Monday.", True),
        ("According to Reuters, around 200,000 people live there.", True),
        ("A military source said government forces carried out more than 20 air strikes.", True),
        ("Abu Zeid, a legal adviser to rebel groups, said so.", True),
        ("At least two civilians were also killed in IS rocket fire, it added.", False),
        ("In Deir al-Zour, where 200,000 people live, IS said nothing.", True),
        (LIVE, False),
    ],
)
def test_a_speaker_is_a_name_or_a_body_that_speaks(sentence: str, named: bool):
    assert names_its_speaker(sentence) is named


def test_cited_sources_in_the_order_first_cited():
    sources = [source(1, LIVE), source(2, STORY), source(3, LIVE)]
    two = Sentence(text="b [3] [1]", start=0, end=9, citations=[3, 1])
    answer = Answer(
        question="q",
        standalone_question="q",
        text="a [2]. b [3] [1]",
        sources=sources,
        sentences=[Sentence(text="a [2].", start=0, end=6, citations=[2]), two],
    )
    assert [s.number for s in cited_sources(answer)] == [2, 3, 1]


def test_a_reply_naming_no_speaker_is_no_answer_to_who_reported_it():
    restated = answered(
        "Government forces carried out more than 20 air strikes on IS positions on Monday [1].",
        (1, LIVE),
        [source(1, LIVE)],
    )
    refused = unattributed(restated)
    assert refused.refused and refused.sentences == [] and refused.text == UNCHECKED_TEXT
    assert "Government forces carried out" in refused.refusal_details
    named = answered(
        "The Syrian Observatory for Human Rights (SOHR) reported that [2].", SIX_BACKING, SIX.sources
    )
    assert unattributed(named) == named
    bare = answered("The Syrian Observatory [2].", SIX_BACKING, SIX.sources)
    assert unattributed(bare) == bare
