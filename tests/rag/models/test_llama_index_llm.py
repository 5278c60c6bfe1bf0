"""llama-index engines running on the product's chat model."""

from __future__ import annotations

import pytest
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.chat_engine import CondensePlusContextChatEngine
from llama_index.core.llms import ChatMessage

from rag.models.embedding import MiniLMEmbedding
from rag.models.llama_chat import LlamaCppChatModel
from rag.models.llama_index_llm import LlamaIndexChatLLM, to_messages
from rag.models.llm import ChatStream

pytestmark = pytest.mark.integration


def test_roles_map_to_the_chat_template_roles() -> None:
    messages = [
        ChatMessage(role="system", content="s"),
        ChatMessage(role="user", content="u"),
        ChatMessage(role="assistant", content="a"),
        ChatMessage(role="tool", content="t"),
    ]
    assert [m["role"] for m in to_messages(messages)] == ["system", "user", "assistant", "user"]


def test_adapter_metadata_and_calls_match_the_chat_model(small: LlamaCppChatModel) -> None:
    llm = LlamaIndexChatLLM(small)
    meta = llm.metadata
    assert (meta.context_window, meta.num_output, meta.is_chat_model) == (4096, 128, True)
    assert meta.model_name == small.name

    messages = [ChatMessage(role="system", content="Be brief."), ChatMessage(role="user", content="Say hi.")]
    direct = small.chat(to_messages(messages), max_tokens=12)
    assert llm.chat(messages, max_tokens=12).message.content == direct
    stream = list(llm.stream_chat(messages, max_tokens=12))
    assert "".join(r.delta for r in stream) == direct == stream[-1].message.content

    completion = llm.complete("Say hi.", max_tokens=12)
    assert completion.text == small.chat([{"role": "user", "content": "Say hi."}], max_tokens=12)
    assert "".join(r.delta for r in llm.stream_complete("Say hi.", max_tokens=12)) == completion.text


def test_condense_plus_context_engine_runs_on_it(
    small: LlamaCppChatModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    streams: list[ChatStream] = []
    stream_chat = small.stream_chat

    def recording(*args, **kwargs) -> ChatStream:
        streams.append(stream_chat(*args, **kwargs))
        return streams[-1]

    monkeypatch.setattr(small, "stream_chat", recording)
    index = VectorStoreIndex.from_documents(
        [Document(text="The river Ash flooded the town of Ashby on 3 May, forcing 200 people out.")],
        embed_model=MiniLMEmbedding(n_threads=2),
    )
    engine = CondensePlusContextChatEngine.from_defaults(
        index.as_retriever(), llm=LlamaIndexChatLLM(small, num_output=32)
    )
    response = engine.stream_chat("What flooded Ashby?")
    text = "".join(response.response_gen)
    assert text.strip()
    assert "Ashby" in response.source_nodes[0].node.get_content()
    # The engine's system prompt carried the retrieved passage to the model.
    assert streams[-1].usage.prompt_tokens > 40
