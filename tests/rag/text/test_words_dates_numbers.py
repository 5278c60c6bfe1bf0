"""Word lists, month tables and number rules: each list for its job, the dates the engine reads."""

from __future__ import annotations

import pytest

from rag.text.dates import MONTH_ALTERNATION, MONTHS, month_day_name, month_days
from rag.text.numbers import count_value, digit_values
from rag.text.words import (
    EVENT_STOPWORDS,
    FIGURE_PHRASE_STOPS,
    HIGHLIGHT_STOPWORDS,
    RETRIEVAL_STOPWORDS,
    SUPPORT_STOPWORDS,
    content_words,
    norm_word,
    strip_accents,
    word_prefixes,
    wordset,
)

pytestmark = pytest.mark.unit


def test_stopword_lists_differ_where_their_jobs_differ() -> None:
    assert "al" in RETRIEVAL_STOPWORDS and "al" not in SUPPORT_STOPWORDS  # names keep their article
    assert "told" in SUPPORT_STOPWORDS and "told" not in RETRIEVAL_STOPWORDS
    assert "killed" in FIGURE_PHRASE_STOPS and "killed" not in HIGHLIGHT_STOPWORDS
    assert "january" in EVENT_STOPWORDS and "monday" in EVENT_STOPWORDS


def test_word_helpers() -> None:
    assert wordset(" a  b\nc ") == frozenset({"a", "b", "c"})
    assert strip_accents("Çavuşoğlu") == "Cavusoglu"
    assert norm_word("U.S.") == "us" and norm_word("Zürich’s") == "zurich's"
    assert word_prefixes("Deir al-Zor province") == {"deir", "prov"}
    assert content_words("The talks in Astana begin on Monday, January 23") == {"talks", "astana", "begin"}


def test_month_days_read_capitalised_days_of_a_month() -> None:
    assert month_days("Talks begin on January 23 and end 25 Jan., not may 3") == {(1, 23), (1, 25)}
    assert month_days("Sept. 4, 2016") == {(9, 4)}
    assert month_days("In January 4,000 fled") == set()  # a count, not a day
    assert month_day_name(1, 23) == "January 23"
    assert MONTH_ALTERNATION.split("|")[0] == "september" and set(MONTH_ALTERNATION.split("|")) == set(MONTHS)


def test_numbers_as_written() -> None:
    assert digit_values("310,000 killed, 1.5 more, 2017") == {310000.0, 1.5, 2017.0}
    assert count_value("Twelve", None) == 12
    assert count_value("1,200", None) == 1200
    assert count_value("1.5", "million") == 1_500_000
    assert count_value("a  dozen", None) is None
