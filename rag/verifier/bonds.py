"""Two parties called allies or rivals of each other only where a passage sentence calls them so.

"Yes, Turkey and Russia are allies in Syria" was shown as an answer (an adversarial question, 5
December) beside "Organised by rebel backer Turkey and regime allies Russia and Iran": every word
is in that sentence, but "allies" there binds Russia and Iran, and the archive calls Turkey and
Russia "rivals". A bond between two named parties is a relation no word overlap can check, so it
needs a passage sentence that puts the word of the same kind right beside the pair: "rivals Turkey
and Russia", "Russia and Iran are close allies", "Turkey, an ally of Qatar", "Russia and its ally
Iran". A negated claim ("are not allies") is left to the negation checks.
"""

from __future__ import annotations

import re

from rag.text.words import strip_accents

KINDS = {
    "ally": "allies ally allied partners partner",
    "rival": "rivals rival enemies enemy foes foe adversaries adversary",
}
_KIND_OF = {word: kind for kind, words in KINDS.items() for word in words.split()}
_BOND_WORD = "|".join(sorted(_KIND_OF, key=len, reverse=True))
_BACKED_AS = {**_KIND_OF, **dict.fromkeys(["supporters", "supporter", "backers", "backer"], "ally")}
"""A passage's words for a bond: two "staunch supporters" of one government are on one side."""
_PASSAGE_WORD = "|".join(sorted(_BACKED_AS, key=len, reverse=True))
_NAME = r"[A-Z][\w'\u2019-]*(?:\s+(?:al-|bin\s+)?[A-Z][\w'\u2019-]*){0,3}"
_LINK = r"(?:are|were|have\s+been|had\s+been|remain|remained|became|become)"

PAIR_CALLED = re.compile(
    rf"(?P<a>{_NAME})\s+and\s+(?P<b>{_NAME}),?\s+{_LINK}\s+(?P<neg>not\s+|never\s+|no\s+longer\s+)?"
    rf"(?:\w+\s+){{0,2}}?(?P<word>{_BOND_WORD})\b"
)
"""'Turkey and Russia are (close) allies'."""
ONE_CALLED = re.compile(
    rf"(?P<a>{_NAME}),?\s+(?:is|was|has\s+been|remains|became)\s+(?P<neg>not\s+|never\s+|no\s+longer\s+)?"
    rf"(?:an?|the)\s+(?:\w+\s+){{0,2}}?(?P<word>{_BOND_WORD})\s+of\s+(?P<b>{_NAME})"
)
"""'Turkey is a (key) ally of Qatar'."""


def unbacked_bonds(claim: str, sentences: list[str]) -> list[str]:
    """Readable problems ("bond: Turkey and Russia as allies (no passage sentence calls them so)") for
    each bond the claim states that no passage sentence states beside the same two names."""
    problems = []
    for pattern in (PAIR_CALLED, ONE_CALLED):
        for match in pattern.finditer(claim):
            if match.group("neg"):
                continue
            a, b = _bare(match.group("a")), _bare(match.group("b"))
            if not a or not b or a.casefold() == b.casefold():
                continue
            kind = _KIND_OF[match.group("word").lower()]
            if not any(_calls(sentence, a, b, kind) for sentence in sentences):
                noun = "allies" if kind == "ally" else "rivals"
                problems.append(f"bond: {a} and {b} as {noun} (no passage sentence calls them so)")
    return problems


def _bare(name: str) -> str:
    """A name without a sentence-opening word that is not part of it ("Yes, Turkey" -> "Turkey")."""
    words = name.split()
    while words and words[0].rstrip(",").lower() in ("yes", "no", "so", "but", "and", "both", "the"):
        words.pop(0)
    return " ".join(words)


def _calls(sentence: str, a: str, b: str, kind: str) -> bool:
    """Whether ``sentence`` gives the pair a bond word of ``kind`` right beside them, either order."""
    text = strip_accents(sentence)
    for first, second in ((a, b), (b, a)):
        x, y = re.escape(strip_accents(first)), re.escape(strip_accents(second))
        word = rf"(?P<word>{_PASSAGE_WORD})"
        shapes = (
            rf"\b{word}\s+(?:\w+\s+)?{x}(?:'s)?,?\s+and\s+{y}\b",  # "rivals Turkey and Russia"
            rf"\b{x},?\s+and\s+{y},?\s+(?:\w+\s+){{0,3}}?{word}\b",  # "Iran and Russia have been staunch supporters"
            rf"\b{x},?\s+(?:\w+\s+){{0,2}}?(?:an?|the|its|their)\s+(?:\w+\s+){{0,2}}?{word}\s+(?:of\s+)?{y}\b",
            rf"\b{x}\s+and\s+(?:its|their)\s+(?:\w+\s+)?{word}\s+{y}\b",  # "Russia and its ally Iran"
            rf"\b{x}'s\s+(?:\w+\s+)?{word}\s+{y}\b",  # "Russia's ally Iran"
        )
        for shape in shapes:
            for found in re.finditer(shape, text, re.IGNORECASE):
                if _BACKED_AS[found.group("word").lower()] == kind:
                    return True
    return False
