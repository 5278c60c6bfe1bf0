"""What is not a regular file is reported with a reason, and no file can stop a folder loading."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from index.loaders import load_file, load_paths

pytestmark = pytest.mark.unit

MB = 20.0


def reasons(result) -> dict[str, str]:
    return {Path(item.path).name: item.reason for item in result.skipped}


def test_special_entries_are_reported_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good story\n\nA harbour reopened on Monday.\n")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (tmp_path / "loop-a.txt").symlink_to(tmp_path / "loop-b.txt")
    (tmp_path / "loop-b.txt").symlink_to(tmp_path / "loop-a.txt")
    (tmp_path / "null.txt").symlink_to("/dev/null")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.txt").write_text("Inner story\n\nSomething else happened.\n")
    (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a folder link back up the tree
    (tmp_path / "linked.txt").symlink_to(tmp_path / "good.txt")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "s.sock"))
        result = load_paths([tmp_path], max_file_mb=MB)
    assert sorted(a.article_id for a in result.articles) == ["good", "inner"]
    assert reasons(result) == {
        "dangling.txt": f"broken symbolic link: {tmp_path / 'gone.txt'} does not exist; fix or remove the link",
        "loop-a.txt": "symbolic link loop (the link leads back to itself); fix or remove the link",
        "loop-b.txt": "symbolic link loop (the link leads back to itself); fix or remove the link",
        "null.txt": "device file, not an article",
        "pipe.txt": "named pipe (FIFO), not a file; save the articles to a regular file",
        "s.sock": "socket, not a file",
        "up": f"link to a folder ({tmp_path}), not followed; index that folder itself",
    }
    # The link to good.txt is the same file: one article, under the file's own path.
    assert str(tmp_path / "good.txt") in result.loaded_files


def test_a_file_skipped_through_a_link_is_named_by_the_link(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "notes").write_text("not an article")
    (outside / "broken.json").write_text("{ not json")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside / "notes")
    (folder / "feed.json").symlink_to(outside / "broken.json")
    result = load_paths([folder], max_file_mb=MB)
    # The user gave "articles/": each message names the entry there and the file it leads to.
    named = {item.path: item.reason for item in result.skipped}
    assert set(named) == {
        f"{folder / 'link.txt'} (a link to {outside / 'notes'})",
        f"{folder / 'feed.json'} (a link to {outside / 'broken.json'})",
    }
    assert named[f"{folder / 'link.txt'} (a link to {outside / 'notes'})"].startswith("unsupported file type")
    # Given directly, too.
    direct = load_paths([folder / "feed.json"], max_file_mb=MB)
    assert [item.path for item in direct.skipped] == [
        f"{folder / 'feed.json'} (a link to {outside / 'broken.json'})"
    ]


def test_a_fifo_given_directly_is_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "feed.jsonl")
    result = load_paths([tmp_path / "feed.jsonl"], max_file_mb=MB)
    assert reasons(result) == {
        "feed.jsonl": "named pipe (FIFO), not a file; save the articles to a regular file"
    }
    articles, skipped, readable = load_file(tmp_path / "feed.jsonl", max_file_mb=MB)
    assert (articles, readable) == ([], False)
    assert skipped[0].reason.startswith("named pipe")


def test_every_kind_of_failure_is_a_skip_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Alpha story\n\nAlpha text.\n")
    (tmp_path / "deep.json").write_text("[" * 1000 + "]" * 1000)
    (tmp_path / "deeper.json").write_text('{"a":' * 5000 + "1" + "}" * 5000)
    (tmp_path / "big.txt").write_text("word " * 30_000)
    (tmp_path / "bad-sidecar.txt").write_text("Story.\n")
    (tmp_path / "bad-sidecar.txt.meta.json").write_text("[" * 1000 + "]" * 1000)
    (tmp_path / "z.md").write_text("# Zed\n\nZed text.\n")
    result = load_paths([tmp_path], max_file_mb=0.1)
    assert sorted(a.article_id for a in result.articles) == ["a", "z"]
    found = reasons(result)
    assert (
        found["deep.json"]
        == "JSON nested too deeply to read (objects or lists inside each other ~1,000 levels)"
    )
    assert found["deeper.json"] == found["deep.json"]
    assert "larger than ingest.max_file_mb=0.1" in found["big.txt"]
    assert (
        found["bad-sidecar.txt"] == "sidecar bad-sidecar.txt.meta.json is not valid JSON: nested too deeply"
    )


def test_a_jsonl_export_larger_than_the_file_limit_is_read_record_by_record(tmp_path: Path) -> None:
    """The limit is per record for one-article-a-line files: a 0.3 MB export under a 0.1 MB
    limit keeps every ordinary record and skips only the one line over the limit, by number."""
    lines = [
        json.dumps({"id": f"a{n}", "title": f"Story {n}", "text": f"Story {n} text. " * 200})
        for n in range(80)
    ]
    lines.insert(40, json.dumps({"id": "huge", "title": "Huge", "text": "word " * 30_000}))
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 0.3 * 1024 * 1024
    result = load_paths([path], max_file_mb=0.1)
    assert len(result.articles) == 80 and "huge" not in {a.article_id for a in result.articles}
    [skip] = result.skipped
    assert skip.reason.startswith("line 41: record is 0.1 MB, larger than ingest.max_file_mb=0.1")
    assert str(path) in result.loaded_files

    big_json = tmp_path / "export.json"
    big_json.write_text("[" + ",".join(lines) + "]", encoding="utf-8")
    whole = load_paths([big_json], max_file_mb=0.1)
    assert not whole.articles and "larger than ingest.max_file_mb=0.1" in whole.skipped[0].reason
