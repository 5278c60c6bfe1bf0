"""A reply that only gives its answer, checked as the question it completes (no model: the reply is
written here, the real scorer checks it against a passage from a real story)."""

from __future__ import annotations

import pytest

from rag.asked import completed
from rag.citations import parse_answer
from rag.reply_check import bare, check_named_answer, verify_reply
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

QUESTION = "On what date did Samoa's state of emergency over the measles outbreak end?"
STORY = (
    "Samoan government ends state of emergency over measles outbreak (Wikinews (English)) Published 1"
    " January 2020.\n\nThe Australian medical mission's fifth rotation is to remain on the islands until"
    " January 4 to help facilitate the transition.\n\nThe state of emergency was expected to end on"
    " December 15, but on December 14 it was extended by two weeks to allow the immunization campaign"
    " to continue."
)


def checked(reply: str) -> bool:
    drafts = parse_answer(reply, 1)
    outcome = check_named_answer(QUESTION, drafts, {1: STORY}, SupportScorer(question=QUESTION), {})
    assert outcome is not None, "a bare day is checked as the question completed"
    return outcome.drafts[0].supported


def test_a_day_alone_is_a_bare_answer_and_a_sentence_is_not():
    assert bare("December 15, 2019.") and bare("In July.") and bare("At least six.") and bare("39.")
    assert not bare("39 are confirmed dead.") and not bare("Three people.") and not bare("16 years old.")
    # no content word at all gives no day or figure either: the stream shows "Yes." as it comes
    assert not bare("Yes.") and not bare("No.") and not bare("")


def test_the_words_asking_for_a_day_give_way_to_the_day():
    assert completed(QUESTION, "January 4.") == (
        "did Samoa's state of emergency over the measles outbreak end January 4"
    )
    assert completed("When will the talks begin?", "January 23") == "will the talks begin January 23"
    assert completed("Which journal published it?", "Nature.") == "Which journal published it Nature"


def test_a_bare_day_the_passage_holds_elsewhere_is_not_backed():
    # checked alone, "January 4." is in the passage; it is the day a medical mission stays until
    assert SupportScorer().score("January 4.", [STORY]).supported
    assert not checked("January 4 [1].")


def test_a_right_bare_day_is_backed():
    story = STORY.replace(
        "The state of emergency was",
        "Samoa's state of emergency over the outbreak ended on 29 December. It was",
    )
    drafts = parse_answer("December 29 [1].", 1)
    outcome = check_named_answer(QUESTION, drafts, {1: story}, SupportScorer(question=QUESTION), {})
    assert outcome is not None and outcome.drafts[0].supported


def test_the_reply_check_reads_a_bare_day_as_the_question_completed():
    # the path the engine and the labelled-sentence suite share: alone, "January 4." is backed
    drafts = parse_answer("January 4 [1].", 1)
    outcome = verify_reply(QUESTION, drafts, {1: STORY}, SupportScorer(question=QUESTION), {})
    assert outcome.checked == 1 and not outcome.drafts[0].supported
    drafts = parse_answer("The medical mission is to remain on the islands until January 4 [1].", 1)
    outcome = verify_reply(QUESTION, drafts, {1: STORY}, SupportScorer(question=QUESTION), {})
    assert outcome.drafts[0].supported  # a sentence saying what the day is of is checked as written
