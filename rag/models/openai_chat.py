"""The "openai" backend: any server that speaks the OpenAI chat API."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any, Unpack

from rag.models.llm import ChatModel, ChatOptions, ChatStream, LLMUnavailableError, Message, Usage
from rag.settings import Settings


class OpenAICompatibleChatModel(ChatModel):
    """A chat model served over HTTP by anything that speaks the OpenAI chat API
    (llama.cpp server, Ollama, vLLM). Streaming uses server-sent events.

    Written on httpx rather than the ``openai`` client to avoid a dependency for one
    endpoint; token counts are estimated with tiktoken since the server's tokenizer is
    unknown, and next-token probabilities are not available.
    """

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        temperature: float = 0.0,
        max_tokens: int = 256,
        seed: int = 0,
        context_window: int = 4096,
    ) -> None:
        # Lazy (here and below): httpx and tiktoken are only needed when this backend is chosen,
        # so the local backend does not pay for importing them.
        import httpx

        self.base_url = base_url.rstrip("/")
        self.name = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.seed = seed
        self.context_window = context_window
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout_s, headers=headers)

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatibleChatModel:
        cfg = settings.llm
        return cls(
            cfg.openai_base_url,
            model=cfg.openai_model,
            api_key=cfg.openai_api_key.get_secret_value() if cfg.openai_api_key else None,
            timeout_s=cfg.request_timeout_s,
            temperature=cfg.temperature,
            max_tokens=cfg.max_tokens,
            seed=cfg.seed,
            context_window=cfg.n_ctx,
        )

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        """An estimate: cl100k tokens of each message plus the usual 4 tokens of chat framing."""
        from rag.tokens import count_tokens

        return sum(count_tokens(m.get("content", "")) + 4 for m in messages) + 3

    def stream_chat(self, messages: list[Message], **options: Unpack[ChatOptions]) -> ChatStream:
        usage = Usage(prompt_tokens=self.count_prompt_tokens(messages))
        return ChatStream(self._generate(messages, options, usage), usage)

    def _generate(
        self, messages: list[Message], options: ChatOptions, usage: Usage
    ) -> Generator[str, None, None]:
        import httpx

        max_tokens, temperature = options.get("max_tokens"), options.get("temperature")
        body: dict[str, Any] = {
            "model": self.name,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": max_tokens if max_tokens is not None else self.max_tokens,
            "temperature": self.temperature if temperature is None else temperature,
            "seed": self.seed,
        }
        if options.get("stop"):
            body["stop"] = options["stop"]
        pieces: list[str] = []
        try:
            with self._client.stream("POST", self.url, json=body) as response:
                if response.status_code >= 400:
                    detail = response.read().decode("utf-8", "replace")[:500]
                    raise LLMUnavailableError(
                        f"The chat server at {self.url} answered HTTP {response.status_code}: {detail} "
                        "(check RAG_LLM__OPENAI_MODEL and RAG_LLM__OPENAI_API_KEY)"
                    )
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue  # blank separators, comments, "event:" lines
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    event = json.loads(data)
                    if event.get("usage"):
                        usage.prompt_tokens = event["usage"].get("prompt_tokens", usage.prompt_tokens)
                        usage.completion_tokens = event["usage"].get("completion_tokens", 0)
                    for choice in event.get("choices") or []:
                        piece = (choice.get("delta") or {}).get("content")
                        if piece:
                            pieces.append(piece)
                            yield piece
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise LLMUnavailableError(
                f"Cannot reach the OpenAI-compatible chat server at {self.base_url} ({exc}). Start the "
                "server, or point RAG_LLM__OPENAI_BASE_URL at it, or choose a local model with "
                "RAG_LLM__BACKEND=local"
            ) from exc
        except httpx.TimeoutException as exc:
            raise LLMUnavailableError(
                f"The chat server at {self.base_url} did not answer in time ({exc}); raise "
                "RAG_LLM__REQUEST_TIMEOUT_S or check the server"
            ) from exc
        if not usage.completion_tokens and pieces:
            from rag.tokens import count_tokens

            usage.completion_tokens = count_tokens("".join(pieces))

    def yes_probability(self, messages: list[Message], yes: str = "Yes", no: str = "No") -> None:
        return None
