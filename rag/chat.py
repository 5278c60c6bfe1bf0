"""Multi-turn chat: conversations kept apart and on disk, follow-ups asked in the same chat.

Each conversation keeps its own list of answers, stored turn by turn in the data folder
(:mod:`rag.conversations`), so a conversation can be reopened after a reload or a server
restart. Each answer keeps the chat it was written in, and a follow-up continues that chat with
only the passages it lacks (:mod:`rag.followups`): llama.cpp has the earlier turn evaluated, so
the model reads only the new one. A follow-up to a refused answer is rewritten with the history
into a standalone question first (like llama-index's ``CondensePlusContextChatEngine`` condense
step, with a shorter prompt for the 1.5B model, see :mod:`rag.prompts`) and asked afresh.

Conversations belong to an owner: the logged-in user of the UI, or one shared
:data:`~rag.conversations.LOCAL_OWNER` without a login. A conversation of another owner is
reported as unknown, never shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import TYPE_CHECKING, ParamSpec

from rag.conversations import LOCAL_OWNER, ConversationInfo, ConversationStore, UnknownConversationError
from rag.engine import AnswerEngine
from rag.settings import Settings
from rag.types import Answer, Filters, StreamEvent

if TYPE_CHECKING:
    from rag.components import Components

__all__ = ["LOCAL_OWNER", "ChatService", "ConversationInfo", "UnknownConversationError"]

P = ParamSpec("P")


def _answer_only(stream: Callable[P, Iterator[StreamEvent]]) -> Callable[P, Answer]:
    """``stream`` run to its end, returning the finished answer; it takes the same arguments."""

    def ask(*args: P.args, **kwargs: P.kwargs) -> Answer:
        final: Answer | None = None
        for event in stream(*args, **kwargs):
            if event.kind == "answer":
                final = event.answer
        assert final is not None  # the engine's stream always ends with the answer
        return final

    return ask


class ChatService:
    """Conversations by id; several may stream at once from different threads."""

    def __init__(
        self,
        settings: Settings,
        components: Components,
        *,
        engine: AnswerEngine | None = None,
        store: ConversationStore | None = None,
    ):
        self.settings = settings
        self.components = components
        self.engine = engine or AnswerEngine(settings, components)
        self.store = store or ConversationStore.in_folder(settings.data_dir)
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def new_conversation(self, owner: str = LOCAL_OWNER, title: str = "") -> str:
        return self.store.create(owner, title)

    def _turn_lock(self, conversation_id: str) -> threading.Lock:
        """Turns of one conversation run one at a time: a follow-up needs the answer before it."""
        with self._lock:
            return self._locks.setdefault(conversation_id, threading.Lock())

    def stream(
        self,
        conversation_id: str,
        question: str,
        filters: Filters | None = None,
        *,
        owner: str = LOCAL_OWNER,
        cancel: threading.Event | None = None,
    ) -> Iterator[StreamEvent]:
        """The engine's events for this turn; the answer is stored once it is complete.

        When ``cancel`` is set the generation is stopped at the next event (closing the
        engine's stream frees the model for the next question) and nothing is stored: a
        stopped turn is not part of the conversation's history.
        """
        self.store.get(owner, conversation_id)  # unknown or someone else's: raise before any work
        with self._turn_lock(conversation_id):
            history = self.store.answers(owner, conversation_id)
            events = self.engine.stream(question, filters=filters, history=history)
            with closing(events):
                for event in events:
                    if cancel is not None and cancel.is_set():
                        return
                    if event.kind == "answer" and event.answer is not None:
                        self.store.append(owner, conversation_id, event.answer)
                    yield event

    ask = _answer_only(stream)
    """The finished answer of :meth:`stream` (the same arguments)."""

    def history(self, conversation_id: str, owner: str = LOCAL_OWNER) -> list[Answer]:
        return self.store.answers(owner, conversation_id)

    def conversations(self, owner: str = LOCAL_OWNER) -> list[ConversationInfo]:
        """The owner's conversations, most recently used first; the title is the first question."""
        return self.store.list(owner)

    def rename(self, conversation_id: str, title: str, owner: str = LOCAL_OWNER) -> str:
        return self.store.rename(owner, conversation_id, title)

    def delete(self, conversation_id: str, owner: str = LOCAL_OWNER) -> None:
        self.store.delete(owner, conversation_id)
        with self._lock:
            self._locks.pop(conversation_id, None)
