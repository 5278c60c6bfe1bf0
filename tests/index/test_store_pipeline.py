"""Indexing into real Chroma with the real embedding model: incremental runs, store queries."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from index.chunking import Chunker
from index.loaders import load_paths
from index.pipeline import Indexer
from index.store import ChunkStore
from index.store_stats import figures_from_chunks
from rag.errors import IndexMismatchError
from rag.settings import Settings
from rag.types import Filters
from tests.index.conftest import open_store

pytestmark = pytest.mark.integration

WIRE_COPIES = {"000_2dcdf8dd29bf5d80", "002_3598194b84453929", "003_45ef8bfc82b231bc"}


def expected_chunks(folder: Path, settings: Settings) -> dict[str, list[str]]:
    chunker = Chunker(settings.chunking.chunk_tokens, settings.chunking.overlap_tokens)
    return {
        a.article_id: [c.text for c in chunker.chunk(a)]
        for a in load_paths([folder], max_file_mb=20).articles
    }


def assert_consistent(store: ChunkStore, expected: dict[str, list[str]]) -> None:
    """Manifest == expected articles; chunks == their chunks, each once, offsets exact."""
    manifest = store.manifest()
    assert sorted(manifest) == sorted(expected)
    passages = store.all_passages()
    assert len(passages) == sum(len(v) for v in expected.values())
    assert len({p.chunk_id for p in passages}) == len(passages)
    by_article: dict[str, list[str]] = {}
    for passage in passages:
        by_article.setdefault(passage.article_id, []).append(passage.text)
    assert by_article == expected
    texts = {a.article_id: a.text for a in store.articles(include_text=True)}
    for passage in passages:
        assert texts[passage.article_id][passage.start : passage.end] == passage.text
    for article_id, metadata in manifest.items():
        assert metadata["n_chunks"] == len(expected[article_id])


def test_index_corpus_then_nothing_to_do(
    settings: Settings, embedding, corpus_copy: Path, no_network
) -> None:
    store = open_store(settings, embedding)
    first = Indexer(settings, store, embedding).run([corpus_copy])
    expected = expected_chunks(corpus_copy, settings)
    assert sorted(first.added) == sorted(expected)
    assert first.skipped == [] and first.updated == [] and first.missing == []
    assert first.chunks_added == sum(len(v) for v in expected.values())
    assert first.tokens_embedded > 0 and first.chunks_per_s > 0
    assert first.duplicate_groups >= 3
    assert_consistent(store, expected)

    revision = store.revision()
    second = Indexer(settings, store, embedding).run([corpus_copy])
    assert sorted(second.unchanged) == sorted(expected)
    assert second.added == second.updated == [] and second.chunks_added == 0
    assert second.duplicate_groups == first.duplicate_groups
    assert store.revision() == revision

    stats = store.stats()
    assert (stats.articles, stats.chunks, stats.duplicate_groups) == (
        5,
        first.chunks_added,
        first.duplicate_groups,
    )
    assert stats.embedding_model == embedding.fingerprint["model"]
    assert (stats.chunk_tokens, stats.overlap_tokens) == (160, 32)
    assert stats.size_bytes and stats.size_bytes > 0
    assert stats.location == str(settings.store_path)


def test_wire_copies_share_groups_in_the_store(settings: Settings, embedding, corpus_copy: Path) -> None:
    store = open_store(settings, embedding)
    Indexer(settings, store, embedding).run([corpus_copy])
    passages = store.all_passages()
    groups: dict[str, set[str]] = {}
    for passage in passages:
        groups.setdefault(passage.group_id or "", set()).add(passage.article_id)
    shared = [members for members in groups.values() if len(members) > 1]
    assert shared and all(members <= WIRE_COPIES for members in shared)
    assert set().union(*shared) == WIRE_COPIES
    group_id = next(g for g, members in groups.items() if len(members) == 3)
    members = store.group_members([group_id])[group_id]
    assert {p.article_id for p in members} == WIRE_COPIES
    # The figures `rag status` and the UI show come from the keyword file, not a pass over the chunks.
    stats = store.stats()
    assert stats.duplicate_groups == len(shared)
    assert (stats.duplicate_groups, stats.duplicate_chunks, stats.suspicious_articles) == (
        figures_from_chunks(store.chunk_records())
    )
    assert store.outlets() == sorted({a.source for a in store.articles() if a.source}, key=str.lower)


def test_later_runs_group_from_the_keyword_file_and_a_no_change_run_reads_no_chunks(
    settings: Settings, embedding, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunk records are read from Chroma only to find a killed run's leftovers; signatures for
    grouping come from the keyword file, and only when there is something to add."""
    held_back = corpus_copy.parent / "held-back"
    held_back.mkdir()
    shutil.move(corpus_copy / "003_45ef8bfc82b231bc.txt", held_back)  # one of the three wire copies
    store = open_store(settings, embedding)
    first = Indexer(settings, store, embedding).run([corpus_copy])
    assert first.duplicate_groups >= 1

    def no_scan() -> None:
        raise AssertionError("read every chunk record from Chroma")

    monkeypatch.setattr(store, "chunk_records", no_scan)
    reads: list[int] = []
    real = store.signature_records
    monkeypatch.setattr(store, "signature_records", lambda: reads.append(1) or real())
    again = Indexer(settings, store, embedding).run([corpus_copy])
    assert len(again.unchanged) == 4 and not reads
    assert again.duplicate_groups == first.duplicate_groups

    shutil.move(held_back / "003_45ef8bfc82b231bc.txt", corpus_copy)
    added = Indexer(settings, store, embedding).run([corpus_copy])
    assert added.added == ["003_45ef8bfc82b231bc"] and reads == [1]
    groups: dict[str, set[str]] = {}
    for passage in store.all_passages():
        groups.setdefault(passage.group_id or "", set()).add(passage.article_id)
    assert any(members == WIRE_COPIES for members in groups.values())

    # One file on its own (`rag index story.txt`) reads only that file's manifest records.
    monkeypatch.setattr(store, "manifest", no_scan)
    story = corpus_copy.parent / "story.txt"
    story.write_text("Dam reopened\n\nEngineers reopened the Tabqa dam on Tuesday.\n", encoding="utf-8")
    alone = Indexer(settings, store, embedding).run([story])
    assert alone.added == ["story"] and alone.articles_total == 6
    assert Indexer(settings, store, embedding).run([story]).unchanged == ["story"]
    story.write_text("Dam reopened\n\nEngineers reopened the Tabqa dam on Monday.\n", encoding="utf-8")
    assert Indexer(settings, store, embedding).run([story]).updated == ["story"]


def test_signatures_missing_from_the_keyword_file_are_made_again_from_the_chunk_texts(
    settings: Settings, embedding, corpus_copy: Path
) -> None:
    store = open_store(settings, embedding)
    Indexer(settings, store, embedding).run([corpus_copy])
    kept = store.signature_records()
    with store.keywords._transaction() as db:
        db.execute("delete from signatures where id in (select id from signatures limit 3)")
    assert store.keywords.signature_records() is None
    assert store.signature_records() == kept


def test_update_add_delete_and_prune(settings: Settings, embedding, corpus_copy: Path) -> None:
    store = open_store(settings, embedding)
    indexer = Indexer(settings, store, embedding)
    indexer.run([corpus_copy])
    revision = store.revision()

    # Update: a shorter 004 must leave none of its old chunks behind.
    path = corpus_copy / "004_7dbd45bfcd338f02.txt"
    path.write_text("Short update\n\nA single new paragraph replaces the story.\n", encoding="utf-8")
    # Add: a new article; delete: 001 disappears from disk.
    (corpus_copy / "005_new.txt").write_text("Brand new story\n\nSomething else happened in Aleppo.\n")
    (corpus_copy / "001_aba8e4193e5ca6f2.txt").unlink()
    (corpus_copy / "001_aba8e4193e5ca6f2.txt.meta.json").unlink()

    report = indexer.run([corpus_copy])
    assert report.updated == ["004_7dbd45bfcd338f02"]
    assert report.added == ["005_new"]
    assert report.missing == ["001_aba8e4193e5ca6f2"] and report.deleted == []
    # named by the file it was read from, which is what a user looks for
    assert report.gone_files == {"001_aba8e4193e5ca6f2": str(corpus_copy / "001_aba8e4193e5ca6f2.txt")}
    assert store.revision() != revision
    expected = expected_chunks(corpus_copy, settings)
    # Without --prune the gone article stays searchable.
    assert store.get_article("001_aba8e4193e5ca6f2") is not None
    assert store.get_article("004_7dbd45bfcd338f02").title == "Short update"
    assert [p.text for p in store.all_passages() if p.article_id == "004_7dbd45bfcd338f02"] == expected[
        "004_7dbd45bfcd338f02"
    ]

    pruned = indexer.run([corpus_copy], prune=True)
    assert pruned.deleted == ["001_aba8e4193e5ca6f2"] and pruned.missing == []
    assert list(pruned.gone_files) == ["001_aba8e4193e5ca6f2"]
    assert store.get_article("001_aba8e4193e5ca6f2") is None
    assert_consistent(store, expected)


def test_prune_only_touches_the_given_paths(settings: Settings, embedding, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a.txt").write_text("Story A\n\nAlpha text.\n")
    (two / "b.txt").write_text("Story B\n\nBravo text.\n")
    store = open_store(settings, embedding)
    indexer = Indexer(settings, store, embedding)
    indexer.run([one])
    indexer.run([two])
    report = indexer.run([one], prune=True)
    assert report.deleted == [] and report.unchanged == ["a"]
    assert sorted(store.manifest()) == ["a", "b"]


def test_bad_files_skip_but_lose_nothing(settings: Settings, embedding, corpus_copy: Path) -> None:
    store = open_store(settings, embedding)
    indexer = Indexer(settings, store, embedding)
    indexer.run([corpus_copy])
    before = expected_chunks(corpus_copy, settings)

    # An indexed file turns unreadable, and new bad files appear next to a new good one.
    (corpus_copy / "003_45ef8bfc82b231bc.txt").write_bytes(b"\x00\x01 corrupted")
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "feed.jsonl").write_text('{"text": "Good record."}\n{broken\n')
    (corpus_copy / "new.md").write_text("# New piece\n\nFresh **text** here.\n")

    report = indexer.run([corpus_copy], prune=True)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert reasons == {
        "003_45ef8bfc82b231bc.txt": "binary file (contains NUL bytes), not text",
        "empty.txt": "empty file",
        "feed.jsonl": "line 2: invalid JSON at column 2: Expecting property name enclosed in double quotes",
    }
    assert sorted(report.added) == ["feed#1", "new"]
    assert report.deleted == [] and report.missing == []
    manifest = store.manifest()
    assert set(before) <= set(manifest), "nothing indexed before was lost"
    assert {p.article_id for p in store.all_passages()} == set(manifest)


def test_queries_filters_and_llama_index_view(settings: Settings, embedding, corpus_copy: Path) -> None:
    from llama_index.core import VectorStoreIndex

    store = open_store(settings, embedding)
    Indexer(settings, store, embedding).run([corpus_copy])
    vector = embedding.get_query_embedding("How many people live in Deir Ezzor city?")
    hits = store.query(vector, 3)
    assert len(hits) == 3 and hits[0].score >= hits[1].score >= hits[2].score
    assert "200,000" in hits[0].text

    dated = store.query(vector, 30, Filters(since=dt.date(2017, 1, 1), until=dt.date(2017, 12, 31)))
    assert dated and {p.article_id for p in dated} == {"000_2dcdf8dd29bf5d80", "003_45ef8bfc82b231bc"}
    assert all(p.date == dt.date(2017, 1, 17) for p in dated)
    afp = store.query(vector, 30, Filters(sources=["AFP", "BBC News"]))
    assert {p.source for p in afp} == {"AFP", "BBC News"}
    only = store.query(vector, 30, Filters(article_ids=["004_7dbd45bfcd338f02"]))
    assert {p.article_id for p in only} == {"004_7dbd45bfcd338f02"}
    assert store.query(vector, 5, Filters(since=dt.date(2030, 1, 1))) == []

    # Filters are resolved to chunk ids in the keyword file; Chroma's own ``where`` (used while
    # that file lags the store) and Filters.admits must agree with them on every kind of filter.
    everything = store.all_passages()
    for filters in (
        Filters(since=dt.date(2017, 1, 1), until=dt.date(2017, 12, 31)),
        Filters(until=dt.date(2017, 1, 17)),
        Filters(since=dt.date(2017, 1, 18)),
        Filters(sources=["afp", "BBC News"]),
        Filters(article_ids=["004_7dbd45bfcd338f02"], since=dt.date(2000, 1, 1)),
    ):
        by_ids = {p.chunk_id for p in store.query(vector, 100, filters)}
        admitted = {p.chunk_id for p in everything if filters.admits(p)}
        assert by_ids == admitted, filters
        stored = filters.model_copy(update={"sources": ["AFP", "BBC News"]} if filters.sources else {})
        with_where = store._chunks.query(
            query_embeddings=[vector], n_results=100, where=stored.chroma_where()
        )
        assert set(with_where["ids"][0]) == admitted, filters

    article = store.get_article("002_3598194b84453929")
    assert article.source == "AFP" and article.dateline == "DAMASCUS"
    assert article.text == (corpus_copy / "002_3598194b84453929.txt").read_text(encoding="utf-8")
    assert all(a.text == "" for a in store.articles())

    retriever = VectorStoreIndex.from_vector_store(store.vector_store, embed_model=embedding).as_retriever(
        similarity_top_k=2
    )
    nodes = retriever.retrieve("Who will attend the Astana talks?")
    assert len(nodes) == 2
    node = nodes[0].node
    assert node.node_id in {p.chunk_id for p in store.all_passages()}
    assert "minhash" not in node.get_content(metadata_mode="llm")
    assert node.get_content(metadata_mode="embed") == node.get_content(metadata_mode="none")
    passage = store.passages([node.node_id])[0]
    assert node.ref_doc_id == passage.article_id and node.get_content() == passage.text
    assert (node.start_char_idx, node.end_char_idx) == (passage.start, passage.end)

    # A chunk record holds its text once: no llama-index node copy, no extra id fields.
    stored = store._chunks.get(ids=[node.node_id], include=["metadatas"])["metadatas"][0]
    assert set(stored) <= {
        "article_id", "chunk_index", "start", "end", "n_tokens", "group_id", "minhash", "shingles",
        "title", "source", "dateline", "url", "path", "suspicious", "date",
    }  # fmt: skip


def test_fingerprint_mismatch_then_rebuild(settings: Settings, embedding, corpus_copy: Path) -> None:
    store = open_store(settings, embedding)
    Indexer(settings, store, embedding).run([corpus_copy])
    changed = settings.with_overrides(**{"chunking.chunk_tokens": 120})
    with pytest.raises(IndexMismatchError) as error:
        open_store(changed, embedding)
    message = str(error.value)
    assert "chunking.chunk_tokens: index has 160, settings give 120" in message
    assert "rag index --rebuild" in message

    rebuilt_store = open_store(changed, embedding, check=False)
    report = Indexer(changed, rebuilt_store, embedding).run([corpus_copy], rebuild=True)
    assert len(report.added) == 5
    open_store(changed, embedding)  # now matches
    assert_consistent(rebuilt_store, expected_chunks(corpus_copy, changed))
    assert all(p.text for p in rebuilt_store.all_passages())
    assert rebuilt_store.stats().chunk_tokens == 120


def test_leftover_chunks_of_an_interrupted_run_are_removed(
    settings: Settings, embedding, corpus_copy: Path
) -> None:
    """Chunks written without their manifest record (as a killed run leaves them) are cleaned up."""
    store = open_store(settings, embedding)
    indexer = Indexer(settings, store, embedding)
    indexer.run([corpus_copy])
    expected = expected_chunks(corpus_copy, settings)
    # Simulate the kill window: the manifest record is gone but the chunks are still there,
    # plus a chunk of an article that never reached the manifest.
    store._manifest.collection.delete(ids=["001_aba8e4193e5ca6f2"])
    stray = store.all_passages()[0]
    store._chunks.upsert(
        ids=["ghost:0000"],
        documents=[stray.text],
        embeddings=[embedding.get_text_embedding(stray.text)],
        metadatas=[{"article_id": "ghost", "chunk_index": 0}],
    )
    report = indexer.run([corpus_copy])
    assert report.orphan_chunks_removed == len(expected["001_aba8e4193e5ca6f2"]) + 1
    assert report.added == ["001_aba8e4193e5ca6f2"]
    assert_consistent(store, expected)


def test_same_file_name_in_two_folders_gets_two_ids(settings: Settings, embedding, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(f"Story from {folder}\n\nText of {folder}.\n")
    store = open_store(settings, embedding)
    indexer = Indexer(settings, store, embedding)
    first = indexer.run([tmp_path / "b"])
    assert first.added == ["story"]
    second = indexer.run([tmp_path])
    assert len(second.added) == 1 and second.added[0].startswith("story~")
    assert second.unchanged == ["story"]
    assert store.get_article("story").path == str(tmp_path / "b" / "story.txt")
    shutil.rmtree(tmp_path / "a")
    third = indexer.run([tmp_path], prune=True)
    assert third.deleted == second.added


def test_an_index_from_an_older_layout_asks_for_a_rebuild_in_plain_words(
    settings: Settings, embedding, corpus_copy: Path
) -> None:
    store = open_store(settings, embedding)
    Indexer(settings, store, embedding).run([corpus_copy])
    fingerprint = store.stored_fingerprint()
    assert fingerprint is not None
    fingerprint["schema"] = 1  # what the previous layout, chunks embedded without their titles, wrote
    store._chunks.modify(metadata={**store._chunks.metadata, "fingerprint": json.dumps(fingerprint)})
    with pytest.raises(IndexMismatchError) as error:
        open_store(settings, embedding)
    message = str(error.value)
    assert "written by another version of news-rag (store layout 1" in message
    assert "searched together with its article's title" in message
    assert "rag index --rebuild" in message


def test_the_next_units_embedding_runs_while_a_unit_is_written(
    settings: Settings, embedding, tmp_path: Path
) -> None:
    """Each unit's Chroma write waits for the next unit's embedding to start: an indexer that
    embedded only after writing would make every write but the last wait in vain."""
    import threading
    import time

    from evals.bench.common import write_corpus

    corpus = tmp_path / "many"
    write_corpus(corpus, 24, seed=3)
    calls: list[str] = []
    overlapped: list[bool] = []

    class RecordingEmbedding(type(embedding)):  # type: ignore[misc]
        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            calls.append(threading.current_thread().name)
            return super()._get_text_embeddings(texts)

    class RecordingStore(ChunkStore):
        def write_chunks(self, batch) -> None:  # type: ignore[no-untyped-def]
            deadline = time.monotonic() + 3
            while len(calls) <= len(overlapped) + 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            overlapped.append(len(calls) > len(overlapped) + 1)
            super().write_chunks(batch)

    recording = RecordingEmbedding(batch_size=8, n_threads=1)
    store = RecordingStore.open(settings, recording)
    indexer = Indexer(settings, store, recording)
    indexer.unit_chunks = 8
    report = indexer.run([corpus])
    assert len(overlapped) >= 3 and len(calls) == len(overlapped)
    assert overlapped == [True] * (len(overlapped) - 1) + [False]  # the last unit has no next one
    assert threading.current_thread().name not in calls  # the model ran in the worker
    expected = expected_chunks(corpus, settings)
    assert report.chunks_added == sum(len(v) for v in expected.values())
    assert_consistent(store, expected)


def manifest_vector_lengths(store: ChunkStore) -> set[int]:
    held = store._manifest.collection.get(include=["embeddings"])["embeddings"]
    return {len(vector) for vector in held}


def test_manifest_records_carry_one_float_not_the_articles_mean_vector(
    settings: Settings, embedding, corpus_copy: Path
) -> None:
    """Chroma loads a collection's whole vector index at its first read; the manifest is never
    searched by vector, so its records carry one float each (``MANIFEST_VECTOR``)."""
    store = open_store(settings, embedding)
    Indexer(settings, store, embedding).run([corpus_copy])
    assert manifest_vector_lengths(store) == {1}
    assert len(store.manifest()) == 5
    # a re-opened store (another process) keeps writing the same length
    (corpus_copy / "extra.txt").write_text("Talks resume in Geneva\n\nDelegates met on Monday.\n")
    Indexer(settings, open_store(settings, embedding), embedding).run([corpus_copy])
    assert manifest_vector_lengths(store) == {1}
    assert len(store.manifest()) == 6


def test_a_manifest_written_with_mean_vectors_keeps_taking_them_even_emptied(
    settings: Settings, embedding, corpus_copy: Path
) -> None:
    """An archive indexed before the one-float manifest: Chroma refuses a vector of another
    length than the collection's first, so its manifest goes on with mean chunk vectors."""
    store = open_store(settings, embedding)
    store._manifest._dimension = embedding.fingerprint["dim"]  # the earlier layout's writes
    Indexer(settings, store, embedding).run([corpus_copy])
    assert manifest_vector_lengths(store) == {384}

    reopened = open_store(settings, embedding)
    (corpus_copy / "extra.txt").write_text("Talks resume in Geneva\n\nDelegates met on Monday.\n")
    Indexer(settings, reopened, embedding).run([corpus_copy])
    assert manifest_vector_lengths(reopened) == {384}
    reopened.delete_articles(list(reopened.manifest()))
    assert reopened.manifest() == {}

    emptied = open_store(settings, embedding)
    report = Indexer(settings, emptied, embedding).run([corpus_copy])
    assert len(report.added) == 6
    assert manifest_vector_lengths(emptied) == {384}
