"""Answer correctness: are the expected facts present in the answer?

Facts are short strings ("200,000", "Sultan Murad"); an item may list alternatives that are equally
right (``["Fateh al-Sham", "al-Nusra"]``). Matching is done on normalised text so that the surface
forms a model or a newswire may pick do not count as errors: "200,000" == "200000" == "200 000",
"Twelve" == "12", "Çavuşoğlu" == "Cavusoglu", "al-Nusra" == "al Nusra". Matching is whole-word, so
"12" does not match inside "120". Short all-capital acronyms ("IS", "HNC") are matched
case-sensitively, because lower-cased "is" occurs in almost every English sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel, Field

from evals.metrics.markers import strip_citations
from rag.text.numbers import NUMBER_WORDS

Fact = str | list[str]
"""One expected fact: a string, or a list of alternatives any one of which counts."""


ANSWER_KEY_NUMBER_WORDS = {**NUMBER_WORDS, "hundred": 100, "dozen": 12}
"""The toolkit's number words, plus the two an answer key may write a count in ("a dozen")."""
_NUMBER_WORD = re.compile(r"\b(" + "|".join(ANSWER_KEY_NUMBER_WORDS) + r")\b")
_GROUPED_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+(?![\d])")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")
_NON_WORD = re.compile(r"(?:(?<!\d)\.|\.(?!\d)|[^a-z0-9.])+")
_ACRONYM = re.compile(r"[A-Z]{2,5}")


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces, with accents, punctuation and digit grouping removed.

    The result is padded with one space on each side so that whole-word containment is a plain
    substring test: ``f" {fact} " in text``.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"'s\b", "", text.lower().replace("’", "'"))
    # Digit grouping goes before anything else splits numbers apart ("1,200,000" -> "1200000").
    text = _GROUPED_NUMBER.sub(lambda m: re.sub(r"\D", "", m.group(0)), text)
    text = _NUMBER_WORD.sub(lambda m: str(ANSWER_KEY_NUMBER_WORDS[m.group(1)]), text)
    text = _DIGIT_LETTER.sub(" ", text)  # "185km" -> "185 km", "10th" -> "10 th"
    text = _NON_WORD.sub(" ", text)  # hyphens, quotes, commas; a decimal point between digits stays
    return f" {' '.join(text.split())} "


def alternatives(fact: Fact) -> list[str]:
    return [fact] if isinstance(fact, str) else list(fact)


def fact_present(fact: Fact, text: str, *, normalized: str | None = None) -> bool:
    """True when any alternative of ``fact`` occurs in ``text`` as whole words after normalisation."""
    norm_text = normalized if normalized is not None else normalize(text)
    for alternative in alternatives(fact):
        alternative = alternative.strip()
        if not alternative:
            continue
        if _ACRONYM.fullmatch(alternative):
            if re.search(rf"(?<![A-Za-z0-9]){alternative}(?![A-Za-z0-9])", text):
                return True
            continue
        needle = normalize(alternative)
        if needle.strip() and needle in norm_text:
            return True
    return False


def fact_label(fact: Fact) -> str:
    return fact if isinstance(fact, str) else " | ".join(fact)


class CorrectnessResult(BaseModel):
    """Which expected facts an answer states."""

    fact_recall: float
    """Share of expected facts present (0..1)."""
    correct: bool
    """Every expected fact is present."""
    found: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


class AnswerCorrectness:
    """Expected facts present in an answer; not defined for questions without expected facts."""

    def run(self, answer_text: str, expected_facts: Sequence[Fact]) -> CorrectnessResult | None:
        if not expected_facts:
            return None
        text = strip_citations(answer_text)
        normalized = normalize(text)
        found, missing = [], []
        for fact in expected_facts:
            (found if fact_present(fact, text, normalized=normalized) else missing).append(fact_label(fact))
        return CorrectnessResult(
            fact_recall=len(found) / len(expected_facts),
            correct=not missing,
            found=found,
            missing=missing,
        )
