"""The archive list against a real Chroma store and the real embedding model: list, search,
filter, page, open, delete (gone from answers and status, nothing else lost), cancel."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from evals.bench.catalog import build_archive
from evals.bench.common import write_corpus
from index import commands
from index.catalog import Catalog, CatalogQuery
from index.pipeline import Indexer
from rag.retrieval.hybrid import HybridRetriever
from rag.settings import Settings
from tests.index.conftest import open_store

pytestmark = pytest.mark.integration

WIRE_COPIES = {"000_2dcdf8dd29bf5d80", "002_3598194b84453929", "003_45ef8bfc82b231bc"}
EXTRAS = {
    "harbour": ("Harbour in Tartus reopens after repairs", "Reuters", "2019-05-02"),
    "aid": ("Aid convoy reaches Idlib villages", "Reuters Staff", "2020-03-10"),
    "talks": ("Talks resume in Geneva with new envoy", "Al Jazeera", "2021-11-30"),
}
BODIES = {
    "harbour": "Cranes unloaded the first grain ship at the Tartus quay after eight months of dredging work.",
    "aid": "Forty trucks carrying flour and blankets crossed into northern Idlib late on Thursday evening.",
    "talks": "The newly appointed envoy met both delegations separately before the plenary session began.",
}


def write_extras(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, (title, source, date) in EXTRAS.items():
        (folder / f"{stem}.txt").write_text(f"{title}\n\n{BODIES[stem]}\n", encoding="utf-8")
        sidecar = {"title": title, "source": source, "date": date}
        (folder / f"{stem}.txt.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")


@pytest.fixture
def archive(settings: Settings, embedding, corpus_copy: Path, tmp_path: Path):
    extras = tmp_path / "extras"
    write_extras(extras)
    store = open_store(settings, embedding)
    report = Indexer(settings, store, embedding).run([corpus_copy, extras])
    assert len(report.added) == 8 and not report.skipped
    return store


def test_list_search_filter_page_and_open(archive, settings: Settings) -> None:
    catalog = Catalog(archive, settings.data_dir / "uploads")
    page = catalog.search()
    assert (page.total, page.matching, page.offset) == (8, 8, 0)
    by_id = {entry.article_id: entry for entry in page.entries}
    for stem, (title, source, date) in EXTRAS.items():
        assert (by_id[stem].title, by_id[stem].source, str(by_id[stem].date)) == (title, source, date)
        assert by_id[stem].chunks >= 1 and by_id[stem].copies == 0
    # newest first, undated last
    assert [entry.article_id for entry in page.entries[:3]] == ["talks", "aid", "harbour"]
    assert page.entries[-1].date is None
    # the wire copies of the bundled corpus know each other
    for article_id in WIRE_COPIES:
        assert set(catalog.copies_of(article_id)) == WIRE_COPIES - {article_id}
        assert by_id[article_id].copies == 2

    # search: words in any order, any case, over title and outlet
    assert [e.article_id for e in catalog.search(CatalogQuery(text="tartus HARBOUR")).entries] == ["harbour"]
    assert {e.article_id for e in catalog.search(CatalogQuery(text="reuters")).entries} == {"harbour", "aid"}
    assert catalog.search(CatalogQuery(text="no such words")).matching == 0
    # outlet box: part of a name, any case; the matching outlets are named with their counts
    reut = catalog.search(CatalogQuery(outlet="REUT"))
    assert {e.article_id for e in reut.entries} == {"harbour", "aid"}
    assert reut.outlets == [("Reuters", 1), ("Reuters Staff", 1)]
    # date range: inclusive, undated articles left out as soon as a bound is set
    since = catalog.search(CatalogQuery(since="2020-03-10"))
    assert {e.article_id for e in since.entries} == {"aid", "talks"}
    until = catalog.search(CatalogQuery(until="2019-05-02"))
    assert "harbour" in {e.article_id for e in until.entries}
    assert all(e.date is not None and str(e.date) <= "2019-05-02" for e in until.entries)
    both = catalog.search(
        CatalogQuery(text="talks", outlet="jazeera", since="2021-01-01", until="2021-12-31")
    )
    assert [e.article_id for e in both.entries] == ["talks"]

    # pages of 3 cover every article once; an offset past the end shows the last page
    seen = []
    for offset in (0, 3, 6):
        part = catalog.search(CatalogQuery(offset=offset, limit=3))
        assert part.offset == offset and part.matching == 8
        seen += [e.article_id for e in part.entries]
    assert sorted(seen) == sorted(by_id) and len(seen) == 8
    assert catalog.search(CatalogQuery(offset=500, limit=3)).offset == 6

    article = catalog.get("harbour")
    assert article is not None and BODIES["harbour"] in article.text


def test_delete_removes_the_article_from_answers_status_and_groups(
    archive, settings: Settings, embedding, corpus_copy: Path, monkeypatch, capsys
) -> None:
    catalog = Catalog(archive, settings.data_dir / "uploads")
    retriever = HybridRetriever(settings, archive, embedding)
    gone = "002_3598194b84453929"  # the AFP copy of the Astana story
    question = "Will the Syrian rebels attend the Astana negotiations?"
    before = retriever.run(question)
    assert gone in {p.article_id for p in before.candidates}
    stats = archive.stats()
    kept = {p.chunk_id: p for p in archive.all_passages() if p.article_id != gone}
    n_chunks = archive.manifest()[gone]["n_chunks"]

    result = catalog.delete(gone)
    assert result is not None and result.chunks_removed == n_chunks and result.file_removed is None
    assert result.title == "Syria rebels say will attend Astana negotiations"

    # gone from the list, the manifest and the chunks; nothing else touched
    assert gone not in {e.article_id for e in catalog.entries()} and catalog.get(gone) is None
    assert gone not in archive.manifest()
    after = {p.chunk_id: p for p in archive.all_passages()}
    assert after == kept
    # gone from answers: neither the dense nor the keyword ranking (rebuilt on the new revision) has it
    answer = retriever.run(question)
    assert answer.candidates and gone not in {p.article_id for p in answer.candidates}
    assert gone not in {p.article_id for p in retriever.keyword_index().passages}
    shown = [p for source in answer.sources for p in [source.passage, *source.corroborating]]
    assert shown and gone not in {p.article_id for p in shown}
    # the two remaining copies still share their text
    assert set(catalog.copies_of("000_2dcdf8dd29bf5d80")) == {"003_45ef8bfc82b231bc"}
    # gone from `rag status`
    now = archive.stats()
    assert (now.articles, now.chunks) == (stats.articles - 1, stats.chunks - n_chunks)
    assert now.duplicate_groups <= stats.duplicate_groups
    monkeypatch.setenv("RAG_DATA_DIR", str(settings.data_dir))
    assert commands.main(["--profile", "test", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["articles"], status["chunks"]) == (now.articles, now.chunks)

    assert catalog.delete(gone) is None  # already gone
    # indexing its file again brings it back, with its wire-copy links
    again = Indexer(settings, archive, embedding).run([corpus_copy])
    assert again.added == [gone] and len(again.unchanged) == 4
    assert set(catalog.copies_of(gone)) == WIRE_COPIES - {gone}


def test_deleting_an_upload_removes_its_file_once_no_record_of_it_remains(
    settings: Settings, embedding
) -> None:
    uploads = settings.data_dir / "uploads"
    uploads.mkdir(parents=True)
    feed = uploads / "feed.jsonl"
    records = [
        {
            "id": "a",
            "title": "Bridge in Homs reopens",
            "text": "The bridge in Homs reopened on Monday after repairs.",
        },
        {
            "id": "b",
            "title": "Market in Hama burns",
            "text": "A fire destroyed the old market of Hama on Sunday night.",
        },
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    store = open_store(settings, embedding)
    Indexer(settings, store, embedding).run([feed])
    catalog = Catalog(store, uploads)
    ids = sorted(e.article_id for e in catalog.entries())
    assert len(ids) == 2

    first = catalog.delete(ids[0])
    assert (
        first is not None and first.file_removed is None and feed.exists()
    )  # the other record still needs it
    second = catalog.delete(ids[1])
    assert second is not None and second.file_removed == str(feed.resolve()) and not feed.exists()
    assert catalog.search().total == 0 and store.count_chunks() == 0


def test_a_cancelled_run_keeps_what_it_wrote_and_the_next_run_finishes(
    settings: Settings, embedding, tmp_path: Path
) -> None:
    corpus = tmp_path / "many"
    write_corpus(corpus, 24, seed=3)
    store = open_store(settings, embedding)
    indexer = Indexer(settings, store, embedding)
    indexer.unit_chunks = 8  # several writes, so the cancel lands between two of them
    events = []

    def cancel() -> bool:
        return any(event.phase == "embedding" for event in events)

    report = indexer.run([corpus], progress=events.append, cancel=cancel)
    assert report.cancelled and report.added and report.not_indexed
    assert sorted(report.added + report.not_indexed) == [f"synthetic_{n:05d}" for n in range(24)]
    manifest = store.manifest()
    assert sorted(manifest) == sorted(report.added)
    per_article: dict[str, int] = {}
    for passage in store.all_passages():
        per_article[passage.article_id] = per_article.get(passage.article_id, 0) + 1
    assert per_article == {article_id: meta["n_chunks"] for article_id, meta in manifest.items()}
    assert report.chunks_added == store.count_chunks()
    assert report.duplicate_groups == store.stats().duplicate_groups

    rest = Indexer(settings, store, embedding).run([corpus])
    assert not rest.cancelled and rest.orphan_chunks_removed == 0
    assert sorted(rest.added) == sorted(report.not_indexed)
    assert sorted(rest.unchanged) == sorted(report.added)


def test_a_cancel_during_embedding_stores_nothing_of_that_batch(
    settings: Settings, embedding, tmp_path: Path
) -> None:
    corpus = tmp_path / "few"
    write_corpus(corpus, 6, seed=5)
    store = open_store(settings, embedding)
    indexer = Indexer(settings, store, embedding)
    indexer.unit_chunks = 10_000  # one batch for all six articles
    checks = []

    def cancel() -> bool:  # asked once per file read, once per article, then after the embedding
        checks.append(1)
        return len(checks) > 12

    report = indexer.run([corpus], cancel=cancel)
    assert report.cancelled and report.added == [] and len(report.not_indexed) == 6
    assert store.count_articles() == 0 and store.count_chunks() == 0


def test_a_run_cancelled_while_reading_writes_nothing(
    settings: Settings, embedding, corpus_copy: Path
) -> None:
    store = open_store(settings, embedding)
    report = Indexer(settings, store, embedding).run([corpus_copy], cancel=lambda: True)
    assert report.cancelled and report.added == [] and report.chunks_added == 0
    assert store.count_articles() == 0 and store.count_chunks() == 0


def test_listing_stays_quick_with_thousands_of_articles(settings: Settings, tmp_path: Path) -> None:
    """2,000 synthetic articles over 300 outlets (chunked and grouped for real; a fixed vector
    instead of model output, since listing never reads vectors)."""
    store = build_archive(settings, tmp_path / "corpus", 2000, outlets=300)
    catalog = Catalog(store)
    started = time.perf_counter()
    assert len(catalog.entries()) == 2000
    first = time.perf_counter() - started
    started = time.perf_counter()
    for text in ("c", "cl", "cla", "clas", "clash", "clashes", "clashes h", "clashes ho"):  # typing
        page = catalog.search(CatalogQuery(text=text, outlet="outlet 01", since="2016-01-01"))
    typing = (time.perf_counter() - started) / 8
    print(f"first listing {first:.2f} s, one keystroke {typing * 1000:.1f} ms, {page.matching} matching")
    assert page.matching and len(page.entries) <= page.limit
    assert len(catalog.outlets("outlet")) == 8  # the box names a few matching outlets, not all 300
    assert first < 20 and typing < 0.25
