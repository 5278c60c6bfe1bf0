"""Follow-ups in the same chat: which sources a follow-up adds and which chat it continues."""

from __future__ import annotations

import pytest

from rag.followups import _opening, added_sources, stands_apart
from rag.types import Answer, Passage, Source


def source(number: int, chunk: str, suspicious: bool = False) -> Source:
    passage = Passage(
        chunk_id=chunk, article_id=chunk.split(":")[0], text=f"text of {chunk}", start=0, end=10
    )
    if suspicious:
        passage = passage.model_copy(update={"suspicious": True})
    return Source(number=number, passage=passage)


@pytest.mark.unit
def test_the_chat_keeps_its_numbers_and_new_passages_are_numbered_on() -> None:
    previous = [source(1, "a:0"), source(2, "b:0")]
    retrieved = [source(1, "b:0"), source(2, "c:0"), source(3, "a:0"), source(4, "d:1")]
    merged, added = added_sources(previous, retrieved, limit=4)
    assert [(s.number, s.passage.chunk_id) for s in merged] == [
        (1, "a:0"),
        (2, "b:0"),
        (3, "c:0"),
        (4, "d:1"),
    ]
    assert added == merged[2:]


@pytest.mark.unit
def test_at_most_limit_passages_are_added_and_flagged_ones_never() -> None:
    previous = [source(1, "a:0"), source(2, "x:0", suspicious=True)]
    retrieved = [source(1, "y:0", suspicious=True), source(2, "c:0"), source(3, "d:0"), source(4, "e:0")]
    merged, added = added_sources(previous, retrieved, limit=2)
    assert [(s.number, s.passage.chunk_id) for s in merged] == [(1, "a:0"), (2, "c:0"), (3, "d:0")]
    assert added == merged[1:]
    assert added_sources(previous, [], limit=2) == (previous[:1], [])


def answer(question: str, exchange: list[dict[str, str]]) -> Answer:
    return Answer(question=question, standalone_question=question, text="", exchange=exchange)


@pytest.mark.unit
def test_the_opening_answer_is_where_the_last_chat_began() -> None:
    system = {"role": "system", "content": "rules"}
    one = [system, {"role": "user", "content": "Q1"}, {"role": "assistant", "content": "A1"}]
    two = [*one, {"role": "user", "content": "Q2"}, {"role": "assistant", "content": "A2"}]
    fresh = [system, {"role": "user", "content": "Q3 rewritten"}, {"role": "assistant", "content": "A3"}]
    four = [*fresh, {"role": "user", "content": "Q4"}, {"role": "assistant", "content": "A4"}]
    history = [answer("Q1", one), answer("Q2", two)]
    assert _opening(history).question == "Q1"
    history += [answer("Q3", fresh), answer("Q4", four)]
    assert _opening(history).question == "Q3"  # a turn asked afresh opens a new chat
    assert _opening([answer("Q0", []), answer("Q1", one)]).question == "Q1"


TRUMP_CHAT = [
    {"role": "system", "content": "Answer only from the sources. Samoa is no word of the sources."},
    {
        "role": "user",
        "content": "Sources:\n[1] US House of Representatives impeaches President Trump (Wikinews)\n"
        "On Wednesday, the United States House of Representatives impeached President Donald Trump "
        "over complaints arising from an alleged abuse of power.\n\nQuestion: Was Trump impeached?",
    },
    {"role": "assistant", "content": "Yes, Trump was impeached by the House [1]."},
]


@pytest.mark.unit
@pytest.mark.parametrize(
    "question",
    [
        "Did Samoa extend its state of emergency over measles?",
        "What did Greta Thunberg say at the UN?",  # "UN" as written is not in the chat
        "Who won the Hong Kong local elections?",
    ],
)
def test_a_question_naming_only_what_the_chat_never_mentioned_stands_apart(question: str) -> None:
    assert stands_apart(question, [answer("Was Trump impeached?", TRUMP_CHAT)])


@pytest.mark.unit
@pytest.mark.parametrize(
    "question",
    [
        "Which group reported that?",  # names nothing: it leans on the chat
        "And how many votes did it get?",
        "Was Donald Trump the third President to be impeached?",  # named in the sources shown
        "Will the Senate hold a trial, as the House of Representatives wants?",  # one name is enough
        "What did Pelosi say about Trump?",
        "And Nancy Pelosi?",  # a sequel asks the chat's question of another name
        "What about Greta Thunberg?",
    ],
)
def test_a_question_that_names_nothing_new_or_something_the_chat_holds_is_a_follow_up(
    question: str,
) -> None:
    assert not stands_apart(question, [answer("Was Trump impeached?", TRUMP_CHAT)])


@pytest.mark.unit
def test_the_instructions_are_not_the_chat_and_no_chat_is_no_subject() -> None:
    # "Samoa" is only in the system message, which every chat shares
    assert stands_apart("Is Samoa an island?", [answer("Was Trump impeached?", TRUMP_CHAT)])
    assert not stands_apart("Is Samoa an island?", [])
    # a chat kept before its exchange was stored: its question and answer text still count
    assert not stands_apart("Where is Samoa?", [answer("Did Samoa end its emergency?", [])])
