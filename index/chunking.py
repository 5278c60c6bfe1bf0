"""Token-bounded chunks of whole sentences, with exact character offsets.

Written here rather than with llama-index's ``SentenceSplitter`` because citations need
``article.text[start:end] == chunk.text`` exactly (the splitter re-joins and strips text,
so its offsets drift), overlap must be whole sentences, and newline-separated lines
(headlines, datelines, list items) must never be glued into one sentence.
"""

from __future__ import annotations

import tiktoken

from rag.text.sentences import Span, sentence_spans, trim_span
from rag.tokens import encoding
from rag.types import Article, Chunk


class Chunker:
    """Packs sentences into chunks of at most ``chunk_tokens`` tokens.

    Consecutive chunks share up to ``overlap_tokens`` tokens of whole trailing sentences,
    so a fact split across a chunk boundary is still retrievable in one piece.
    """

    def __init__(self, chunk_tokens: int, overlap_tokens: int, encoding_name: str = "cl100k_base") -> None:
        if chunk_tokens < 8:
            raise ValueError(f"chunking.chunk_tokens must be at least 8, got {chunk_tokens}")
        if not 0 <= overlap_tokens < chunk_tokens:
            raise ValueError(
                f"chunking.overlap_tokens must be between 0 and chunk_tokens ({chunk_tokens}), "
                f"got {overlap_tokens}"
            )
        self.chunk_tokens = chunk_tokens
        self.overlap_tokens = overlap_tokens
        self.encoding: tiktoken.Encoding = encoding(encoding_name)

    def count(self, text: str) -> int:
        return len(self.encoding.encode(text, disallowed_special=()))

    def pieces(self, text: str) -> list[Span]:
        """Sentences, with any sentence longer than a chunk cut on token boundaries."""
        out: list[Span] = []
        for span in sentence_spans(text):
            if self.count(text[span.start : span.end]) <= self.chunk_tokens:
                out.append(span)
            else:
                out.extend(self._split_long(text, span))
        return out

    def _split_long(self, text: str, span: Span) -> list[Span]:
        sentence = text[span.start : span.end]
        tokens = self.encoding.encode(sentence, disallowed_special=())
        _, offsets = self.encoding.decode_with_offsets(tokens)
        # Cut points at token starts, mapped back to characters of ``sentence``.
        parts: list[Span] = []
        first = 0
        while first < len(tokens):
            last = min(first + self.chunk_tokens, len(tokens))
            while True:
                begin = offsets[first]
                stop = offsets[last] if last < len(tokens) else len(sentence)
                piece = trim_span(text, Span(span.start + begin, span.start + stop))
                if piece is None or self.count(text[piece.start : piece.end]) <= self.chunk_tokens:
                    break
                last -= 1  # re-encoding a cut piece can take a token more than the slice
            if piece is not None:
                parts.append(piece)
            first = max(last, first + 1)
        return parts

    def chunk(self, article: Article) -> list[Chunk]:
        text = article.text
        pieces = self.pieces(text)
        sizes = [self.count(text[p.start : p.end]) for p in pieces]
        chunks: list[Chunk] = []
        first = 0
        while first < len(pieces):
            last = first  # inclusive
            while last + 1 < len(pieces) and self._fits(text, pieces, first, last + 1, sizes):
                last += 1
            chunks.append(self._make(article, len(chunks), pieces[first].start, pieces[last].end))
            if last + 1 >= len(pieces):
                break
            first = self._overlap_start(text, pieces, sizes, first, last)
        return chunks

    def _fits(self, text: str, pieces: list[Span], first: int, last: int, sizes: list[int]) -> bool:
        # Sentence counts summed only rule out the obvious; the joined text's count decides.
        if sum(sizes[first : last + 1]) > self.chunk_tokens + (last - first):
            return False
        return self.count(text[pieces[first].start : pieces[last].end]) <= self.chunk_tokens

    def _overlap_start(self, text: str, pieces: list[Span], sizes: list[int], first: int, last: int) -> int:
        """First piece of the next chunk: trailing whole sentences of this one within the overlap."""
        start = last + 1
        budget = self.overlap_tokens
        while start - 1 > first and sizes[start - 1] <= budget:
            budget -= sizes[start - 1]
            start -= 1
        # The overlap must leave room for at least one new sentence, or the chunker would stall.
        while start <= last and not self._fits(text, pieces, start, last + 1, sizes):
            start += 1
        return start

    def _make(self, article: Article, index: int, start: int, end: int) -> Chunk:
        body = article.text[start:end]
        return Chunk(
            chunk_id=chunk_id(article.article_id, index),
            article_id=article.article_id,
            index=index,
            text=body,
            start=start,
            end=end,
            n_tokens=self.count(body),
        )


def chunk_id(article_id: str, index: int) -> str:
    """Deterministic, so re-indexing an article overwrites its chunks instead of adding copies."""
    return f"{article_id}:{index:04d}"
