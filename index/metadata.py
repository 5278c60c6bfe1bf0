"""Article metadata read from the text itself: headline, publication date, dateline, outlet.

Plain-text news dumps carry their metadata inline (a headline line, a ``date 2017-01-17``
prefix, a ``BEIRUT -`` dateline, a ``(Reuters)`` credit, a "BBC News" line, a "— Reuters"
sign-off). These parsers are deliberately conservative: a wrong date or publisher shown
next to a citation misleads more than a missing one, so anything ambiguous (a date inside a
photo caption, "told AFP" in a quote, "Image copyright Reuters") yields ``None``.

The only text removed from an article is its leading metadata: a dump's ``date
2017-01-17 BEIRUT -`` prefix and date-only lines above everything else (they are stored as
fields; left in, they opened the first passage and the sources panel with
"date 2017-01-17 BEIRUT -"). :attr:`TextMetadata.body_start` says where the body begins.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index.outlets import canonical_outlet, outlet_name
from rag.text.dates import parse_date
from rag.text.sentences import LEAD_SENTENCE_END
from rag.text.words import wordset

_DATE_LABEL = re.compile(
    r"^\s*(?:(?:first published|published|posted|updated|last updated|date|dated)\s*(?:on|at)?\s*:?\s*)?",
    re.IGNORECASE,
)

# The sample corpus (a news dump) starts some articles with " date 2017-01-17 ".
DATE_PREFIX = re.compile(r"\s*date\s+(?P<iso>\d{4}-\d{2}-\d{2})\s+")

# A date as datelines write it: "Jan 17", "March 3, 2019", "3 March 2019", "Mar. 3".
_WHEN = r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{4})?)"

# "BEIRUT - ", "AMMAN — ", "WASHINGTON, Jan 17 (Reuters) - ", "GENEVA (AFP) -",
# "WASHINGTON, March 3, 2019 (AP) — ", "PARIS, 3 March 2019 (AFP) - ", "NEW YORK, NY, Mar. 3, 2019 /PRNewswire/ --".
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'.]*(?:[ -][A-Z][A-Z'.]*){0,3})"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2}))?"
    rf"(?:,?\s+(?P<when>{_WHEN}))?"
    r"(?:\s*(?:\((?P<credit>[A-Z][A-Za-z&.' -]{1,40})\)|/(?P<release>[A-Z][A-Za-z&.' -]{1,40})/))?"
    r"\s+[-\u2013\u2014]{1,2}\s+(?=\S)"
)
# A lead that opens with its date alone: "March 3, 2019 - The bridge will reopen ...".
_DATED_LEAD = re.compile(rf"^(?P<when>{_WHEN})\s+[-\u2013\u2014]{{1,2}}\s+(?=\S)")
# Reuters signs its stories "(Reporting by ...; Editing by ...)".
_REUTERS_SIGNOFF = re.compile(
    r"\((?:Additional\s+)?Reporting by [^)]*?(?:Editing|Writing) by [^)]*\)\s*$", re.S
)
# "By Jane Doe, Reuters" / "By Jane Doe | AFP" on a byline line of its own.
_BYLINE = re.compile(
    r"^By\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*[,|/]\s*(?P<credit>[A-Za-z .&'-]{2,40})\s*$"
)
# A credit line at the end: "— Reuters", "(AFP)", "Source: BBC News", "© 2017 Halvard Gazette".
_SIGNOFF = re.compile(
    r"^(?:[-\u2013\u2014]{1,2}\s*(?P<dash>.+)|\((?P<paren>[^()]+)\)|(?:source|credit)\s*:\s*(?P<label>.+)"
    r"|(?:©|\(c\)|copyright)\s*(?:\d{4}\s+)?(?P<copy>[^.,]+?)(?:\s+\d{4})?(?:[.,].*)?)$",
    re.IGNORECASE,
)
_LABELLED = re.compile(r"^(?:source|credit)\s*:\s*(?P<name>.+)$", re.IGNORECASE)
_LABELLED_TITLE = re.compile(r"^(?:title|headline)\s*:\s*(?P<title>\S.*)$", re.IGNORECASE)
"""A headline in a labelled header block ("Title: ...", "Date: ...", "Source: ..."), as archive
exports write them; the label is not part of the headline."""

_TITLE_MAX_CHARS = 160
_TITLE_MAX_WORDS = 25
_HEADLINE_WORDS = 16
_TITLE_SEPARATOR = re.compile(r"\s+(\||\u2013|\u2014|-|::|\u00b7|\u2022|\u00bb)\s+")
_TRAILING_WORDS = wordset(
    "a an the of to in on at for and or but by with from as that which who he she it they would "
    "will was were is are has have had said says its their his her this"
)


@dataclass(frozen=True)
class TextMetadata:
    title: str | None = None
    date: dt.date | None = None
    dateline: str | None = None
    source: str | None = None
    body_start: int = 0
    """Offset where the article proper begins, after a leading date prefix or date line."""


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


def _last_lines(text: str, limit: int) -> list[str]:
    lines = [line.strip() for line in text[-2000:].splitlines() if line.strip()]
    return lines[-limit:]


def date_line(line: str) -> dt.date | None:
    """The date of a line that is nothing but a date, optionally labelled ("Published: ...")."""
    label = _DATE_LABEL.match(line)
    rest = line[label.end() :] if label else line
    return parse_date(rest.strip().rstrip(","))


def parse_date_from_text(text: str) -> dt.date | None:
    """The publication date when the top of the article states it on its own.

    Only a ``date YYYY-MM-DD`` prefix or a line of the first three that is nothing but a
    date counts: dates inside sentences (photo captions, events) are not publication dates.
    """
    prefix = DATE_PREFIX.match(text)
    if prefix:
        return parse_date(prefix.group("iso"))
    for _, line in _lines(text, 3):
        found = date_line(line)
        if found:
            return found
    for line in _body_lines(text, 4):
        found = _dated_opening(line)
        if found:
            return found
    return None


def _dated_opening(line: str) -> dt.date | None:
    """The date a dateline ("WASHINGTON, March 3, 2019 (AP) -"), a dated lead ("March 3, 2019 -")
    or a byline ("By Jane Doe | March 3, 2019") gives with its year; a bare "Jan 17" gives none."""
    opening = _dateline(line) or _DATED_LEAD.match(line)
    if opening and opening.group("when"):
        return parse_date(opening.group("when")) if re.search(r"\d{4}", opening.group("when")) else None
    if _is_byline(line):
        parts = re.split(r"\s[|\u00b7\u2022\u2013\u2014-]\s|,\s(?=\S+\s+\d)", line, maxsplit=1)
        if len(parts) == 2 and re.search(r"\d{4}", parts[1]):
            return date_line(parts[1])
    return None


def body_start(text: str) -> int:
    """Where the article begins once a leading ``date ... PLACE -`` prefix or date-only lines are cut."""
    position = 0
    for _ in range(3):
        prefix = DATE_PREFIX.match(text, position)
        if prefix:
            position = prefix.end()
            match = _dateline(text[position : position + 200])
            return position + match.end() if match else position
        line_end = text.find("\n", position)
        line_end = len(text) if line_end < 0 else line_end + 1
        line = text[position:line_end]
        if not line.strip() or not date_line(line) or line_end >= len(text):
            break
        position = line_end
        while position < len(text) and not text[position:].split("\n", 1)[0].strip():
            next_line = text.find("\n", position)
            if next_line < 0:
                break
            position = next_line + 1
    return position


def _body_lines(text: str, limit: int = 6) -> list[str]:
    lines = []
    for _, line in _lines(text, limit):
        prefix = DATE_PREFIX.match(line)
        lines.append(line[prefix.end() :] if prefix else line.strip())
    return lines


def _dateline(line: str) -> re.Match[str] | None:
    """A ``PLACE (Credit) -`` opening that starts a sentence, not an all-caps banner."""
    match = DATELINE.match(line)
    if not match:
        return None
    place = match.group("place").strip()
    rest = line[match.end() :]
    if not re.search(r"[a-z]", rest[:80]) or len(place) > 40:
        return None
    if place.isupper() and any(len(word) > 1 for word in place.replace("-", " ").split()):
        return match
    return None


def parse_dateline(text: str) -> tuple[str | None, str | None]:
    """(place, credit) from a ``PLACE (Credit) -`` opening of one of the first lines.

    A credit in that position names the outlet of the whole story, known wire or not
    ("HALVARD (Nordwire) -").
    """
    for line in _body_lines(text):
        match = _dateline(line)
        if match:
            credit = match.group("credit") or match.group("release")
            return match.group("place").strip(), outlet_name(credit, strict=False) if credit else None
    return None, None


def parse_source(text: str) -> str | None:
    """The outlet, from a dateline credit, a byline, an outlet line at the top, a credit at
    the end, or a Reuters sign-off; never from a credit inside a sentence or a caption."""
    _, credit = parse_dateline(text)
    if credit:
        return credit
    for line in _body_lines(text, 5):
        byline = _BYLINE.match(line)
        if byline and outlet_name(byline.group("credit"), strict=True):
            return outlet_name(byline.group("credit"), strict=True)
        labelled = _LABELLED.match(line)
        name = outlet_name(labelled.group("name"), strict=False) if labelled else canonical_outlet(line)
        if name:
            return name
    for line in reversed(_last_lines(text, 2)):
        signoff = _SIGNOFF.match(line)
        if signoff:
            name = next(value for value in signoff.groups() if value is not None)
            found = outlet_name(name, strict=signoff.group("label") is None)
            if found:
                return found
    if _REUTERS_SIGNOFF.search(text[-400:]):
        return "Reuters"
    return None


def _is_byline(line: str) -> bool:
    return bool(re.match(r"^By\s+[A-Z]", line.strip()))


def _title_like(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > _TITLE_MAX_CHARS or len(line.split()) > _TITLE_MAX_WORDS:
        return False
    if DATE_PREFIX.match(line) or date_line(line) or DATELINE.match(line):
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
    for line in lines:
        labelled = _LABELLED_TITLE.match(line)
        if labelled and len(labelled.group("title")) <= _TITLE_MAX_CHARS:
            return labelled.group("title").strip()
    # A leading date line or byline is not the headline but may sit above it.
    while lines and (date_line(lines[0]) or _is_byline(lines[0])):
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


def split_title(title: str, site: str | None = None) -> tuple[str, str | None]:
    """("Title | Halvard Gazette") -> ("Title", "Halvard Gazette"); other titles unchanged.

    After " | ", " · " or " :: " any short capitalised name is a site; after a dash only a
    known outlet or a name like "... Herald", since "Syria war - what we know" is a headline.
    """
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title, None
    last = separators[-1]
    head, tail = title[: last.start()].strip(), title[last.end() :].strip()
    if len(head.split()) < 2:
        return title, None
    if site and tail.casefold() == site.casefold():
        return head, site
    name = outlet_name(tail, strict=last.group(1) in "-\u2013\u2014")
    return (head, name) if name else (title, None)


def site_from_title(title: str) -> str | None:
    return split_title(title)[1]


def headline_from_lead(body: str) -> str | None:
    """A short readable headline from the first sentence, for articles without a title line.

    The first sentence when it is short, else its first clause, else its first words with
    "…" (measured on the bundled corpus: 000 gives "Fighting between Islamic State and the
    Syrian army has killed dozens in Deir al-Zor"); never the file name.
    """
    paragraph = next((part for part in re.split(r"\n\s*\n", body) if part.strip()), "")
    lead = " ".join(paragraph.split())
    opening = _dateline(lead)
    if opening:
        lead = lead[opening.end() :]
    sentence = LEAD_SENTENCE_END.split(lead, maxsplit=1)[0].rstrip(" .!?")
    words = sentence.split()
    if len(words) > _HEADLINE_WORDS:
        clause = re.split(r",\s|;\s|\s[\u2013\u2014-]\s|:\s", sentence, maxsplit=1)[0]
        if 4 <= len(clause.split()) <= _HEADLINE_WORDS:
            sentence, words = clause, clause.split()
        else:
            words = words[:14]
            while len(words) > 4 and words[-1].lower().strip(",;:") in _TRAILING_WORDS:
                words.pop()
            sentence = " ".join(words).rstrip(",;:") + "…"
    if len(words) < 2 or not re.search(r"[^\W\d_]", sentence) or len(sentence) > _TITLE_MAX_CHARS:
        return None
    return sentence[0].upper() + sentence[1:]


def parse_text_metadata(text: str) -> TextMetadata:
    place, _ = parse_dateline(text)
    return TextMetadata(
        title=parse_title(text),
        date=parse_date_from_text(text),
        dateline=place,
        source=parse_source(text),
        body_start=body_start(text),
    )
