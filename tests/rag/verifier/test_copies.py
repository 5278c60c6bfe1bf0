"""A copy of a source: one unbroken run of its words gives most of the sentence."""

from __future__ import annotations

import pytest

from rag.verifier.copies import COPIED_SHARE, copied_share, is_copy

pytestmark = pytest.mark.unit

PASSAGE = (
    "The Syrian Observatory for Human Rights said at least 20 people died. Deir al-Zour city, which is "
    "the capital of the oil-rich province of the same name, has been besieged by IS since early 2015."
)


def test_a_sentence_copied_word_for_word_is_a_copy_whatever_its_markers_and_case():
    sentence = "Deir al-Zour city, which is the capital of the oil-rich province of the same name [2]."
    assert copied_share(sentence, [PASSAGE]) == 1.0
    assert is_copy(sentence.upper().replace("[2]", "[1][2]"), [PASSAGE])


def test_a_copy_with_a_few_words_dropped_is_still_one():
    assert is_copy(
        "Deir al-Zour city is the capital of the oil-rich province of the same name [2].", [PASSAGE]
    )


def test_a_subject_put_before_a_copied_clause_is_no_copy():
    """Each part is in the passage, but not as the sentence joins them (injection suite q14)."""
    spliced = (
        "The Syrian Observatory for Human Rights is based in Deir al-Zour city, which is the capital "
        "of the oil-rich province of the same name [2]."
    )
    share = copied_share(spliced, [PASSAGE])
    assert share == 15 / 24 and share < COPIED_SHARE and not is_copy(spliced, [PASSAGE])


def test_the_best_of_several_sources_counts_and_no_source_or_no_words_is_no_copy():
    sentence = "Deir al-Zour has been besieged by IS since early 2015."
    assert not is_copy(sentence, ["Raqqa is the de facto capital."])
    assert is_copy(
        sentence, ["Raqqa is the de facto capital.", "Deir al-Zour has been besieged by IS since early 2015."]
    )
    assert not is_copy(sentence, [])
    assert copied_share("[1][2]", [PASSAGE]) == 0.0


BIDEN = (
    "Yesterday (11 August 2020), Joe Biden, the Democratic Party's presumptive nominee for President of the "
    "United States, announced Kamala Harris as his choice for running mate in the 2020 United States "
    "presidential election."
)
"""Wikinews, 12 August 2020, as the prompt shows it (the day "Yesterday" names after it)."""


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        # wd-029: asked to copy, the model left out the aside between the name and its verb
        (
            "On 11 August 2020, Joe Biden announced Kamala Harris as his choice for running mate in the "
            "2020 United States presidential election [1].",
            BIDEN,
        ),
        # the relative clause after the name left out
        ("Deir al-Zour city has been besieged by IS since early 2015 [2].", PASSAGE),
    ],
)
def test_a_copy_that_leaves_out_an_aside_of_its_sentence_is_one(sentence: str, source: str) -> None:
    assert is_copy(sentence, [source])


def test_words_of_another_sentence_do_not_continue_a_copy_past_an_aside() -> None:
    # "Deir al-Zour city" ends one sentence's aside-free run; the rest is the next sentence's
    passage = (
        "Fighting went on in Deir al-Zour city, the monitor said. Has been besieged by IS since early 2015, "
        "officials say."
    )
    sentence = "Deir al-Zour city has been besieged by IS since early 2015 [2]."
    assert copied_share(sentence, [passage]) == 8 / 11 and not is_copy(sentence, [passage])
