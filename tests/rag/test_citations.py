"""Citation parsing and cleaning on crafted model outputs."""

from __future__ import annotations

import re

import pytest

from rag.citations import clean_answer, header_echo, parse_answer
from rag.text.markers import parse_numbers, strip_markers

pytestmark = pytest.mark.unit


def cited_numbers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def assert_offsets(text, sentences):
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:], strict=False))


@pytest.mark.parametrize(
    ("body", "n", "expected"),
    [
        ("1", 3, [1]),
        ("1,3", 3, [1, 3]),
        ("1, 3", 2, [1]),
        ("0", 3, []),
        ("1-3", 3, [1, 2, 3]),
        ("2–1", 3, [2, 1]),
        ("1-400", 4, [1]),
        ("2, 2, 1", 3, [2, 1]),
        ("Source 2", 3, [2]),
    ],
)
def test_parse_numbers_keeps_only_existing_sources(body, n, expected):
    assert parse_numbers(body, n) == expected


def test_markers_after_the_full_stop_belong_to_the_sentence_before():
    text, sentences = clean_answer("Around 200,000 people live there. [1] The city is besieged. [2]", 2)
    assert text == "Around 200,000 people live there [1]. The city is besieged [2]."
    assert [s.citations for s in sentences] == [[1], [2]]
    assert_offsets(text, sentences)


def test_adjacent_and_spaced_markers_merge_and_deduplicate():
    text, sentences = clean_answer("Talks begin on January 23 [2][3] [2] [ 3 ].", 3)
    assert text == "Talks begin on January 23 [2][3]."
    assert sentences[0].citations == [2, 3]


def test_out_of_range_and_zero_citations_are_removed_with_their_space():
    text, sentences = clean_answer("Twelve soldiers died [0]. Twenty fighters died [1,3]. More [7] came.", 2)
    assert text == "Twelve soldiers died. Twenty fighters died [1]. More came."
    assert [s.citations for s in sentences] == [[], [1], []]
    assert cited_numbers(text) <= {1, 2}
    assert_offsets(text, sentences)


def test_marker_list_with_only_two_sources_keeps_the_valid_one():
    text, sentences = clean_answer("The rebels will attend [1, 3].", 2)
    assert text == "The rebels will attend [1]."
    assert sentences[0].citations == [1]


def test_citations_inside_quotes_and_after_closing_quotes():
    text, sentences = clean_answer('Alloush said "all the rebel groups are going [1]." Others agreed. [2]', 2)
    assert text == 'Alloush said "all the rebel groups are going [1]." Others agreed [2].'
    assert [s.citations for s in sentences] == [[1], [2]]
    text, sentences = clean_answer('Alloush said "everyone has agreed." [1]', 2)
    assert text == 'Alloush said "everyone has agreed [1]."'
    assert sentences[0].citations == [1]


def test_brackets_that_are_not_citations_stay():
    raw = "The report [sic] was confirmed [Reuters] by the monitor [2]."
    text, sentences = clean_answer(raw, 2)
    assert text == raw
    assert sentences[0].citations == [2]


def test_ranges_source_words_and_fullwidth_brackets():
    text, sentences = clean_answer(
        "Fateh al-Sham would not attend [Source 1]. Talks open on Jan. 23 【2】.", 2
    )
    assert text == "Fateh al-Sham would not attend [1]. Talks open on Jan. 23 [2]."
    assert [s.citations for s in sentences] == [[1], [2]]
    text, sentences = clean_answer("The toll rose [1-2].", 3)
    assert sentences[0].citations == [1, 2]


def test_clause_level_citations_stay_in_place():
    text, sentences = clean_answer("The BBC says 12 died [1], while AFP says 28 [2].", 2)
    assert text == "The BBC says 12 died [1], while AFP says 28 [2]."
    assert sentences[0].citations == [1, 2]


def test_leading_marker_and_abbreviations_do_not_split_sentences():
    text, sentences = clean_answer(
        "[1] The U.S. team was invited by Mr. Cavusoglu. It has not replied [1].", 1
    )
    assert [s.text for s in sentences] == [
        "The U.S. team was invited by Mr. Cavusoglu [1].",
        "It has not replied [1].",
    ]
    assert_offsets(text, sentences)


def test_model_sources_list_and_marker_only_lines_are_dropped():
    raw = "The talks start on January 23 [1].\n[2]\n\nSources:\n[1] AFP, 2017\n[2] BBC"
    text, sentences = clean_answer(raw, 2)
    assert text == "The talks start on January 23 [1][2]."
    assert len(sentences) == 1


def test_bulleted_lines_are_sentences():
    text, sentences = clean_answer("- 12 soldiers died [1]\n- 20 fighters died [2]", 2)
    assert [s.citations for s in sentences] == [[1], [2]]
    assert "\n" in text
    assert_offsets(text, sentences)


def test_strip_markers_gives_the_claim_text():
    assert strip_markers("About 200,000 people live there [1][2].") == "About 200,000 people live there."


def test_no_answer_ever_cites_a_missing_source():
    raws = ["A [9]. B [0][1]. C [1-9]. D [2, 5]. E 【4】.", "[3] x. [1] y [2]", "Q [10,1] z."]
    for raw in raws:
        text, sentences = clean_answer(raw, 2)
        assert cited_numbers(text) <= {1, 2}
        assert all(set(s.citations) <= {1, 2} for s in sentences)
        assert_offsets(text, sentences)


@pytest.mark.unit
def test_private_use_characters_in_a_reply_are_not_taken_for_markers() -> None:
    """The parser stands markers in for private-use characters; a reply holding one crashed it."""
    drafts = parse_answer("\ue000Deir al-Zor has 200,000 people [1].\ue001", 2)
    assert [d.citations for d in drafts] == [[1]]
    assert parse_answer("\ue000", 2) == []


@pytest.mark.parametrize(
    ("raw", "text", "citations"),
    [
        (
            "[2] and [4] report that at least 28 soldiers were killed.",
            "At least 28 soldiers were killed [2][4].",
            [2, 4],
        ),
        ("[2], [3] say 28 civilians died.", "28 civilians died [2][3].", [2, 3]),
        ("[3] says that the talks begin on Monday.", "The talks begin on Monday [3].", [3]),
        ("[2] and [3] put the toll at 30.", "The sources put the toll at 30 [2][3].", [2, 3]),
        ("[3] puts the toll at 30.", "The source puts the toll at 30 [3].", [3]),
        ("[2][3] 28 civilians were killed.", "28 civilians were killed [2][3].", [2, 3]),
        ("According to [1], 28 soldiers died.", "28 soldiers died [1].", [1]),
        # a list with a serial comma (Wikinews wn-120)
        ("According to [1], [2], and [3], 28 soldiers died.", "28 soldiers died [1][2][3].", [1, 2, 3]),
        ("[1], [2], and [4] report that 28 soldiers died.", "28 soldiers died [1][2][4].", [1, 2, 4]),
    ],
)
def test_markers_that_open_a_sentence_become_its_citations_without_breaking_it(
    raw: str, text: str, citations: list[int]
) -> None:
    rendered, sentences = clean_answer(raw, 4)
    assert rendered == text
    assert [s.citations for s in sentences] == [citations]


@pytest.mark.unit
def test_a_sentence_that_only_copies_source_headers_is_left_out() -> None:
    """Golden cf02: the model wrote two sources' titles, one with its outlet, as a sentence."""
    echoes = header_echo(
        ["Syria war: Dozens dead in IS attack on Deir al-Zour", "Dozens killed in ISIS and regime clashes"],
        ["BBC News", "The National"],
    )
    raw = (
        "Fighting has killed dozens in Deir al-Zor [1]. Syria war: Dozens dead in IS attack on "
        "Deir al-Zour (BBC News) Dozens killed in ISIS and regime clashes [4]"
    )
    assert [d.plain for d in parse_answer(raw, 4, echoes)] == ["Fighting has killed dozens in Deir al-Zor."]
    assert len(parse_answer(raw, 4)) == 2  # without the sources' headers nothing is left out
    # one title restated as the reply's sentence, or a title with words of the model's own, stays
    assert len(parse_answer("Syria war: Dozens dead in IS attack on Deir al-Zour [1].", 4, echoes)) == 1
    kept = "The BBC reported Syria war: Dozens dead in IS attack on Deir al-Zour (BBC News) on Saturday [1]."
    assert len(parse_answer(kept, 4, echoes)) == 1


@pytest.mark.unit
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("According to [1], around 200,000 people live there.", "Around 200,000 people live there [1]."),
        ("According to the sources [1][3], IS attacked.", "IS attacked [1][3]."),
        ("Around 200,000 people live there, according to [2].", "Around 200,000 people live there [2]."),
        ("As reported by [1], IS attacked.", "IS attacked [1]."),
        ("According to sources [2] and [3], 200,000 people live there.", "200,000 people live there [2][3]."),
        ("According to [1] and the BBC, IS attacked.", "According to [1] and the BBC, IS attacked."),
        # a number with no source takes its words with it, instead of leaving "According to, IS ..."
        ("According to [5], IS attacked.", "IS attacked."),
        # an outlet named in words is the sentence's own, and so is a marker in mid-sentence
        ("According to the BBC, IS attacked [1].", "According to the BBC, IS attacked [1]."),
        ("IS attacked according to [1] and withdrew [2].", "IS attacked according to [1] and withdrew [2]."),
    ],
)
def test_a_source_number_after_according_to_is_the_citation(raw: str, expected: str) -> None:
    """Golden un06: "According to [1], there are 200,000 people ..." was shown as "According to,
    there are 200,000 people ... [2]" once the verifier moved the citation to the source backing it."""
    assert clean_answer(raw, 4)[0] == expected
