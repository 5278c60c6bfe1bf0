"""A sentence restating the question's description of what it asks about (rag.verifier.premise)."""

from __future__ import annotations

import pytest

from rag.described import descriptions
from rag.verifier.facts import extract_facts
from rag.verifier.premise import own_facts, restated
from rag.verifier.scorer import SupportScorer

BUS = (
    "Bus crashes in Veldra en route to Port Amar, killing seven (Example News) Published 12 January 2019.\n\n"
    "A bus operated by Rutaverde, which is run by the army's tourist section, crashed on Thursday "
    "between Alsen and Brill. It was carrying a mix of locals and foreigners from Alsen to Port Amar. "
    "The crash reportedly killed seven.\n\n"
    "The bus overturned in wet conditions; the driver told reporters he lost control. The front of "
    "the vehicle was heavily damaged. Of the 40 passengers, 22 were Veldran."
)
BUS_QUESTION = (
    "Which company ran the tourist bus that overturned in eastern Veldra on its way to the capital?"
)
BUS_ANSWER = "Rutaverde ran the tourist bus that overturned in eastern Veldra on its way to the capital."

TALKS = (
    "Ceasefire is over, says Ivanov (Example News) Published 3 March 2021.\n\n"
    "At the talks in Geneva on Monday, foreign minister Pavel Ivanov said the ceasefire was over. "
    "Delegates left without a joint statement.\n\n"
    "Further talks are to be held in the Kazakh capital next month, officials said."
)


@pytest.mark.unit
def test_a_restated_description_is_checked_against_the_story_not_the_stretch() -> None:
    # the story names the company in its lead and the overturning three sentences on: no stretch
    # holds the whole sentence, but the sentence without the question's description is backed
    assert not SupportScorer().score(BUS_ANSWER, [BUS]).supported
    result = SupportScorer(question=BUS_QUESTION).score(BUS_ANSWER, [BUS])
    assert result.supported, result.unbacked
    backed = [BUS[start:end] for _, start, end in result.backing]
    assert any("operated by Rutaverde" in text for text in backed)


@pytest.mark.unit
def test_the_source_card_points_to_the_described_story_too() -> None:
    question = "What kind of car was the fire in the Hollin airport car park traced to?"
    passage = (
        "Fire at airport car park (Example News) Published 10 January 2020.\n\n"
        "On Tuesday a fire was reported in a car park at Hollin Airport. The structure has over 3000 "
        "parking spaces. The airport was quickly closed to air traffic.\n\n"
        "Broadcaster NRK later reported the fire started in a recalled 2005 Opel Zafira."
    )
    claim = "The fire in the Hollin airport car park was traced to a recalled 2005 Opel Zafira."
    assert not SupportScorer().score(claim, [passage]).supported
    result = SupportScorer(question=question).score(claim, [passage])
    assert result.supported, result.unbacked
    backed = [passage[start:end] for _, start, end in result.backing]
    assert any("Opel Zafira" in text for text in backed)
    assert any("car park at Hollin Airport" in text for text in backed)


@pytest.mark.unit
def test_the_answer_itself_stays_checked_in_its_stretch() -> None:
    # the rest of the sentence names a company the story gives another part
    wrong = "Veldra Tours ran the tourist bus that overturned in eastern Veldra on its way to the capital."
    story = BUS.replace("locals and foreigners", "locals and Veldra Tours guests")
    assert not SupportScorer(question=BUS_QUESTION).score(wrong, [story]).supported


@pytest.mark.unit
def test_the_questions_own_relation_is_no_description() -> None:
    question = "Who runs the Observatory for Civil Rights?"
    passage = (
        "Observatory counts the dead (Example News) Published 1 May 2018.\n\n"
        "The Observatory for Civil Rights, a monitor based in London, said 40 people died. "
        "It gave no names. Its figures come from sources on the ground. Fighting went on.\n\n"
        "The Veldran government denied the figure."
    )
    claim = "The Observatory for Civil Rights is run by the Veldran government."
    assert descriptions(question) == ()
    assert not SupportScorer().score(claim, [passage]).supported
    assert not SupportScorer(question=question).score(claim, [passage]).supported


@pytest.mark.unit
def test_a_description_the_story_tells_elsewhere_only_does_not_back() -> None:
    # the backing stretch is the Geneva talks; the Kazakh capital is only a later, other meeting
    question = "Who said the ceasefire was over at the talks held in the Kazakh capital?"
    claim = "Pavel Ivanov said the ceasefire was over at the talks held in the Kazakh capital."
    split = restated(question, claim)
    assert split is not None and split.described == "held in the Kazakh capital"
    assert not SupportScorer(question=question).score(claim, [TALKS]).supported


@pytest.mark.unit
def test_restated_needs_three_words_copied_after_the_same_noun() -> None:
    question = "What kind of car was the fire in the Hollin airport car park traced to?"
    split = restated(question, "The fire in the Hollin airport car park was traced to a 2005 Opel Zafira.")
    assert split is not None
    assert split.rest == "The fire was traced to a 2005 Opel Zafira."
    assert split.described == "in the Hollin airport car park"
    assert restated(question, "The blaze in the Hollin airport car park was traced to a 2005 Opel.") is None
    assert restated(question, "The fire in the car park was traced to a 2005 Opel Zafira.") is None


@pytest.mark.unit
def test_a_sentence_needs_a_fact_of_its_own() -> None:
    question = "What job did the man who stabbed four colleagues at the Hollin headquarters do there?"
    split = restated(
        question, "The man who stabbed four colleagues at the Hollin headquarters was a police officer."
    )
    assert split is not None
    assert not own_facts(extract_facts(split.rest), question)
    assert own_facts(extract_facts("The man was 45 years old."), question)
