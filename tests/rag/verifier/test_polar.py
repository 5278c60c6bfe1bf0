"""A "Yes" to a yes/no question is backed only when the question, read as a statement, is."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.polar import Reply, read_reply, statement
from rag.verifier.scorer import SupportScorer

CORPUS = Path(__file__).resolve().parents[3] / "rag" / "corpus"
REBELS = (CORPUS / "002_3598194b84453929.txt").read_text(encoding="utf-8")
""""Syria rebels say will attend Astana negotiations" (bundled corpus): "The talks, beginning on
January 23 in the Kazakh capital Astana", "Raqa, to the north, is the de facto capital of the
self-styled caliphate", "Around 200,000 people live in Deir Ezzor city"."""
ASKED = "Did the talks begin on January 23?"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Did the ferry strike last two weeks?", "the ferry strike last two weeks."),
        ("Is Ulf Kämpfer the mayor of Rostock?", "Ulf Kämpfer the mayor of Rostock."),
        (
            "Has Islamic State held most of Deir al-Zor since 2015?",
            "Islamic State held most of Deir al-Zor since 2015.",
        ),
        (
            "Would the Astana talks be held face-to-face, and who would mediate between the delegations?",
            "the Astana talks be held face-to-face.",
        ),
        ("Did Iran, Russia and Turkey hold talks?", "Iran, Russia and Turkey hold talks."),
        ("Didn't the bridge reopen?", None),
        ("Is it not true that the bridge reopened?", None),
        ("Did the bridge reopen on Monday or on Thursday?", None),
        ("When did the bridge reopen?", None),
        ("Is it?", None),
        ("", None),
    ],
)
def test_a_yes_no_question_is_read_as_the_statement_a_yes_makes(question: str, expected: str | None) -> None:
    assert statement(question) == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "claim", "expected"),
    [
        (
            ASKED,
            "Yes, the talks began in Astana.",
            Reply("The talks began in Astana.", "the talks begin on January 23."),
        ),
        (
            ASKED,
            "Yes - the talks began in Astana.",
            Reply("The talks began in Astana.", "the talks begin on January 23."),
        ),
        (ASKED, "No, the talks began on January 30.", Reply("The talks began on January 30.", None)),
        (ASKED, "No. The talks began on January 30.", Reply("The talks began on January 30.", None)),
        (ASKED, "No, they began on January 30, not January 23.", Reply("They began on January 30.", None)),
        (
            ASKED,
            "No, they began on January 30, not in Astana.",
            Reply("They began on January 30, not in Astana.", None),
        ),
        (ASKED, "Yesterday the talks began in Astana.", None),
        (ASKED, "No one was hurt when the talks began.", None),
        (ASKED, "Yes.", None),
        ("When did the talks begin?", "Yes, the talks began in Astana.", None),
        ("", "Yes, the talks began in Astana.", None),
    ],
)
def test_an_opening_yes_or_no_is_the_answer_word(question: str, claim: str, expected: Reply | None) -> None:
    assert read_reply(statement(question) if question else None, claim) == expected


def _supported(question: str, claim: str) -> bool:
    return SupportScorer(None, SupportConfig.load(), question).score(claim, [REBELS]).supported


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "claim", "supported"),
    [
        # the words after "Yes" are the passage's; the question is not
        (
            "Did the Astana talks begin on January 30?",
            "Yes, the talks begin in the Kazakh capital Astana.",
            False,
        ),
        ("Do about 300,000 people live in Deir Ezzor city?", "Yes, people live in Deir Ezzor city.", False),
        (
            "Is Raqa the de facto capital of the Jaish al-Islam group?",
            "Yes, Raqa is the de facto capital.",
            False,
        ),
        # the question is the passage's too
        (
            "Did the Astana talks begin on January 23?",
            "Yes, the talks begin in the Kazakh capital Astana.",
            True,
        ),
        ("Do about 200,000 people live in Deir Ezzor city?", "Yes, around 200,000 people live there.", True),
        (
            "Is Raqa the de facto capital of the self-styled caliphate?",
            "Yes, Raqa is the de facto capital.",
            True,
        ),
        # a "No" is the answer, not a negation: the rest of its sentence is checked
        ("Did the Astana talks begin on January 30?", "No, the talks begin on January 23.", True),
        ("Did the Astana talks begin on January 23?", "No, the talks begin on January 30.", False),
        ("Did the Astana talks begin on January 30?", "No one says the talks begin on January 23.", False),
        (
            "Did the Astana talks begin on January 30?",
            "No, the talks begin on January 23, not January 30.",
            True,
        ),
        # an ending with words of its own is the sentence's claim, checked as before
        (
            "Did the Astana talks begin on January 30?",
            "No, the talks begin on January 30, not January 23.",
            False,
        ),
    ],
)
def test_a_yes_is_backed_only_where_the_question_is(question: str, claim: str, supported: bool) -> None:
    assert _supported(question, claim) is supported


def _article(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


REUTERS = "000_2dcdf8dd29bf5d80.txt"
"""Fighting in Deir al-Zor: 82 killed, "28 from the army ..., 14 civilians", "the British-based
monitoring group"."""
HOMS = "004_7dbd45bfcd338f02.txt"
"""Homs clashes: "more than 50 fighters", "20 pro-government fighters and 31 militants"."""


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "claim", "article", "supported"),
    [
        (
            "Were 50 civilians killed in the fighting in Deir al-Zor?",
            "Yes, civilians were killed in the fighting.",
            REUTERS,
            False,
        ),
        (
            "Is the Syrian Observatory for Human Rights based in France?",
            "Yes, it is a monitoring group.",
            REUTERS,
            False,
        ),
        (
            "Did the clashes in Homs kill more than 100 fighters?",
            "Yes, they killed 20 pro-government fighters and 31 militants.",
            HOMS,
            False,
        ),
        (
            "Did the clashes in Homs kill more than 100 fighters?",
            "No, they killed more than 50 fighters.",
            HOMS,
            True,
        ),
        (
            "Did the fighting in Deir al-Zor kill at least 82 people?",
            "Yes, 28 of the dead were from the army.",
            REUTERS,
            True,
        ),
        (
            "Is the Syrian Observatory for Human Rights based in Britain?",
            "Yes, it is a British-based monitoring group.",
            REUTERS,
            True,
        ),
    ],
)
def test_a_yes_to_a_false_question_is_refused_in_real_articles(
    question: str, claim: str, article: str, supported: bool
) -> None:
    scorer = SupportScorer(None, SupportConfig.load(), question)
    assert scorer.score(claim, [_article(article)]).supported is supported


@pytest.mark.unit
def test_the_question_not_backed_is_named_and_the_sentence_alone_is_as_before() -> None:
    question = "Did the Astana talks begin on January 30?"
    claim = "Yes, the talks begin in the Kazakh capital Astana."
    result = SupportScorer(None, SupportConfig.load(), question).score(claim, [REBELS])
    assert result.unbacked[0] == "yes: the Astana talks begin on January 30."
    assert "number: 30" in result.unbacked[1:]
    # the same sentence with no question (SummEdits, the labelled sentences without one) is backed
    assert SupportScorer(None, SupportConfig.load()).score(claim, [REBELS]).supported
