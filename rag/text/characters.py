"""Characters that hide text: invisible and control characters, letters drawn like Latin ones.

Two rules for two inputs. Article text keeps its characters for the reader; only the copy the
model reads, and the checks that flag an article, drop :data:`INVISIBLE` and see look-alike
letters as Latin (:func:`as_latin`, offsets kept). A question is cleaned outright
(:func:`strip_controls`): every control and format character goes, bar the joiners that some
scripts need.
"""

from __future__ import annotations

import re
import unicodedata

INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Soft hyphen, zero-width characters, bidirectional controls, word joiner, BOM."""

_LOOK_ALIKES = str.maketrans(
    "АВЕКМНОРСТХаеорсухіјѕԁɡΑΒΕΖΗΙΚΜΝΟΡΤΥΧοΙЅІЈ",
    "ABEKMHOPCTXaeopcyxijsdgABEZHIKMNOPTYXoISIJ",
)
"""Cyrillic and Greek letters drawn like Latin ones, mapped one to one (so offsets hold)."""

_KEEP_FORMAT = {"\u200c", "\u200d"}
"""Zero-width (non-)joiners: part of how Persian, Hindi and emoji sequences are written."""


def as_latin(text: str) -> str:
    """``text`` with look-alike letters replaced by the Latin letters they imitate; same length."""
    return text.translate(_LOOK_ALIKES)


def strip_controls(text: str) -> str:
    """``text`` with control and invisible format characters turned into spaces, whitespace collapsed.

    Tabs and newlines are whitespace like any other; bidi overrides, NUL, escape sequences
    and other invisible characters carry no meaning for a search and can hide text from a
    reader, so they go. Letters of every script, digits and punctuation (including regex and
    SQL metacharacters, which are plain text here) are kept as typed.
    """
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" or (category in ("Cf", "Co", "Cs") and char not in _KEEP_FORMAT):
            out.append(" ")
        else:
            out.append(char)
    return " ".join("".join(out).split())
