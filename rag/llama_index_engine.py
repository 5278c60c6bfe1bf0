"""The answer engine as a llama-index query engine and chat engine, for llama-index applications.

Example (the bundled corpus indexed with ``rag index``; ``RAG_PROFILE=test`` picks the small model)::

    from rag.llama_index_engine import NewsQueryEngine

    query_engine = NewsQueryEngine.from_settings()
    response = query_engine.query("How many people live in Deir al-Zor city?")
    print(response)  # the checked answer with its [n] markers, or the refusal and its reason
    for cited in response.source_nodes:  # the cited passages
        print(cited.node.metadata["source_number"], cited.node.metadata["title"], cited.score)
    answer = response.metadata["answer"]  # rag.types.Answer: sentences, support, conflicts, timings

:class:`NewsChatEngine` answers follow-ups in the same way (``chat``, ``stream_chat``, ``reset``).

What llama-index sees is the engine's checked result, never the model's draft: ``response``
is :attr:`Answer.text` (for a refusal, the refusal and its plain-words reason);
``source_nodes`` are the passages the answer cites, as ``NodeWithScore`` with the passage text,
its article's metadata and the retrieval score; ``metadata["answer"]`` is the whole
:class:`~rag.types.Answer`. Streaming (``NewsQueryEngine(streaming=True)``, ``stream_chat``)
yields checked sentences, not tokens (see :class:`~rag.types.StreamEvent`).

The adapter wraps :class:`~rag.engine.AnswerEngine` rather than assembling llama-index's own
retriever and synthesizer: that pipeline, measured on this corpus, sent ~2,700 prompt tokens
per question and had no step that refuses or checks citations (DESIGN.md).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.chat_engine.types import (
    AgentChatResponse,
    BaseChatEngine,
    StreamingAgentChatResponse,
)
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeRelationship, NodeWithScore, RelatedNodeInfo, TextNode

from rag.engine import AnswerEngine
from rag.types import Answer, Filters, Passage, Source, StreamEvent

if TYPE_CHECKING:
    from rag.settings import Settings


def build_engine(settings: Settings | None = None) -> AnswerEngine:
    """The answer engine over the configured index and models (``load_settings()`` by default)."""
    from rag.components import Components
    from rag.settings import load_settings

    settings = settings or load_settings()
    return AnswerEngine(settings, Components(settings))


def reply_text(answer: Answer) -> str:
    """What a llama-index application shows: the checked answer, or the refusal with its reason."""
    if answer.refused and answer.refusal_reason:
        return f"{answer.text} {answer.refusal_reason}"
    return answer.text


def passage_node(source: Source) -> NodeWithScore:
    """A cited source as llama-index's ``NodeWithScore``: passage text, article metadata, score."""
    passage: Passage = source.passage
    metadata: dict[str, Any] = {
        "source_number": source.number,
        "article_id": passage.article_id,
        "title": passage.title,
        "source": passage.source,
        "date": passage.date.isoformat() if passage.date else None,
        "dateline": passage.dateline,
        "url": passage.url,
        "path": passage.path,
        "also_reported_by": [p.source or p.title or p.article_id for p in source.corroborating],
    }
    node = TextNode(
        id_=passage.chunk_id,
        text=passage.text,
        metadata={k: v for k, v in metadata.items() if v not in (None, [])},
        start_char_idx=passage.start,
        end_char_idx=passage.end,
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=passage.article_id)},
    )
    return NodeWithScore(node=node, score=passage.score)


def cited_nodes(answer: Answer) -> list[NodeWithScore]:
    """The passages the answer's sentences cite, in source-number order (none for a refusal)."""
    cited = {n for sentence in answer.sentences for n in sentence.citations}
    return [passage_node(source) for source in answer.sources if source.number in cited]


def to_response(answer: Answer) -> Response:
    return Response(
        response=reply_text(answer),
        source_nodes=cited_nodes(answer),
        metadata={"answer": answer, "refused": answer.refused},
    )


def checked_text(events: Iterator[StreamEvent], finished: list[Answer]) -> Iterator[str]:
    """Checked sentences as text pieces; the answer is appended to ``finished`` at the end.

    The rare reply refused after some of its sentences were sent (the model declining after a
    backed sentence) ends with the refusal, so the joined text never reads as an answer.
    """
    sent = 0
    for event in events:
        if event.kind == "sentence" and event.sentence is not None:
            yield ("" if sent == 0 else " ") + event.sentence.text
            sent += 1
        elif event.kind == "answer" and event.answer is not None:
            answer = event.answer
            finished.append(answer)
            if answer.refused:
                yield ("\n\nWithdrawn. " if sent else "") + reply_text(answer)
            else:  # sentences the engine adds at the end (sources that differ)
                for sentence in answer.sentences[sent:]:
                    yield ("" if sent == 0 else " ") + sentence.text
                    sent += 1


class NewsQueryEngine(CustomQueryEngine):
    """A llama-index query engine answering from the news archive with checked citations."""

    engine: AnswerEngine
    filters: Filters | None = None
    """Dates and publishers to restrict retrieval to."""
    streaming: bool = False
    """Return a ``StreamingResponse`` of checked sentences instead of a ``Response``."""

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **kwargs: Any) -> NewsQueryEngine:
        return cls(engine=build_engine(settings), **kwargs)

    def custom_query(self, query_str: str) -> Response | StreamingResponse:
        if not self.streaming:
            return to_response(self.engine.answer(query_str, filters=self.filters))
        finished: list[Answer] = []
        streaming = StreamingResponse(response_gen=iter(()), metadata={})

        def pieces() -> Iterator[str]:
            yield from checked_text(self.engine.stream(query_str, filters=self.filters), finished)
            if finished:  # filled in place: known once the answer is checked
                streaming.source_nodes.extend(cited_nodes(finished[0]))
                streaming.metadata.update(answer=finished[0], refused=finished[0].refused)

        streaming.response_gen = pieces()
        return streaming

    async def acustom_query(self, query_str: str) -> Response | StreamingResponse:
        return await asyncio.to_thread(self.custom_query, query_str)


def _history_from_messages(messages: Sequence[ChatMessage]) -> list[Answer]:
    """Earlier turns given as chat messages, as the engine's history (question, answer) pairs."""
    history: list[Answer] = []
    question: str | None = None
    for message in messages:
        text = message.content or ""
        if message.role == MessageRole.USER:
            question = text
        elif message.role == MessageRole.ASSISTANT and question is not None:
            history.append(Answer(question=question, standalone_question=question, text=text))
            question = None
    return history


class NewsChatEngine(BaseChatEngine):
    """A llama-index chat engine: a follow-up continues the previous answer's chat
    (:mod:`rag.followups`), or, after a refusal or with history given as messages, is rewritten
    with the conversation and answered like a :class:`NewsQueryEngine` question. One conversation
    per instance; turns run one at a time."""

    def __init__(self, engine: AnswerEngine, *, filters: Filters | None = None) -> None:
        self.engine = engine
        self.filters = filters
        self._answers: list[Answer] = []
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **kwargs: Any) -> NewsChatEngine:
        return cls(build_engine(settings), **kwargs)

    @property
    def answers(self) -> list[Answer]:
        """This conversation's checked answers, oldest first."""
        return list(self._answers)

    @property
    def chat_history(self) -> list[ChatMessage]:
        messages = []
        for answer in self._answers:
            messages.append(ChatMessage(role=MessageRole.USER, content=answer.question))
            messages.append(ChatMessage(role=MessageRole.ASSISTANT, content=reply_text(answer)))
        return messages

    def reset(self) -> None:
        with self._lock:
            self._answers.clear()

    def _start(self, chat_history: list[ChatMessage] | None) -> list[Answer]:
        if chat_history is not None:  # as llama-index's engines do: the given history replaces ours
            self._answers = _history_from_messages(chat_history)
        return list(self._answers)

    def chat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        with self._lock:
            history = self._start(chat_history)
            answer = self.engine.answer(message, filters=self.filters, history=history)
            self._answers.append(answer)
        return AgentChatResponse(
            response=reply_text(answer),
            source_nodes=cited_nodes(answer),
            metadata={"answer": answer, "refused": answer.refused},
        )

    def stream_chat(
        self, message: str, chat_history: list[ChatMessage] | None = None
    ) -> StreamingAgentChatResponse:
        source_nodes: list[NodeWithScore] = []

        def deltas() -> Iterator[ChatResponse]:
            with self._lock:
                history = self._start(chat_history)
                finished: list[Answer] = []
                events = self.engine.stream(message, filters=self.filters, history=history)
                written = ""
                for piece in checked_text(events, finished):
                    written += piece
                    yield ChatResponse(
                        message=ChatMessage(role=MessageRole.ASSISTANT, content=written), delta=piece
                    )
                if finished:
                    self._answers.append(finished[0])
                    source_nodes.extend(cited_nodes(finished[0]))

        return StreamingAgentChatResponse(
            chat_stream=deltas(), source_nodes=source_nodes, is_writing_to_memory=False
        )

    async def achat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        return await asyncio.to_thread(self.chat, message, chat_history)

    async def astream_chat(
        self, message: str, chat_history: list[ChatMessage] | None = None
    ) -> StreamingAgentChatResponse:
        streaming = self.stream_chat(message, chat_history)
        sync_stream = streaming.chat_stream
        assert sync_stream is not None

        async def deltas() -> AsyncIterator[ChatResponse]:
            done = object()
            while (item := await asyncio.to_thread(next, sync_stream, done)) is not done:
                yield item  # type: ignore[misc]

        streaming.chat_stream = None
        streaming.achat_stream = deltas()
        return streaming
