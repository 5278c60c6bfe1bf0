"""The golden question set (``evals/golden.jsonl``): hand-written questions over the bundled corpus.

Each line is one :class:`GoldenItem`. Expected facts are short strings that a correct answer must
state; a list inside the list gives alternatives, any one of which counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, model_validator

from evals.metrics.correctness import Fact
from evals.records import read_records

GOLDEN_PATH = Path(__file__).resolve().parent / "golden.jsonl"

Kind = Literal[
    "single_article", "duplicated_fact", "multi_article", "conflict", "date_dependent", "unanswerable"
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]


class GoldenItem(BaseModel):
    id: str
    question: str
    kind: Kind
    """What the question tests (``KINDS``); ``unanswerable`` items must be refused."""
    expected_facts: list[Fact] = []
    """Facts a correct answer states; a list inside the list gives alternatives (any one counts)."""
    supporting_articles: list[str] = []
    """Article ids (file stems of the corpus) that hold the answer; empty when unanswerable."""
    notes: str = ""

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"

    @model_validator(mode="after")
    def _consistent(self) -> GoldenItem:
        if not self.question.strip():
            raise ValueError("question is empty")
        if self.answerable and (not self.expected_facts or not self.supporting_articles):
            raise ValueError(f"{self.kind} item needs expected_facts and supporting_articles")
        if not self.answerable and (self.expected_facts or self.supporting_articles):
            raise ValueError("an unanswerable item has no expected_facts or supporting_articles")
        for fact in self.expected_facts:
            if isinstance(fact, list) and not fact:
                raise ValueError("an expected fact is an empty list of alternatives")
        return self


def load_golden(path: Path | str = GOLDEN_PATH) -> list[GoldenItem]:
    """Read and validate the set; errors name the file, the line and the field."""
    source = Path(path)
    if not source.exists():
        raise FileNotFoundError(f"Golden set {source} does not exist")
    items = read_records(source, GoldenItem, "golden item")
    if not items:
        raise ValueError(f"Golden set {source} holds no items")
    return items
