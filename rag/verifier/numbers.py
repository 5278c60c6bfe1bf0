"""The numbers of a claim or a passage: what each counts, and whether a passage states one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text.numbers import NUMBER_WORDS, SCALES, VAGUE_RANGES, attached_unit, unit_of
from rag.verifier.facts import Facts, canonical, extract_facts
from rag.verifier.tokens import Token, content_stems

COUNTED_WORDS = 1
"""Content words after a number taken to say what it counts ("20 IS fighters" -> fighters). One:
the second is often the verb ("870 infections have been reported", "457 deaths reported")."""


def counted_numbers(tokens: Sequence[Token], text: str) -> dict[str, set[str]]:
    """For each number of a sentence, the words after it that say what it counts.

    A unit of measure counts as its one name as well (:data:`rag.text.numbers.UNITS`), written
    apart or against the number: "185km (115 miles)" counts 185 in km and 115 in miles, so "115 km"
    is a number tied to what the passage counts with another (the model's "Palmyra is 185 miles
    southwest of Deir al-Zor" was shown as checked)."""
    out: dict[str, set[str]] = {}
    k = 0
    while k < len(tokens):
        if not numberish(tokens[k].norm):
            k += 1
            continue
        end = k
        attached = attached_unit(tokens[end].text)
        while (
            attached is None
            and end + 1 < len(tokens)
            and numberish(tokens[end + 1].norm)
            and not tokens[end + 1].clause_initial
        ):
            end += 1
            attached = attached_unit(tokens[end].text)
        written = text[tokens[k].start : tokens[end].start + len(tokens[end].text)]
        values = [value for value, _ in extract_facts(written).numbers]
        words: list[str] = []
        units: set[str] = set()
        if attached is not None:
            units.add(attached)
        else:
            for token in tokens[end + 1 :]:
                if token.clause_initial or len(words) >= COUNTED_WORDS:
                    break
                unit = unit_of(token.norm)
                if unit is not None:
                    units.add(unit)
                words.extend(content_stems([token]))
        counted = set(words[:COUNTED_WORDS]) | units
        if values and counted:
            out.setdefault(values[0], set()).update(counted)
        k = end + 1
    return out


def number_backed(value: str, numbers: set[str]) -> bool:
    """Is the claim's number ``value`` among the passage's ``numbers``? A plural scale word is backed
    by a figure in its range: "killed dozens of people" by "resulted in at least 56 deaths" (a right
    Wikinews answer refused, wn-115)."""
    if value in numbers:
        return True
    span = VAGUE_RANGES.get(value)
    if span is None:
        return False
    for number in numbers:
        try:
            figure = float(number)
        except ValueError:
            continue
        if span[0] <= figure <= span[1]:
            return True
    return False


def numberish(norm: str) -> bool:
    """A word that is, or is part of, a number: digits, a number word, a scale word."""
    return norm[:1].isdigit() or norm in NUMBER_WORDS or norm in SCALES


def figures(facts: Facts) -> frozenset[str]:
    """The numbers and years of a text, as values ("28", "310000", "2017")."""
    years = (value.split(":")[1] for value, _ in facts.dates if value.startswith("year:"))
    return frozenset([*(value for value, _ in facts.numbers), *years])


_ALL_BUT = re.compile(
    r"\ball but (?P<left>[\w,.]+) of (?:the |its |their )?(?P<whole>[\w,.]+)", re.IGNORECASE
)


def remainders(text: str) -> set[str]:
    """The counts an "all but one of the sixteen" leaves (15), as values: "All but one of the sixteen
    on-board died" backs "killing 15 people" (a right Wikinews answer, wn-093, that a date's "15"
    used to back by chance)."""
    out = set()
    for match in _ALL_BUT.finditer(text):
        left = [value for value, _ in extract_facts(match.group("left")).numbers]
        whole = [value for value, _ in extract_facts(match.group("whole")).numbers]
        try:
            rest = float(whole[0]) - float(left[0]) if left and whole else 0.0
        except ValueError:
            continue
        if rest > 0:
            out.add(canonical(rest))
    return out
