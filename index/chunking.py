"""Token-bounded chunks of whole sentences, with exact character offsets.

Written here rather than with llama-index's ``SentenceSplitter`` because citations need
``article.text[start:end] == chunk.text`` exactly (the splitter re-joins and strips text,
so its offsets drift), overlap must be whole sentences, and newline-separated lines
(headlines, datelines, list items) must never be glued into one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import tiktoken

from rag.tokens import encoding
from rag.types import Article, Chunk

# Words that end with a period without ending the sentence. Common words that are also
# abbreviations ("no", "sun", "mar", "sat") are left out: splitting after them is the lesser error.
_ABBREVIATION_WORDS = """
mr mrs ms dr prof sr jr st mt ft gen lt col maj capt cmdr sgt cpl pvt adm sen gov pres
rev hon supt insp amb messrs mme mlle
jan feb apr jun jul aug sep sept oct nov dec tue tues thu thur thurs fri
inc ltd co corp plc llc bros dept univ assn approx vs etc al fig vol pp
u.s u.k u.n e.u u.s.a u.a.e a.m p.m e.g i.e cf viz
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())

# Candidate ends: terminal punctuation, closing quotes/brackets, then whitespace.
_END = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’)\]]*(?=\s)")
# What may open the next sentence: a capital, a digit, or an opening quote/bracket.
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
_NEWLINE = re.compile(r"\r?\n|\r")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _is_abbreviation(text: str, period: int) -> bool:
    """Whether the period at ``period`` belongs to an abbreviation or an initial."""
    word_start = period
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"'“‘":
        word_start -= 1
    word = text[word_start:period].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "George W. Bush"
    # Dotted acronyms: "U.S", "D.C", "a.m"
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def _line_sentences(text: str, start: int, end: int) -> Iterable[Span]:
    cursor = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if not _NEXT_START.match(text, stop, end):
            continue
        if (
            text[match.start()] == "."
            and match.end() - match.start() == 1
            and _is_abbreviation(text, match.start())
        ):
            continue
        yield Span(cursor, stop)
        cursor = stop
    if cursor < end:
        yield Span(cursor, end)


def split_sentences(text: str) -> list[Span]:
    """Sentence spans with surrounding whitespace trimmed; newlines are hard boundaries."""
    spans: list[Span] = []
    line_start = 0
    boundaries = [(m.start(), m.end()) for m in _NEWLINE.finditer(text)] + [(len(text), len(text))]
    for line_end, next_start in boundaries:
        for span in _line_sentences(text, line_start, line_end):
            trimmed = _trim(text, span)
            if trimmed is not None:
                spans.append(trimmed)
        line_start = next_start
    return spans


def _trim(text: str, span: Span) -> Span | None:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None


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
        for span in split_sentences(text):
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
                piece = _trim(text, Span(span.start + begin, span.start + stop))
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
