"""A figure's bound turned round: "fewer than 50 fighters" where the passage says "more than 50 fighters".

The figure is the passage's, and "fewer", "less", "under" and "more" are words the other checks pass
over (stopwords, or opposites read only in place: :mod:`rag.verifier.in_place`), so every check
passed "The clashes killed fewer than 50 fighters" beside "have killed more than 50 fighters", and
"IS controls less than half the city" beside "IS already controls more than half the city". A
reader takes the claim as the archive's word, and it says the reverse of what the passage says.

So a figure the claim bounds one way ("fewer than", "less than", "under", "below", "up to", "at
most", "nearly", "almost") must not be bounded only the other way ("more than", "at least",
"over", "above") wherever the passages write the same figure of the same thing (the content words
just after it: "50 *fighters*", "half *the city*"), and the other way round. A figure the passages
write with no bound, or with both, or of something else, is left to the other checks; so are
two-sided hedges ("around", "about", "some"). A bound after "no" or "not" points the other way ("no
more than one percent" bounds it from above). "Over" and "under" count only as a figure's bound,
not as a preposition ("fought over two towns", "over three days": :func:`rag.verifier.qualifiers.hedges`).

Measured on the 293 Wikinews articles (``python -m evals.edits``, ``evals/results_edits.md``): of
226 quotes with a bound turned round, 194 were caught before (by the opposites read in place) and
226 with this; the quotes themselves, every other edit, SummEdits news and the labelled answer
sentences are judged as before.
"""

from __future__ import annotations

import re
from typing import Literal

from rag.text.numbers import NUMBER_WORDS
from rag.text.words import SUPPORT_STOPWORDS
from rag.verifier.passages import Evidence
from rag.verifier.qualifiers import FIGURE, hedges
from rag.verifier.tokens import stem

Bound = Literal["lower", "upper"]

LOWER = ("more than", "at least", "over", "above", "upwards of", "in excess of", "greater than")
UPPER = ("fewer than", "less than", "under", "below", "up to", "at most", "nearly", "almost")
_AMBIGUOUS = frozenset({"over", "under"})
"""Bounds that are as often a preposition ("fought over two towns"): read as one only where
:func:`rag.verifier.qualifiers.hedges` does."""
_BOUND_WORDS = sorted((*LOWER, *UPPER), key=len, reverse=True)
_FIGURE = FIGURE + "|half"
"""A figure as :mod:`rag.verifier.qualifiers` reads one, and "half" ("more than half the city")."""
_BOUNDED = re.compile(
    r"(?<![\w-])(?:(?P<negated>no|not)\s+)?(?P<bound>"
    + "|".join(re.escape(w) for w in _BOUND_WORDS)
    + r")\s+"
    r"(?P<figure>" + _FIGURE + r")(?![\w]|[.,]\d)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
COUNTED_WORDS = 3
"""Words after the figure that say what it counts ("50 pro-government fighters", "half the city")."""


def turned_bounds(claim: str, evidence: Evidence) -> list[str]:
    """``["bound: fewer than 50 (the passage: more than 50)"]`` when a figure the claim bounds one
    way is bounded only the other way where the passages write it of the same thing."""
    claimed = _bounds(claim)
    if not claimed:
        return []
    passages = [found for text in evidence.sentence_texts for found in _bounds(text)]
    problems = []
    for figure, bound, counted, written in claimed:
        theirs = [
            (other_bound, other_written)
            for other_figure, other_bound, other_counted, other_written in passages
            if other_figure == figure and (counted & other_counted or not (counted or other_counted))
        ]
        if theirs and all(other != bound for other, _ in theirs):
            problems.append(f"bound: {written} (the passage: {theirs[0][1]})")
    return problems


def _bounds(text: str) -> list[tuple[str, Bound, frozenset[str], str]]:
    """Each bounded figure of ``text``: (the figure as a number, its bound, the stems of what it
    counts, the bound and figure as written)."""
    out = []
    for match in _BOUNDED.finditer(text):
        word = " ".join(match.group("bound").lower().split())
        if word in _AMBIGUOUS and not hedges(text, match.start("figure"), match.end("figure")):
            continue
        # "no more than 50" bounds it from above, "not under 50" from below
        bound: Bound = "lower" if (word in LOWER) != bool(match.group("negated")) else "upper"
        out.append((_value(match.group("figure")), bound, _counted(text, match.end()), match.group(0)))
    return out


def _value(figure: str) -> str:
    low = figure.lower().replace(",", "")
    return str(NUMBER_WORDS[low]) if low in NUMBER_WORDS else low


def _counted(text: str, end: int) -> frozenset[str]:
    words = [w.lower() for w in _WORD.findall(text[end : end + 60])][:COUNTED_WORDS]
    return frozenset(stem(w) for w in words if w not in SUPPORT_STOPWORDS)
