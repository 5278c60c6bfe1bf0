"""Expose a :class:`~rag.models.llm.ChatModel` as a llama-index LLM.

llama-index engines (``CondensePlusContextChatEngine``, ``CitationQueryEngine`` for the
baseline comparison) then run on the same loaded model, with the chat template stored in
the GGUF, the shared lock and the KV-cache re-use, instead of a second copy of the weights
behind llama-index's generic-template ``LlamaCPP`` wrapper.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.custom import CustomLLM

from rag.models.llm import ChatModel, Message

_ROLE_NAMES = {
    MessageRole.SYSTEM: "system",
    MessageRole.DEVELOPER: "system",
    MessageRole.USER: "user",
    MessageRole.ASSISTANT: "assistant",
    MessageRole.CHATBOT: "assistant",
    MessageRole.MODEL: "assistant",
}


def to_messages(messages: Sequence[ChatMessage]) -> list[Message]:
    """llama-index messages as plain role/content dicts (tool and function turns read as user turns)."""
    return [{"role": _ROLE_NAMES.get(m.role, "user"), "content": m.content or ""} for m in messages]


def _options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The generation options a ChatModel understands; engines pass others that do not apply."""
    return {key: kwargs[key] for key in ("max_tokens", "stop", "temperature") if kwargs.get(key) is not None}


class LlamaIndexChatLLM(CustomLLM):
    """A llama-index chat LLM backed by a ChatModel."""

    num_output: int = 256
    context_window: int = 4096
    model_name: str = "chat-model"

    _model: Any = PrivateAttr()

    def __init__(self, model: ChatModel, *, num_output: int | None = None, **kwargs: Any) -> None:
        super().__init__(
            num_output=num_output or getattr(model, "max_tokens", 256),
            context_window=model.context_window,
            model_name=model.name,
            **kwargs,
        )
        self._model = model

    @classmethod
    def class_name(cls) -> str:
        return "LlamaIndexChatLLM"

    @property
    def chat_model(self) -> ChatModel:
        return self._model

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.num_output,
            is_chat_model=True,
            model_name=self.model_name,
        )

    def _completion_messages(self, prompt: str) -> list[Message]:
        messages: list[Message] = []
        if self.system_prompt:
            messages.append({"role": "system", "content": self.system_prompt})
        messages.append({"role": "user", "content": prompt})
        return messages

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        text = self._model.chat(self._completion_messages(prompt), **_options(kwargs))
        return CompletionResponse(text=text)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        pieces = self._model.stream_chat(self._completion_messages(prompt), **_options(kwargs))

        def gen() -> CompletionResponseGen:
            text = ""
            for piece in pieces:
                text += piece
                yield CompletionResponse(text=text, delta=piece)

        return gen()

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        text = self._model.chat(to_messages(messages), **_options(kwargs))
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        pieces = self._model.stream_chat(to_messages(messages), **_options(kwargs))

        def gen() -> ChatResponseGen:
            text = ""
            for piece in pieces:
                text += piece
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=piece)

        return gen()
