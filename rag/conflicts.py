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

The figures are read by :mod:`rag.text.figures`; the sentences and :class:`rag.types.Conflict`
records are written by :mod:`rag.conflict_report`. This module decides which figures disagree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from rag.conflict_report import Finding, describe, source_date, to_conflicts
from rag.text.figures import Figure, asked_categories, extract_figures, predicates
from rag.text.words import QUESTION_WORDS, word_prefixes
from rag.types import Conflict, Source

MAX_RATIO = 10.0
"""Two figures for the same thing further apart than this count different quantities."""
UPDATE_AFTER_DAYS = 30
"""Reports further apart than this are successive updates, not rival accounts."""
OUTLIER_RATIO = 2.0
"""A lone figure at least this far beyond every other source's figure for the same thing, which
themselves lie closer together, is an outlier (see :func:`outliers`)."""

_RUNNING_TOTAL = re.compile(
    r"\bsince\b[^.]{0,40}(?:\b(?:19|20)\d\d\b|\bstart|\bbegan|\bbegin|\berupt|\boutbreak)",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][A-Za-z'’\-]+")


def _name_tokens(question: str) -> set[str]:
    """Names in the question (Deir al-Zor -> deir): a passage about something else lacks them."""
    tokens = set()
    for match in _NAME.finditer(question):
        for piece in re.split(r"[-'’]", match.group(0)):
            if len(piece) >= 4 and piece.lower() not in QUESTION_WORDS:
                tokens.add(piece.lower()[:4])
    return tokens


def _mentions(text: str, tokens: set[str]) -> bool:
    if not tokens:
        return True
    return bool(tokens & word_prefixes(text))


def _question_keys(question: str) -> tuple[set[str], set[str]]:
    """Predicates and categories the question asks about."""
    return set(predicates(question)), asked_categories(question)


def _is_update(a: Source, fa: Figure, b: Source, fb: Figure) -> bool:
    da, db = source_date(a), source_date(b)
    if da and db:
        return abs((da - db).days) > UPDATE_AFTER_DAYS
    return bool(_RUNNING_TOTAL.search(fa.sentence) and _RUNNING_TOTAL.search(fb.sentence))


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
    facts = {s.number: extract_figures(s.passage.text) for s in relevant}

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

    A figure is an outlier when no other source shares it, at least two other sources state the
    same thing (same category and predicate) within :data:`MAX_RATIO` of it, it lies outside
    their range by :data:`OUTLIER_RATIO` or more, and further from them than they are from each
    other: "more than 950,000 killed" against 310,000 (2017) and 380,000 (2020). The engine then
    answers with the disagreement instead of the outlier (issue 9: a fake correction and a fake
    wire record replaced the real figures). With one rival only, nothing says which side is the
    outlier: both are reported as a disagreement, as before.
    """
    relevant, facts, wanted = _compared(question, answer_text, sources, cited)
    found: list[tuple[int, Figure]] = []
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
