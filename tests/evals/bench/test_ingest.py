"""``rag bench ingest --corpus``: a JSONL export written out as files both pipelines read alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.bench.ingest import write_records
from index.loaders import load_file

pytestmark = pytest.mark.unit


def test_records_become_one_file_each_that_loads_with_its_title_and_date(tmp_path: Path) -> None:
    source = tmp_path / "export.jsonl"
    records = [
        {
            "title": "Dam breaks in Brumadinho",
            "date": "2019-01-25",
            "text": "A tailings dam collapsed.\n\nDozens are missing.",
        },
        {"title": "Election held in Moldova", "date": "2019-02-24", "text": "Voters chose a new parliament."},
    ]
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")

    assert write_records(source, tmp_path / "corpus") == 2
    files = sorted((tmp_path / "corpus").iterdir())
    assert [f.name for f in files] == ["article_00000.txt", "article_00001.txt"]
    for path, record in zip(files, records, strict=True):
        articles, skipped, _ = load_file(path, max_file_mb=20)
        assert not skipped
        (article,) = articles
        assert article.title == record["title"]
        assert article.date.isoformat() == record["date"]
        assert record["text"].split("\n\n")[-1] in article.text


def test_a_broken_line_is_named_not_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "export.jsonl"
    source.write_text('{"title": "A", "text": "B"}\n{"title": "C", \n', encoding="utf-8")
    with pytest.raises(SystemExit, match="export.jsonl:2 is not a JSON record"):
        write_records(source, tmp_path / "corpus")
    source.write_text('["a list"]\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="export.jsonl:1 is not a JSON object"):
        write_records(source, tmp_path / "corpus")
