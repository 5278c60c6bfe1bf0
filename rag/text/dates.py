"""Month and weekday tables, and the day-of-month patterns ("January 23", "23 Jan.")."""

from __future__ import annotations

import re

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
"""Month names and their abbreviations, lower-case, to the month's number."""

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
"""How a month is written in the engine's own sentences (index: month number - 1)."""

MONTH_ALTERNATION = "|".join(sorted(MONTHS, key=len, reverse=True))
"""Every key of :data:`MONTHS` as a regex alternation, longest first ("sept" before "sep")."""

WEEKDAYS = {
    "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
    "thursday": 4, "thu": 4, "thurs": 4, "friday": 5, "fri": 5, "saturday": 6, "sat": 6,
    "sunday": 7, "sun": 7,
}  # fmt: skip
"""Weekday names and their abbreviations, lower-case, to ISO weekday number."""

AMBIGUOUS_DATE_WORDS = frozenset({"may", "march", "mar", "jan", "sat", "sun", "wed", "mon", "dec", "sep"})
"""Abbreviations that are also ordinary words count only when capitalised and followed by "." or a day."""

_MONTH_DAY = re.compile(
    rf"\b(?P<month>{MONTH_ALTERNATION})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:,\d|\d))", re.I
)
_DAY_MONTH = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{MONTH_ALTERNATION})\b", re.I
)


def month_days(text: str) -> set[tuple[int, int]]:
    """(month, day) of every "January 23" / "23 Jan." in ``text``; capitalised month names only."""
    found = set()
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for match in pattern.finditer(text):
            month, day = match.group("month"), int(match.group("day"))
            if month[0].isupper() and 1 <= day <= 31:
                found.add((MONTHS[month.lower()], day))
    return found


def month_day_name(month: int, day: int) -> str:
    """ "January 23": how the engine writes a day of a month."""
    return f"{MONTH_NAMES[month - 1]} {day}"
