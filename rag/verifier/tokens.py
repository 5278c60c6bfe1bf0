"""Words and sentences of claims and passages: tokens with offsets, stems, content words, sentence split."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rag.verifier.lexicon import ABBREVIATIONS, NEGATION_WORDS, ORDINALS, SCALES, STOPWORDS, UNITS

_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’.\-][A-Za-z0-9\u00c0-\u024f]+)*\.?")
CITATION = re.compile(r"\s*\[\d+(?:\s*[,;-]\s*\d+)*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Token:
    text: str
    """As written (possessive and trailing dot removed)."""
    norm: str
    """Lower-case, accents and dots removed."""
    start: int
    sentence_initial: bool


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def norm(word: str) -> str:
    return _strip_accents(word).lower().replace(".", "").replace("’", "'")


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
                and norm(previous_raw[:-1]) not in ABBREVIATIONS
                and not re.fullmatch(r"(?:[A-Za-z]\.)+", previous_raw)
            )
        )
        previous_end = match.end()
        previous_raw = word
        if word.endswith(".") and norm(word[:-1]) not in ABBREVIATIONS and "." not in word[:-1]:
            word = word[:-1]
        word = re.sub(r"['’]s$", "", word)
        if not word:
            continue
        tokens.append(Token(word, norm(word), match.start(), initial))
    return tokens


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    # Porter's rules are pure code (no data files), so the stemmer works offline as shipped.
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stem(word.lower())


def content_stems(tokens: Sequence[Token]) -> list[str]:
    """Stems of the words that carry meaning (no stopwords, negations, or bare digits)."""
    out = []
    for token in tokens:
        for part in token.norm.split("-"):
            if not part or part in STOPWORDS or part in NEGATION_WORDS or part.endswith("n't"):
                continue
            # numbers are checked on their own, in whatever form they are written
            if part.isdigit() or part in UNITS or part in SCALES or part in ORDINALS or part == "dozen":
                continue
            out.append(stem(part))
    return out


def split_sentences(text: str) -> list[str]:
    """Sentence split by punctuation, aware of abbreviations such as "U.K." and "Feb.".

    A regular expression rather than nltk's punkt: punkt needs data files and the verifier calls this
    on every answer; news prose with the abbreviation list below splits well enough.
    """
    return [sentence for sentence, _, _ in sentences_at(text)]


def sentences_at(text: str) -> list[tuple[str, int, int]]:
    """The sentences of :func:`split_sentences` with where each lies in ``text``: (sentence, start, end).

    A sentence has its whitespace runs collapsed to one space, so ``text[start:end]`` is the same
    sentence as written (line breaks and all), which is what a reader is shown.
    """
    found: list[tuple[str, int, int]] = []
    block_start = 0
    for gap in [*re.finditer(r"\n\s*\n", text), None]:
        block_end = gap.start() if gap else len(text)
        words = [m.span() for m in re.finditer(r"\S+", text[block_start:block_end])]
        block = " ".join(text[block_start + a : block_start + b] for a, b in words)
        at: list[int] = []  # where each character of ``block`` is in ``text``
        for a, b in words:
            at.extend(range(block_start + a, block_start + b))
            at.append(block_start + b)  # the space that joins it to the next word
        if block:
            start = 0
            for match in _SENTENCE_END.finditer(block):
                before = block[start : match.start()].rstrip("\"'”’)]")
                last = before.split()[-1] if before.split() else ""
                if norm(last.rstrip(".")) in ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)+", last):
                    continue
                found.extend(_located(block, at, start, match.start()))
                start = match.end()
            found.extend(_located(block, at, start, len(block)))
        block_start = gap.end() if gap else len(text)
    return found


def _located(block: str, at: list[int], start: int, end: int) -> list[tuple[str, int, int]]:
    piece = block[start:end]
    sentence = piece.strip()
    if not sentence:
        return []
    first = start + len(piece) - len(piece.lstrip())
    last = first + len(sentence) - 1
    return [(sentence, at[first], at[last] + 1)]


def split_claims(text: str) -> list[str]:
    """The sentences of an answer or claim, citation markers such as "[2]" removed."""
    return [s for s in (CITATION.sub("", s).strip() for s in split_sentences(text)) if s]
