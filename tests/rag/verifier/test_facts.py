"""Which sentences state a fact, and the claims an answer splits into."""

from __future__ import annotations

import pytest

from rag.verifier.facts import extract_facts, needs_support
from rag.verifier.scorer import SupportScorer
from rag.verifier.tokens import split_claims

# ---------------------------------------------------------------- split_claims / needs_support


@pytest.mark.unit
def test_split_claims_respects_abbreviations_and_drops_citations() -> None:
    text = "U.K. activists met on Feb. 24, 2022 in London [1]. Mr. Smith said 3.5% [2][3]. Who knows? Yes!"
    assert split_claims(text) == [
        "U.K. activists met on Feb. 24, 2022 in London.",
        "Mr. Smith said 3.5%.",
        "Who knows?",
        "Yes!",
    ]
    assert split_claims("") == []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The sources differ.", False),
        ("The sources disagree on the death toll [1][2].", False),
        # ... but figures, days or names given with it are claims, checked like any other
        ("The sources disagree: the BBC says 50 died [1], AFP says 90 [2].", True),
        ("Sources differ on who leads the delegation: Mohammad Alloush [1].", True),
        ("I don't know.", False),
        ("The archive does not hold the answer to this question.", False),
        ("No answer backed by the archive was found for this question.", False),
        ("What happened next?", False),
        ("Yes.", False),
        ("The war killed 310,000 people [1].", True),
        ("Boris Johnson resigned.", True),
        ("Protesters blocked the main road for hours.", True),
        ("6.", False),
        ("(2)", False),
        ("6. Protesters blocked the main road.", True),
        # a name alone is checked as the question it completes (rag.reply_check), whether or not
        # a dictionary lists it
        ("Geneva [1].", False),
        ("Nature.", False),
        ("2017.", True),
    ],
)
def test_needs_support(sentence: str, expected: bool) -> None:
    assert needs_support(sentence) is expected


@pytest.mark.unit
def test_a_numbered_list_gives_claims_without_their_list_numbers() -> None:
    assert split_claims("6. Rebels said they would attend [1].\n7. The talks start in January [1].") == [
        "Rebels said they would attend.",
        "The talks start in January.",
    ]


@pytest.mark.unit
def test_an_adverb_that_opens_a_sentence_is_not_part_of_the_name_after_it() -> None:
    assert extract_facts("Additionally Rebel Groups said they would attend.").names == ["Rebel Groups"]
    assert extract_facts("Separately, Assad said the talks would fail.").names == ["Assad"]
    # seen capitalised inside a sentence too: a name
    assert extract_facts("Kelly Smith spoke. He thanked Kelly Smith.").names[0] == "Kelly Smith"


@pytest.mark.unit
def test_a_word_no_dictionary_lists_opens_a_sentence_as_a_name() -> None:
    """Wikinews edits: "Michael was a mathematics professor ..." (the passage: "Guy was ...") passed,
    its opening word taken for an ordinary one."""
    assert extract_facts("Michael was a mathematics professor at the University of Calgary.").names == [
        "Michael",
        "University of Calgary",
    ]
    assert extract_facts("Kimura was one of the stars.").names == ["Kimura"]
    # dictionary words and function words that open a sentence are not names
    assert extract_facts("Officials said the rebels would attend.").names == []
    assert extract_facts("Despite the truce, fighting went on.").names == []
    assert extract_facts("Guy was a professor.").names == []  # a dictionary word: left to the overlap
    passage = (
        "Richard Kenneth Guy, a British mathematician, died on Monday at 103 years of age. Guy was a "
        "mathematics professor at the University of Calgary prior to his death."
    )
    scorer = SupportScorer()
    assert scorer.score("Guy was a mathematics professor at the University of Calgary.", [passage]).supported
    assert not scorer.score(
        "Michael was a mathematics professor at the University of Calgary.", [passage]
    ).supported


@pytest.mark.unit
def test_may_inside_a_sentence_is_the_month_and_the_verb_is_not() -> None:
    assert ("month:5", "May") in extract_facts("A hearing is planned for May.").dates
    assert extract_facts("Talks may resume. May brought rain.").dates == []


@pytest.mark.unit
def test_a_day_written_yyyy_mm_dd_is_the_date_that_a_header_writes_in_words() -> None:
    iso = extract_facts("Fighting has killed dozens in Deir al-Zor (2017-01-17).")
    words = extract_facts("Published 17 January 2017.")
    assert set(iso.dates) >= {("year:2017", "2017-01-17"), ("month:1", "2017-01-17")}
    assert {value for value, _ in iso.dates} == {value for value, _ in words.dates}
    assert {value for value, _ in iso.numbers} == {"17", "dozens"}  # not 2017, 1 and 17
    nonsense = extract_facts("Form 2017-13-45 was filed.")
    assert not any(value.startswith("month:") for value, _ in nonsense.dates)


@pytest.mark.unit
def test_a_sentence_dated_yyyy_mm_dd_is_backed_by_a_passage_published_that_day() -> None:
    from rag.verifier.config import SupportConfig
    from rag.verifier.scorer import SupportScorer

    passage = (
        "Fighting in Deir al-Zor (Reuters) Published 17 January 2017.\n"
        "Fighting between Islamic State and the Syrian army has killed dozens in Deir al-Zor."
    )
    scorer = SupportScorer(None, SupportConfig.load())
    claim = "Fighting between Islamic State and the Syrian army has killed dozens in Deir al-Zor ({})."
    assert scorer.score(claim.format("2017-01-17"), [passage]).supported
    assert not scorer.score(claim.format("2017-03-17"), [passage]).supported


def test_an_ordinal_pointing_at_a_source_is_no_number() -> None:
    # held-out sq72: "The first article states that ..." was flagged for an unbacked "first"
    assert extract_facts("The second article mentions that the talks begin in Astana.").numbers == []
    assert extract_facts("The second round of talks began.").numbers == [("2", "second")]
