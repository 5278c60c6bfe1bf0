"""When a passage was published, and the months and years its "last month" or "yesterday" name.

The engine gives every passage a header line ending in its date, "Published 17 January 2017."
(:func:`rag.evidence.passage_document`); the verifier reads the story's relative times from it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from rag.text.dates import MONTHS, relative_periods

_PUBLISHED = re.compile(r"Published (\d{1,2}) ([A-Z][a-z]+) (\d{4})\.")
"""The date in a passage's header line (:func:`rag.evidence.passage_document`)."""
RELATIVE_MONTHS = 62
"""Longest span of days whose months a relative time names: "last month", "this week"; "this year"
names its year only."""


def published_on(passage: str) -> dt.date | None:
    """The date in a passage's header line, None when it has none."""
    match = _PUBLISHED.search(passage)
    month = MONTHS.get(match.group(2).lower()) if match else None
    if match is None or month is None:
        return None
    try:
        return dt.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


def relative_dates(passages: Sequence[str]) -> set[str]:
    """Dates ("year:2020", "month:8") that a dated passage's "last month", "yesterday" or "last year"
    names: "Last month, Alexei Navalny was airlifted from Omsk to Berlin" in a story published on 5
    September 2020 backs "in August 2020" (a right Wikinews answer refused, wn-129)."""
    out: set[str] = set()
    for passage in passages:
        published = published_on(passage)
        if published is None:
            continue
        for start, end in relative_periods(passage, published):
            out.update(f"year:{year}" for year in range(start.year, end.year + 1))
            if (end - start).days <= RELATIVE_MONTHS:
                day = start.replace(day=1)
                while day <= end:
                    out.add(f"month:{day.month}")
                    day = (day + dt.timedelta(days=32)).replace(day=1)
    return out
