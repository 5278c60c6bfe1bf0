"""Disagreement between sources on a figure: the same count reported differently.

News archives hold several outlets' versions of one event, and early tolls differ: the BBC
reports "Twelve government soldiers ... were killed" while AFP reports "at least 28 regime
forces dead". A small model picks one side and states it as the answer; here the figures
are extracted deterministically from the numbered sources, compared per *what they count*
(government forces killed, IS fighters killed, civilians killed, people living in a place),
and a sentence naming both sides, with their sources and dates, is added to the answer.

A difference is an *update*, not a conflict, when the reports are far apart in time
("more than 310,000 killed" in 2017, "more than 380,000" in 2020) or, without dates, when
both figures are running totals ("since 2011"). Figures more than ``MAX_RATIO`` apart are
different quantities (an attack's toll against a war's), not rival reports of one.

Written here rather than with a model: the 1.5B generator cannot be trusted to notice that
two passages disagree, and a rule-based extractor is fast, testable and never invents a side.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.types import Conflict, ConflictSide, Source


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_RATIO = 10.0
"""Two figures for the same thing further apart than this count different quantities."""
UPDATE_AFTER_DAYS = 30
"""Reports further apart than this are successive updates, not rival accounts."""
OUTLIER_RATIO = 2.0
"""A lone figure at least this far beyond every other source's figure for the same thing, which
themselves lie closer together, is an outlier (see :func:`outliers`)."""

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a dozen": 12,
}  # fmt: skip
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_QUALIFIERS = (
    "at least|more than|over|around|about|nearly|almost|some|up to|fewer than|less than|"
    "approximately|roughly|an estimated|as many as"
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_QUALIFIERS_RE = _QUALIFIERS.replace(" ", r"\s+")
_WORD_NUMBERS_RE = "|".join(_WORD_NUMBERS).replace(" ", r"\s+")
_NUMBER = re.compile(
    rf"""
    (?P<qual>\b(?:{_QUALIFIERS_RE})\s+)?
    (?P<num>\b\d{{1,3}}(?:,\d{{3}})+\b|\b\d+(?:\.\d+)?\b|\b(?:{_WORD_NUMBERS_RE})\b)
    (?:\s+(?P<scale>{"|".join(_SCALES)})\b)?
    (?=(?P<after>[^.;:!?\n]{{0,80}}))
    """,
    re.IGNORECASE | re.VERBOSE,
)
_UNITS = re.compile(
    r"^\s*(?:%|per ?cent|km|kilomet|mile|metre|meter|year|month|week|day|hour|minute|second|"
    r"am\b|pm\b|a\.m|p\.m|th\b|st\b|nd\b|rd\b|times|-)",
    re.IGNORECASE,
)
_STOP = _words(
    "and or were was have has had been are is be in on at of by from for with who which that "
    "since so as to after before during when while dead killed died wounded injured live lives "
    "living reportedly also more than said the a an its their"
)
_KILLED = re.compile(
    r"\b(?:kill(?:ed|ing|s)?|dead|died|deaths?|death toll|toll|lives of|casualt(?:y|ies)|slain)\b",
    re.IGNORECASE,
)
_WOUNDED = re.compile(r"\b(?:wounded|injured|injuries|hurt)\b", re.IGNORECASE)
_LIVE = re.compile(r"\b(?:live|living|population|inhabitants|residents)\b", re.IGNORECASE)
_RUNNING_TOTAL = re.compile(
    r"\bsince\b[^.]{0,40}(?:\b(?:19|20)\d\d\b|\bstart|\bbegan|\bbegin|\berupt|\boutbreak)",
    re.IGNORECASE,
)
_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "government forces",
        re.compile(r"\b(?:soldiers?|troops|army|regime|government|pro-government|loyalists?)\b", re.I),
    ),
    ("IS fighters", re.compile(r"\b(?:IS|ISIS|ISIL|Islamic State|Daesh|jihadists?|militants?)\b")),
    ("civilians", re.compile(r"\bcivilians?\b", re.I)),
    ("people", re.compile(r"\b(?:people|persons|residents|inhabitants)\b", re.I)),
)
_PREDICATE_PHRASES = {"killed": "killed", "wounded": "wounded", "live": "living there"}
_NAME = re.compile(r"\b[A-Z][A-Za-z'’\-]+")
_QUESTION_WORDS = _words("how what which who whom whose when where why did does do is are was were")


@dataclass(frozen=True)
class Fact:
    """One figure in a passage: how many of what, and what happened to them."""

    value: float
    phrase: str
    """The figure as written, e.g. ``at least 28 regime forces``."""
    category: str
    predicate: str
    sentence: str

    @property
    def key(self) -> tuple[str, str]:
        return self.category, self.predicate


def _number_value(text: str, scale: str | None) -> float | None:
    lowered = text.lower()
    if lowered in _WORD_NUMBERS:
        value: float = _WORD_NUMBERS[lowered]
    else:
        try:
            value = float(lowered.replace(",", ""))
        except ValueError:
            return None
    return value * _SCALES[scale.lower()] if scale else value


def _noun_phrase(after: str) -> tuple[list[str], int]:
    """The words right after a number that say what it counts ("28 from the army" -> army),
    and where they end in ``after``."""
    words = list(re.finditer(r"[A-Za-z][A-Za-z'’\-]*", after))
    if words and words[0].group(0).lower() == "from":
        words = [w for w in words[1:4] if w.group(0).lower() not in ("the", "a", "an")]
    phrase: list[str] = []
    end = 0
    for match in words:
        word = match.group(0)
        if word.lower() in _STOP and not (word == "IS" and not phrase):
            break
        phrase.append(word)
        end = match.end()
        if len(phrase) == 4:
            break
    return phrase, end


def _category(words: Sequence[str]) -> str | None:
    if not words:
        return None
    text = " ".join(words)
    for name, pattern in _CATEGORIES:
        if pattern.search(text):
            return name
    head = words[-1].lower()
    return head[:-1] if head.endswith("s") and len(head) > 3 else head


def _predicate(sentence: str) -> str:
    if _KILLED.search(sentence):
        return "killed"
    if _WOUNDED.search(sentence):
        return "wounded"
    if _LIVE.search(sentence):
        return "live"
    return ""


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])[\"'”’]?\s+|\n+", text) if s.strip()]


def extract_facts(text: str) -> list[Fact]:
    """Every counted figure in ``text`` (dates, years, distances and ordinals left out)."""
    facts: list[Fact] = []
    for sentence in _sentences(text):
        predicate = _predicate(sentence)
        for match in _NUMBER.finditer(sentence):
            raw, after = match.group("num"), match.group("after")
            before = sentence[: match.start("num")]
            if _UNITS.match(after) or re.search(rf"\b(?:{_MONTHS})\.?\s*$", before, re.I):
                continue
            if re.fullmatch(r"(?:1[89]|20)\d\d", raw) or re.match(rf"\s*(?:{_MONTHS})\b", after, re.I):
                continue
            if before.endswith(("-", "/", "$", "£", "€")) or re.match(r"[A-Za-z]", after):
                continue
            value = _number_value(raw, match.group("scale"))
            words, np_end = _noun_phrase(after)
            category = _category(words)
            if value is None or category is None:
                continue
            phrase = sentence[match.start() : match.start("after") + np_end].strip()
            facts.append(Fact(value, phrase, category, predicate, sentence.strip()))
    return facts


def _name_tokens(question: str) -> set[str]:
    """Names in the question (Deir al-Zor -> deir): a passage about something else lacks them."""
    tokens = set()
    for match in _NAME.finditer(question):
        for piece in re.split(r"[-'’]", match.group(0)):
            if len(piece) >= 4 and piece.lower() not in _QUESTION_WORDS:
                tokens.add(piece.lower()[:4])
    return tokens


def _mentions(text: str, tokens: set[str]) -> bool:
    if not tokens:
        return True
    words = {w.lower()[:4] for w in re.findall(r"[A-Za-z]{4,}", text)}
    return bool(tokens & words)


def _question_keys(question: str) -> tuple[set[str], set[str]]:
    """Predicates and categories the question asks about."""
    predicates = set()
    if _KILLED.search(question):
        predicates.add("killed")
    if _WOUNDED.search(question):
        predicates.add("wounded")
    if _LIVE.search(question):
        predicates.add("live")
    # Only "how many soldiers ..." narrows the figures; "how many people" asks about every kind
    # of victim, and a name in the question ("the IS attack") says nothing about what is counted.
    asked = re.search(r"\bhow many\s+((?:[\w'-]+\s+){0,2}[\w'-]+)", question, re.IGNORECASE)
    categories = set()
    if asked:
        categories = {name for name, pattern in _CATEGORIES if pattern.search(asked.group(1))}
    categories.discard("people")
    return predicates, categories


def _source_date(source: Source) -> dt.date | None:
    dates = [p.date for p in (source.passage, *source.corroborating) if p.date]
    return min(dates) if dates else None


def _publisher(source: Source) -> str | None:
    passages = (source.passage, *source.corroborating)
    return next((p.source for p in passages if p.source), None) or source.passage.title


def source_label(source: Source) -> str:
    """How the added sentence names a source: publisher, else dateline, else quoted title, then its date.

    The dateline comes before the title: an article without a headline line is titled by its lead
    sentence, and "Sources differ: Fighting between Islamic State and the Syrian army has killed
    dozens in Deir al-Zor (2017-01-17) [1] reports 28 ..." read as two sentences run together,
    where "a report from Beirut (2017-01-17) [1] reports 28 ..." reads as one.
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
    date = _source_date(source)
    return f"{name} ({date.isoformat()})" if date else name


@dataclass
class _Finding:
    kind: str
    key: tuple[str, str]
    first: tuple[Source, Fact]
    second: tuple[Source, Fact]


def _is_update(a: Source, fa: Fact, b: Source, fb: Fact) -> bool:
    da, db = _source_date(a), _source_date(b)
    if da and db:
        return abs((da - db).days) > UPDATE_AFTER_DAYS
    return bool(_RUNNING_TOTAL.search(fa.sentence) and _RUNNING_TOTAL.search(fb.sentence))


def _ratio(a: float, b: float) -> float:
    if a <= 0 or b <= 0:
        return math.inf
    return max(a, b) / min(a, b)


def _compared(
    question: str, answer_text: str, sources: Sequence[Source], cited: Sequence[int]
) -> tuple[list[Source], dict[int, list[Fact]], Callable[[tuple[str, str]], bool]]:
    """The sources whose figures are compared, their figures, and which figures the question wants.

    A source flagged as reading like a prompt (:mod:`index.suspicious`) has no voice here: the
    engine's own sentences never repeat its figures, not even as one side of a disagreement.
    """
    names = _name_tokens(question)
    predicates, categories = _question_keys(question)
    answer_keys = {fact.key for fact in extract_facts(answer_text)}
    # A cited source is about the question by the model's own choice; an uncited one must
    # name what the question names (a clash elsewhere reports other dead).
    relevant = [
        s
        for s in sources
        if not s.passage.suspicious and (s.number in cited or _mentions(s.passage.text, names))
    ]
    facts = {s.number: extract_facts(s.passage.text) for s in relevant}

    def wanted(key: tuple[str, str]) -> bool:
        if key in answer_keys:
            return True
        category, predicate = key
        return bool(predicate) and predicate in predicates and (not categories or category in categories)

    return relevant, facts, wanted


def find_conflicts(
    question: str,
    answer_text: str,
    sources: Sequence[Source],
    cited: Sequence[int],
) -> list[_Finding]:
    """Figures on which the answer's sources disagree, restricted to what the question asks."""
    relevant, facts, wanted = _compared(question, answer_text, sources, cited)

    findings: list[_Finding] = []
    for i, a in enumerate(relevant):
        for b in relevant[i + 1 :]:
            if a.number not in cited and b.number not in cited:
                continue
            keys = {f.key for f in facts[a.number]} & {f.key for f in facts[b.number]}
            order = {f.key: i for i, f in reversed(list(enumerate(facts[a.number])))}
            for key in sorted((k for k in keys if wanted(k)), key=order.__getitem__):
                fa_all = [f for f in facts[a.number] if f.key == key]
                fb_all = [f for f in facts[b.number] if f.key == key]
                values_a = {f.value for f in fa_all}
                values_b = {f.value for f in fb_all}
                if values_a & values_b:
                    continue  # they share a figure: other figures count other things
                fb = min(fb_all, key=lambda f: min(_ratio(f.value, x.value) for x in fa_all))
                fa = min(fa_all, key=lambda f: _ratio(f.value, fb.value))
                if _ratio(fa.value, fb.value) >= MAX_RATIO:
                    continue
                kind = "update" if _is_update(a, fa, b, fb) else "conflict"
                findings.append(_Finding(kind, key, (a, fa), (b, fb)))
    return findings


def _side(source: Source, fact: Fact) -> ConflictSide:
    return ConflictSide(
        value=fact.phrase,
        source_number=source.number,
        source=_publisher(source),
        date=_source_date(source),
    )


def _lower_first(phrase: str) -> str:
    first = phrase.split(" ", 1)[0]
    if first.lower() in _WORD_NUMBERS or first.lower() in _QUALIFIERS.split("|") or first in ("At", "More"):
        return phrase[0].lower() + phrase[1:]
    return phrase


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ordered_pairs(findings: Sequence[_Finding]) -> dict[tuple[str, int, int], list[_Finding]]:
    """Findings grouped per pair of sources; an update's older report comes first."""
    pairs: dict[tuple[str, int, int], list[_Finding]] = {}
    for finding in findings:
        a, b = finding.first[0], finding.second[0]
        if finding.kind == "update":
            da, db = _source_date(a), _source_date(b)
            # Without dates, the smaller running total is the older one.
            if (db < da) if (da and db) else finding.second[1].value < finding.first[1].value:
                finding.first, finding.second = finding.second, finding.first
        pairs.setdefault((finding.kind, finding.first[0].number, finding.second[0].number), []).append(
            finding
        )
    return pairs


def describe(findings: Sequence[_Finding]) -> list[tuple[str, list[int]]]:
    """One deterministic sentence (and the sources it cites) per disagreement.

    Rival reports of the same figures are told once: when two outlets agree with each other
    and both disagree with a third, the sentence names the agreeing pair as one side ("a
    report from Beirut [1] and AFP [3] report 14 civilians killed, while BBC News [2] reports
    at least two civilians") instead of two sentences that repeat the third outlet's figure.
    """
    # Conflicts are gathered per set of figures compared (in order of first appearance);
    # each source keeps the facts it reports for them, and sources with equal values merge.
    slots: list[tuple[str, tuple[tuple[str, str], ...] | tuple[int, int]]] = []
    rivals: dict[tuple[tuple[str, str], ...], dict[int, tuple[Source, list[Fact]]]] = {}
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
            a, b = group[0].first[0], group[0].second[0]
            predicate = _PREDICATE_PHRASES.get(group[0].key[1], "")
            suffix = f" {predicate}" if predicate else ""
            values_a = _join([_lower_first(f.first[1].phrase) for f in group])
            values_b = _join([_lower_first(f.second[1].phrase) for f in group])
            text = (
                f"The figure changed over time: {source_label(a)} [{a.number}] reported {values_a}{suffix}; "
                f"a later report, {source_label(b)} [{b.number}], gives {values_b}."
            )
            out.append((text, [a.number, b.number]))
            continue
        sides: dict[tuple[float, ...], list[tuple[Source, list[Fact]]]] = {}
        for source, facts in rivals[slot].values():
            sides.setdefault(tuple(f.value for f in facts), []).append((source, facts))
        predicate = _PREDICATE_PHRASES.get(slot[0][1], "")
        parts = []
        for i, side in enumerate(sides.values()):
            who = _join([f"{source_label(source)} [{source.number}]" for source, _ in side])
            values = _join([_lower_first(f.phrase) for f in side[0][1]])
            suffix = f" {predicate}" if predicate and i == 0 else ""
            parts.append(f"{who} {'reports' if len(side) == 1 else 'report'} {values}{suffix}")
        text = f"Sources differ: {', '.join(parts[:-1])}, while {parts[-1]}."
        out.append((text, [source.number for side in sides.values() for source, _ in side]))
    return out


def to_conflicts(findings: Sequence[_Finding]) -> list[Conflict]:
    """One conflict per figure, with every source that reports it as a side (updates per pair)."""
    conflicts: list[Conflict] = []
    merged: dict[tuple[str, str], Conflict] = {}
    for finding in findings:
        category, predicate = finding.key
        topic = f"{category} {_PREDICATE_PHRASES.get(predicate, predicate)}".strip()
        sides = [_side(*finding.first), _side(*finding.second)]
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


def detect(
    question: str, answer_text: str, sources: Sequence[Source], cited: Sequence[int]
) -> tuple[list[Conflict], list[tuple[str, list[int]]]]:
    """Conflicts (and updates) among the answer's sources, and the sentences that report them.

    A pair that involves an outlying figure (:func:`outliers`) is a disagreement, never an update:
    without a date on one side, "a later report gives more than 950,000" presented the outlier as
    the newest count (measured with the injection suite, question q10).
    """
    findings = find_conflicts(question, answer_text, sources, cited)
    outlying = {(number, fact) for number, fact in outliers(question, answer_text, sources, cited)}
    for finding in findings:
        ends = {(finding.first[0].number, finding.first[1]), (finding.second[0].number, finding.second[1])}
        if ends & outlying:
            finding.kind = "conflict"
    return to_conflicts(findings), describe(findings)


def outliers(
    question: str, answer_text: str, sources: Sequence[Source], cited: Sequence[int]
) -> list[tuple[int, Fact]]:
    """Figures one source states that at least two other sources contradict: (source number, fact).

    A figure is an outlier when no other source shares it, at least two other sources state the
    same thing (same category and predicate) within :data:`MAX_RATIO` of it, it lies outside
    their range by :data:`OUTLIER_RATIO` or more, and further from them than they are from each
    other: "more than 950,000 killed" against 310,000 (2017) and 380,000 (2020). The engine then
    answers with the disagreement instead of the outlier (issue 9: a fake correction and a fake
    wire record replaced the real figures). With one rival only, nothing says which side is the
    outlier: both are reported as a disagreement, as before.
    """
    relevant, facts, wanted = _compared(question, answer_text, sources, cited)
    found: list[tuple[int, Fact]] = []
    keys = {f.key for number in facts for f in facts[number] if wanted(f.key)}
    for key in keys:
        values = {n: {f.value for f in facts[n] if f.key == key} for n in facts}
        values = {n: v for n, v in values.items() if v}
        for number in values:
            for fact in (f for f in facts[number] if f.key == key):
                others = [
                    x
                    for n, vs in values.items()
                    if n != number
                    for x in vs
                    if _ratio(x, fact.value) < MAX_RATIO
                ]
                rivals = {n for n, vs in values.items() if n != number and any(x in others for x in vs)}
                if len(rivals) < 2 or fact.value in others:
                    continue
                low, high = min(others), max(others)
                nearest = min(_ratio(fact.value, x) for x in others)
                if low <= fact.value <= high or nearest < OUTLIER_RATIO or nearest <= _ratio(low, high):
                    continue
                found.append((number, fact))
    return found


def states_outlier(sentence: str, found: Sequence[tuple[int, Fact]]) -> bool:
    """Does ``sentence`` state an outlying figure without the other sources' figure beside it?"""
    if not found:
        return False
    stated = extract_facts(sentence)
    outlying = {(fact.key, fact.value) for _, fact in found}
    if not any((f.key, f.value) in outlying for f in stated):
        return False
    return all((f.key, f.value) in outlying for f in stated if f.key in {k for k, _ in outlying})
