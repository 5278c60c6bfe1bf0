"""`rag index` on a folder of every format plus things that are not articles: the good files
are indexed and searchable, each bad one is reported with its reason, and nothing stops the run."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from index.commands import EXIT_SKIPPED, main
from rag.settings import load_settings
from tests.index.conftest import open_store

pytestmark = pytest.mark.integration

ARTICLES = Path(__file__).parent / "articles"


def write_pdf(path: Path) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.5, 11))
    lines = [
        "Glacier museum doubles its visitors",
        "FJAERLAND - The glacier museum in Fjaerland counted 61,000 visitors last year,",
        "twice as many as the year before, its director said on Tuesday.",
    ]
    for number, line in enumerate(lines):
        figure.text(0.08, 0.92 - 0.03 * number, line, fontsize=10)
    figure.savefig(path, format="pdf", metadata={"Author": "Nordwire"})


def write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Reindeer herders win grazing case", level=1)
    document.add_paragraph(
        "A court in Tromso ruled on Tuesday that reindeer herders may keep grazing their animals on the "
        "Kvaloya peninsula, where a wind farm had been planned."
    )
    document.core_properties.author = "Coastal Herald"
    document.core_properties.created = dt.datetime(2017, 1, 17, 9, 0)
    document.save(path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    news.mkdir()
    for name in (
        "nordwire-harbour.txt",
        "cabin-thefts.txt",
        "council-budget.md",
        "gazette-bridge.html",
        "coastal-feed.json",
    ):
        shutil.copy(ARTICLES / name, news / name)
    (news / "feed.jsonl").write_text(
        json.dumps({"id": "w1", "text": "Wolves were seen near Elverum school on Monday, the county said."})
        + "\n",
        encoding="utf-8",
    )
    write_pdf(news / "museum.pdf")
    write_docx(news / "reindeer.docx")
    (news / "bakery.txt").write_bytes(
        "Bakery wins prize\n\nThe caf\u00e9 and bakery in R\u00f8ros won the national cinnamon bun prize.\n".encode(
            "latin-1"
        )
    )
    os.mkfifo(news / "pipe.txt")
    (news / "dangling.md").symlink_to(news / "deleted.md")
    (news / "deep.json").write_text("[" * 1000 + "]" * 1000, encoding="utf-8")
    return news


def test_rag_index_reads_every_format_and_reports_the_rest(
    folder: Path, tmp_path: Path, model_cache_dir: Path, embedding, monkeypatch, capsys, no_network
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("RAG_DATA_DIR", str(data))
    monkeypatch.setenv("RAG_CACHE_DIR", str(model_cache_dir))

    assert main(["--profile", "test", "index", str(folder), "--json"]) == EXIT_SKIPPED
    report = json.loads(capsys.readouterr().out)
    assert sorted(report["added"]) == [
        "bakery",
        "cabin-thefts",
        "coastal-feed",
        "council-budget",
        "feed#w1",
        "gazette-bridge",
        "museum",
        "nordwire-harbour",
        "reindeer",
    ]
    reasons = {Path(item["path"]).name: item["reason"] for item in report["skipped"]}
    assert reasons == {
        "dangling.md": f"broken symbolic link: {folder / 'deleted.md'} does not exist; fix or remove the link",
        "deep.json": "JSON nested too deeply to read (objects or lists inside each other ~1,000 levels)",
        "pipe.txt": "named pipe (FIFO), not a file; save the articles to a regular file",
    }

    # The plain report names each skipped file with its reason; nothing is indexed twice.
    assert main(["--profile", "test", "index", str(folder)]) == EXIT_SKIPPED
    out = capsys.readouterr().out
    assert "skipped 3" in out and f"{folder / 'pipe.txt'}: named pipe (FIFO)" in out
    assert main(["--profile", "test", "index", str(folder), "--json"]) == EXIT_SKIPPED
    again = json.loads(capsys.readouterr().out)
    assert (again["added"], len(again["unchanged"])) == ([], 9)

    store = open_store(load_settings("test", data_dir=data, cache_dir=model_cache_dir), embedding)
    articles = {a.article_id: a for a in store.articles()}
    assert (articles["museum"].title, articles["museum"].source, articles["museum"].dateline) == (
        "Glacier museum doubles its visitors",
        "Nordwire",
        "FJAERLAND",
    )
    assert (articles["reindeer"].source, articles["reindeer"].date) == (
        "Coastal Herald",
        dt.date(2017, 1, 17),
    )
    assert articles["gazette-bridge"].source == "Halvard Gazette"
    for question, article_id, words in [
        ("How many visitors did the glacier museum have?", "museum", "61,000 visitors"),
        ("Where may reindeer herders keep grazing?", "reindeer", "Kvaloya peninsula"),
        ("Which bakery won the cinnamon bun prize?", "bakery", "caf\u00e9 and bakery in R\u00f8ros"),
        ("When did the Storelva bridge reopen?", "gazette-bridge", "Storelva bridge reopened"),
    ]:
        hits = store.query(embedding.get_query_embedding(question), 3)
        assert hits[0].article_id == article_id, (question, [h.article_id for h in hits])
        assert words in hits[0].text
    # The dump's "date 2017-01-18 TRONDHEIM -" prefix is metadata, not the start of a passage.
    assert (articles["cabin-thefts"].date, articles["cabin-thefts"].dateline) == (
        dt.date(2017, 1, 18),
        "TRONDHEIM",
    )
    first = min((p for p in store.all_passages() if p.article_id == "cabin-thefts"), key=lambda p: p.start)
    assert first.text.startswith("Police in Trondheim arrested two men")
