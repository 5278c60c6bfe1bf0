"""The engine inside llama-index applications: query engine, chat engine, the README example."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from pathlib import Path

import pytest
from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.chat_engine.types import AgentChatResponse, BaseChatEngine

import rag.llama_index_engine as adapter
from rag.components import Components
from rag.engine import AnswerEngine
from rag.llama_index_engine import NewsChatEngine, NewsQueryEngine
from rag.types import UNCHECKED_TEXT, Answer
from tests.rag.answering import ScriptedChatModel, indexed_components, with_settings

QUESTION = "How many people live in Deir al-Zor city?"
REPLY = (
    "Around 200,000 people live in Deir Ezzor city [1]. The city is besieged by the Islamic State group [1]."
)


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Components:
    return indexed_components(tmp_path_factory.mktemp("llama_index"), model_cache_dir)


def scripted_engine(components: Components, model: ScriptedChatModel, **overrides) -> AnswerEngine:
    shared = with_settings(components, components.settings.with_overrides(**overrides))
    shared.__dict__["llm"] = model
    return AnswerEngine(shared.settings, shared)


def example_code() -> str:
    """The example of the adapter's docstring (the one the README shows)."""
    doc = adapter.__doc__ or ""
    block = doc.split("::", 1)[1].split("\n\n:class:", 1)[0]
    lines = [line[4:] if line.startswith("    ") else line for line in block.splitlines()]
    return "\n".join(lines).strip()


@pytest.mark.integration
def test_the_readme_example_runs_with_the_small_model(
    components: Components, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("RAG_PROFILE", "test")
    monkeypatch.setenv("RAG_DATA_DIR", str(components.settings.data_dir))
    monkeypatch.setenv("RAG_CACHE_DIR", str(components.settings.cache_dir))
    code = example_code()
    assert code.startswith("from rag.llama_index_engine import NewsQueryEngine")
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README example", "exec"), namespace)
    response, answer = namespace["response"], namespace["answer"]
    assert isinstance(namespace["query_engine"], BaseQueryEngine)
    assert isinstance(response, Response) and isinstance(answer, Answer)
    assert answer.question == QUESTION and answer.model == "smollm2-135m-instruct-q4_1"
    output = printed.getvalue()
    if answer.refused:
        assert output == f"{answer.text} {answer.refusal_reason}\n" and response.source_nodes == []
    else:
        assert output.startswith(answer.text + "\n")
        cited = sorted({n for s in answer.sentences for n in s.citations})
        assert [node.node.metadata["source_number"] for node in response.source_nodes] == cited
        assert len(output[len(answer.text) :].splitlines()) == 1 + len(cited)


@pytest.mark.integration
def test_query_response_carries_the_cited_passages_and_the_answer(components: Components):
    engine = scripted_engine(components, ScriptedChatModel(answer=REPLY))
    response = NewsQueryEngine(engine=engine).query(QUESTION)
    answer = response.metadata["answer"]
    assert not answer.refused and response.metadata["refused"] is False
    assert str(response) == answer.text
    held = next(s.number for s in answer.sources if "200,000" in s.passage.text)  # re-cited to it
    assert answer.text.startswith(f"Around 200,000 people live in Deir Ezzor city [{held}].")
    cited = {n for s in answer.sentences for n in s.citations}
    assert [n.node.metadata["source_number"] for n in response.source_nodes] == sorted(cited)
    source = {s.number: s for s in answer.sources}
    for node in response.source_nodes:
        passage = source[node.node.metadata["source_number"]].passage
        assert node.node.get_content() == passage.text and node.node.node_id == passage.chunk_id
        assert node.score == passage.score and node.node.ref_doc_id == passage.article_id
        assert node.node.metadata["title"] == passage.title
        if passage.date:
            assert node.node.metadata["date"] == passage.date.isoformat()
        if passage.source:
            assert node.node.metadata["source"] == passage.source


@pytest.mark.integration
def test_a_refusal_is_a_response_with_its_reason_and_no_sources(components: Components):
    invented = "Its chef is Amira Holt [1]. The restaurant opened in 2016 [2]."
    engine = scripted_engine(
        components, ScriptedChatModel(answer=invented), **{"answer.quote_sources": False}
    )
    response = NewsQueryEngine(engine=engine).query(QUESTION)
    answer = response.metadata["answer"]
    assert answer.refused and response.source_nodes == []
    assert str(response) == f"{UNCHECKED_TEXT} {answer.refusal_reason}"
    assert "Amira Holt" not in str(response)


@pytest.mark.integration
def test_streaming_query_yields_checked_sentences_then_fills_sources(components: Components):
    engine = scripted_engine(components, ScriptedChatModel(answer=REPLY))
    response = NewsQueryEngine(engine=engine, streaming=True).query(QUESTION)
    assert isinstance(response, StreamingResponse) and response.source_nodes == []
    pieces = list(response.response_gen)
    answer = response.metadata["answer"]
    assert pieces == [answer.sentences[0].text, " " + answer.sentences[1].text]
    assert response.source_nodes and response.source_nodes[0].node.metadata["source_number"] == 1


@pytest.mark.integration
def test_chat_engine_answers_follow_ups_with_the_conversation(components: Components):
    model = ScriptedChatModel(answer=REPLY, rewrite="Who besieges Deir al-Zor city?")
    chat = NewsChatEngine(scripted_engine(components, model))
    assert isinstance(chat, BaseChatEngine)
    first = chat.chat(QUESTION)
    assert isinstance(first, AgentChatResponse) and first.source_nodes
    assert first.metadata["answer"].standalone_question == QUESTION  # a first turn is not rewritten
    second = chat.chat("Who besieges it?")
    # asked in the same chat as the first answer (rag.followups), with no rewrite
    assert model.sent[-1][: len(first.metadata["answer"].exchange)] == first.metadata["answer"].exchange
    assert model.sent[-1][-1]["content"].endswith("Question: Who besieges it?")
    assert not any("Follow Up Input:" in m[-1]["content"] for m in model.sent)
    assert second.metadata["answer"].question == "Who besieges it?"
    assert [m.role for m in chat.chat_history] == [MessageRole.USER, MessageRole.ASSISTANT] * 2
    assert chat.chat_history[1].content == first.response
    chat.reset()
    assert chat.chat_history == []
    given = [
        ChatMessage(role=MessageRole.USER, content="How many people live in Deir al-Zor city?"),
        ChatMessage(role=MessageRole.ASSISTANT, content="Around 200,000 [1]."),
    ]
    third = chat.chat("Who besieges it?", chat_history=given)
    # history given as messages holds no chat to continue: the follow-up is rewritten
    assert third.metadata["answer"].standalone_question == "Who besieges Deir al-Zor city?"
    assert "Around 200,000" in model.sent[-2][-1]["content"]  # the given history was used
    assert len(chat.chat_history) == 4


@pytest.mark.integration
def test_chat_engine_streams_checked_sentences_sync_and_async(components: Components):
    chat = NewsChatEngine(scripted_engine(components, ScriptedChatModel(answer=REPLY)))
    streamed = chat.stream_chat(QUESTION)
    pieces = list(streamed.response_gen)
    answer = chat.answers[-1]
    assert "".join(pieces) == answer.text and len(pieces) == len(answer.sentences)
    assert streamed.response == answer.text and streamed.source_nodes

    async def run() -> tuple[str, str]:
        whole = await chat.achat(QUESTION)
        streaming = await chat.astream_chat(QUESTION)
        return whole.response, "".join([piece async for piece in streaming.async_response_gen()])

    whole, streamed_text = asyncio.run(run())
    assert whole == streamed_text == answer.text
    assert len(chat.answers) == 3
    assert not re.search(r"\[[3-9]\]", whole)
