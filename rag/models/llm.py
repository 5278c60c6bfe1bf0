"""The chat model every feature talks to, behind one small protocol.

Backends: llama.cpp running a verified local GGUF ("local": Qwen2.5-Coder-1.5B, "small":
SmolLM2-135M for plumbing tests; :mod:`rag.models.llama_chat`) and any OpenAI-compatible
server ("openai"; :mod:`rag.models.openai_chat`), chosen by :func:`rag.models.backends.build_llm`.

Why not llama-index's ``LlamaCPP``: it formats chats with a generic template instead of
the one stored in the GGUF, and it offers no way to read next-token probabilities, which
the faithfulness judge (:meth:`ChatModel.yes_probability`) needs. llama-index engines use
these models through :mod:`rag.models.llama_index_llm`.

Token counts belong to the call that spent them: every :meth:`ChatModel.stream_chat` returns
a :class:`ChatStream` carrying its own :class:`Usage`, so concurrent callers (UI sessions
sharing one model) never read each other's counts.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Protocol, TypedDict, Unpack, runtime_checkable

Message = dict[str, str]


class ChatOptions(TypedDict, total=False):
    """Per-call generation settings; an absent one takes the model's configured value."""

    max_tokens: int | None
    stop: list[str] | None
    temperature: float | None


class LLMUnavailableError(RuntimeError):
    """The configured chat model cannot be reached or loaded."""


class ModelTimeoutError(RuntimeError):
    """The chat model produced nothing for ``llm.request_timeout_s``; the call was stopped."""


class PromptTooLongError(ValueError):
    """The prompt does not fit the model's context; the message says what to shorten."""


@dataclass
class Usage:
    """What one model call spent; filled in while its reply is read."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    """Prompt tokens whose evaluation was re-used from an earlier call (0 when unknown)."""
    queued_s: float = 0.0
    """Seconds the call waited for the model while other calls used it."""
    first_piece_s: float | None = None
    """Seconds from the model being free for this call to the first piece of the reply (the
    prompt's evaluation, for a judge call the whole call); None until it arrives."""
    total_s: float = 0.0
    """Seconds from the model being free for this call to the end of the reply."""


@dataclass(frozen=True)
class Judgement:
    """One judge call (:meth:`rag.models.llama_chat.LlamaCppChatModel.judge`): p(yes) normalised
    over yes+no, and what the call evaluated."""

    probability: float
    usage: Usage


class ChatStream(Iterator[str]):
    """The pieces of one reply, and that call's own :class:`Usage`.

    Like the generator it wraps, nothing runs until the first piece is asked for; ``usage``
    is complete once the stream is exhausted or closed. Close a stream you abandon: the
    model stays held for it until then.
    """

    def __init__(self, pieces: Generator[str, None, None], usage: Usage) -> None:
        self._pieces = pieces
        self.usage = usage

    def __iter__(self) -> ChatStream:
        return self

    def __next__(self) -> str:
        return next(self._pieces)

    def close(self) -> None:
        self._pieces.close()


@runtime_checkable
class ChatModel(Protocol):
    """What the product needs from a chat model."""

    name: str
    context_window: int

    def stream_chat(self, messages: list[Message], **options: Unpack[ChatOptions]) -> ChatStream:
        """Pieces of the assistant's reply as they are generated, with the call's usage."""
        ...

    def chat(self, messages: list[Message], **options: Unpack[ChatOptions]) -> str:
        """The whole reply; backends that subclass this protocol share this one way of joining it."""
        return "".join(self.stream_chat(messages, **options))

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        """Tokens the model will read for ``messages`` (exact for local backends)."""
        ...

    def yes_probability(self, messages: list[Message], yes: str = "Yes", no: str = "No") -> float | None:
        """p(yes) / (p(yes) + p(no)) for the first token of the reply; None if the backend hides logits."""
        ...
