"""Refusal accuracy: refuse exactly the questions the archive cannot answer.

Two rates are reported because they fail in opposite directions: ``refusal_rate`` (unanswerable
questions refused; low means the system makes answers up) and ``false_refusal_rate`` (answerable
questions refused; high means it gives up too easily).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from rag.text.sentences import FIRST_SENTENCE_END

_REFUSAL_PATTERNS = re.compile(
    r"\b(?:i (?:do not|don't|cannot|can't) (?:know|answer|find|say|determine)|"
    r"(?:does|do) not (?:hold|contain|provide|include|mention|say|state|specify|give)|"
    r"(?:doesn't|don't) (?:hold|contain|provide|include|mention|say|state|specify|give)|"
    r"(?:no|not enough|insufficient) (?:information|details?|data|mention)|"
    r"(?:is|are) not (?:mentioned|provided|specified|stated|available|given|included)|"
    r"none of the (?:sources|passages|documents)|"
    r"no answer (?:backed|supported|was found|could be)|"
    r"(?:cannot|can't|unable to) (?:be )?(?:answer|determine|determined|find|found|provide))",
    re.IGNORECASE,
)


def looks_like_refusal(text: str) -> bool:
    """Whether free text declines to answer; for systems that have no refusal flag (the baseline).

    Only the first sentence or two are inspected: a long answer that adds "the sources do not say
    more" at the end has still answered.
    """
    stripped = text.strip()
    if not stripped:
        return True
    head = " ".join(FIRST_SENTENCE_END.split(stripped)[:2])
    return bool(_REFUSAL_PATTERNS.search(head))


class RefusalOutcome(BaseModel):
    should_refuse: bool
    refused: bool
    correct: bool


class RefusalResult(BaseModel):
    accuracy: float | None
    refusal_rate: float | None
    """Unanswerable questions refused / unanswerable questions."""
    false_refusal_rate: float | None
    """Answerable questions refused / answerable questions."""
    n_unanswerable: int
    n_answerable: int


class RefusalAccuracy:
    def run(self, should_refuse: bool, refused: bool) -> RefusalOutcome:
        return RefusalOutcome(should_refuse=should_refuse, refused=refused, correct=should_refuse == refused)

    @staticmethod
    def aggregate(outcomes: Sequence[RefusalOutcome]) -> RefusalResult:
        unanswerable = [o for o in outcomes if o.should_refuse]
        answerable = [o for o in outcomes if not o.should_refuse]

        def rate(items: Sequence[RefusalOutcome]) -> float | None:
            return sum(o.refused for o in items) / len(items) if items else None

        return RefusalResult(
            accuracy=sum(o.correct for o in outcomes) / len(outcomes) if outcomes else None,
            refusal_rate=rate(unanswerable),
            false_refusal_rate=rate(answerable),
            n_unanswerable=len(unanswerable),
            n_answerable=len(answerable),
        )
