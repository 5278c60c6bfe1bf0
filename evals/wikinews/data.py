"""The Wikinews benchmark's data: the articles (beside the repository) and our questions about them."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

REPO_ROOT = Path(__file__).resolve().parents[2]
QUESTIONS_PATH = Path(__file__).resolve().parents[1] / "data" / "wikinews_questions.jsonl"
DAYS_PATH = QUESTIONS_PATH.with_name("wikinews_days.jsonl")
"""Questions asking the day of an event that its story names only by weekday, "yesterday" or
"today" (``python -m evals.wikinews --answers --questions``): the story's date is when it appeared."""
DATA_ENV = "RAG_WIKINEWS_PATH"
SOURCE_REPO = "vanatteveldt/wikinews"
SOURCE_COMMIT = "347254178bf343f3801aac1d03c41cc09c35decb"
SOURCE_FILES = ("data/wikinews_2019.csv", "data/wikinews_2020.csv")
DAYS_BEFORE = 14
DAYS_AFTER = 1


class WikinewsQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    article_id: str
    answer: str
    answer_pattern: str | None = None
    """Regex (case-insensitive) matching the article's wording where ``answer`` paraphrases it."""
    date: dt.date
    kind: Literal["fact", "number", "date", "who", "where"]
    style: Literal["named", "descriptive"] = "named"
    """named: the question names the story's people, places or organisations; descriptive: it
    describes the event without the names in the article's title (harder for keyword search)."""
    article_ids: list[str] = []
    """Every article that answers the question equally, where there is more than one."""

    @field_validator("answer_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value

    @property
    def relevant(self) -> frozenset[str]:
        return frozenset([self.article_id, *self.article_ids])


class WikinewsArticle(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    title: str
    date: dt.date
    url: str
    text: str


class DataError(RuntimeError):
    """The articles or questions are missing or do not fit together; the message says what to do."""


def default_data_path() -> Path:
    """``$RAG_WIKINEWS_PATH``, else the shared evaluation data beside the repository."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    return (REPO_ROOT.parent / "shared" / "evaldata" / "wikinews-en-2019-2020" / "articles.jsonl").resolve()


def missing_message(path: Path) -> str:
    return (
        f"Wikinews articles not found at {path}: get {' and '.join(SOURCE_FILES)} from GitHub "
        f"{SOURCE_REPO} at commit {SOURCE_COMMIT} (CC BY 2.5) and build articles.jsonl with build.py "
        f"(see SOURCE.md in shared/evaldata/wikinews-en-2019-2020), then save it there or set {DATA_ENV}."
    )


def _read_jsonl(path: Path, model: type[BaseModel]) -> list:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(model.model_validate_json(line))
        except ValidationError as error:
            raise DataError(f"{path}, line {number}: {error}") from None
    return records


def load_articles(path: Path) -> list[WikinewsArticle]:
    if not path.is_file():
        raise DataError(missing_message(path))
    return _read_jsonl(path, WikinewsArticle)


def load_questions(path: Path = QUESTIONS_PATH) -> list[WikinewsQuestion]:
    questions = _read_jsonl(path, WikinewsQuestion)
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise DataError(f"{path}: question id {question.id!r} is used twice")
        seen.add(question.id)
    return questions


def answer_found(question: WikinewsQuestion, text: str) -> bool:
    """The answer is in ``text``: its pattern matches, or (without one) the answer occurs, ignoring case."""
    if question.answer_pattern:
        return re.search(question.answer_pattern, text, flags=re.IGNORECASE) is not None
    return question.answer.casefold() in text.casefold()


def date_window(day: dt.date) -> tuple[dt.date, dt.date]:
    return day - dt.timedelta(days=DAYS_BEFORE), day + dt.timedelta(days=DAYS_AFTER)
