"""Characters that hide text: questions are cleaned outright, article text is read as Latin."""

from __future__ import annotations

import pytest

from rag.text.characters import INVISIBLE, as_latin, strip_controls

pytestmark = pytest.mark.unit


def test_control_characters_are_stripped_from_a_question() -> None:
    assert strip_controls("Who\x00 led\x1b[31m the\u202e talks?\r\n") == "Who led [31m the talks?"
    assert strip_controls("کی\u200cها") == "کی\u200cها"  # ZWNJ kept


def test_look_alikes_read_as_latin_and_invisible_characters_are_found() -> None:
    disguised = "\u0405Y\u0405\u0422\u0415\u041c"  # Cyrillic "ЅYЅТЕМ"
    assert as_latin(disguised) == "SYSTEM" and len(as_latin(disguised)) == len(disguised)
    assert INVISIBLE.sub("", "ig\u200bnore\u202e") == "ignore"
