"""Article metadata read from the text itself: title, publication date, dateline, publisher.

Plain-text news dumps carry their metadata inline (a headline line, a ``date 2017-01-17``
prefix, a ``BEIRUT -`` dateline, a ``(Reuters)`` credit). These parsers are deliberately
conservative: a wrong date or publisher shown next to a citation misleads more than a
missing one, so anything ambiguous (a date inside a photo caption, "told AFP" in a quote,
"Image copyright Reuters") yields ``None``. The article text itself is never altered, so
chunk offsets keep pointing into the file's own text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

# The sample corpus (a news dump) starts some articles with " date 2017-01-17 ".
DATE_PREFIX = re.compile(r"^\s*date\s+(?P<iso>\d{4}-\d{2}-\d{2})\s+")

_DATE_FORMS = [
    re.compile(r"(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<day>\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?"),
    re.compile(r"(?P<year>\d{4})/(?P<m>\d{1,2})/(?P<day>\d{1,2})"),
    re.compile(r"(?P<year>\d{4})(?P<m>\d{2})(?P<day>\d{2})"),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})", re.IGNORECASE),
    re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})", re.IGNORECASE),
]

# A line that is nothing but a date, optionally labelled and followed by a time/zone.
_DATE_LINE = re.compile(
    r"^\s*(?:(?:published|posted|updated|last updated|date|dated)\s*(?:on|at)?\s*:?\s*)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?P<date>.+?)"
    r"(?:\s*(?:[,|·-]|at)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?\s*$",
    re.IGNORECASE,
)

# "BEIRUT - ", "AMMAN — ", "WASHINGTON, Jan 17 (Reuters) - ", "GENEVA (AFP) -".
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'.]*(?:[ -][A-Z][A-Z'.]*){0,3})"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2}))?"
    r"(?:,?\s+(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"(?:\s*\((?P<credit>[A-Z][A-Za-z&.' -]{1,40})\))?"
    r"\s+[-\u2013\u2014]{1,2}\s+(?=\S)"
)

# Credits that name the publisher of the whole article, not a quoted or photo source.
KNOWN_WIRES = {
    "reuters": "Reuters",
    "afp": "AFP",
    "ap": "AP",
    "the associated press": "AP",
    "associated press": "AP",
    "upi": "UPI",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "anadolu": "Anadolu Agency",
    "anadolu agency": "Anadolu Agency",
    "efe": "EFE",
    "ansa": "ANSA",
    "bloomberg": "Bloomberg",
    "tass": "TASS",
    "sana": "SANA",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "pti": "PTI",
    "ians": "IANS",
}
# Reuters signs its stories "(Reporting by ...; Editing by ...)".
_REUTERS_SIGNOFF = re.compile(
    r"\((?:Additional\s+)?Reporting by [^)]*?(?:Editing|Writing) by [^)]*\)\s*$", re.S
)
# "By Jane Doe, Reuters" / "By Jane Doe | AFP" on a byline line of its own.
_BYLINE = re.compile(
    r"^By\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*[,|/]\s*(?P<credit>[A-Za-z .&'-]{2,40})\s*$"
)

_TITLE_MAX_CHARS = 160
_TITLE_MAX_WORDS = 25


@dataclass(frozen=True)
class TextMetadata:
    title: str | None = None
    date: dt.date | None = None
    dateline: str | None = None
    source: str | None = None


def parse_date(value: str) -> dt.date | None:
    """A date from a metadata value ("2017-01-17", "2017-01-17T10:00Z", "Jan. 17, 2017", ...)."""
    value = value.strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(value)
        if match:
            return _build_date(match)
    return None


def _build_date(match: re.Match[str]) -> dt.date | None:
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else MONTHS[parts["month"].lower()]
    try:
        return dt.date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None


def _lines(text: str, limit: int) -> list[tuple[int, str]]:
    """The first ``limit`` non-empty lines with their start offsets."""
    found: list[tuple[int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            found.append((offset, line.rstrip("\r\n")))
            if len(found) >= limit:
                break
        offset += len(line)
    return found


def _date_line(line: str) -> dt.date | None:
    match = _DATE_LINE.match(line)
    if not match:
        return None
    return parse_date(match.group("date").strip().rstrip(","))


def parse_date_from_text(text: str) -> dt.date | None:
    """The publication date when the top of the article states it on its own.

    Only a ``date YYYY-MM-DD`` prefix or a line of the first three that is nothing but a
    date counts: dates inside sentences (photo captions, events) are not publication dates.
    """
    prefix = DATE_PREFIX.match(text)
    if prefix:
        return parse_date(prefix.group("iso"))
    for _, line in _lines(text, 3):
        found = _date_line(line)
        if found:
            return found
    return None


def _body_lines(text: str, limit: int = 6) -> list[str]:
    lines = []
    for _, line in _lines(text, limit):
        prefix = DATE_PREFIX.match(line)
        lines.append(line[prefix.end() :] if prefix else line.strip())
    return lines


def parse_dateline(text: str) -> tuple[str | None, str | None]:
    """(place, credit) from a ``PLACE (Credit) -`` opening of one of the first lines."""
    for line in _body_lines(text):
        match = DATELINE.match(line)
        if not match:
            continue
        place = match.group("place").strip()
        rest = line[match.end() :]
        # A dateline opens a sentence; "=== RESTRICTED - ..." or an all-caps banner does not.
        if not re.search(r"[a-z]", rest[:80]) or len(place) > 40:
            continue
        if place.isupper() and any(len(word) > 1 for word in place.replace("-", " ").split()):
            return place, _credit(match.group("credit"))
    return None, None


def _credit(value: str | None) -> str | None:
    if not value:
        return None
    return KNOWN_WIRES.get(value.strip().lower())


def parse_source(text: str) -> str | None:
    """The publisher, only from a dateline credit, a byline credit or a Reuters sign-off."""
    _, credit = parse_dateline(text)
    if credit:
        return credit
    for line in _body_lines(text, 4):
        match = _BYLINE.match(line)
        if match and _credit(match.group("credit")):
            return _credit(match.group("credit"))
    if _REUTERS_SIGNOFF.search(text[-400:]):
        return "Reuters"
    return None


def _is_byline(line: str) -> bool:
    return bool(re.match(r"^By\s+[A-Z]", line.strip()))


def _title_like(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > _TITLE_MAX_CHARS or len(line.split()) > _TITLE_MAX_WORDS:
        return False
    if DATE_PREFIX.match(line) or _date_line(line) or DATELINE.match(line):
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘"):
        return False  # a sentence fragment ("and then...")
    # A headline does not end like a sentence or a clause.
    return not line.endswith((".", ",", ";", ":", "-", "—"))


def parse_title(text: str) -> str | None:
    """The headline: the first non-empty line when it is short and not a sentence.

    A one- or two-word first line followed by a headline is a section label (BBC pages open
    with "Middle East"), so the next line is taken instead.
    """
    lines = [line.strip() for _, line in _lines(text, 5)]
    # A leading date line or byline is not the headline but may sit above it.
    while lines and (_date_line(lines[0]) or _is_byline(lines[0])):
        lines.pop(0)
    if not lines:
        return None
    first = lines[0]
    if (
        len(lines) > 1
        and len(first.split()) <= 2
        and _title_like(lines[1])
        and len(lines[1].split()) > len(first.split())
    ):
        return lines[1]
    return first if _title_like(first) else None


def parse_text_metadata(text: str) -> TextMetadata:
    place, _ = parse_dateline(text)
    return TextMetadata(
        title=parse_title(text),
        date=parse_date_from_text(text),
        dateline=place,
        source=parse_source(text),
    )
