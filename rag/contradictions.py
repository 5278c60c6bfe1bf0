"""Sentences their cited passage contradicts: a different day for the same month, another count
of the same thing.

The support score weighs how much of a sentence the passage backs, so one wrong figure among
many backed words can still pass: issue 9 saw "the talks begin on January 25" pass against a
passage that says "beginning on January 23" (the 25 appeared elsewhere in the passages). A
contradiction is a stronger finding than a missing fact, so it is a veto, applied after the
score (:meth:`rag.support.SupportScorer.score`): the passage states the same kind of fact with
another value, and nowhere states the sentence's value.

* dates: the sentence names a day of a month ("January 25", "25 Jan") that the passages do not
  state, while they state another day of that same month;
* counts: the sentence counts something ("55 government soldiers were killed") with a value the
  passages never state, while they count the same thing (same category and predicate, as
  :func:`rag.conflicts.extract_facts` reads them) with another value.

Names are left to the score's name check (spellings of one name vary too much for a veto).
"""

from __future__ import annotations

import re

from rag.conflicts import extract_facts

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_MONTH_DAY = re.compile(
    rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:,\d|\d))", re.I
)
_DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})\b", re.I)


def month_days(text: str) -> set[tuple[int, int]]:
    """(month, day) of every "January 23" / "23 Jan." in ``text``; capitalised month names only."""
    found = set()
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for match in pattern.finditer(text):
            month, day = match.group("month"), int(match.group("day"))
            if month[0].isupper() and 1 <= day <= 31:
                found.add((_MONTHS[month.lower()], day))
    return found


def _numbers(text: str) -> set[float]:
    values = set()
    for raw in re.findall(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", text):
        values.add(float(raw.replace(",", "")))
    return values


def contradictions(claim: str, passages: str) -> list[str]:
    """What in ``passages`` contradicts ``claim``, in words; empty when nothing does."""
    problems: list[str] = []
    stated = month_days(passages)
    for month, day in sorted(month_days(claim) - stated):
        others = sorted(d for m, d in stated if m == month)
        if others:
            said = ", ".join(f"{_NAMES[month - 1]} {d}" for d in others)
            problems.append(f"date: {_NAMES[month - 1]} {day} (passage: {said})")
    claim_facts = extract_facts(claim)
    if claim_facts:
        passage_facts = extract_facts(passages)
        passage_values = {f.value for f in passage_facts} | _numbers(passages)
        for fact in claim_facts:
            if fact.value in passage_values:
                continue
            rivals = sorted({f.phrase for f in passage_facts if f.key == fact.key and f.value != fact.value})
            if rivals:
                problems.append(f"figure: {fact.phrase} (passage: {'; '.join(rivals[:3])})")
    return problems
