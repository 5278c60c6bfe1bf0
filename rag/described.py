"""The question's own description of the noun it asks about.

"How old was the engineer *killed working on a moving walkway at Waterloo station*?" asks about an
engineer, and says which one: the description after the noun. The reader of a reply knows which
engineer is meant, so "The engineer was 44 years old." answers it, and a reply that restates the
description ("Viazul ran the tourist bus *that overturned in eastern Cuba ...*") is checked without
it (:mod:`rag.verifier.premise`). Both read the description here.

Only a description after a noun with its determiner is read so ("the man charged with murder over
...", "the fire in the Stavanger airport car park", "the bus that overturned ..."): the question's
own relation ("Who runs the Syrian Observatory?") is the answer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rag.asked import (
    AUXILIARIES,
    DETERMINERS,
    PREPOSITIONS,
    WH_WORDS,
    Word,
    is_content,
    is_participle,
    stem,
    words_of,
)
from rag.text.words import wordset
from rag.verifier.tokens import Token, tokenize

RELATIVES = wordset("that who whom which whose where")
"""Words opening a relative clause after a noun: "the bus *that* overturned ..."."""
PLACING = wordset("in at on over from near during inside outside off along across aboard")
"""Prepositions opening a description after a noun: "the fire *in* the car park"."""
REACH = 4
"""Words from the noun's determiner to the description: "the Georgian tennis player charged ..."."""


def _opens(tokens: list[Token], i: int) -> bool:
    """Does a description of the noun before ``tokens[i]`` start at ``i``?"""
    word, head = tokens[i], tokens[i - 1]
    if head.norm in AUXILIARIES or head.norm in PREPOSITIONS or head.norm in DETERMINERS:
        return False
    if word.norm in PLACING:
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if head.text[:1].isupper() and following is not None and following.text[:1].isupper():
            return False  # inside a name: "the Syrian Observatory for Human Rights"
    elif is_participle(word.norm):
        # "the man charged with ...", "the engineer killed working ...": a participle describing
        # the noun goes on with a preposition; "the Islamic State recaptured Palmyra" is a verb
        following = tokens[i + 1].norm if i + 1 < len(tokens) else ""
        if not (following in PREPOSITIONS or following in PLACING or _present_participle(following)):
            return False
    elif not (word.norm in RELATIVES or _present_participle(word.norm)):
        return False
    for j in range(i - 2, max(i - 2 - REACH, -1), -1):
        low = tokens[j].norm
        if low in DETERMINERS:
            return True
        if low in AUXILIARIES or low in PREPOSITIONS or low in WH_WORDS:
            return False
    return False


def _present_participle(word: str) -> bool:
    return len(word) > 5 and word.endswith("ing")


@lru_cache(maxsize=512)
def descriptions(question: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(the noun, the words after it to the question's end) for each place a description of a noun
    may start in ``question``, after its wh-word. Cached: the verifier reads them for each claim of
    an answer that it cannot back whole (:func:`rag.verifier.premise.restated`)."""
    tokens = tokenize(question)
    wh = next((i for i, t in enumerate(tokens) if t.norm in WH_WORDS), None)
    if wh is None:
        return ()
    return tuple(
        (tokens[i - 1].norm, tuple(t.norm for t in tokens[i:]))
        for i in range(wh + 2, len(tokens))
        if _opens(tokens, i)
    )


ASKING_AMOUNT = wordset("many much")
"""The words of "how many/much": a reply gives the figure instead of them."""


@dataclass(frozen=True)
class Referent:
    """A one-part question read as (what it asks) + (the noun it asks about) + (a description of it)."""

    described: frozenset[str]
    """Stems of the description's words ("killed working on a moving walkway at Waterloo station")."""
    units: tuple[frozenset[str], ...]
    """What a reply names instead of the description: each content word before the noun ("old"),
    and the noun with its modifiers as one ("Georgian tennis player": any of them)."""


@lru_cache(maxsize=512)
def referent(question: str) -> Referent | None:
    """``question`` read as a :class:`Referent`, or None: it must have one wh-word and no "and"
    before its description, and the description must open with a relative pronoun or a verb form
    ("that overturned", "killed working", "carrying"), not a preposition ("the fire in ...", which
    as often names the place the answer is about)."""
    tokens = tokenize(question)
    whs = [i for i, t in enumerate(tokens) if t.norm in WH_WORDS]
    if len(whs) != 1:
        return None
    wh = whs[0]
    first = next((i for i in range(wh + 2, len(tokens)) if _opens(tokens, i)), None)
    if first is None or tokens[first].norm in PLACING or any(t.norm == "and" for t in tokens[:first]):
        return None
    determiner = next((j for j in range(first - 2, wh, -1) if tokens[j].norm in DETERMINERS), None)
    if determiner is None:
        return None
    units = [
        frozenset({stem(w.low)}) for w in _words(tokens[wh + 1 : determiner]) if w.low not in ASKING_AMOUNT
    ]
    noun = frozenset(stem(w.low) for w in _words(tokens[determiner + 1 : first]))
    if noun:
        units.append(noun)
    described = frozenset(stem(w.low) for t in tokens[first:] for w in words_of(t.text))
    return Referent(described=described, units=tuple(units))


def _words(tokens: list[Token]) -> list[Word]:
    return [w for t in tokens for w in words_of(t.text) if is_content(w)]
