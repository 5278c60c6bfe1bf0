"""The plain llama-index pipeline, run on the same store and models, for comparison.

``VectorStoreIndex.from_vector_store`` over the product's chunk collection and a
``CitationQueryEngine`` with llama-index's defaults (similarity_top_k 3, citation_chunk_size 512,
its own citation prompt, compact response mode), driven by the same chat model through
:class:`rag.models.llama_index_llm.LlamaIndexChatLLM`. Only the transport differs from a
textbook setup: the response is streamed so the time to the first token can be measured, which
does not change what the model generates.

Its response is turned into an :class:`~rag.types.Answer` (``[n]`` markers parsed, sources from
``response.source_nodes``) so that exactly the same metrics score both systems.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from evals.metrics.citations import answer_sentences
from evals.metrics.refusal import looks_like_refusal
from index.chunking import chunk_id
from rag.types import Answer, Passage, Source, Timings, int_to_date

if TYPE_CHECKING:
    from llama_index.core.schema import NodeWithScore

    from rag.components import Components
    from rag.models.llm import ChatModel, ChatStream, Message, Usage

SIMILARITY_TOP_K = 3
"""The retrieval depth the comparison was specified with (llama-index's own default is 2)."""

_SOURCE_LABEL = re.compile(r"^\s*Source \d+:\s*\n?")


class UsageMeter:
    """A ChatModel that forwards every call and adds up the prompt tokens of each one.

    A llama-index synthesizer may call the model several times for one question (refine mode);
    each call's stream carries only that call's counts.
    """

    def __init__(self, model: ChatModel) -> None:
        self._model = model
        self.calls: list[Usage] = []

    def __getattr__(self, name: str) -> Any:  # name, context_window, max_tokens, ...
        return getattr(self._model, name)

    def reset(self) -> None:
        self.calls = []

    @property
    def prompt_tokens(self) -> int:
        return sum(usage.prompt_tokens for usage in self.calls)

    @property
    def completion_tokens(self) -> int:
        return sum(usage.completion_tokens for usage in self.calls)

    def stream_chat(self, messages: list[Message], **options: Any) -> ChatStream:
        stream = self._model.stream_chat(messages, **options)
        self.calls.append(stream.usage)  # filled in as the caller reads the stream
        return stream

    def chat(self, messages: list[Message], **options: Any) -> str:
        return "".join(self.stream_chat(messages, **options))


def node_passage(node: NodeWithScore) -> Passage:
    """A retrieved (citation) node as a Passage; metadata keys are those the store writes."""
    metadata = node.node.metadata or {}
    text = _SOURCE_LABEL.sub("", node.node.get_content(), count=1).strip()
    article_id = str(metadata.get("article_id") or node.node.ref_doc_id or "")
    index = metadata.get("chunk_index")
    date_value = metadata.get("date")

    return Passage(
        chunk_id=chunk_id(article_id, int(index)) if index is not None else node.node.node_id,
        article_id=article_id,
        text=text,
        start=int(metadata.get("start", 0) or 0),
        end=int(metadata.get("end", len(text)) or len(text)),
        title=metadata.get("title") or None,
        date=int_to_date(int(date_value)) if isinstance(date_value, int | float) and date_value else None,
        source=metadata.get("source") or None,
        dateline=metadata.get("dateline") or None,
        url=metadata.get("url") or None,
        path=metadata.get("path") or None,
        group_id=metadata.get("group_id") or None,
        score=float(node.score or 0.0),
    )


class BaselinePipeline:
    """``answer(question) -> Answer`` with the plain llama-index citation engine."""

    def __init__(self, components: Components, *, similarity_top_k: int = SIMILARITY_TOP_K) -> None:
        # Lazy, as in answer(): llama-index takes seconds to import, paid only when the baseline runs.
        from llama_index.core import VectorStoreIndex
        from llama_index.core.query_engine import CitationQueryEngine

        from rag.models.llama_index_llm import LlamaIndexChatLLM

        self.meter = UsageMeter(components.llm)
        self.llm = LlamaIndexChatLLM(self.meter)  # type: ignore[arg-type]
        index = VectorStoreIndex.from_vector_store(
            components.store.vector_store, embed_model=components.embedding
        )
        self.engine = CitationQueryEngine.from_args(
            index, llm=self.llm, similarity_top_k=similarity_top_k, streaming=True
        )
        self.model_name = getattr(components.llm, "name", "")

    def answer(self, question: str) -> Answer:
        from llama_index.core.schema import QueryBundle

        self.meter.reset()
        started = time.perf_counter()
        bundle = QueryBundle(question)
        nodes = self.engine.retrieve(bundle)
        retrieval_s = time.perf_counter() - started
        response = self.engine.synthesize(bundle, nodes)
        first_token_s: float | None = None
        pieces: list[str] = []
        for piece in response.response_gen:  # type: ignore[union-attr]
            if first_token_s is None and piece:
                first_token_s = time.perf_counter() - started
            pieces.append(piece)
        total_s = time.perf_counter() - started
        text = "".join(pieces).strip()
        sources = [
            Source(number=number, passage=node_passage(node))
            for number, node in enumerate(response.source_nodes, 1)
        ]
        answer = Answer(
            question=question,
            standalone_question=question,
            text=text,
            sources=sources,
            refused=looks_like_refusal(text),
            timings=Timings(retrieval_s=retrieval_s, first_token_s=first_token_s, total_s=total_s),
            prompt_tokens=self.meter.prompt_tokens,
            completion_tokens=self.meter.completion_tokens,
            model=self.model_name,
        )
        answer.sentences = answer_sentences(answer)
        return answer
