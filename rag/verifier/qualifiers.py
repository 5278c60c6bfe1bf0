"""Qualifiers kept: a backed figure is shown with the "at least" or "more than" its passage gives it.

The 1.5B model often drops the words that hedge a figure: golden sa01 reads "six explosions hit
Deir al-Zour" where the BBC says "hit by at least six explosions", and an answer on the besieged city
read "200,000 people live in Deir Ezzor" where AFP says "Around 200,000 people live". The figure is
the passage's, so the verifier backs the sentence (and the hand-labelled answer sentences count such
a sentence as supported), but a reader takes "six" for a full count. Refusing those sentences would
throw away right answers; the words are put back instead, from the sentences that back the claim.

A qualifier is added only when every time the figure is written in those sentences it carries the
same one, and the answer gives it none of its own (:data:`rag.text.numbers.QUALIFIERS` is the one
list). Years are left alone ("since 2015").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text.dates import YEAR_WORD
from rag.text.numbers import NUMBER_WORDS, QUALIFIERS
from rag.text.words import wordset
from rag.verifier.lexicon import verb_only

FIGURE = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + "|".join(
    sorted((w for w in NUMBER_WORDS if w != "zero"), key=len, reverse=True)
)
_ALONE = r"(?<![\w.,$£€-]){}(?![\w]|[.,]\d)"
"""A figure standing as a word: not part of a longer number, a sum of money or a unit ("185km")."""
_FIGURE_RE = re.compile(_ALONE.format(f"({FIGURE})"), re.IGNORECASE)
_QUALIFIED = re.compile(rf"(?:\b({QUALIFIERS})|\b(?:just|only|exactly|under|below|above))\s+$", re.IGNORECASE)
_AMBIGUOUS = frozenset({"about", "over", "some"})
"""Qualifiers that are as often a preposition or a determiner ("talked about two issues", "over
two days"): read in the answer as the figure's own, and added to it only where the passage uses
them as a qualifier (:func:`hedges`)."""
_SPANS = wordset(
    "second seconds minute minutes hour hours day days night nights week weeks month months year years "
    "decade decades century centuries"
)
"""What a preposition before a figure spans ("over two days"): the figure is a duration, not hedged."""
_WORDS = re.compile(r"[A-Za-z]+")


def _qualifier_before(text: str, start: int) -> str | None:
    """The qualifier written just before ``text[start:]`` (lower case), "" for a hedge word that is
    not one of the qualifiers ("only", "exactly"), None when the figure stands bare."""
    match = _QUALIFIED.search(text[max(0, start - 24) : start])
    if match is None:
        return None
    return (match.group(1) or "").lower()


def _passage_qualifier(figure: str, backing: Sequence[str]) -> str | None:
    """The one qualifier that ``figure`` carries wherever ``backing`` writes it, if it has one."""
    pattern = re.compile(_ALONE.format(re.escape(figure)), re.IGNORECASE)
    found = {_qualifier_before(text, m.start()) for text in backing for m in pattern.finditer(text)}
    if len(found) != 1:
        return None  # written bare somewhere, or with different words, or not at all
    (qualifier,) = found
    if not qualifier:
        return None
    if qualifier in _AMBIGUOUS and not all(
        hedges(text, m.start(), m.end()) for text in backing for m in pattern.finditer(text)
    ):
        return None
    return qualifier


def hedges(text: str, start: int, end: int) -> bool:
    """Is the ambiguous word before the figure at ``text[start:end]`` a qualifier? Not after a verb
    ("talked about two issues", "fought over two towns") nor before a span of time ("over three
    days"). "Reportedly over 400 firefighters" is read "more than 400": shown as a bare "400" it
    read as a full count (Wikinews wn-019)."""
    before = _WORDS.findall(text[max(0, start - 40) : start])
    after = _WORDS.findall(text[end : end + 20])
    if after and after[0].lower() in _SPANS:
        return False
    if len(before) < 2:
        return True  # the qualifier opens the text
    previous = before[-2].lower()
    return not verb_only(previous)


def restore(parts: Sequence[str], backing: Sequence[str]) -> list[str]:
    """``parts`` (the text pieces of one answer sentence, in order) with each bare figure given the
    qualifier that every sentence of ``backing`` gives it."""
    out: list[str] = []
    at_start = True
    for part in parts:
        pieces: list[str] = []
        last = 0
        for match in _FIGURE_RE.finditer(part):
            figure = match.group(1)
            if YEAR_WORD.fullmatch(figure) or _qualifier_before(part, match.start()) is not None:
                continue
            qualifier = _passage_qualifier(figure, backing)
            if qualifier is None:
                continue
            opening = at_start and not part[: match.start()].strip()
            words = qualifier[:1].upper() + qualifier[1:] if opening else qualifier
            figure_text = figure.lower() if opening and figure.isalpha() else figure
            pieces += [part[last : match.start()], f"{words} {figure_text}"]
            last = match.end()
        pieces.append(part[last:])
        out.append("".join(pieces))
        at_start = at_start and not part.strip()
    return out
