"""The model benchmark's inputs: the product's own prompts, golden questions, passages of the index's size."""

from __future__ import annotations

import pytest

from evals.bench import models
from evals.golden import load_golden
from rag.settings import load_settings
from rag.tokens import encoding

pytestmark = pytest.mark.unit


def test_synthetic_passages_have_the_index_passage_size_and_repeat_for_a_seed() -> None:
    passages = models.synthetic_passages(5, seed=2)
    assert passages == models.synthetic_passages(5, seed=2)
    assert all(abs(len(encoding().encode(p)) - models.PASSAGE_TOKENS) <= 2 for p in passages)


def test_the_llm_is_timed_on_a_golden_question_its_article_answers() -> None:
    files = models.corpus_files(load_settings("test"))
    question = models.question_about(files[1])
    item = next(i for i in load_golden() if i.question == question)
    assert files[1].stem in item.supporting_articles


def test_windows_of_tokens_cover_the_text() -> None:
    text = "word " * 500
    pieces = models.split_tokens(text, 160)
    assert len(pieces) == 4 and "".join(pieces) == text
