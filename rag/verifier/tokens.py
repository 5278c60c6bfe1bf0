"""Words and sentences of claims and passages: tokens with offsets, stems, content words, sentence split."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rag.text.markers import CLAIM_MARKER
from rag.text.numbers import NUMBER_WORDS, ORDINALS, SCALES, attached_unit, unit_of
from rag.text.sentences import CLAIM_ABBREVIATIONS, abbreviation, claim_sentences, strip_list_marker
from rag.text.words import SUPPORT_STOPWORDS, norm_word
from rag.verifier.lexicon import NEGATION_WORDS, verb_base

_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’.\-][A-Za-z0-9\u00c0-\u024f]+)*\.?")


@dataclass(frozen=True)
class Token:
    text: str
    """As written (possessive and trailing dot removed)."""
    norm: str
    """Lower-case, accents and dots removed."""
    start: int
    sentence_initial: bool
    clause_initial: bool = False
    """Opens a clause: the first word of a sentence, or the word after a comma, semicolon, colon,
    bracket or dash. A negation governs only its own clause (:mod:`rag.verifier.negation`)."""


def tokenize(text: str) -> list[Token]:
    """Words with their offsets; possessive 's is dropped so "Russia's" counts as "Russia"."""
    tokens: list[Token] = []
    previous_end = 0
    previous_raw = ""
    for match in _WORD.finditer(text):
        word = match.group(0)
        gap = text[previous_end : match.start()]
        initial = (
            not tokens
            or bool(re.search(r"[.!?:;\"“]\s*$|\n\s*$", gap))
            or (
                previous_raw.endswith(".")
                and not abbreviation(previous_raw[:-1], text[previous_end:], CLAIM_ABBREVIATIONS)
                and not re.fullmatch(r"(?:[A-Za-z]\.)+", previous_raw)
            )
        )
        clause = initial or bool(re.search(r"[,;:(\u2013\u2014]\s*$|\s-\s*$", gap))
        previous_end = match.end()
        previous_raw = word
        if (
            word.endswith(".")
            and not abbreviation(word[:-1], text[match.end() :], CLAIM_ABBREVIATIONS)
            and "." not in word[:-1]
        ):
            word = word[:-1]
        word = re.sub(r"['’]s$", "", word)
        if not word:
            continue
        tokens.append(Token(word, norm_word(word), match.start(), initial, clause))
    return tokens


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    # Porter's rules are pure code (no data files), so the stemmer works offline as shipped.
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The form the verifier compares words in: Porter's stem of the word, or of its verb's base
    when it is an irregular form (:func:`rag.verifier.lexicon.verb_base`: "began" -> "begin", as
    "beginning" -> "begin"). With Porter alone "They began on January 23" was refused beside "The
    talks, beginning on January 23": "began" and "beginning" shared no stem. Measured with it
    (``evals/results_sentences.md``, "Irregular verbs"): SummEdits news test 68.2 -> 68.6, one right
    labelled sentence more passes, 9 more opposites caught in the edits of real news."""
    return _stemmer().stem(verb_base(word.lower()))


def content_stems(tokens: Sequence[Token]) -> list[str]:
    """Stems of the words that carry meaning (no stopwords, negations, or bare digits).

    A unit of measure is its one name however written ("185km", "185 km", "185 kilometres" all give
    "km"): "Palmyra is 185 km from Deir al-Zor" was refused beside "185km (115 miles)"."""
    out = []
    for token in tokens:
        for part in token.norm.split("-"):
            if not part or part in SUPPORT_STOPWORDS or part in NEGATION_WORDS or part.endswith("n't"):
                continue
            unit = attached_unit(part) if part[:1].isdigit() else unit_of(part)
            if unit is not None:
                out.append(unit)
                continue
            # numbers are checked on their own, in whatever form they are written
            if (
                part.isdigit()
                or part in NUMBER_WORDS
                or part in SCALES
                or part in ORDINALS
                or part == "dozen"
            ):
                continue
            out.append(stem(part))
    return out


def split_claims(text: str) -> list[str]:
    """The sentences of an answer or claim, citation markers such as "[2]" and list numbers removed."""
    return [s for s in (strip_list_marker(CLAIM_MARKER.sub("", s)) for s in claim_sentences(text)) if s]
