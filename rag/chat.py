"""Multi-turn chat: conversations kept apart, follow-ups rewritten into standalone questions.

Each conversation keeps its own list of answers; the engine rewrites a follow-up with that
history before retrieval (like llama-index's ``CondensePlusContextChatEngine`` condense
step, with a shorter prompt for the 1.5B model, see :mod:`rag.prompts`). The answer prompt
itself carries no history: it stays small, and its fixed system prefix (and, when a
follow-up retrieves the same sources, the sources as well) is re-used from llama.cpp's
cache across turns and across conversations.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from rag.components import Components
from rag.engine import AnswerEngine
from rag.settings import Settings
from rag.types import Answer, Filters, StreamEvent


class UnknownConversationError(KeyError):
    """The conversation id was never issued by this service (or was dropped)."""


@dataclass
class _Conversation:
    answers: list[Answer] = field(default_factory=list)
    title: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Turns of one conversation run one at a time: a follow-up needs the answer before it."""


class ChatService:
    """Conversations by id; several may stream at once from different threads."""

    def __init__(self, settings: Settings, components: Components, *, engine: AnswerEngine | None = None):
        self.settings = settings
        self.components = components
        self.engine = engine or AnswerEngine(settings, components)
        self._conversations: dict[str, _Conversation] = {}
        self._lock = threading.Lock()

    def new_conversation(self) -> str:
        conversation_id = uuid.uuid4().hex[:12]
        with self._lock:
            self._conversations[conversation_id] = _Conversation()
        return conversation_id

    def _get(self, conversation_id: str) -> _Conversation:
        with self._lock:
            try:
                return self._conversations[conversation_id]
            except KeyError:
                raise UnknownConversationError(
                    f"No conversation {conversation_id!r}; start one with new_conversation()"
                ) from None

    def stream(
        self, conversation_id: str, question: str, filters: Filters | None = None
    ) -> Iterator[StreamEvent]:
        """The engine's events for this turn; the answer joins the history once it is complete."""
        conversation = self._get(conversation_id)
        with conversation.lock:
            history = list(conversation.answers)
            for event in self.engine.stream(question, filters=filters, history=history):
                if event.kind == "answer" and event.answer is not None:
                    with self._lock:
                        conversation.answers.append(event.answer)
                        conversation.title = conversation.title or question.strip()
                yield event

    def ask(self, conversation_id: str, question: str, filters: Filters | None = None) -> Answer:
        final: Answer | None = None
        for event in self.stream(conversation_id, question, filters):
            if event.kind == "answer":
                final = event.answer
        assert final is not None
        return final

    def history(self, conversation_id: str) -> list[Answer]:
        conversation = self._get(conversation_id)
        with self._lock:
            return list(conversation.answers)

    def conversations(self) -> list[tuple[str, str]]:
        """(id, title) of every conversation, oldest first; the title is the first question."""
        with self._lock:
            return [(cid, c.title) for cid, c in self._conversations.items()]

    def forget(self, conversation_id: str) -> None:
        with self._lock:
            self._conversations.pop(conversation_id, None)
