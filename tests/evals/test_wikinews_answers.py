"""Grading the engine's answers to the Wikinews questions by the article's words (no model here:
the answers are built by hand, the grading and the report are what is tested)."""

from __future__ import annotations

import datetime as dt

import pytest

from evals.wikinews.answers import grade, pointed, render_answers
from evals.wikinews.data import WikinewsQuestion
from rag.types import UNCHECKED_TEXT, Answer, EvidenceSpan, Sentence

pytestmark = pytest.mark.unit

MUNK = WikinewsQuestion(
    id="wn-013",
    question="How old was oceanographer Walter Munk when he died?",
    article_id="enwikinews:Pioneering_oceanographer_Walter_Munk_dies",
    answer="101",
    date=dt.date(2019, 2, 10),
    kind="number",
)
MENDEZ = MUNK.model_copy(
    update={"id": "wn-090", "answer": "October 2010", "answer_pattern": "Started in October 2010"}
)


def answer(text: str, refused: bool = False, details: str | None = None) -> Answer:
    return Answer(
        question=MUNK.question,
        standalone_question=MUNK.question,
        text=UNCHECKED_TEXT if refused else text,
        refused=refused,
        refusal_details=details,
    )


def test_each_way_an_answer_can_end_is_told_apart():
    assert grade(MUNK, answer("Walter Munk was 101 years old when he died [1].")) == "right"
    assert grade(MUNK, answer("Walter Munk was 99 when he died [1].")) == "other"
    reply = "No sentence of the model's answer is backed by the sources: Walter Munk was 101 years old."
    assert grade(MUNK, answer("", refused=True, details=reply)) == "refused_right"
    assert (
        grade(MUNK, answer("", refused=True, details="The model found no answer in the sources."))
        == "refused"
    )
    # the article's own wording counts as the answer too
    assert grade(MENDEZ, answer("The project was started in October 2010 [1].")) == "right"


def test_the_report_lists_the_refused_right_replies_and_the_other_answers():
    rows = [
        {"id": "wn-1", "question": "Q1?", "expected": "101", "outcome": "right", "shown": "101 [1].",
         "refusal_details": None, "seconds": 5.0},
        {"id": "wn-2", "question": "Q2?", "expected": "Nature", "outcome": "refused_right", "shown": UNCHECKED_TEXT,
         "refusal_details": "The model's reply states nothing a source could back: Nature [1]", "seconds": 4.0},
        {"id": "wn-3", "question": "Q3?", "expected": "301", "outcome": "other", "shown": "19 stores [1].",
         "refusal_details": None, "seconds": 4.0},
    ]  # fmt: skip
    report = {"questions": 3, "seconds": 13.0, "counts": {"right": 1, "refused_right": 1, "refused": 0, "other": 1},
              "rows": rows}  # fmt: skip
    markdown = render_answers(report)
    assert "| right | 1 | 0.333 |" in markdown and "| refused | 0 | 0.000 |" in markdown
    assert "wn-2 (expected: Nature)" in markdown and "Nature [1]" in markdown
    assert "wn-3 (expected: 301)" in markdown and "19 stores" in markdown
    assert "wn-1" not in markdown


def test_the_report_names_the_model():
    report = {"questions": 0, "seconds": 0.0, "model": "qwen2.5-1.5b-instruct-q4_k_m", "backend": "local",
              "counts": dict.fromkeys(("right", "refused_right", "refused", "other"), 0), "rows": []}  # fmt: skip
    assert "model qwen2.5-1.5b-instruct-q4_k_m" in render_answers(report)


def test_pointed_counts_citing_sentences_with_a_highlight_on_a_cited_card():
    lit = Sentence(text="a", start=0, end=1, citations=[1], evidence=[EvidenceSpan(source=1, start=0, end=9)])
    elsewhere = Sentence(
        text="b", start=2, end=3, citations=[2], evidence=[EvidenceSpan(source=1, start=0, end=9)]
    )
    bare = Sentence(text="c", start=4, end=5, citations=[1])
    uncited = Sentence(text="d", start=6, end=7, needs_citation=False)
    shown = answer("a b c d").model_copy(update={"sentences": [lit, elsewhere, bare, uncited]})
    assert pointed(shown) == (1, 3)
    assert pointed(answer("", refused=True)) == (0, 0)
    report = {"questions": 1, "seconds": 1.0, "counts": dict.fromkeys(("right", "refused_right", "refused", "other"), 0),
              "rows": [], "highlighted": 1, "citing": 3}  # fmt: skip
    assert (
        "citing a source: 3; with a backing sentence highlighted on a cited source's card: 1"
        in render_answers(report)
    )


@pytest.mark.parametrize("argv", [["--limit", "3"], ["--answers", "--limit", "0"]])
def test_a_limit_without_answers_or_below_one_is_an_error(argv, capsys):
    from evals.wikinews.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "--limit" in capsys.readouterr().err
