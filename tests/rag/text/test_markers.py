"""Citation markers: each pattern catches what its job needs, parsing keeps valid numbers once."""

from __future__ import annotations

import pytest

from rag.text.markers import (
    ANSWER_MARKER,
    CLAIM_MARKER,
    DISPLAY_MARKER,
    PROMPT_MARKER,
    SHORT_MARKER,
    SINGLE_MARKER,
    parse_numbers,
    render_marker,
    strip_markers,
)

pytestmark = pytest.mark.unit


def test_answer_markers_cover_what_a_model_writes() -> None:
    for text in ("[1]", "[Source 2]", "[1-3]", "[^1]", "【2】", "[1, 2 and 3]", "[source: 4]"):
        assert ANSWER_MARKER.fullmatch(text), text
    assert not ANSWER_MARKER.search("[a]")


def test_each_pattern_keeps_its_own_reach() -> None:
    assert PROMPT_MARKER.fullmatch("【1】") and PROMPT_MARKER.fullmatch("[2-3]")
    assert not PROMPT_MARKER.search("[Source 2]")
    assert CLAIM_MARKER.sub("", "Rebels came [1, 2].") == "Rebels came."
    assert DISPLAY_MARKER.findall("A [1][2, 3] B [4-5]") == ["1", "2, 3"]
    assert SHORT_MARKER.findall("[1] [ 22 ] [333]") == ["[1]", "[ 22 ]"]
    assert SINGLE_MARKER.sub("", "Talks began [1]. Rebels [1, 2] came.") == "Talks began. Rebels [1, 2] came."


def test_parse_render_and_strip() -> None:
    assert parse_numbers("3, 1-2, 3, 9", n_sources=4) == [3, 1, 2]
    assert parse_numbers("Source 1 and 2", n_sources=4) == [1, 2]
    assert render_marker([1, 3]) == "[1][3]"
    assert strip_markers("Talks began [1] , in Astana [Source 2].") == "Talks began, in Astana."
