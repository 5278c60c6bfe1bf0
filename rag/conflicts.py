"""Disagreement between sources on a figure: the same count reported differently.

News archives hold several outlets' versions of one event, and early tolls differ: the BBC
reports "Twelve government soldiers ... were killed" while AFP reports "at least 28 regime
forces dead". A small model picks one side and states it as the answer; here the figures
are extracted deterministically from the numbered sources, compared per *what they count*
(government forces killed, IS fighters killed, civilians killed, people living in a place),
and a sentence naming both sides, with their sources and dates, is added to the answer.

Both sides must report the same event: the same thing counted (category and predicate, and for
any other noun, such as "crowns", what it belongs to: an airport's budget is not a hospital's),
the same place (:mod:`rag.text.places`: the 2020 clashes in Homs are not the 2017 fighting in
Deir al-Zor) and the same time (reports at most ``SAME_EVENT_DAYS`` apart). Otherwise no notice.

A difference is an *update*, not a conflict, when the figure is one that changes over time and
the reports are further apart ("more than 310,000 killed" since 2011, in January 2017; "more
than 380,000" in July 2020): running totals ("since 2011", "to date"), how many live somewhere,
and an event's count revised within ``UPDATE_AFTER_DAYS`` at a place both reports name. Without
dates, two running totals are an update too (the smaller one the older). Figures more than
``MAX_RATIO`` apart are different quantities (an attack's toll against a war's).

Written here rather than with a model: the 1.5B generator cannot be trusted to notice that
two passages disagree, and a rule-based extractor is fast, testable and never invents a side.

The figures are read by :mod:`rag.text.figures`; the sentences and :class:`rag.types.Conflict`
records are written by :mod:`rag.conflict_report`. This module decides which figures disagree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from rag.conflict_report import Finding, describe, source_date, to_conflicts
from rag.text.figures import PEOPLE_CATEGORIES, Figure, asked_categories, extract_figures, predicates
from rag.text.places import same_place
from rag.text.words import QUESTION_WORDS, word_prefixes
from rag.types import Conflict, Source

MAX_RATIO = 10.0
"""Two figures for the same thing further apart than this count different quantities."""
SAME_EVENT_DAYS = 7
"""Reports at most this far apart can be rival accounts of one event."""
UPDATE_AFTER_DAYS = 30
"""A count of one event (not a running total) reported again within this many days, at a place
both reports name, is a revised count (an update); further apart, it counts another event."""
STATES = frozenset({"live"})
"""Predicates that state how things stand (how many live somewhere), not what happened once: a
later report of such a figure is an update even when it is no running total."""
OUTLIER_RATIO = 2.0
"""A lone figure at least this far beyond every other source's figure for the same thing, which
themselves lie closer together, is an outlier (see :func:`outliers`)."""

_NAME = re.compile(r"\b[A-Z][A-Za-z'’\-]+")


def _name_tokens(question: str) -> set[str]:
    """Names in the question (Deir al-Zor -> deir): a passage about something else lacks them."""
    tokens = set()
    for match in _NAME.finditer(question):
        for piece in re.split(r"[-'’]", match.group(0)):
            if len(piece) >= 4 and piece.lower() not in QUESTION_WORDS:
                tokens.add(piece.lower()[:4])
    return tokens


def names_found(question: str, sources: Sequence[Source]) -> bool:
    """Whether every name in the question is in one of the sources (a source flagged as reading
    like a prompt does not count). A question about a place or a party no source names is about
    something else than the sources: golden un10 asks for the toll of an attack on Khan Shaykhun,
    and the Syrian sources' tolls of other attacks are no answer to it."""
    held: set[str] = set()
    for source in sources:
        if not source.passage.suspicious:
            held |= word_prefixes(f"{source.passage.title or ''} {source.passage.text}")
    return _name_tokens(question) <= held


def _mentions(text: str, tokens: set[str]) -> bool:
    if not tokens:
        return True
    return bool(tokens & word_prefixes(text))


def _question_keys(question: str) -> tuple[set[str], set[str]]:
    """Predicates and categories the question asks about."""
    return set(predicates(question)), asked_categories(question)


def same_thing(fa: Figure, fb: Figure) -> bool:
    """Do two figures count the same thing? Same category and predicate; beyond people killed,
    wounded or living somewhere, also the same owner: two of the words their clauses hold beside
    the figure (one, when a clause holds only one; a figure whose clause holds none belongs to
    nothing known), "2.4 billion crowns" for an airport's terminal against "290 million crowns"
    for a hospital's ward sharing none."""
    if fa.key != fb.key:
        return False
    if fa.category in PEOPLE_CATEGORIES and fa.predicate:
        return True
    shared = fa.owner & fb.owner
    return bool(shared) and len(shared) >= min(2, len(fa.owner), len(fb.owner))


def relation(a: Source, fa: Figure, b: Source, fb: Figure) -> str | None:
    """How two sources' figures relate: rival reports of one event (``conflict``), successive
    values of one figure (``update``), or None: different events, never set side by side.

    Two passages of one article never disagree: where an article gives two figures for one noun,
    its writer counts two things ("one of Vanderbilt's four sons" and "two sons" of one marriage;
    one candidate's 15 delegates and another's 26). Measured on the Wikinews articles, each figure
    sentence taken as a cited answer: both notices of 509 sentences paired passages of one article.
    """
    if a.passage.article_id == b.passage.article_id:
        return None
    if not same_thing(fa, fb) or not same_place(fa.places, fb.places):
        return None
    running = fa.running and fb.running
    da, db = source_date(a), source_date(b)
    if da and db:
        days = abs((da - db).days)
        if days <= SAME_EVENT_DAYS:
            return "conflict"
        if running or fa.predicate in STATES:
            return "update"
        named = bool(fa.places & fb.places)
        return "update" if named and days <= UPDATE_AFTER_DAYS else None
    return "update" if running else "conflict"


def _ratio(a: float, b: float) -> float:
    if a <= 0 or b <= 0:
        return math.inf
    return max(a, b) / min(a, b)


def _compared(
    question: str, answer_text: str, sources: Sequence[Source], cited: Sequence[int]
) -> tuple[list[Source], dict[int, list[Figure]], Callable[[tuple[str, str]], bool]]:
    """The sources whose figures are compared, their figures, and which figures the question wants.

    A source flagged as reading like a prompt (:mod:`index.suspicious`) has no voice here: the
    engine's own sentences never repeat its figures, not even as one side of a disagreement.
    """
    names = _name_tokens(question)
    predicates, categories = _question_keys(question)
    answer_keys = {fact.key for fact in extract_figures(answer_text)}
    # A cited source is about the question by the model's own choice; an uncited one must
    # name what the question names (a clash elsewhere reports other dead).
    relevant = [
        s
        for s in sources
        if not s.passage.suspicious and (s.number in cited or _mentions(s.passage.text, names))
    ]
    facts = {s.number: extract_figures(s.passage.text, s.passage.title or "") for s in relevant}

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
) -> list[Finding]:
    """Figures on which the answer's sources disagree, restricted to what the question asks."""
    relevant, facts, wanted = _compared(question, answer_text, sources, cited)

    findings: list[Finding] = []
    for i, a in enumerate(relevant):
        for b in relevant[i + 1 :]:
            if a.number not in cited and b.number not in cited:
                continue
            keys = {f.key for f in facts[a.number]} & {f.key for f in facts[b.number]}
            order = {f.key: i for i, f in reversed(list(enumerate(facts[a.number])))}
            for key in sorted((k for k in keys if wanted(k)), key=order.__getitem__):
                pairs = [
                    (kind, fa, fb)
                    for fa in facts[a.number]
                    if fa.key == key
                    for fb in facts[b.number]
                    if fb.key == key and (kind := relation(a, fa, b, fb))
                ]
                if not pairs or any(fa.value == fb.value for _, fa, fb in pairs):
                    continue  # other events, or a figure they share: other figures count other things
                kind, fa, fb = min(pairs, key=lambda pair: _ratio(pair[1].value, pair[2].value))
                if _ratio(fa.value, fb.value) >= MAX_RATIO:
                    continue
                findings.append(Finding(kind, key, (a, fa), (b, fb)))
    return findings


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
) -> list[tuple[int, Figure]]:
    """Figures one source states that at least two other sources contradict: (source number, fact).

    A figure is an outlier when no other source shares it, at least two other articles state the
    same thing (same category and predicate) within :data:`MAX_RATIO` of it, it lies outside
    their range by :data:`OUTLIER_RATIO` or more, and further from them than they are from each
    other: "more than 950,000 killed" against 310,000 (2017) and 380,000 (2020). The engine then
    answers with the disagreement instead of the outlier (issue 9: a fake correction and a fake
    wire record replaced the real figures). With one rival only, nothing says which side is the
    outlier: both are reported as a disagreement, as before.
    """
    relevant, facts, wanted = _compared(question, answer_text, sources, cited)
    by_number = {s.number: s for s in relevant}
    found: list[tuple[int, Figure]] = []
    keys = {f.key for number in facts for f in facts[number] if wanted(f.key)}
    for key in keys:
        for number in facts:
            for fact in (f for f in facts[number] if f.key == key):
                # the other sources' figures for the same event, within MAX_RATIO of this one
                same = {
                    n: [
                        x.value
                        for x in facts[n]
                        if x.key == key
                        and _ratio(x.value, fact.value) < MAX_RATIO
                        and relation(by_number[number], fact, by_number[n], x)
                    ]
                    for n in facts
                    if n != number
                }
                others = [x for values in same.values() for x in values]
                rivals = {by_number[n].passage.article_id for n, values in same.items() if values}
                if len(rivals) < 2 or fact.value in others:
                    continue
                low, high = min(others), max(others)
                nearest = min(_ratio(fact.value, x) for x in others)
                if low <= fact.value <= high or nearest < OUTLIER_RATIO or nearest <= _ratio(low, high):
                    continue
                found.append((number, fact))
    return found


def disputed(sentence: str, sources: Sequence[Source]) -> bool:
    """Whether a source states another value of a figure the sentence states (same category and
    predicate).

    The live check holds such a sentence back for the check of the whole reply: that one may
    withdraw it as an outlier (:func:`outliers`), which depends on the sources the whole answer
    cites. Every source is counted here, so whatever the final check could withdraw is held.
    """
    stated = extract_figures(sentence)
    if not stated:
        return False
    _, facts, _ = _compared("", sentence, sources, [source.number for source in sources])
    return any(
        f.key == s.key and f.value != s.value for s in stated for found in facts.values() for f in found
    )


def states_outlier(sentence: str, found: Sequence[tuple[int, Figure]]) -> bool:
    """Does ``sentence`` state an outlying figure without the other sources' figure beside it?"""
    if not found:
        return False
    stated = extract_figures(sentence)
    outlying = {(fact.key, fact.value) for _, fact in found}
    if not any((f.key, f.value) in outlying for f in stated):
        return False
    return all((f.key, f.value) in outlying for f in stated if f.key in {k for k, _ in outlying})
