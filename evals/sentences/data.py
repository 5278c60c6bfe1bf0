"""The answer engine's own draft sentences, with hand labels (``evals/data/answer_sentences.jsonl``).

One line per answer: the question, the model's raw reply, the sources that were in the prompt
(``Source.model_dump()``) and the draft sentences as :func:`rag.citations.parse_answer` splits the
reply. The collector (:mod:`evals.sentences.collect`) writes lines without labels; a person adds
``label``, ``backed_by`` and ``note`` to each sentence by reading the passages (``evals/LABELLING.md``).
No verdict of the support scorer is stored: labels are made blind to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from evals.records import read_records
from rag.types import Source

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SENTENCES_PATH = DATA_DIR / "answer_sentences.jsonl"
QUESTIONS_PATH = DATA_DIR / "sentence_questions.jsonl"

Label = Literal["supported", "unsupported", "no_claim"]
LABELS: tuple[str, ...] = Label.__args__  # type: ignore[attr-defined]
QuestionKind = Literal["answerable", "partial", "unanswerable"]


class SentenceQuestion(BaseModel):
    """A question written for this set by reading the corpus (``sentence_questions.jsonl``)."""

    id: str
    kind: QuestionKind
    """``partial``: the articles answer only part of it; ``unanswerable``: on topic, not in the archive."""
    question: str


class DraftRecord(BaseModel):
    """One draft sentence of a reply and, once labelled, what a reader of the passages says of it."""

    text: str
    """The sentence without citation markers (:attr:`rag.citations.DraftSentence.plain`)."""
    citations: list[int] = Field(default_factory=list)
    label: Label | None = None
    backed_by: list[int] = Field(default_factory=list)
    """Sources whose passages back the sentence (empty when unsupported or no_claim)."""
    note: str = ""
    """What is wrong with an unsupported sentence (required for those)."""


class AnswerRecord(BaseModel):
    id: str
    question: str
    origin: Literal["golden", "sentences"]
    """Which question file the question comes from."""
    kind: str
    raw: str | None
    """The model's reply the engine checked; None when the engine refused before asking the model."""
    sources: list[dict] = Field(default_factory=list)
    """``Source.model_dump(mode="json")`` of every source the engine numbered for this answer."""
    sentences: list[DraftRecord] = Field(default_factory=list)
    held_out: bool = False
    """Labelled after the support scorer's rules were last tuned, by two readers blind to its
    verdicts and to each other (``evals/LABELLING.md``): its figures are reported apart, as the
    scorer's figures on sentences no rule was written for."""

    @model_validator(mode="after")
    def _consistent(self) -> AnswerRecord:
        numbers = {source["number"] for source in self.sources}
        for sentence in self.sentences:
            outside = (set(sentence.citations) | set(sentence.backed_by)) - numbers
            if outside:
                raise ValueError(
                    f"{self.id}: sentence {sentence.text!r} names sources {sorted(outside)} it lacks"
                )
            if sentence.label == "unsupported" and not sentence.note.strip():
                raise ValueError(f"{self.id}: unsupported sentence {sentence.text!r} has no note")
            if sentence.label == "supported" and not sentence.backed_by:
                raise ValueError(f"{self.id}: supported sentence {sentence.text!r} names no backing source")
        return self

    def rebuilt_sources(self) -> list[Source]:
        return [Source.model_validate(source) for source in self.sources]


def load_records(path: Path | str = SENTENCES_PATH) -> list[AnswerRecord]:
    """Read and validate the file; errors name the file and the line."""
    source = Path(path)
    if not source.exists():
        raise FileNotFoundError(
            f"Labelled sentences {source} do not exist (python -m evals.sentences.collect)"
        )
    records = read_records(source, AnswerRecord, "answer record")
    return records


def save_records(records: Iterable[AnswerRecord], path: Path | str = SENTENCES_PATH) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(_stored(r), ensure_ascii=False) for r in records]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def load_questions(path: Path | str = QUESTIONS_PATH) -> list[SentenceQuestion]:
    source = Path(path)
    lines = source.read_text(encoding="utf-8").splitlines()
    return [SentenceQuestion.model_validate(json.loads(line)) for line in lines if line.strip()]


def _stored(record: AnswerRecord) -> dict[str, Any]:
    """The record as one line of the file: ``held_out`` only where it is true, so answering new
    questions (``collect --resume``) leaves the lines of the others as they were."""
    line = record.model_dump(mode="json")
    if not line["held_out"]:
        del line["held_out"]
    return line
