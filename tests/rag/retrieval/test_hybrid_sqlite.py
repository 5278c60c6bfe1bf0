"""Hybrid retrieval with the on-disk keyword index (``retrieval.keyword_index = "sqlite"``).

The behaviour checks of ``test_hybrid`` run again here against the same indexed corpus with the
SQLite FTS5 index: they are imported, so pytest runs them with this module's ``indexed``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.pipeline import Indexer
from index.store import ChunkStore
from rag.retrieval import HybridRetriever, hybrid
from rag.retrieval.hybrid import DiskKeywords, KeywordIndex
from rag.settings import load_settings
from tests.rag.retrieval.test_hybrid import (  # noqa: F401 - collected and run with the fixture below
    NEW_ARTICLE,
    Indexed,
    copy_corpus,
    embedding,
    test_a_date_filter_overrides_the_time_a_question_names,
    test_a_question_naming_a_time_puts_stories_from_then_first,
    test_an_article_whose_story_is_only_in_its_title_is_found,
    test_article_filter,
    test_concurrent_questions_get_the_same_results_as_sequential,
    test_date_filters,
    test_empty_query_returns_nothing,
    test_group_that_would_not_attend_astana,
    test_nothing_relevant_gives_low_signals,
    test_population_of_deir_al_zor,
    test_shared_wire_paragraph_is_one_source_with_two_corroborating,
    test_source_filter_is_case_insensitive_on_both_rankings,
    test_sources_are_collapsed_numbered_and_within_budget,
    test_spelling_variant_of_the_city_reaches_every_spelling,
    test_undated_articles_are_left_out_by_a_date_filter,
    texts,
)

pytestmark = pytest.mark.integration


def sqlite_settings(data: Path, model_cache_dir: Path):
    return load_settings("test", data_dir=data, cache_dir=model_cache_dir).with_overrides(
        **{"retrieval.keyword_index": "sqlite"}
    )


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path, embedding) -> Indexed:  # noqa: F811
    root = tmp_path_factory.mktemp("hybrid-sqlite")
    settings = sqlite_settings(root / "data", model_cache_dir)
    corpus = copy_corpus(root / "corpus")
    store = ChunkStore.open(settings, embedding)
    report = Indexer(settings, store, embedding).run([corpus])
    assert len(report.added) == 5 and not report.skipped
    return Indexed(settings, store, HybridRetriever(settings, store, embedding), corpus)


@pytest.fixture
def fresh(tmp_path: Path, model_cache_dir: Path, embedding) -> Iterator[Indexed]:  # noqa: F811
    settings = sqlite_settings(tmp_path / "data", model_cache_dir)
    corpus = copy_corpus(tmp_path / "corpus")
    store = ChunkStore.open(settings, embedding)
    Indexer(settings, store, embedding).run([corpus])
    yield Indexed(settings, store, HybridRetriever(settings, store, embedding), corpus)


def test_a_new_process_answers_from_the_file_without_reading_every_chunk(
    fresh: Indexed,
    embedding,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    question = "How many people live in Deir al-Zor city?"
    expected = fresh.retriever.run(question)
    reopened = ChunkStore.open(fresh.settings, embedding)

    def every_chunk() -> list:
        raise AssertionError("the on-disk index must not read every chunk")

    monkeypatch.setattr(reopened, "all_passages", every_chunk)
    result = HybridRetriever(fresh.settings, reopened, embedding).run(question)
    assert result.keyword_scores == expected.keyword_scores
    assert [s.passage.chunk_id for s in result.sources] == [s.passage.chunk_id for s in expected.sources]


def test_an_added_and_a_deleted_article_show_at_once(fresh: Indexed, embedding) -> None:  # noqa: F811
    retriever = fresh.retriever
    question = "How many households were told to prepare for flooding near the Tabqa dam?"
    assert not any("Tabqa" in text for text in texts(retriever.run(question)))

    path = fresh.corpus / "tabqa.txt"
    path.write_text(NEW_ARTICLE, encoding="utf-8")
    Indexer(fresh.settings, fresh.store, embedding).run([path])
    after = retriever.run(question)
    assert after.sources[0].passage.article_id == "tabqa"
    assert any(p.article_id == "tabqa" for p in after.candidates if p.chunk_id in after.keyword_scores)

    fresh.store.delete_article("tabqa")
    gone = retriever.run("Tabqa dam")
    assert gone.keyword_hits == 0
    assert "tabqa" not in {p.article_id for p in gone.candidates}


@pytest.fixture
def small_index(fresh: Indexed) -> Indexed:
    """The shared tests' small archive, here with the on-disk keyword index."""
    return fresh


def test_a_keyword_search_failing_beside_the_dense_one_fails_the_question(
    fresh: Indexed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keyword search runs on a worker thread; its error must reach the caller, not vanish
    into the thread and leave a question answered from the dense ranking alone."""

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(fresh.store.keywords, "search", broken)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        fresh.retriever.run("How many people live in Deir al-Zor city?")


def test_auto_builds_bm25_in_memory_for_a_small_archive_and_asks_the_file_for_a_large_one(
    fresh: Indexed,
    embedding,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    auto = fresh.settings.with_overrides(**{"retrieval.keyword_index": "auto"})
    small = HybridRetriever(auto, fresh.store, embedding)
    assert isinstance(small.keywords(), KeywordIndex)

    monkeypatch.setattr(hybrid, "AUTO_SQLITE_CHUNKS", fresh.store.keywords.count())
    large = HybridRetriever(auto, fresh.store, embedding)
    assert isinstance(large.keywords(), DiskKeywords)
    question = "How many people live in Deir al-Zor city?"
    assert large.run(question).keyword_scores == fresh.retriever.run(question).keyword_scores
