"""Month and weekday tables, the day-of-month patterns ("January 23", "23 Jan."), and full dates
as metadata writes them ("2017-01-17T10:00Z", "Tue, 17 Jan 2017 10:00:00 GMT")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence

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


def _month_days(text: str) -> Iterator[tuple[re.Match[str], int, int]]:
    """Each "January 23" / "23 Jan." in ``text`` with its month and day; capitalised months only."""
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for match in pattern.finditer(text):
            month, day = match.group("month"), int(match.group("day"))
            if month[0].isupper() and 1 <= day <= 31:
                yield match, MONTHS[month.lower()], day


def month_days(text: str) -> set[tuple[int, int]]:
    """(month, day) of every "January 23" / "23 Jan." in ``text``; capitalised month names only."""
    return {(month, day) for _, month, day in _month_days(text)}


def day_starts(text: str) -> set[int]:
    """Where the day of each "January 23" / "23 Jan." in ``text`` starts: a number there names a
    day, not a count."""
    return {match.start("day") for match, _, _ in _month_days(text)}


_ISO_DAY = re.compile(r"(?<![\w-])(?P<year>\d{4})-(?P<m>\d{2})-(?P<day>\d{2})(?![\w-])")


def iso_days(text: str) -> list[tuple[tuple[int, int], dt.date]]:
    """Where ``text`` writes a day as YYYY-MM-DD ("(2017-01-17)", as source headers show dates), and
    the day: its (start, end) in ``text`` and the date. Impossible days are left out."""
    found = []
    for match in _ISO_DAY.finditer(text):
        day = _build_date(match)
        if day is not None:
            found.append((match.span(), day))
    return found


def month_day_name(month: int, day: int) -> str:
    """How the engine writes a day of a month: "January 23"."""
    return f"{MONTH_NAMES[month - 1]} {day}"


# --- full dates -------------------------------------------------------------------------------

_MONTH = r"(?P<month>" + MONTH_ALTERNATION + r")\.?"
_WEEKDAY = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
    r"\.?,?\s+",
    re.IGNORECASE,
)
# "10:00", "T10:00:00.000Z", ", 10.30 am GMT", " at 9:15 +01:00" after a date.
_TIME = (
    r"(?:\s*(?:[,|\u00b7-]|at)?\s*T?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?"
    r"(?:\s*[ap]\.?m\.?)?(?:\s*(?:Z|[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?)?"
)
_DATE_FORMS = [
    re.compile(r"(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<day>\d{1,2})" + _TIME),
    re.compile(r"(?P<year>\d{4})/(?P<m>\d{1,2})/(?P<day>\d{1,2})" + _TIME),
    re.compile(r"(?P<year>\d{4})(?P<m>\d{2})(?P<day>\d{2})"),
    re.compile(r"(?P<day>\d{1,2})\.(?P<m>\d{1,2})\.(?P<year>\d{4})" + _TIME),  # 17.01.2017
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME, re.I),
    re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})" + _TIME, re.I),
]


def parse_date(value: str) -> dt.date | None:
    """A date from a metadata value: "2017-01-17", "2017-01-17T10:00Z", "Jan. 17, 2017",
    "17 January 2017", "Tuesday, January 17, 2017", "Tue, 17 Jan 2017 10:00:00 GMT", "17.01.2017".
    """
    value = value.strip()
    if len(value) > 80:
        return None
    value = _WEEKDAY.sub("", value, count=1)
    for form in _DATE_FORMS:
        match = form.fullmatch(value)
        if match:
            return _build_date(match)
    return None


def _build_date(match: re.Match[str]) -> dt.date | None:
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else MONTHS[parts["month"].lower()]
    year = int(parts["year"])
    if not 1500 <= year <= 2199:  # "0000-00-00" placeholders, typos
        return None
    try:
        return dt.date(year, month, int(parts["day"]))
    except ValueError:
        return None


class TypedDateError(ValueError):
    """A date or date range typed by a reader (a filter, a command-line option) that cannot be
    used; the message says what to fix."""


_TYPED_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def typed_day(value: str | None, label: str) -> dt.date | None:
    """A date a reader typed, in the one form filters take (YYYY-MM-DD); None when left empty.

    Stricter than ``date.fromisoformat``, which also takes "20170117" and "2017-W03-2": a reader
    who typed those most likely meant something else."""
    text = (value or "").strip()
    if not text:
        return None
    if not _TYPED_DAY.fullmatch(text):
        raise TypedDateError(f"{label} date '{text}' is not in the form YYYY-MM-DD (e.g. 2017-01-17).")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise TypedDateError(f"{label} date '{text}' is not a real date ({exc}); use YYYY-MM-DD.") from None


def typed_range(
    since: str | None, until: str | None, labels: tuple[str, str] = ("Since", "Until")
) -> tuple[dt.date | None, dt.date | None]:
    """The two ends of a typed date range (either may be empty), refused when they are reversed."""
    start, end = typed_day(since, labels[0]), typed_day(until, labels[1])
    check_order(start, end, labels)
    return start, end


def check_order(start: dt.date | None, end: dt.date | None, labels: tuple[str, str]) -> None:
    """TypedDateError when a range's start is after its end."""
    if start and end and start > end:
        raise TypedDateError(
            f"{labels[0]} date {start} is after {labels[1].lower()} date {end}: swap them or clear one."
        )


YEAR_WORD = re.compile(r"\b(?:1[5-9]|2[01])\d\d\b")
"""A year written as a word ("2011"), 1500-2199: what a four-digit number is read as in a sentence."""


# --- dates written in a sentence's words -------------------------------------------------------

WrittenDate = tuple[int | None, int | None, int | None]
"""A date as a sentence writes it: (month, day, year), each None where the text leaves it out."""

NO_DATE: WrittenDate = (None, None, None)


def date_in_words(words: Sequence[str], k: int) -> tuple[WrittenDate, int]:
    """The date written from ``words[k]`` on and the index after it, for a sentence's lower-case
    words with the punctuation left out: "march 2011", "january 23 2017", "23 january", "2011".
    :data:`NO_DATE` and ``k`` where no date starts there."""
    month = day = year = None
    at = k
    if _day_number(words, at) and at + 1 < len(words) and words[at + 1] in MONTHS:
        day, at = int(words[at]), at + 1  # "23 January"
    if at < len(words) and words[at] in MONTHS:
        month, at = MONTHS[words[at]], at + 1
        if day is None and _day_number(words, at):
            day, at = int(words[at]), at + 1  # "January 23"
    elif day is not None:
        return NO_DATE, k
    if at < len(words) and YEAR_WORD.fullmatch(words[at]):
        year, at = int(words[at]), at + 1
    return (month, day, year), at


def _day_number(words: Sequence[str], k: int) -> bool:
    """Is ``words[k]`` a day of the month (1 to 31)?"""
    return k < len(words) and words[k].isdigit() and 1 <= int(words[k]) <= 31


def beside_month(words: Sequence[str], k: int) -> bool:
    """Is ``words[k]`` written beside a month name, as the day of a date is ("December 14", "14
    December")? A number there names a day, not a count."""
    return (k + 1 < len(words) and words[k + 1] in MONTHS) or (k > 0 and words[k - 1] in MONTHS)


def may_be_one_date(one: WrittenDate, other: WrittenDate) -> bool:
    """Can both be the same date: no part that both give differs ("January 23" and "January 23,
    2017" can, "March 2011" and "January 23" cannot)."""
    return all(a is None or b is None or a == b for a, b in zip(one, other, strict=True))


# -- the time a question names ---------------------------------------------------------------
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_NAMED_DAY = [
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b", re.I),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I),
]
_NAMED_MONTH = re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?" + _YEAR + r"\b", re.I)
_NAMED_YEAR = re.compile(r"\b(?:in|during|throughout)\s+(?:early\s+|late\s+|mid-?)?" + _YEAR + r"\b", re.I)
_RELATIVE = re.compile(
    r"\b(?:(?P<day>today|yesterday)|(?P<which>this|last|past)\s+(?P<unit>week|month|year))\b", re.I
)


def question_period(question: str, newest: Callable[[], dt.date | None]) -> tuple[dt.date, dt.date] | None:
    """The days a question names, first and last (None when it names none): "on 14 March 2022"
    one day, "in March 2022" or "at the beginning of May 2020" the month, "in 2019" the year;
    "yesterday", "this week", "last month", "past year" count back from ``newest()``, the date
    of the newest article in the archive (called only for those words; None leaves them out),
    since an archive's "now" is its latest story, not the reader's calendar. Several named
    times give the span from the first to the last. A year alone counts only after "in",
    "during" or "throughout": in "the 2019 Nobel Prize" it names a prize, not when it was
    reported.
    """
    spans: list[tuple[dt.date, dt.date]] = []
    taken: list[tuple[int, int]] = []

    def free(match: re.Match[str]) -> bool:
        return not any(start < match.end() and match.start() < end for start, end in taken)

    for form in _NAMED_DAY:
        for match in form.finditer(question):
            day = _build_date(match)
            if day is not None and free(match):
                spans.append((day, day))
                taken.append(match.span())
    for match in _NAMED_MONTH.finditer(question):
        if free(match):
            year, month = int(match["year"]), MONTHS[match["month"].lower()]
            spans.append((dt.date(year, month, 1), _month_end(year, month)))
            taken.append(match.span())
    for match in _NAMED_YEAR.finditer(question):
        if free(match):
            year = int(match["year"])
            spans.append((dt.date(year, 1, 1), dt.date(year, 12, 31)))
    relative = list(_RELATIVE.finditer(question))
    reference = newest() if relative else None
    if reference is not None:
        spans.extend(_counted_back(match, reference) for match in relative)
    if not spans:
        return None
    return min(start for start, _ in spans), max(end for _, end in spans)


_SHIFTED = re.compile(r"\b(?:ago|earlier|previously|later|before that|since then)\b", re.I)


def shifts_time(text: str) -> bool:
    """Does ``text`` move its story in time ("last month", "yesterday", "two years ago", "earlier")?"""
    return bool(_RELATIVE.search(text) or _SHIFTED.search(text))


def relative_periods(text: str, published: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The days each "yesterday", "this week", "last month", "past year" of ``text`` spans, first
    and last, counted back from ``published`` (the day the text was published)."""
    return [_counted_back(match, published) for match in _RELATIVE.finditer(text)]


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _counted_back(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date]:
    if match["day"]:
        return today - dt.timedelta(days=1), today
    which, unit = match["which"].lower(), match["unit"].lower()
    if unit == "week":
        return today - dt.timedelta(days=14 if which == "last" else 7), today
    if unit == "month":
        if which == "this":
            return today.replace(day=1), today
        if which == "past":
            return today - dt.timedelta(days=31), today
        last_end = today.replace(day=1) - dt.timedelta(days=1)
        return last_end.replace(day=1), last_end
    if which == "this":
        return dt.date(today.year, 1, 1), today
    if which == "past":
        return today - dt.timedelta(days=365), today
    return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)


# --- days a story tells by their name ----------------------------------------------------------

_WEEKDAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_TOLD_DAY = re.compile(
    r"\b(?:(?P<today>(?i:today|tonight|this (?:morning|afternoon|evening)))"
    r"|(?P<yesterday>(?i:yesterday|last night))|(?P<tomorrow>(?i:tomorrow))"
    rf"|(?:(?P<which>(?i:last|next|this|on|late|early))\s+)?(?P<weekday>{_WEEKDAY_NAMES})"
    rf"(?!s\b|,?\s+(?:\d|(?i:{MONTH_ALTERNATION})\b)))"
)
""""yesterday", "today", "on Wednesday", "last Friday", "Sunday's vote"; a weekday followed by its
date ("Monday, January 3") is left to the date, and "Mondays" names no one day."""
_COMING = re.compile(
    r"\b(?:will|shall|would|is to|are to|to be|scheduled|expected|due|set to|plans? to|planned|upcoming)\b",
    re.I,
)
"""Words that put a sentence's weekday in the coming days ("the Senate will vote on Friday")."""


def told_days(text: str, published: dt.date) -> frozenset[dt.date]:
    """The days ``text`` names by "today", "yesterday", "tomorrow" or a weekday, counted from
    ``published``, the day the story was published. News writes the day of an event this way ("On
    Wednesday, the House impeached President Trump" in a story of Saturday 21 December 2019 tells
    18 December). A weekday is the past one (up to six days back, or that day itself), and also the
    coming one where the text speaks of what is to come ("will vote on Friday"); "last" keeps the
    past one, "next" the coming one."""
    coming = bool(_COMING.search(text))
    return frozenset(day for match in _TOLD_DAY.finditer(text) for day in _told(match, published, coming))


def _told(match: re.Match[str], published: dt.date, coming: bool) -> set[dt.date]:
    if match["today"]:
        return {published}
    if match["yesterday"]:
        return {published - dt.timedelta(days=1)}
    if match["tomorrow"]:
        return {published + dt.timedelta(days=1)}
    which = (match["which"] or "").lower()
    weekday = WEEKDAYS[match["weekday"].lower()]
    back = (published.isoweekday() - weekday) % 7
    ahead = (weekday - published.isoweekday()) % 7 or 7
    days = set()
    if which != "next":
        days.add(published - dt.timedelta(days=back or (7 if which == "last" else 0)))
    if which == "next" or (coming and which != "last"):
        days.add(published + dt.timedelta(days=ahead))
    return days


_SENTENCE_EDGE = re.compile(r"[.!?]\s|\n")


def with_told_days(text: str, published: dt.date) -> str:
    """``text`` with each day it names by "yesterday", "today" or a weekday followed by its date,
    counted from ``published``: "Yesterday (11 August 2020), Joe Biden ... announced". Where the
    weekday may be the past or the coming one (its sentence speaks of what is to come), it is left
    as written. The model reads sources this way: given "Yesterday, Joe Biden ... announced ..." under
    "Published 12 August 2020", it answered that Biden announced Harris "on August 12, 2020"."""
    out: list[str] = []
    last = 0
    for match in _TOLD_DAY.finditer(text):
        edges = [m.end() for m in _SENTENCE_EDGE.finditer(text, 0, match.start())]
        following = _SENTENCE_EDGE.search(text, match.end())
        sentence = text[edges[-1] if edges else 0 : following.start() if following else len(text)]
        days = _told(match, published, bool(_COMING.search(sentence)))
        if len(days) != 1:
            continue
        (day,) = days
        end = match.end() + (2 if text.startswith("'s", match.end()) else 0)
        out.append(f"{text[last:end]} ({day.day} {MONTH_NAMES[day.month - 1]} {day.year})")
        last = end
    out.append(text[last:])
    return "".join(out)
