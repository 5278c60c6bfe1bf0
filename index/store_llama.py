"""The chunk collection as llama-index reads it (``VectorStoreIndex.from_vector_store``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llama_index.core.schema import TextNode
from llama_index.core.vector_stores.types import VectorStoreQuery, VectorStoreQueryResult
from llama_index.vector_stores.chroma import ChromaVectorStore
from pydantic import PrivateAttr

from index.store_records import as_node
from rag.types import Passage


class ChunkVectorStore(ChromaVectorStore):
    """llama-index's Chroma store over the chunk collection, reading chunks as the indexer means
    them (:func:`index.store_records.as_node`): they are written as plain Chroma records, which
    llama-index reads through its legacy path, without the node settings it would otherwise keep.
    What Chroma does not keep (the text, unless ``store.texts_in_chroma``; title, dateline, URL,
    path) comes from the keyword file."""

    _passages: Callable[[list[str]], dict[str, Passage]] = PrivateAttr()

    def __init__(self, passages: Callable[[list[str]], dict[str, Passage]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._passages = passages

    def query(self, query: VectorStoreQuery, **kwargs: Any) -> VectorStoreQueryResult:
        result = super().query(query, **kwargs)
        nodes = result.nodes or []
        stored = self._passages([node.node_id for node in nodes])
        for node in nodes:
            passage = stored.get(node.node_id)
            if passage is not None:
                if isinstance(node, TextNode) and not node.text:  # Chroma keeps no copy of the text
                    node.set_content(passage.text)
                node.metadata.update(
                    (key, value)
                    for key in ("title", "dateline", "url", "path")
                    if (value := getattr(passage, key)) is not None
                )
            as_node(node)
        return result
