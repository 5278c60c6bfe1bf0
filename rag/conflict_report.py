"""How a disagreement between sources is reported: the sentence added to the answer, and the
:class:`rag.types.Conflict` records beside it.

:mod:`rag.conflicts` finds the figures on which sources disagree (as :class:`Finding`); here each
finding is worded once, naming both sides with their sources and dates, rival reports of the same
figures told in one sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rag.text.dates import MONTH_NAMES
from rag.text.figures import Figure
from rag.text.numbers import COUNT_WORDS, QUALIFIERS
from rag.types import Conflict, ConflictSide, Source

PREDICATE_PHRASES = {"killed": "killed", "wounded": "wounded", "live": "living there"}
"""How a predicate is worded after the figure ("14 civilians killed", "... living there")."""


def source_date(source: Source) -> dt.date | None:
    dates = [p.date for p in (source.passage, *source.corroborating) if p.date]
    return min(dates) if dates else None


def publisher(source: Source) -> str | None:
    passages = (source.passage, *source.corroborating)
    return next((p.source for p in passages if p.source), None) or source.passage.title


def source_label(source: Source, dated: bool = True) -> str:
    """How the added sentence names a source: publisher, else dateline, else quoted title, then its date.

    The dateline comes before the title: an article without a headline line is titled by its lead
    sentence, and "Sources differ: Fighting between Islamic State and the Syrian army has killed
    dozens in Deir al-Zor (2017-01-17) [1] reports 28 ..." read as two sentences run together,
    where "a report from Beirut (2017-01-17) [1] reports 28 ..." reads as one. ``dated=False``
    leaves the date to the sentence ("... by January 2017").
    """
    passages = (source.passage, *source.corroborating)
    name = next((p.source for p in passages if p.source), None)
    if not name:
        dateline = next((p.dateline for p in passages if p.dateline), None)
        title = source.passage.title
        name = (
            f"a report from {dateline.title()}"
            if dateline
            else f"“{title}”"
            if title
            else f"source {source.number}"
        )
    date = source_date(source) if dated else None
    return f"{name} ({date.isoformat()})" if date else name


@dataclass
class Finding:
    """Two sources' figures for one thing: a ``conflict`` (rival reports) or an ``update``."""

    kind: str
    key: tuple[str, str]
    first: tuple[Source, Figure]
    second: tuple[Source, Figure]


def _side(source: Source, fact: Figure) -> ConflictSide:
    return ConflictSide(
        value=fact.phrase,
        source_number=source.number,
        source=publisher(source),
        date=source_date(source),
    )


def _lower_first(phrase: str) -> str:
    first = phrase.split(" ", 1)[0]
    if first.lower() in COUNT_WORDS or first.lower() in QUALIFIERS.split("|") or first in ("At", "More"):
        return phrase[0].lower() + phrase[1:]
    return phrase


def _as_of(date: dt.date, other: dt.date) -> str:
    """When a report gave its figure: "January 2017", or the day when both reports share a month."""
    month = MONTH_NAMES[date.month - 1]
    if (date.year, date.month) == (other.year, other.month):
        return f"{month} {date.day}, {date.year}"
    return f"{month} {date.year}"


def _update(group: Sequence[Finding]) -> str:
    """An update, older report first: with both dates, each figure "by" its report's month."""
    a, b = group[0].first[0], group[0].second[0]
    predicate = PREDICATE_PHRASES.get(group[0].key[1], "")
    suffix = f" {predicate}" if predicate else ""
    values_a = join_and([_lower_first(f.first[1].phrase) for f in group])
    values_b = join_and([_lower_first(f.second[1].phrase) for f in group])
    da, db = source_date(a), source_date(b)
    if da and db:
        return (
            f"The figure changed over time: {source_label(a, dated=False)} [{a.number}] reported "
            f"{values_a}{suffix} by {_as_of(da, db)}; a later report, {source_label(b, dated=False)} "
            f"[{b.number}], gives {values_b} by {_as_of(db, da)}."
        )
    return (
        f"The figure changed over time: {source_label(a)} [{a.number}] reported {values_a}{suffix}; "
        f"a later report, {source_label(b)} [{b.number}], gives {values_b}."
    )


def _side_text(side: Sequence[tuple[Source, list[Figure]]], suffix: str) -> str:
    """One side of a disagreement: its sources and the figures they give, each source's own
    wording kept ("14 civilians" and "at least 14 civilians" agree on the value, but the "at
    least" is the outlet's and is never dropped)."""
    wordings: dict[tuple[str, ...], list[Source]] = {}
    for source, facts in side:
        wordings.setdefault(tuple(_lower_first(f.phrase) for f in facts), []).append(source)
    pieces = []
    for j, (phrases, members) in enumerate(wordings.items()):
        who = join_and([f"{source_label(source)} [{source.number}]" for source in members])
        verb = ("reports " if len(members) == 1 else "report ") if j == 0 else ""
        pieces.append(f"{who} {verb}{join_and(list(phrases))}{suffix if j == 0 else ''}")
    return " and ".join(pieces)


def join_and(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ordered_pairs(findings: Sequence[Finding]) -> dict[tuple[str, int, int], list[Finding]]:
    """Findings grouped per pair of sources; an update's older report comes first."""
    pairs: dict[tuple[str, int, int], list[Finding]] = {}
    for finding in findings:
        a, b = finding.first[0], finding.second[0]
        if finding.kind == "update":
            da, db = source_date(a), source_date(b)
            # Without dates, the smaller running total is the older one.
            if (db < da) if (da and db) else finding.second[1].value < finding.first[1].value:
                finding.first, finding.second = finding.second, finding.first
        pairs.setdefault((finding.kind, finding.first[0].number, finding.second[0].number), []).append(
            finding
        )
    return pairs


def describe(findings: Sequence[Finding]) -> list[tuple[str, list[int]]]:
    """One deterministic sentence (and the sources it cites) per disagreement.

    Rival reports of the same figures are told once: when two outlets agree with each other
    and both disagree with a third, the sentence names the agreeing pair as one side ("a
    report from Beirut [1] and AFP [3] report 14 civilians killed, while BBC News [2] reports
    at least two civilians") instead of two sentences that repeat the third outlet's figure.
    Each outlet keeps its own qualifier: "... [1] reports 14 civilians killed and AFP [3] at
    least 14 civilians, while ...". An update names when each figure was given.
    """
    # Conflicts are gathered per set of figures compared (in order of first appearance);
    # each source keeps the facts it reports for them, and sources with equal values merge.
    slots: list[tuple[str, tuple[tuple[str, str], ...] | tuple[int, int]]] = []
    rivals: dict[tuple[tuple[str, str], ...], dict[int, tuple[Source, list[Figure]]]] = {}
    pairs = _ordered_pairs(findings)
    for (kind, na, nb), group in pairs.items():
        if kind != "conflict":
            slots.append(("update", (na, nb)))
            continue
        keys = tuple(f.key for f in group)
        if keys not in rivals:
            rivals[keys] = {}
            slots.append(("conflict", keys))
        members = rivals[keys]
        members.setdefault(na, (group[0].first[0], [f.first[1] for f in group]))
        members.setdefault(nb, (group[0].second[0], [f.second[1] for f in group]))

    out: list[tuple[str, list[int]]] = []
    for kind, slot in slots:
        if kind == "update":
            group = pairs[("update", *slot)]
            out.append((_update(group), [group[0].first[0].number, group[0].second[0].number]))
            continue
        sides: dict[tuple[float, ...], list[tuple[Source, list[Figure]]]] = {}
        for source, facts in rivals[slot].values():
            sides.setdefault(tuple(f.value for f in facts), []).append((source, facts))
        predicate = PREDICATE_PHRASES.get(slot[0][1], "")
        parts = [
            _side_text(side, f" {predicate}" if predicate and i == 0 else "")
            for i, side in enumerate(sides.values())
        ]
        text = f"Sources differ: {', '.join(parts[:-1])}, while {parts[-1]}."
        out.append((text, [source.number for side in sides.values() for source, _ in side]))
    return out


def to_conflicts(findings: Sequence[Finding]) -> list[Conflict]:
    """One conflict per figure, with every source that reports it as a side (updates per pair)."""
    conflicts: list[Conflict] = []
    merged: dict[tuple[str, str], Conflict] = {}
    for finding in findings:
        category, predicate = finding.key
        topic = f"{category} {PREDICATE_PHRASES.get(predicate, predicate)}".strip()
        sides = [_side(*finding.first), _side(*finding.second)]
        if finding.kind == "update" and all(side.date for side in sides):
            sides.sort(key=lambda side: side.date or dt.date.max)  # the older report first
        if finding.kind == "conflict" and finding.key in merged:
            known = merged[finding.key].sides
            seen = {side.source_number for side in known}
            known.extend(side for side in sides if side.source_number not in seen)
            continue
        conflict = Conflict(topic=topic, kind=finding.kind, sides=sides)
        if finding.kind == "conflict":
            merged[finding.key] = conflict
        conflicts.append(conflict)
    return conflicts
