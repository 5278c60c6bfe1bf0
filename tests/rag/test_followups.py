"""Follow-ups in the same chat: which sources a follow-up adds and which chat it continues."""

from __future__ import annotations

import pytest

from rag.followups import _opening, added_sources
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
