"""``python -m evals.sentences.collect``: the engine's raw replies to the golden and sentence questions.

The bundled corpus is indexed into a temporary store (as ``rag eval --suite golden`` does, with
:func:`evals.runner.ensure_corpus_indexed`), the real :class:`rag.engine.AnswerEngine` answers every
question with the configured model, and a :class:`RecordingModel` in front of the chat model keeps
each raw reply. One JSON line per answer goes to the output: the question, the reply the engine
checked, the sources it numbered, and the draft sentences as :func:`rag.citations.parse_answer`
splits the reply. Nothing the verifier decided is written, so the labels can be made blind to it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from evals.golden import load_golden
from evals.runner import ensure_corpus_indexed
from evals.sentences.data import (
    SENTENCES_PATH,
    AnswerRecord,
    DraftRecord,
    load_questions,
    load_records,
    save_records,
)
from rag.citations import parse_answer
from rag.components import Components
from rag.models.llm import ChatOptions, ChatStream, Message
from rag.settings import Settings, load_settings

if TYPE_CHECKING:
    from rag.models.llm import ChatModel


@dataclass
class RecordingModel:
    """A chat model that passes every call to ``model`` unchanged and keeps each streamed reply."""

    model: ChatModel
    replies: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def context_window(self) -> int:
        return self.model.context_window

    def stream_chat(self, messages: list[Message], **options: Unpack[ChatOptions]) -> ChatStream:
        inner = self.model.stream_chat(messages, **options)
        pieces: list[str] = []

        def relay() -> Generator[str, None, None]:
            try:
                for piece in inner:
                    pieces.append(piece)
                    yield piece
            finally:
                inner.close()
                self.replies.append("".join(pieces).strip())

        return ChatStream(relay(), inner.usage)

    def chat(self, messages: list[Message], **options: Unpack[ChatOptions]) -> str:
        return "".join(self.stream_chat(messages, **options))

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        return self.model.count_prompt_tokens(messages)

    def yes_probability(self, messages: list[Message], yes: str = "Yes", no: str = "No") -> float | None:
        return self.model.yes_probability(messages, yes, no)

    def __getattr__(self, name: str) -> Any:  # anything else a backend offers (e.g. its judge call)
        return getattr(self.model, name)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    origin: str
    kind: str


def all_questions() -> list[Question]:
    golden = [Question(i.id, i.question, "golden", i.kind) for i in load_golden()]
    written = [Question(q.id, q.question, "sentences", q.kind) for q in load_questions()]
    return golden + written


def collect(
    settings: Settings, questions: Sequence[Question], out: Path, done: Sequence[AnswerRecord] = ()
) -> list[AnswerRecord]:
    """Answer every question with the engine and write the records to ``out`` (after ``done``) as they come."""
    from rag.engine import AnswerEngine  # lazy: seconds to import

    components = Components(settings)
    ensure_corpus_indexed(components, load_golden())
    recorder = RecordingModel(components.llm)
    components.llm = recorder  # the engine reads components.llm: every reply passes the recorder
    engine = AnswerEngine(settings, components)
    records: list[AnswerRecord] = list(done)
    for number, question in enumerate(questions, 1):
        recorder.replies.clear()
        started = time.perf_counter()
        answer = engine.answer(question.question)
        # The engine checks its last reply (a reply of bare source numbers is asked for once more).
        raw = recorder.replies[-1] if recorder.replies else None
        sources = answer.sources
        drafts = parse_answer(raw, len(sources)) if raw is not None else []
        records.append(
            AnswerRecord(
                id=question.id,
                question=question.question,
                origin=question.origin,
                kind=question.kind,
                raw=raw,
                sources=[source.model_dump(mode="json") for source in sources],
                sentences=[DraftRecord(text=d.plain, citations=d.citations) for d in drafts],
            )
        )
        save_records(records, out)
        print(
            f"  {number}/{len(questions)} {question.id:<5} {time.perf_counter() - started:5.1f} s "
            f"{len(drafts)} sentence(s)",
            file=sys.stderr,
            flush=True,
        )
    return records


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.sentences.collect",
        description=(
            "Answer the golden questions and evals/data/sentence_questions.jsonl with the answer engine "
            "over the bundled corpus (indexed into a temporary store) and write each raw model reply, "
            "its sources and its draft sentences, unlabelled and without the verifier's verdicts."
        ),
    )
    parser.add_argument(
        "--out", type=Path, default=SENTENCES_PATH, help=f"output file (default: {SENTENCES_PATH})"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N questions (a plumbing check)"
    )
    parser.add_argument("--profile", choices=["default", "test"], default=None, help="settings profile")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the answers already in --out (labels included) and answer only the questions they lack",
    )
    args = parser.parse_args(argv)
    settings = load_settings(args.profile)
    done = load_records(args.out) if args.resume and args.out.exists() else []
    answered = {record.id for record in done}
    questions = [q for q in all_questions() if q.id not in answered][: args.limit]
    with tempfile.TemporaryDirectory(prefix="rag-sentences-store-", ignore_cleanup_errors=True) as folder:
        store = settings.store.model_copy(update={"mode": "embedded", "path": Path(folder) / "chroma"})
        eval_settings = settings.model_copy(update={"data_dir": Path(folder), "store": store})
        records = collect(eval_settings, questions, args.out, done)
    drafted = sum(len(r.sentences) for r in records)
    print(f"{len(records)} answers, {drafted} draft sentences written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
