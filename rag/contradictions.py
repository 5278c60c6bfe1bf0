"""Sentences their cited passage contradicts: a different day for the same month, another count
of the same thing.

The support score weighs how much of a sentence the passage backs, so one wrong figure among
many backed words can still pass: issue 9 saw "the talks begin on January 25" pass against a
passage that says "beginning on January 23" (the 25 appeared elsewhere in the passages). A
contradiction is a stronger finding than a missing fact, so it is a veto, applied after the
score (:meth:`rag.verifier.scorer.SupportScorer.score`): the passage states the same kind of fact with
another value, and nowhere states the sentence's value.

* dates: the sentence names a day of a month ("January 25", "25 Jan") that the passages do not
  state, while they state another day of that same month;
* counts: the sentence counts something ("55 government soldiers were killed") with a value the
  passages never state, while they count the same thing (same category and predicate, as
  :func:`rag.text.figures.extract_figures` reads them) with another value.

Names are left to the score's name check (spellings of one name vary too much for a veto).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rag.text.dates import month_day_name, month_days
from rag.text.figures import extract_figures
from rag.text.numbers import digit_values


def contradictions(claim: str, passages: str, told: Iterable[dt.date] = ()) -> list[str]:
    """What in ``passages`` contradicts ``claim``, in words; empty when nothing does. ``told``: the
    days the passages name by weekday or "yesterday" (:func:`rag.text.dates.told_days`), which they
    state as surely as a written date."""
    problems: list[str] = []
    stated = month_days(passages) | {(day.month, day.day) for day in told}
    for month, day in sorted(month_days(claim) - stated):
        others = sorted(d for m, d in stated if m == month)
        if others:
            said = ", ".join(month_day_name(month, d) for d in others)
            problems.append(f"date: {month_day_name(month, day)} (passage: {said})")
    claim_facts = extract_figures(claim)
    if claim_facts:
        passage_facts = extract_figures(passages)
        passage_values = {f.value for f in passage_facts} | digit_values(passages)
        for fact in claim_facts:
            if fact.value in passage_values:
                continue
            rivals = sorted({f.phrase for f in passage_facts if f.key == fact.key and f.value != fact.value})
            if rivals:
                problems.append(f"figure: {fact.phrase} (passage: {'; '.join(rivals[:3])})")
    return problems
