"""The on-disk keyword index (SQLite FTS5) reads the bundled corpus by the in-memory BM25's rules."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from index.chunking import Chunker
from index.keywords import KeywordFile, keyword_path
from index.loaders import load_paths
from rag.retrieval.hybrid import KeywordIndex
from rag.settings import BUNDLED_CORPUS, load_settings
from rag.types import Filters, Passage

pytestmark = pytest.mark.unit

QUESTIONS = [
    "How many people live in Deir al-Zor city?",
    "Deir Ezzor",
    "Which group said it would not attend the Astana talks?",
    "What did Vladimir Putin say about US sanctions?",
    "When did Islamic State recapture Palmyra?",
    "How many people have been killed in the Syrian war?",
    "Çavuşoğlu",
    "Quarterly earnings of semiconductor manufacturers",
]

FILTERS = [
    None,
    Filters(until=dt.date(2017, 12, 31)),
    Filters(since=dt.date(2020, 1, 1)),
    Filters(sources=["afp"]),
    Filters(sources=["BBC NEWS"], since=dt.date(2017, 1, 1)),
    Filters(article_ids=["003_45ef8bfc82b231bc"]),
]


def corpus_passages() -> list[Passage]:
    chunker = Chunker(160, 32)
    passages = []
    for article in load_paths([BUNDLED_CORPUS], max_file_mb=20).articles:
        for chunk in chunker.chunk(article):
            passages.append(
                Passage(
                    chunk_id=chunk.chunk_id,
                    article_id=article.article_id,
                    text=chunk.text,
                    start=chunk.start,
                    end=chunk.end,
                    date=article.date
                    or (dt.date(2020, 7, 4) if article.article_id.startswith("004") else None),
                    source=article.source,
                    title=article.title,
                    group_id=chunk.chunk_id,
                )
            )
    return sorted(passages, key=lambda p: p.chunk_id)


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    return corpus_passages()


@pytest.fixture
def disk(tmp_path: Path, passages: list[Passage]) -> KeywordFile:
    index = KeywordFile(tmp_path / "keywords.sqlite3")
    assert index.revision() is None, "a new file matches no store until it is reset or repaired"
    index.reset("r0")
    index.apply("r0", "r1", add=passages)
    assert index.revision() == "r1"
    return index


def test_the_query_is_read_into_the_same_terms_and_name_spellings(disk: KeywordFile, passages) -> None:
    memory = KeywordIndex.build("r1", passages)
    for question in QUESTIONS:
        assert disk.query_terms(question) == memory.bm25.query_terms(question), question
    assert frozenset({"ezzor", "zour", "zor"}) in disk.query_terms("Deir Ezzor")


@pytest.mark.parametrize("filters", FILTERS)
def test_the_same_passages_match_within_the_same_filters(disk: KeywordFile, passages, filters) -> None:
    memory = KeywordIndex.build("r1", passages)
    for question in QUESTIONS:
        ranked, hits = memory.ranked(question, len(passages), filters)
        found, disk_hits = disk.search(question, len(passages), filters)
        assert disk_hits == hits, question
        assert {p.chunk_id for p in found} == {p.chunk_id for p in ranked}, question
        assert all(p.score > 0 for p in found)
        assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)


def test_a_one_word_query_ranks_as_the_memory_index_does(disk: KeywordFile, passages) -> None:
    """One term: both IDFs are constants, so BM25's tf and length parts decide the order alone."""
    memory = KeywordIndex.build("r1", passages)
    for word in ("Palmyra", "Astana", "ceasefire", "Putin"):
        ranked, _ = memory.ranked(word, 5, None)
        found, _ = disk.search(word, 5, None)
        assert [p.chunk_id for p in found] == [p.chunk_id for p in ranked], word


def test_the_top_k_cut_comes_after_the_filter(disk: KeywordFile) -> None:
    unfiltered, _ = disk.search("Astana talks", 3)
    assert not any(p.article_id.startswith("004_") for p in unfiltered)
    found, hits = disk.search("Astana talks", 1, Filters(since=dt.date(2020, 1, 1)))
    assert hits > 1 and len(found) == 1 and found[0].article_id.startswith("004_")


def test_an_article_is_replaced_and_deleted_in_one_step_each(disk: KeywordFile, passages) -> None:
    article = passages[0].article_id
    own = [p for p in passages if p.article_id == article]
    before = disk.count()
    rewritten = [p.model_copy(update={"text": "Engineers reopened the Tabqa dam."}) for p in own[:1]]
    disk.apply("r1", "r2", delete_articles=[article], add=rewritten)
    assert disk.count() == before - len(own) + 1
    assert [p.chunk_id for p in disk.search("Tabqa dam", 5)[0]] == [own[0].chunk_id]
    assert disk.revision() == "r2"
    disk.apply("r2", "r3", delete_chunks=[own[0].chunk_id])
    assert disk.search("Tabqa", 5) == ([], 0)
    assert own[0].chunk_id not in disk.chunk_ids()


def test_a_write_on_a_lagging_index_leaves_it_marked_for_repair(disk: KeywordFile, passages) -> None:
    disk.apply("some other revision", "r9", delete_chunks=[passages[0].chunk_id])
    assert disk.revision() == "r1", "it did not match the store before this write"
    stored = {p.chunk_id for p in passages[1:]} | {"new:0000"}
    extra = Passage(chunk_id="new:0000", article_id="new", text="Tabqa dam reopened", start=0, end=18)
    by_id = {p.chunk_id: p for p in [*passages, extra]}
    changed = disk.reconcile("r10", stored, lambda ids: ([by_id[i] for i in ids], {}))
    assert changed == 1  # the extra chunk was added; passages[0] was already gone
    assert disk.chunk_ids() == stored and disk.revision() == "r10"
    assert [p.chunk_id for p in disk.search("Tabqa", 5)[0]] == ["new:0000"]


def test_publisher_spellings_and_duplicate_groups(tmp_path: Path, passages) -> None:
    index = KeywordFile(tmp_path / "k.sqlite3")
    a, b, c = passages[0], passages[10], passages[20]
    shared = [a.model_copy(update={"group_id": "g"}), b.model_copy(update={"group_id": "g"}), c]
    index.apply(None, "r1", add=shared)
    members = index.group_members(["g", c.chunk_id])
    assert {group: [p.chunk_id for p in found] for group, found in members.items()} == {
        "g": sorted([a.chunk_id, b.chunk_id])
    }
    stored = {p.source for p in shared if p.source}
    assert set(index.stored_spellings([name.upper() for name in stored])) == stored
    assert index.stored_spellings(["Reuters"]) == []


def test_the_file_sits_beside_the_store(tmp_path: Path) -> None:
    embedded = load_settings("test", data_dir=tmp_path)
    assert keyword_path(embedded).parent == embedded.store_path
    server = embedded.with_overrides(**{"store.mode": "server", "store.host": "10.0.0.5", "store.port": 9000})
    assert keyword_path(server) == tmp_path / "keywords" / "10.0.0.5_9000_news.sqlite3"


def test_terms_made_by_other_rules_are_made_again_from_the_stored_passages(
    disk: KeywordFile, passages
) -> None:
    """The file is the only home of the texts (``store.texts_in_chroma`` off): a change of the
    term rules remakes the terms from it, losing nothing."""
    expected = {question: disk.search(question, 5)[0] for question in QUESTIONS}
    disk.put_articles([("a1", "Full text of a1.")])
    with sqlite3.connect(disk.path) as db:
        db.execute("update meta set value = 'rules of an older version' where key = 'rules'")
        for table in ("keywords", "capitals", "forms"):  # what the older rules made
            db.execute(f"delete from {table}")
        db.execute("insert into keywords(rowid, terms) values(1, 'stale')")
    disk.close()
    reopened = KeywordFile(disk.path)
    assert reopened.count() == len(passages) and reopened.revision() == "r1"
    assert {question: reopened.search(question, 5)[0] for question in QUESTIONS} == expected
    assert reopened.search("stale", 5) == ([], 0)
    assert reopened.article_texts(["a1", "a2"]) == {"a1": "Full text of a1."}
    reopened.close()
    assert KeywordFile(disk.path).count() == len(passages), "the same rules keep what was stored"


def test_a_file_of_an_older_layout_is_emptied_and_filled_again_from_the_store(
    disk: KeywordFile, passages
) -> None:
    with sqlite3.connect(disk.path) as db:
        db.execute("update meta set value = 'rules of an older version' where key = 'rules'")
        db.execute("alter table chunks drop column suspicious")
    disk.close()
    reopened = KeywordFile(disk.path)
    assert reopened.count() == 0 and reopened.revision() is None, "a reader repairs it from the store"
    by_id = {p.chunk_id: p for p in passages}
    reopened.reconcile("r2", set(by_id), lambda ids: ([by_id[i] for i in ids], {}))
    assert reopened.count() == len(passages) and reopened.search("Palmyra", 3)[0]


def test_article_texts_are_kept_until_their_article_is_deleted(disk: KeywordFile) -> None:
    long = "Ünïcode text. " * 2000
    disk.put_articles([("a1", long), ("a2", "Second.")])
    disk.put_articles([("a2", "Second, updated.")])
    assert disk.article_texts(["a1", "a2", "a3"]) == {"a1": long, "a2": "Second, updated."}
    disk.apply("r1", "r2", delete_articles=["a1"])
    assert disk.article_texts(["a1", "a2"]) == {"a2": "Second, updated."}
    disk.reset("r3")
    assert disk.article_texts(["a2"]) == {}


def test_a_ranked_passage_comes_back_as_it_was_stored(disk: KeywordFile, passages) -> None:
    stored = {p.chunk_id: p for p in passages}
    found, _ = disk.search("Palmyra", 3)
    assert found
    for passage in found:
        assert passage.model_copy(update={"score": 0.0}) == stored[passage.chunk_id]


def test_in_a_large_archive_a_word_in_most_chunks_still_counts_but_is_not_ranked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import keyword_query

    disk = KeywordFile(tmp_path / "k.sqlite3")
    texts = ["Talks resumed in Astana.", "Talks stalled again.", "Talks were postponed.", "Floods hit Homs."]
    passages = [
        Passage(chunk_id=f"a{i}:0000", article_id=f"a{i}", text=text, start=0, end=len(text))
        for i, text in enumerate(texts)
    ]
    disk.apply(None, "r1", add=passages)
    found, hits = disk.search("talks in Astana", 10)
    assert [p.chunk_id for p in found][0] == "a0:0000" and len(found) == 3 and hits == 3
    monkeypatch.setattr(keyword_query, "LARGE_ARCHIVE_CHUNKS", 0)  # as if the archive were large
    found, hits = disk.search("talks in Astana", 10)
    assert [p.chunk_id for p in found] == ["a0:0000"] and hits == 3  # "talks": 3 of 4 chunks
    found, _ = disk.search("talks", 10)
    assert len(found) == 3  # every group that common: kept, or nothing would match
