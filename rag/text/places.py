"""Where a sentence says something happened: the names after "in", "at", "near", "city of" ...

Two reports of a toll or a sum speak of the same event only when they speak of the same place:
the 2020 clashes "in the central desert province of Homs" are not the January 2017 fighting "in
Deir al-Zor", although both count government soldiers killed. Places are compared by the first
four letters of their distinctive words, so spellings of one name meet ("Deir al-Zor", "Deir
al-Zour", "Deir Ezzor" -> ``deir``) and so do a name and its adjective ("Syria", "Syrian").

A rule, not a gazetteer: a capitalised name right after a locative preposition ("in the Kazakh
capital Astana" -> Kazakh, Astana), or after "city of", "province of" ...; months, weekdays and all-capital acronyms ("in ISIS and regime clashes")
are not places. Measured on the 293 Wikinews articles (2019-2020): what it misses leaves a figure
without a place, which compares as unknown, never as a different place.
"""

from __future__ import annotations

import re

from rag.text.dates import MONTHS, WEEKDAYS
from rag.text.words import wordset

_NAME = r"[A-Z][\w'’]*(?:-[\w'’]+)*"
_LINK = r"(?:(?:al|el|ad|as|ar|ash|at|ad|de|del|di|da|la|le|du|von|van)(?:-|\s+))?"
_PLACE = re.compile(
    rf"""(?:
        \b(?:[Ii]n|[Aa]t|[Nn]ear|[Oo]utside|[Aa]round|[Aa]cross|[Tt]hroughout|[Ii]nside)\s+(?:the\s+)?
      | \b(?:city|town|village|province|region|district|state|county|capital|governorate|island|
            outskirts|suburbs?|area|municipality)\s+of\s+(?:the\s+)?
    )
    (?P<name>{_NAME}(?:\s+{_LINK}{_NAME})*(?:\s+(?:capital|city|port|province|region)\s+{_NAME})?)""",
    re.VERBOSE,
)
GENERIC_PLACE_WORDS = wordset(
    "city town province state county region district north south east west northern southern eastern "
    "western central upper lower united republic saint santa port mount lake river island islands gulf "
    "greater new great kingdom federal capital states"
)
"""Words of place names too common to tell two places apart ("United States", "United Kingdom")."""
_NOT_PLACES = frozenset(MONTHS) | frozenset(WEEKDAYS) | {"the", "this", "that", "his", "her", "their"}


def place_names(text: str) -> list[str]:
    """The place names ``text`` states, as written ("Deir al-Zor", "Homs")."""
    names = []
    for match in _PLACE.finditer(text):
        words = [
            w
            for w in re.split(r"\s+", match.group("name"))
            if w.lower().rstrip("'’s") not in _NOT_PLACES and not (w.isupper() and len(w) > 1)
        ]
        if words:
            names.append(" ".join(words))
    return names


def place_keys(text: str) -> frozenset[str]:
    """The places ``text`` states, each distinctive word as its first four letters (how places are
    compared): "in Deir al-Zour" -> {"deir", "zour"}; "in the United States" -> {"stat"}."""
    keys = set()
    for name in place_names(text):
        for piece in re.split(r"[\s\-'’]+", name):
            if len(piece) >= 4 and piece.isalpha() and piece.lower() not in GENERIC_PLACE_WORDS:
                keys.add(piece.lower()[:4])
    return frozenset(keys)


def same_place(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sets of places name the same place, or one of them names none (nothing tells them apart)."""
    return not a or not b or bool(a & b)


def placed_elsewhere(places: frozenset[str], sentence: str) -> bool:
    """Whether ``sentence`` states a place (:func:`place_keys`) and none of ``places``, nor any word
    that starts like one of them ("Turkish" for Turkey): asked how many live *in Turkey*, "around
    200,000 people live in Deir Ezzor city" is about somewhere else."""
    stated = place_keys(sentence)
    if not places or not stated or stated & places:
        return False
    return not {word.lower()[:4] for word in re.findall(r"[A-Za-z]{4,}", sentence)} & places
