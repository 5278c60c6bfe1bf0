"""Sources that give another day for the same event: the answer reports it, and never answers with
a day that only one article states against several.

:mod:`rag.conflicts` compares counts; a date is the other figure a single article can plant
(issue 9: one article said the Astana talks begin on January 25, three said January 23, and
the answer gave the 25th, backed by the one article it cited). Here each answer sentence that
names a day of a month ("January 25", "25 Jan.") is compared with the sentences of the other
articles among the sources that name another day of the same month and share at least
:data:`MIN_SHARED` content words with it (the same event: "talks", "Astana", "beginning"), and
whose article reports the same event: no place named against another (:mod:`rag.text.places`: the
debate "scheduled for October 15 in Miami" is not the one "held October 24 in Cheyenne") and a
publication date within :data:`MAX_DAYS_APART` of an article that states the answer's day (a day
of a month is named without its year: "January 25" in a 2020 report is not a 2017 day).

* A day stated by one article while at least two others agree on another day is an outlier:
  the sentence is withdrawn and a sentence naming both sides takes its place.
* Otherwise (one against one) the sentence stays and the disagreement sentence is added.

Articles flagged as reading like a prompt (:mod:`index.suspicious`) are not counted, and
duplicate wire copies count once per article (their copies are read, as the verifier does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.conflict_report import join_and, source_label
from rag.text.dates import month_day_name, month_days
from rag.text.places import place_keys, same_place
from rag.text.sentences import rough_sentences
from rag.text.words import content_words
from rag.types import Conflict, ConflictSide, Passage, Source

MIN_SHARED = 2
"""Content words a source's sentence must share with the answer's to speak of the same event."""
MIN_AGREEING = 2
"""Articles that must agree on another day before a lone day is withdrawn."""
MAX_DAYS_APART = 60
"""Articles published further apart than this name days of different events (or years)."""


@dataclass(frozen=True)
class _Report:
    """Where one article dates the event: its source number, the places its sentences name there,
    and its publication date."""

    number: int
    places: frozenset[str]
    date: dt.date | None


def _same_event(a: _Report, b: _Report) -> bool:
    if a.date and b.date and abs((a.date - b.date).days) > MAX_DAYS_APART:
        return False
    return same_place(a.places, b.places)


@dataclass
class DateFinding:
    """One answer sentence whose day other articles give differently."""

    index: int
    """Position of the answer sentence."""
    withdraw: bool
    """The day is a lone outlier: the sentence gives way to :attr:`report`."""
    report: str
    numbers: list[int] = field(default_factory=list)
    """The sources the report cites."""
    conflict: Conflict | None = None
    """The same disagreement for :attr:`rag.types.Answer.conflicts` (topic ``date``)."""


def _voices(source: Source) -> list[Passage]:
    return [p for p in (source.passage, *source.corroborating) if not p.suspicious]


def find(sentences: Sequence[str], sources: Sequence[Source]) -> list[DateFinding]:
    """Disagreements on the day of the event each answer sentence dates."""
    findings: list[DateFinding] = []
    for index, sentence in enumerate(sentences):
        stated = month_days(sentence)
        words = content_words(sentence)
        places = place_keys(sentence)
        for month, day in sorted(stated):
            reports: dict[int, dict[str, _Report]] = {}
            """day -> article id -> its report, over the articles that date this event."""
            for source in sources:
                for passage in _voices(source):
                    for line in rough_sentences(passage.text):
                        there = place_keys(line)
                        if len(words & content_words(line)) < MIN_SHARED or not same_place(places, there):
                            continue
                        for m, d in month_days(line):
                            if m == month:
                                known = reports.setdefault(d, {}).get(passage.article_id)
                                there |= known.places if known else frozenset()
                                report = _Report(source.number, there, passage.date)
                                reports[d][passage.article_id] = report
            backing = reports.get(day, {})
            if not backing:
                continue  # a day no source states: the verifier's contradiction check fails it
            backers = {article: report.number for article, report in backing.items()}
            # an article that states both days speaks of two events (or of a span)
            rivals = {
                d: {
                    article: report.number
                    for article, report in by_article.items()
                    if any(_same_event(report, b) for b in backing.values())
                }
                for d, by_article in reports.items()
                if d != day and not set(by_article) & set(backing)
            }
            rivals = {d: ids for d, ids in rivals.items() if ids}
            if not rivals:
                continue
            top_day, top = max(rivals.items(), key=lambda item: len(item[1]))
            withdraw = len(top) >= MIN_AGREEING and len(top) > len(backers)
            report = _report(month, day, backers, top_day, top, sources)
            sides = _sides(month, day, backers, sources) + _sides(month, top_day, top, sources)
            conflict = Conflict(topic="date", sides=sides)
            findings.append(DateFinding(index, withdraw, report, _numbers(backers, top), conflict))
    return findings


def _sides(month: int, day: int, ids: dict[str, int], sources: Sequence[Source]) -> list[ConflictSide]:
    by_number = {s.number: s for s in sources}
    return [
        ConflictSide(
            value=month_day_name(month, day),
            source_number=n,
            source=by_number[n].passage.source,
            date=by_number[n].passage.date,
        )
        for n in sorted(set(ids.values()))
    ]


def _numbers(*groups: dict[str, int]) -> list[int]:
    return sorted({n for group in groups for n in group.values()})


def _side(ids: dict[str, int], sources: Sequence[Source]) -> str:
    by_number = {s.number: s for s in sources}
    names = [f"{source_label(by_number[n])} [{n}]" for n in sorted(set(ids.values()))]
    return join_and(names)


def _report(
    month: int,
    day: int,
    backers: dict[str, int],
    top_day: int,
    top: dict[str, int],
    sources: Sequence[Source],
) -> str:
    many, lone = (top, backers) if len(top) >= len(backers) else (backers, top)
    many_day, lone_day = (top_day, day) if many is top else (day, top_day)
    verb_many = "gives" if len(set(many.values())) == 1 else "give"
    verb_lone = "gives" if len(set(lone.values())) == 1 else "give"
    return (
        f"Sources differ on the date: {_side(many, sources)} {verb_many} {month_day_name(month, many_day)}, "
        f"while {_side(lone, sources)} {verb_lone} {month_day_name(month, lone_day)}."
    )
