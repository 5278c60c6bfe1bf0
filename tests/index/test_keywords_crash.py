"""A kill between the Chroma write and the keyword index's write is repaired by the next run or reader."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from index.keywords import KeywordFile
from index.pipeline import Indexer
from index.store import PENDING, ChunkStore
from rag.retrieval.hybrid import HybridRetriever
from rag.settings import load_settings
from tests.index.test_crash import write_articles

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

# Runs the real indexer and kills its own process (SIGKILL: no cleanup, no rollback handler) when
# the store has written the second batch of chunks to Chroma and is about to write them to the
# keyword index: the boundary between the two writes.
KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from index.keywords import KeywordFile
    from index.pipeline import Indexer
    from index.store import ChunkStore
    from rag.models.embedding import build_embedding
    from rag.settings import load_settings

    real_apply = KeywordFile.apply
    writes = []

    def apply(self, was, now, *, add=(), **rest):
        add = list(add)
        if add:
            writes.append(len(add))
            if len(writes) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
        return real_apply(self, was, now, add=add, **rest)

    KeywordFile.apply = apply
    settings = load_settings("test", data_dir=Path(sys.argv[1]))
    embedding = build_embedding(settings)
    Indexer(settings, ChunkStore.open(settings, embedding), embedding).run([sys.argv[2]])
    """
)


def test_a_kill_between_the_two_writes_is_repaired_by_the_next_run(
    tmp_path: Path, model_cache_dir: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_articles(corpus, 300)  # three units of 128 chunks: the kill comes at the second
    data = tmp_path / "data"
    env = {**os.environ, "RAG_CACHE_DIR": str(model_cache_dir)}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, str(data), str(corpus)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    settings = load_settings("test", data_dir=data, cache_dir=model_cache_dir)
    store = ChunkStore.open(settings)
    keywords = KeywordFile(store.keywords.path)
    stored, held = store.chunk_ids(), keywords.chunk_ids()
    assert held < stored, "Chroma holds the second batch; the keyword index does not"
    assert keywords.revision() != store.revision()
    lost = sorted(stored - held)

    rerun = subprocess.run(
        [sys.executable, "-m", "index.commands", "--profile", "test", "index", str(corpus)],
        cwd=REPO,
        env={**env, "RAG_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    store = ChunkStore.open(settings)
    assert store.keywords.chunk_ids() == store.chunk_ids()
    assert len(store.chunk_ids()) == 300
    assert store.keywords.revision() == store.revision()
    # A chunk lost at the kill is found by its own words again.
    text = store.passages([lost[0]])[0].text
    found, _ = store.keywords.search(text, 3)
    assert lost[0] in [p.chunk_id for p in found]


def interrupted_tabqa_run(settings, embedding, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> ChunkStore:
    """An indexed archive, then a run that "dies" after writing a new article's chunks to Chroma
    and before writing them to the keyword file."""
    corpus.mkdir()
    write_articles(corpus, 12)
    store = ChunkStore.open(settings, embedding)
    Indexer(settings, store, embedding).run([corpus])
    assert store.keywords.revision() == store.revision()

    (corpus / "tabqa.txt").write_text("Tabqa dam\n\nEngineers reopened the Tabqa dam.\n", encoding="utf-8")

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(KeywordFile, "apply", interrupted)
        with pytest.raises(KeyboardInterrupt):
            Indexer(settings, store, embedding).run([corpus])
    assert store.keywords.revision() != store.revision()
    return store


def test_a_reader_repairs_a_lagging_index_from_chromas_copy_of_the_texts(
    tmp_path: Path, model_cache_dir: Path, embedding, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``store.texts_in_chroma`` (the default with a Chroma server) the chunks the keyword
    file lacks are read from Chroma: a reader finds them without a new indexing run."""
    settings = load_settings("test", data_dir=tmp_path / "data", cache_dir=model_cache_dir).with_overrides(
        **{"store.texts_in_chroma": True}
    )
    store = interrupted_tabqa_run(settings, embedding, tmp_path / "corpus", monkeypatch)

    sqlite = settings.with_overrides(**{"retrieval.keyword_index": "sqlite"})
    result = HybridRetriever(sqlite, ChunkStore.open(settings, embedding), embedding).run("Tabqa dam")
    assert "Tabqa" in result.sources[0].passage.text
    assert any("Tabqa" in p.text for p in result.candidates if p.chunk_id in result.keyword_scores)
    assert store.keywords.chunk_ids() == store.chunk_ids()


def test_without_chromas_copy_a_reader_leaves_the_textless_chunks_out_and_the_next_run_restores_them(
    tmp_path: Path, model_cache_dir: Path, embedding, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings("test", data_dir=tmp_path / "data", cache_dir=model_cache_dir)
    assert not settings.store.keeps_texts, "an embedded store keeps its texts in the keyword file only"
    corpus = tmp_path / "corpus"
    store = interrupted_tabqa_run(settings, embedding, corpus, monkeypatch)
    textless = store.chunk_ids() - store.keywords.chunk_ids()
    assert textless, "Chroma holds the new article's vectors; its texts were never written"

    retriever = HybridRetriever(settings, ChunkStore.open(settings, embedding), embedding)
    result = retriever.run("Tabqa dam")
    assert result.sources and all(p.text for p in result.candidates)
    assert not textless & {p.chunk_id for p in result.candidates}
    assert store.keywords.revision() == store.revision(), (
        "the reader does not repeat the repair each question"
    )

    report = Indexer(settings, store, embedding).run([corpus])
    assert report.orphan_chunks_removed == len(textless) and report.added == ["tabqa"]
    assert store.keywords.chunk_ids() == store.chunk_ids()
    result = HybridRetriever(settings, ChunkStore.open(settings, embedding), embedding).run("Tabqa dam")
    assert "Tabqa" in result.sources[0].passage.text


def six_articles(tmp_path: Path, model_cache_dir: Path, embedding) -> tuple[Any, ChunkStore, Path]:
    """Settings, an opened store and the folder of six articles indexed into it."""
    settings = load_settings("test", data_dir=tmp_path / "data", cache_dir=model_cache_dir)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_articles(corpus, 6)
    store = ChunkStore.open(settings, embedding)
    Indexer(settings, store, embedding).run([corpus])
    return settings, store, corpus


def test_an_archive_whose_keyword_file_is_lost_is_indexed_again_from_its_files(
    tmp_path: Path, model_cache_dir: Path, embedding
) -> None:
    settings, store, corpus = six_articles(tmp_path, model_cache_dir, embedding)
    before = {p.chunk_id: p.text for p in store.all_passages()}
    article_id = sorted(store.manifest())[0]
    text = store.get_article(article_id).text
    store.keywords.close()
    for path in store.keywords.path.parent.glob(store.keywords.path.name + "*"):
        path.unlink()

    store = ChunkStore.open(settings, embedding)
    assert store.all_passages() == [] and store.get_article(article_id).text == ""
    assert store.stats().chunks_without_text == len(before), "rag status says what is missing"
    report = Indexer(settings, store, embedding).run([corpus])
    assert sorted(report.texts_lost) == sorted(store.manifest()) and len(report.added) == 6
    assert {p.chunk_id: p.text for p in store.all_passages()} == before
    assert store.get_article(article_id).text == text
    assert store.stats().chunks_without_text == 0


def test_a_writer_stopped_before_its_stamp_still_changes_the_revision(
    tmp_path: Path, model_cache_dir: Path, embedding, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clean revision is the marker alone (no counting per question); a write marks the store
    pending first, so one that dies after changing Chroma and before its stamp is still seen, and
    a reader brings the keyword file in line."""
    settings, store, corpus = six_articles(tmp_path, model_cache_dir, embedding)
    before = store.revision()
    assert not before.startswith(PENDING) and ":" not in before
    gone = sorted(store.manifest())[0]

    def died(self, *args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(ChunkStore, "_changed", died)
        with pytest.raises(KeyboardInterrupt):
            store.delete_article(gone)

    reader = ChunkStore.open(settings, embedding)
    now = reader.revision()
    assert now != before and now.startswith(PENDING)
    assert gone in {p.article_id for p in reader.keywords.all_passages()}, "the keyword file lags"
    assert gone not in {p.article_id for p in reader.keyword_index().all_passages()}
    assert reader.keywords.chunk_ids() == reader.chunk_ids()

    store.delete_articles([])  # nothing to write: the mark stays until the next real write
    assert reader.revision() == now
    Indexer(settings, store, embedding).run([corpus])  # the next run re-adds the article
    assert ":" not in store.revision() and gone in store.manifest()
