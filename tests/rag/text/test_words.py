"""Word lists, each for its job, and the word helpers."""

from __future__ import annotations

import pytest

from rag.text.words import (
    EVENT_STOPWORDS,
    FIGURE_PHRASE_STOPS,
    RETRIEVAL_STOPWORDS,
    SUPPORT_STOPWORDS,
    content_words,
    denies,
    norm_word,
    strip_accents,
    word_prefixes,
    wordset,
)

pytestmark = pytest.mark.unit


def test_stopword_lists_differ_where_their_jobs_differ() -> None:
    assert "al" in RETRIEVAL_STOPWORDS and "al" not in SUPPORT_STOPWORDS  # names keep their article
    assert "told" in SUPPORT_STOPWORDS and "told" not in RETRIEVAL_STOPWORDS
    assert "killed" in FIGURE_PHRASE_STOPS and "killed" not in SUPPORT_STOPWORDS
    assert "january" in EVENT_STOPWORDS and "monday" in EVENT_STOPWORDS


def test_word_helpers() -> None:
    assert wordset(" a  b\nc ") == frozenset({"a", "b", "c"})
    assert strip_accents("Çavuşoğlu") == "Cavusoglu"
    assert norm_word("U.S.") == "us" and norm_word("Zürich’s") == "zurich's"
    assert word_prefixes("Deir al-Zor province") == {"deir", "prov"}
    assert content_words("The talks in Astana begin on Monday, January 23") == {"talks", "astana", "begin"}


def test_words_that_deny_the_verb_after_them() -> None:
    assert all(denies(word) for word in ("not", "never", "didn't", "hasn’t", "wasn't"))
    assert not any(denies(word) for word in ("no", "nothing", "note", "knot", "n"))


@pytest.mark.unit
def test_a_place_adjective_by_its_regular_endings() -> None:
    from rag.text.words import demonym_of

    for word, place in (
        ("samoan", "samoa"),
        ("syrian", "syria"),
        ("iranian", "iran"),
        ("iraqi", "iraq"),
        ("chinese", "china"),
        ("mexican", "mexico"),
        ("canadian", "canada"),
        ("nigerian", "nigeria"),
    ):
        assert demonym_of(word, place), (word, place)
    # the name itself, another place, or a short word that happens to start the same are not
    for word, place in (
        ("samoa", "samoa"),
        ("tongan", "samoa"),
        ("iran", "iraq"),
        ("man", "ma"),
        ("sam", "samoa"),
    ):
        assert not demonym_of(word, place), (word, place)
