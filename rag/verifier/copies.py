"""Is a sentence a copy of its source? How much of it one unbroken run of a source's words gives.

Used where the model was asked to copy the sentence that answers (:data:`rag.prompts.QUOTE_PLEASE`):
such a reply is shown only if it is one. A copy can still be spliced: asked where the Syrian
Observatory is based, the model took what its source says of Deir Ezzor city ("... is the capital
of the oil-rich province of the same name") and wrote "The Syrian Observatory for Human Rights is
based in Deir al-Zour city, which is the capital of ..."; the Observatory is named beside it, so
the verifier, which needs half of a sentence's relation words in the window stating its names,
passed it (injection suite q14, a wrong answer shown). Read as a copy, its longest run of the
passage's words ("is the capital of the oil-rich province of the same name") is 11 of its 24 words.

Written here because the words must be compared as the verifier reads them (:func:`tokenize`:
possessives, dots and accents) and :class:`difflib.SequenceMatcher` does the matching.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

from rag.text.markers import strip_markers
from rag.verifier.tokens import tokenize

COPIED_SHARE = 0.75
"""Share of a sentence's words that one unbroken run of a source must give for it to be a copy:
room for a few words the model drops or changes: "Deir al-Zour city is the capital of the oil-rich
province of the same name" would copy 11 of its 14 words in one run from a passage reading "Deir
al-Zour city, which is the capital of the oil-rich province of the same name"."""


def copied_share(sentence: str, sources: Iterable[str]) -> float:
    """The largest share of ``sentence``'s words (its citation markers left out) that one unbroken
    run of words of one of ``sources`` gives, in order; 0.0 for a sentence without words."""
    words = [t.norm for t in tokenize(strip_markers(sentence))]
    if not words:
        return 0.0
    best = 0
    for source in sources:
        text = [t.norm for t in tokenize(source)]
        match = SequenceMatcher(None, words, text, autojunk=False).find_longest_match(
            0, len(words), 0, len(text)
        )
        best = max(best, match.size)
    return best / len(words)


def is_copy(sentence: str, sources: Iterable[str]) -> bool:
    """Does one run of one of ``sources`` give :data:`COPIED_SHARE` of ``sentence``'s words?"""
    return copied_share(sentence, sources) >= COPIED_SHARE
