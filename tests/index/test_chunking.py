"""Token-bounded chunks of whole sentences with exact offsets."""

from __future__ import annotations

import pytest

from index.chunking import Chunker
from index.loaders import load_paths
from rag.settings import BUNDLED_CORPUS
from rag.text.sentences import sentence_spans
from rag.types import Article

pytestmark = pytest.mark.unit


def article(text: str, article_id: str = "a") -> Article:
    return Article(article_id=article_id, text=text, path="/x", content_hash="h")


def test_corpus_chunks_map_exactly_to_the_text_and_fit_the_budget() -> None:
    chunker = Chunker(160, 32)
    articles = load_paths([BUNDLED_CORPUS], max_file_mb=20).articles
    assert len(articles) == 5
    for item in articles:
        chunks = chunker.chunk(item)
        assert len(chunks) >= 2
        for index, chunk in enumerate(chunks):
            assert item.text[chunk.start : chunk.end] == chunk.text
            assert chunk.n_tokens == chunker.count(chunk.text) <= 160
            assert chunk.chunk_id == f"{item.article_id}:{index:04d}"
            assert chunk.text == chunk.text.strip()
        # Every sentence is in some chunk: chunks cover the text without gaps.
        for span in sentence_spans(item.text):
            assert any(c.start <= span.start and span.end <= c.end for c in chunks)


@pytest.mark.parametrize("budget", [24, 60, 300])
def test_other_budgets_hold_too(budget: int) -> None:
    chunker = Chunker(budget, budget // 4)
    for item in load_paths([BUNDLED_CORPUS], max_file_mb=20).articles:
        for chunk in chunker.chunk(item):
            assert item.text[chunk.start : chunk.end] == chunk.text
            assert chunk.n_tokens <= budget


def test_overlap_is_whole_trailing_sentences() -> None:
    text = " ".join(f"Sentence number {i} reports that event {i} happened today." for i in range(40))
    chunker = Chunker(60, 16)
    chunks = chunker.chunk(article(text))
    assert len(chunks) > 3
    spans = {(s.start, s.end) for s in sentence_spans(text)}
    for previous, current in zip(chunks, chunks[1:], strict=False):
        assert current.start < previous.end, "consecutive chunks share trailing sentences"
        overlap = text[current.start : previous.end]
        assert chunker.count(overlap) <= 16
        assert any(start == current.start for start, _ in spans)
        assert current.end > previous.end


def test_no_overlap_when_the_last_sentence_is_longer_than_the_overlap() -> None:
    long = "This sentence is deliberately long so that it exceeds the overlap budget by far, " * 2
    text = f"{long.strip()}. {long.strip()}. {long.strip()}."
    chunks = Chunker(60, 8).chunk(article(text))
    for previous, current in zip(chunks, chunks[1:], strict=False):
        assert current.start >= previous.end


def test_overlong_sentence_is_cut_on_token_boundaries() -> None:
    text = "Intro line.\n" + " ".join(f"word{i}" for i in range(600)) + "\nShort one. Another."
    item = article(text)
    chunker = Chunker(50, 10)
    chunks = chunker.chunk(item)
    assert all(text[c.start : c.end] == c.text and c.n_tokens <= 50 for c in chunks)
    covered = "".join(c.text for c in chunks if "word" in c.text)
    assert "word0" in covered and "word599" in covered


def test_chunking_is_deterministic() -> None:
    item = load_paths([BUNDLED_CORPUS], max_file_mb=20).articles[0]
    assert Chunker(160, 32).chunk(item) == Chunker(160, 32).chunk(item)


def test_settings_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap_tokens"):
        Chunker(100, 100)
    with pytest.raises(ValueError, match="chunk_tokens"):
        Chunker(4, 0)
