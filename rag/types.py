"""The data that flows through the product, one way.

files -> Article -> Chunk -> (stored) -> Passage -> Source -> Answer.
The CLI, the UI and the evals all consume :class:`Answer`; a field one of them needs
belongs here rather than in a side channel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any, Literal

from pydantic import BaseModel, Field


def date_to_int(value: dt.date | None) -> int | None:
    """Dates are stored as YYYYMMDD integers so Chroma can filter them by range."""
    return None if value is None else value.year * 10000 + value.month * 100 + value.day


def int_to_date(value: int | None) -> dt.date | None:
    if not value:
        return None
    return dt.date(value // 10000, value // 100 % 100, value % 100)


class Article(BaseModel):
    """One news article as loaded from a file (or one record of a JSON/JSONL file)."""

    article_id: str
    """Stable id: the file stem, plus ``#<record>`` for JSON records; made unique per store."""
    text: str
    title: str | None = None
    date: dt.date | None = None
    dateline: str | None = None
    """Place the story was filed from, e.g. ``BEIRUT``."""
    source: str | None = None
    """Publisher or wire service, e.g. ``AFP``."""
    url: str | None = None
    path: str
    """Absolute path of the file the article came from."""
    record: str | None = None
    """Record key inside a JSON/JSONL file."""
    content_hash: str
    """sha256 over text and metadata: decides whether a re-index must replace the article."""
    suspicious: str | None = None
    """Why the text reads as a prompt rather than as news (:mod:`index.suspicious`); None: clean."""

    @property
    def date_int(self) -> int | None:
        return date_to_int(self.date)


class Chunk(BaseModel):
    """A token-bounded run of whole sentences; ``article.text[start:end] == text``."""

    chunk_id: str
    article_id: str
    index: int
    text: str
    start: int
    end: int
    n_tokens: int
    group_id: str | None = None
    """Near-duplicate group: chunks of different articles that carry the same wire text."""


class SkippedFile(BaseModel):
    path: str
    reason: str


def fold_source(name: str | None) -> str:
    """A publisher name as filters compare it: "afp" finds "AFP", " the national " finds "The National"."""
    return (name or "").strip().casefold()


def _contains(value: Any, wanted: Collection[str]) -> bool:
    return value in wanted


class Filters(BaseModel):
    """Restrictions a user puts on retrieval, with one meaning wherever they apply.

    * ``since``/``until`` compare the article's date as a YYYYMMDD integer, both ends
      inclusive. Passages whose article has **no known date are excluded** as soon as either
      bound is set: a user who asks for "since 2020" should not be shown an undated story
      that may be from 2017 (Chroma's ``where`` behaves the same way, since a range
      condition on a missing field is false).
    * ``sources`` match the publisher case-insensitively (:func:`fold_source`) in
      :meth:`admits`; :meth:`chroma_where` passes them as given, because Chroma's ``$in`` is
      case-sensitive: the caller first resolves them to the spellings actually stored.
    * ``article_ids`` match exactly.
    """

    since: dt.date | None = None
    until: dt.date | None = None
    sources: list[str] = Field(default_factory=list)
    article_ids: list[str] = Field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.sources or self.article_ids)

    def admits(self, passage: Passage) -> bool:
        """Whether ``passage`` lies within these filters."""
        day = date_to_int(passage.date) or 0
        return bool(self.admits_fields(day, fold_source(passage.source), passage.article_id))

    def admits_fields(
        self,
        day: Any,
        source: Any,
        article_id: Any,
        isin: Callable[[Any, Collection[str]], Any] = _contains,
    ) -> Any:
        """The rule on a passage's YYYYMMDD date (0: unknown), folded publisher and article id.

        Written with ``&`` and comparisons only, so the same rule takes single values (the
        default ``isin`` is ``in``) or numpy columns (``isin=np.isin``, giving a boolean mask).
        """
        admitted: Any = True
        if self.since or self.until:
            admitted = admitted & (day > 0)
        if self.since:
            admitted = admitted & (day >= date_to_int(self.since))
        if self.until:
            admitted = admitted & (day <= date_to_int(self.until))
        if self.sources:
            admitted = admitted & isin(source, [fold_source(name) for name in self.sources])
        if self.article_ids:
            admitted = admitted & isin(article_id, list(self.article_ids))
        return admitted

    def chroma_where(self) -> dict[str, Any] | None:
        """The same restrictions as a Chroma ``where`` clause (None: no restriction)."""
        clauses: list[dict[str, Any]] = []
        if self.since:
            clauses.append({"date": {"$gte": date_to_int(self.since)}})
        if self.until:
            clauses.append({"date": {"$lte": date_to_int(self.until)}})
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.article_ids:
            clauses.append({"article_id": {"$in": list(self.article_ids)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def search_text(title: str | None, text: str) -> str:
    """What retrieval searches for a chunk (its embedding and its keyword terms): the article's
    title on a line of its own, then the chunk's text; the text alone when it already opens
    with the title (a Markdown heading, a first line repeating it).

    Why: a chunk from the middle of a long article does not say what story it belongs to, and
    an article whose scraped body is a cookie notice or an ad carries its content only in the
    title. Measured on the Wikinews benchmark (``python -m evals.wikinews``, 132 questions over
    293 articles, no date filter): the product's article hit@1 went from 0.962 with the text
    alone to 0.985 with the title, MRR@10 from 0.981 to 0.992 (``evals/results_wikinews.md``).
    Only search sees this text: passages shown, cited and checked stay the article's own
    characters.
    """
    if not title or not title.strip():
        return text
    title = " ".join(title.split())
    if " ".join(text[: len(title) + 40].lstrip("#> \t\n").split()).startswith(title):
        return text
    return f"{title}\n{text}"


class Passage(BaseModel):
    """A stored chunk as retrieval returns it, with its article's metadata."""

    chunk_id: str
    article_id: str
    text: str
    start: int
    end: int
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    dateline: str | None = None
    url: str | None = None
    path: str | None = None
    group_id: str | None = None
    score: float = 0.0
    suspicious: str | None = None
    """Set when the article reads as a prompt (:mod:`index.suspicious`): never an answer's backing."""


class Source(BaseModel):
    """A numbered source as shown to the model and to the user; ``[number]`` cites it."""

    number: int
    passage: Passage
    corroborating: list[Passage] = Field(default_factory=list)
    """Other articles' copies of the same text (same duplicate group)."""


class EvidenceSpan(BaseModel):
    """Characters ``start:end`` of source ``source``'s passage text (:attr:`Passage.text`)."""

    source: int
    start: int
    end: int


class Sentence(BaseModel):
    text: str
    start: int
    end: int
    """Character offsets in :attr:`Answer.text`."""
    citations: list[int] = Field(default_factory=list)
    support: float | None = None
    """0..1 support of the sentence by the passages it cites (None: nothing to check)."""
    supported: bool = True
    needs_citation: bool = True
    """False for sentences that state no fact (e.g. "The sources differ.")."""
    evidence: list[EvidenceSpan] = Field(default_factory=list)
    """Where the cited passages back the sentence: for each source the verifier accepted it on, the
    passage sentence it matched best (:mod:`rag.verifier.backing`). Empty when the sentence is not
    backed, states no fact, or was stored before spans were kept."""
    reported: bool = False
    """Written by the engine, not the model: a disagreement or an update notice made from the
    sources' own figures (:mod:`rag.conflict_report`), backed by construction and not re-checked."""


class ConflictSide(BaseModel):
    value: str
    source_number: int
    source: str | None = None
    date: dt.date | None = None


class Conflict(BaseModel):
    """Sources that disagree on a figure or fact about the same thing."""

    topic: str
    sides: list[ConflictSide]
    kind: Literal["conflict", "update"] = "conflict"
    """update: the figures come from reports far apart in time (a later count), not rival accounts."""


class Timings(BaseModel):
    rewrite_s: float = 0.0
    """Spent rewriting a follow-up into a standalone question (a model call; 0 on a first turn)."""
    retrieval_s: float = 0.0
    first_token_s: float | None = None
    """Until the first draft text (unchecked) came from the model."""
    first_sentence_s: float | None = None
    """Until the first checked sentence was ready to show (None: none was shown before the answer)."""
    check_s: float = 0.0
    """Spent splitting the draft into sentences and checking them against the sources."""
    total_s: float = 0.0


REFUSAL_TEXT = "The archive does not hold the answer to this question."
"""A refusal before any model call: nothing in the archive matches the question, or only articles
flagged as reading like instructions to an AI do (they never back an answer)."""
QUOTED_NOTE = "Quoted word for word from the sources: the model's own reply was not backed by them."
"""Shown beside an answer that is a quote of the sources (:attr:`Answer.quoted`, :mod:`rag.quoted`)."""
UNCHECKED_TEXT = "No answer backed by the archive was found for this question."
"""A refusal of the model's reply (declined, unbacked, or not answering the question). The
articles found do not back an answer; another article may, so the archive is not said to lack
it: asked "Who is the head of the Syrian Observatory?", a reply refused for want of backing was
headed "The archive does not hold the answer" while two articles name him."""


OTHER_LANGUAGE_TEXT = "This question was not answered: it is in another language than the articles."
"""A refusal before any model call of a question the checks cannot read (:mod:`rag.text.languages`);
the archive may hold its answer, asked in the articles' language."""


class Answer(BaseModel):
    question: str
    standalone_question: str
    """The question after follow-up rewriting; equal to ``question`` on a first turn."""
    text: str
    sentences: list[Sentence] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    refused: bool = False
    """True when no answer is given: nothing matched the question (:data:`REFUSAL_TEXT`) or the
    model's reply was refused (:data:`UNCHECKED_TEXT`); ``refusal_reason`` says which, for a reader."""
    refusal_reason: str | None = None
    """Why, in plain words for the reader, naming the closest articles where it helps."""
    refusal_details: str | None = None
    """The technical side of a refusal (retrieval figures, the model's withdrawn reply): for
    ``--json`` and debugging, never shown as the answer. A :attr:`quoted` answer keeps here why the
    model's replies were withdrawn."""
    conflicts: list[Conflict] = Field(default_factory=list)
    timings: Timings = Field(default_factory=Timings)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""
    quoted: bool = False
    """The answer is a sentence of the sources, word for word: the model's own replies were not
    backed by them (:mod:`rag.quoted`); readers are told so (:data:`QUOTED_NOTE`)."""
    exchange: list[dict[str, str]] = Field(default_factory=list)
    """The chat this answer was written in, ending with the model's own reply, or the quote that
    replaced it (empty when no model was asked). A follow-up continues it (:mod:`rag.followups`); kept with the
    conversation, left out of what ``rag ask --json`` and the HTTP API return."""


class StreamEvent(BaseModel):
    """What a streaming answer yields, in order: draft tokens and checked sentences, then the answer.

    * ``token``: raw, *unchecked* draft text as the model writes it. A consumer may show it only
      marked as being checked, never as the answer.
    * ``sentence``: one finished sentence of the answer, checked against the sources it cites
      (:attr:`sentence`; its text carries its final citation markers), in answer order, as soon
      as it is complete. One with ``supported=False`` is shown marked, as the final answer marks it.
    * ``restart``: no sentence of the reply was backed, and the model is asked once more
      (:attr:`text` says so in plain words); consumers drop the draft and the sentences they show
      for this answer, and the events of the new reply follow.
    * ``answer``: the finished, checked :class:`Answer` (possibly a refusal); consumers replace
      whatever they showed with it, and after a refusal nothing of the draft remains as answer text.
    """

    kind: Literal["token", "sentence", "restart", "answer"]
    text: str = ""
    sentence: Sentence | None = None
    answer: Answer | None = None
