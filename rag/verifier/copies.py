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
from rag.verifier.tokens import Token, tokenize

COPIED_SHARE = 0.75
"""Share of a sentence's words that one unbroken run of a source must give for it to be a copy:
room for a few words the model drops or changes: "Deir al-Zour city is the capital of the oil-rich
province of the same name" would copy 11 of its 14 words in one run from a passage reading "Deir
al-Zour city, which is the capital of the oil-rich province of the same name"."""


ASIDE_WORDS = 15
"""Longest aside a copy may leave out: "Joe Biden, *the Democratic Party's presumptive nominee for
President of the United States*, announced Kamala Harris" has 12 words between its commas."""


def copied_share(sentence: str, sources: Iterable[str]) -> float:
    """The largest share of ``sentence``'s words (its citation markers left out) that one unbroken
    run of words of one of ``sources`` gives, in order, with what continues it across one aside of
    the same source sentence on either side (:func:`_across_asides`); 0.0 for a sentence without
    words."""
    words = [t.norm for t in tokenize(strip_markers(sentence))]
    if not words:
        return 0.0
    best = 0
    for source in sources:
        tokens = tokenize(source)
        text = [t.norm for t in tokens]
        match = SequenceMatcher(None, words, text, autojunk=False).find_longest_match(
            0, len(words), 0, len(text)
        )
        if match.size:
            best = max(best, match.size + _across_asides(words, tokens, match.a, match.b, match.size))
    return best / len(words)


def _across_asides(words: list[str], tokens: list[Token], a: int, b: int, size: int) -> int:
    """Words of ``words`` that go on copying the source past an aside it leaves out, before the run
    ``words[a:a+size] == tokens[b:b+size]`` and after it: the model asked to copy "Yesterday (11 August
    2020), Joe Biden, the Democratic Party's presumptive nominee for President of the United States,
    announced Kamala Harris as his choice for running mate ..." wrote "On 11 August 2020, Joe Biden
    announced Kamala Harris as ..." (Wikinews wd-029), whose longest run is 16 of its 23 words.

    An aside is a clause of the same sentence set off on both sides (a comma, a bracket, a dash) of
    at most :data:`ASIDE_WORDS` words; what continues the copy past it stays in that sentence, so
    words of another sentence never join the run (injection suite q14's splice)."""
    after = b + size
    gained = 0
    if _opens_clause(tokens, after):
        gained += max(
            (
                _run_forward(words, a + size, tokens, end)
                for end in range(after + 1, min(after + ASIDE_WORDS, len(tokens) - 1) + 1)
                if _opens_clause(tokens, end) and not any(t.sentence_initial for t in tokens[after : end + 1])
            ),
            default=0,
        )
    if _opens_clause(tokens, b):
        gained += max(
            (
                _run_backward(words, a, tokens, start)
                for start in range(max(b - ASIDE_WORDS, 1), b)
                if _opens_clause(tokens, start) and not any(t.sentence_initial for t in tokens[start:b])
            ),
            default=0,
        )
    return gained


def _opens_clause(tokens: list[Token], k: int) -> bool:
    """Does ``tokens[k]`` open a clause inside its sentence (not the sentence itself)?"""
    return 0 < k < len(tokens) and tokens[k].clause_initial and not tokens[k].sentence_initial


def _run_forward(words: list[str], i: int, tokens: list[Token], k: int) -> int:
    """How many of ``words[i:]`` the source gives from ``tokens[k]`` on, within its sentence."""
    n = 0
    while i + n < len(words) and k + n < len(tokens) and words[i + n] == tokens[k + n].norm:
        if n and tokens[k + n].sentence_initial:
            break
        n += 1
    return n


def _run_backward(words: list[str], i: int, tokens: list[Token], k: int) -> int:
    """How many of the words before ``words[i]`` the source gives, backwards, before ``tokens[k]``,
    within the sentence of ``tokens[k - 1]``."""
    n = 0
    while i - n > 0 and k - n > 0 and words[i - n - 1] == tokens[k - n - 1].norm:
        n += 1
        if tokens[k - n].sentence_initial:
            break
    return n


def is_copy(sentence: str, sources: Iterable[str]) -> bool:
    """Does one run of one of ``sources`` give :data:`COPIED_SHARE` of ``sentence``'s words?"""
    return copied_share(sentence, sources) >= COPIED_SHARE
