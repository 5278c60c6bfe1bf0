"""Numbers as news text writes them: digits with thousands separators, number words, scales.

Two vocabularies, for two jobs: :data:`COUNT_WORDS`/:data:`COUNT_SCALES` read the figures a
passage counts (:mod:`rag.text.figures`), :data:`NUMBER_WORDS` and its companions let the
verifier match a number however it is written ("twelve", "12", "12th", "1.2m").
"""

from __future__ import annotations

import re
from functools import lru_cache

COUNT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a dozen": 12,
}  # fmt: skip
"""Number words a counted figure may be written in (no "zero": nobody counts none)."""
COUNT_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
"""Scale words after a counted figure ("1.5 million")."""

QUALIFIERS = (
    "at least|more than|over|around|about|nearly|almost|some|up to|fewer than|less than|"
    "approximately|roughly|an estimated|as many as"
)
"""Words that hedge a figure ("at least 28"), as a regex alternation."""

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
"""Number words the verifier reads as numbers (scales apart: see :data:`SCALES`)."""
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000}  # fmt: skip
SCALE_ABBREVIATIONS = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
                       "tn": 1_000_000_000_000}  # fmt: skip
VAGUE_QUANTITIES = frozenset({"dozens", "hundreds", "thousands", "millions", "billions", "scores"})
"""Plural scale words state an order of magnitude: the passage must use the same word (or a number
in its range, :data:`VAGUE_RANGES`)."""
VAGUE_RANGES = {
    "dozens": (24, 99), "scores": (40, 199), "hundreds": (200, 999), "thousands": (2_000, 999_999),
    "millions": (2_000_000, 999_999_999), "billions": (2_000_000_000, 999_999_999_999),
}  # fmt: skip
"""The figures each plural scale word stands for: two of its unit and more, short of the next word
("dozens" for 56 deaths; 150 is "scores" but not "dozens" or "hundreds")."""

DIGIT_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:(?:,|[ \u00a0\u202f\u2009])\d{3}(?!\d))+|\d+)(?:\.\d+)?"
    r"(?:\s*(?P<scale>million|billion|trillion|thousand|bn|mn|tn|m|k)\b)?"
    r"(?P<ord>st|nd|rd|th)?"
    # a unit written against the number ("185km", "5pm") does not hide the number
    r"(?P<unit>km|kms|kmh|kph|mph|mi|kg|kgs|mm|cm|ft|lbs?|ha|[kmg]w|am|pm)?(?!\w)",
    re.IGNORECASE,
)
"""A number in digits as the verifier reads it, with its scale, ordinal suffix or unit."""

UNITS = {
    **dict.fromkeys(("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers"), "km"),
    **dict.fromkeys(("mi", "mile", "miles"), "mile"),
    **dict.fromkeys(("metre", "metres", "meter", "meters"), "metre"),
    **dict.fromkeys(("ft", "foot", "feet"), "foot"),
    **dict.fromkeys(("cm", "centimetre", "centimetres", "centimeter", "centimeters"), "cm"),
    **dict.fromkeys(("mm", "millimetre", "millimetres", "millimeter", "millimeters"), "mm"),
    **dict.fromkeys(("kg", "kgs", "kilogram", "kilograms", "kilogramme", "kilogrammes"), "kg"),
    **dict.fromkeys(("lb", "lbs"), "lb"),
    **dict.fromkeys(("ha", "hectare", "hectares"), "hectare"),
    **dict.fromkeys(("acre", "acres"), "acre"),
    **dict.fromkeys(("kmh", "kph"), "km/h"),
    "mph": "mph",
    **dict.fromkeys(("kw", "kilowatt", "kilowatts"), "kw"),
    **dict.fromkeys(("mw", "megawatt", "megawatts"), "mw"),
    **dict.fromkeys(("gw", "gigawatt", "gigawatts"), "gw"),
}  # fmt: skip
"""Units of measure as written after a number, each to one name: "185km (115 miles)" gives one
figure in kilometres and one in miles, and "115 km" is not what it says. Words that are also
something else ("pound", a currency; "m", a million) are left out."""


def unit_of(word: str) -> str | None:
    """The unit a word written after a number names ("kilometres" -> "km"), or None."""
    return UNITS.get(word.lower())


@lru_cache(maxsize=8192)
def attached_unit(word: str) -> str | None:
    """The unit written against a number in one word ("185km" -> "km"), or None. Cached: the
    verifier asks it of every digit-led word it stems (:func:`rag.verifier.tokens.content_stems`)."""
    match = DIGIT_NUMBER.fullmatch(word)
    return unit_of(match.group("unit")) if match and match.group("unit") else None


_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")


def digit_values(text: str) -> set[float]:
    """Every number written in digits in ``text`` ("310,000" -> 310000.0), wherever it stands."""
    return {float(raw.replace(",", "")) for raw in _PLAIN_NUMBER.findall(text)}


def count_value(text: str, scale: str | None) -> float | None:
    """The value of a counted figure ("twelve", "1,200", "1.5" with scale "million"); None if unreadable."""
    lowered = text.lower()
    if lowered in COUNT_WORDS:
        value: float = COUNT_WORDS[lowered]
    else:
        try:
            value = float(lowered.replace(",", ""))
        except ValueError:
            return None
    return value * COUNT_SCALES[scale.lower()] if scale else value
