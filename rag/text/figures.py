"""Counted figures in news text: how many of what, and what happened to them.

"Twelve government soldiers ... were killed" reads as 12 of *government forces*, *killed*;
"at least 28 regime forces dead" as 28 of the same. :mod:`rag.conflicts` compares such
figures across sources, :mod:`rag.contradictions` between a claim and its passage. A rule-based
reader rather than a model: it is fast, testable and never invents a figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.text.dates import MONTH_ALTERNATION
from rag.text.numbers import COUNT_SCALES, COUNT_WORDS, QUALIFIERS, count_value
from rag.text.sentences import rough_sentences
from rag.text.words import FIGURE_PHRASE_STOPS

_QUALIFIERS_RE = QUALIFIERS.replace(" ", r"\s+")
_COUNT_WORDS_RE = "|".join(COUNT_WORDS).replace(" ", r"\s+")
_NUMBER = re.compile(
    rf"""
    (?P<qual>\b(?:{_QUALIFIERS_RE})\s+)?
    (?P<num>\b\d{{1,3}}(?:,\d{{3}})+\b|\b\d+(?:\.\d+)?\b|\b(?:{_COUNT_WORDS_RE})\b)
    (?:\s+(?P<scale>{"|".join(COUNT_SCALES)})\b)?
    (?=(?P<after>[^.;:!?\n]{{0,80}}))
    """,
    re.IGNORECASE | re.VERBOSE,
)
_UNITS = re.compile(
    r"^\s*(?:%|per ?cent|km|kilomet|mile|metre|meter|year|month|week|day|hour|minute|second|"
    r"am\b|pm\b|a\.m|p\.m|th\b|st\b|nd\b|rd\b|times|-)",
    re.IGNORECASE,
)
KILLED = re.compile(
    r"\b(?:kill(?:ed|ing|s)?|dead|died|deaths?|death toll|toll|lives of|casualt(?:y|ies)|slain)\b",
    re.IGNORECASE,
)
WOUNDED = re.compile(r"\b(?:wounded|injured|injuries|hurt)\b", re.IGNORECASE)
LIVE = re.compile(r"\b(?:live|living|population|inhabitants|residents)\b", re.IGNORECASE)
CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "government forces",
        re.compile(r"\b(?:soldiers?|troops|army|regime|government|pro-government|loyalists?)\b", re.I),
    ),
    ("IS fighters", re.compile(r"\b(?:IS|ISIS|ISIL|Islamic State|Daesh|jihadists?|militants?)\b")),
    ("civilians", re.compile(r"\bcivilians?\b", re.I)),
    ("people", re.compile(r"\b(?:people|persons|residents|inhabitants)\b", re.I)),
)
"""What a figure counts, by the words of its noun phrase; anything else is named by its head noun."""


@dataclass(frozen=True)
class Figure:
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
        if word.lower() in FIGURE_PHRASE_STOPS and not (word == "IS" and not phrase):
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
    for name, pattern in CATEGORIES:
        if pattern.search(text):
            return name
    head = words[-1].lower()
    return head[:-1] if head.endswith("s") and len(head) > 3 else head


def predicates(text: str) -> list[str]:
    """What happens to the counted in ``text``, in order of precedence: killed, wounded, live."""
    found = []
    if KILLED.search(text):
        found.append("killed")
    if WOUNDED.search(text):
        found.append("wounded")
    if LIVE.search(text):
        found.append("live")
    return found


def extract_figures(text: str) -> list[Figure]:
    """Every counted figure in ``text`` (dates, years, distances and ordinals left out)."""
    facts: list[Figure] = []
    for sentence in rough_sentences(text):
        predicate = next(iter(predicates(sentence)), "")
        for match in _NUMBER.finditer(sentence):
            raw, after = match.group("num"), match.group("after")
            before = sentence[: match.start("num")]
            if _UNITS.match(after) or re.search(rf"\b(?:{MONTH_ALTERNATION})\.?\s*$", before, re.I):
                continue
            if re.fullmatch(r"(?:1[89]|20)\d\d", raw) or re.match(
                rf"\s*(?:{MONTH_ALTERNATION})\b", after, re.I
            ):
                continue
            if before.endswith(("-", "/", "$", "£", "€")) or re.match(r"[A-Za-z]", after):
                continue
            value = count_value(raw, match.group("scale"))
            words, np_end = _noun_phrase(after)
            category = _category(words)
            if value is None or category is None:
                continue
            phrase = sentence[match.start() : match.start("after") + np_end].strip()
            facts.append(Figure(value, phrase, category, predicate, sentence.strip()))
    return facts


def asked_categories(question: str) -> set[str]:
    """Categories a "how many soldiers ..." question narrows the figures to.

    Only "how many soldiers ..." narrows the figures; "how many people" asks about every kind
    of victim, and a name in the question ("the IS attack") says nothing about what is counted.
    """
    asked = re.search(r"\bhow many\s+((?:[\w'-]+\s+){0,2}[\w'-]+)", question, re.IGNORECASE)
    categories = set()
    if asked:
        categories = {name for name, pattern in CATEGORIES if pattern.search(asked.group(1))}
    categories.discard("people")
    return categories
