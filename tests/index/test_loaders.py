"""Loading each supported format, sidecars, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from index.loaders import discover, load_file, load_paths

pytestmark = pytest.mark.unit

MB = 20.0


def load_one(path: Path, max_file_mb: float = MB):
    articles, skipped, _ = load_file(path, max_file_mb=max_file_mb)
    return articles, skipped


def test_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Big news today\n\nPARIS - Something happened on Monday.\n", encoding="utf-8")
    (article,), skipped = load_one(path)
    assert skipped == []
    assert article.article_id == "story"
    assert article.text == path.read_text(encoding="utf-8")
    assert (article.title, article.dateline, article.path) == ("Big news today", "PARIS", str(path))
    assert len(article.content_hash) == 64


def test_utf8_bom_and_crlf_are_kept_as_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffHeadline\r\n\r\nBody text here.\r\n".encode())
    (article,), _ = load_one(path)
    assert article.text == "Headline\r\n\r\nBody text here.\r\n"
    assert article.title == "Headline"


def test_markdown_strips_markup_and_takes_the_heading_as_title(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text(
        "# Floods hit *the* north\n\nRain fell for **three** days, [officials](http://x.example) said.\n\n"
        '- roads closed\n- schools shut\n\n![photo](a.png)\n\n> "We lost everything," one resident said.\n',
        encoding="utf-8",
    )
    (article,), _ = load_one(path)
    assert article.title == "Floods hit the north"
    assert article.text == (
        "Floods hit the north\n\nRain fell for three days, officials said.\n\nroads closed\nschools shut\n\n"
        '"We lost everything," one resident said.'
    )


def test_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "fm.md"
    path.write_text(
        "---\ntitle: From front matter\ndate: 2020-05-01\nsource: Example Post\n---\n# Heading\n\nBody.\n"
    )
    (article,), _ = load_one(path)
    assert (article.title, article.date, article.source) == (
        "From front matter",
        dt.date(2020, 5, 1),
        "Example Post",
    )
    assert article.text.startswith("Heading")


def test_html_drops_page_furniture_and_reads_meta(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        """<html><head><title>Headline | The Daily</title>
        <meta property="og:title" content="Headline">
        <meta property="og:site_name" content="The Daily">
        <meta property="article:published_time" content="2020-03-05T10:00:00Z">
        <link rel="canonical" href="https://daily.example/headline">
        <style>p {color: red}</style><script>var tracking = 1;</script></head>
        <body><header><nav>Home | World | Sport</nav></header>
        <article><h1>Headline</h1><p>First <b>paragraph</b> of the story.</p>
        <figure><img src="x.jpg"><figcaption>A caption that is not text</figcaption></figure>
        <div class="social-share">Share on Twitter</div>
        <p>Second paragraph.</p></article>
        <aside>Related stories</aside><form>Subscribe</form><footer>Copyright 2020</footer></body></html>""",
        encoding="utf-8",
    )
    (article,), _ = load_one(path)
    assert article.text == "Headline\n\nFirst paragraph of the story.\n\nSecond paragraph."
    assert (article.title, article.source, article.date, article.url) == (
        "Headline",
        "The Daily",
        dt.date(2020, 3, 5),
        "https://daily.example/headline",
    )


def test_json_object_and_list(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"title": "T", "body": "Body of one.", "date": "2019-02-03", "url": "u"}))
    (article,), _ = load_one(single)
    assert (article.article_id, article.text, article.title, article.date, article.url) == (
        "one",
        "Body of one.",
        "T",
        dt.date(2019, 2, 3),
        "u",
    )
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"id": "a1", "text": "First."}, {"content": "Second.", "source": "Wire"}]))
    articles, skipped = load_one(many)
    assert skipped == []
    assert [(a.article_id, a.text, a.source, a.record) for a in articles] == [
        ("many#a1", "First.", None, "a1"),
        ("many#2", "Second.", "Wire", "2"),
    ]


def test_json_object_wrapping_the_article_list_is_read_as_the_list(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    records = [{"title": "A", "content": "First story."}, {"title": "B", "description": "no text here"}]
    export.write_text(json.dumps({"status": "ok", "totalResults": 2, "articles": records}))
    articles, skipped = load_one(export)
    assert [(a.title, a.text) for a in articles] == [("A", "First story.")]
    assert [s.reason for s in skipped] == [
        "record 2: no text: expected one of the fields text, body, content"
    ]
    # An article whose text field is empty is not taken for a wrapper of its authors list.
    article = tmp_path / "article.json"
    article.write_text(json.dumps({"title": "T", "body": "", "authors": [{"name": "N"}]}))
    assert [s.reason for s in load_one(article)[1]] == [
        "no text: expected one of the fields text, body, content"
    ]


def test_jsonl_records_are_named_by_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"text": "Line one story."}\n\n{"id": 7, "text": "Line three story.", "title": "Three"}\n',
        encoding="utf-8",
    )
    articles, skipped = load_one(path)
    assert skipped == []
    assert [a.article_id for a in articles] == ["feed#1", "feed#7"]
    assert articles[1].title == "Three"


def test_sidecar_overrides_and_clears(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("BEIRUT (Reuters) - Something happened.\n", encoding="utf-8")
    (before,), _ = load_one(path)
    assert before.source == "Reuters"
    (tmp_path / "x.txt.meta.json").write_text(
        json.dumps({"source": None, "title": "Given title", "date": "2018-04-05"}), encoding="utf-8"
    )
    (after,), skipped = load_one(path)
    assert skipped == []
    assert (after.source, after.title, after.date, after.dateline) == (
        None,
        "Given title",
        dt.date(2018, 4, 5),
        "BEIRUT",
    )
    assert after.content_hash != before.content_hash


def test_sidecar_is_not_an_article_and_folders_load_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed story.\n")
    (tmp_path / "a.txt").write_text("A story.\n")
    (tmp_path / "a.txt.meta.json").write_text('{"source": "S"}')
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text("Hidden.\n")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    result = load_paths([tmp_path], max_file_mb=MB)
    assert [a.article_id for a in result.articles] == ["a", "z"]
    assert result.articles[0].source == "S"
    assert result.skipped == []
    assert [p.name for p in discover([tmp_path])] == ["a.txt", "a.txt.meta.json", "z.txt"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        load_paths([tmp_path / "nope"], max_file_mb=MB)


BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"  \n\t\n", "empty file (only whitespace)"),
    "binary.txt": (b"GIF89a\x00\x01\x02\x00", "binary file"),
    "broken.json": (b'{"text": "a",\n "title": }', "invalid JSON at line 2"),
    "notext.json": (b'{"title": "No body"}', "no text: expected one of the fields text, body, content"),
    "scalar.json": (b"42", "JSON must be an object or a list of objects"),
    "fake.pdf": (b"%PDF-1.4 fake", "not a readable PDF"),
    "fake.docx": (b"PK\x03\x04 not a zip", "not a readable Word .docx file"),
    "letter.rtf": (b"{\\rtf1 Hello}", "unsupported file type '.rtf'"),
    "deep.json": (b"[" * 1000 + b"]" * 1000, "JSON nested too deeply to read"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_is_skipped_with_a_reason(tmp_path: Path, name: str) -> None:
    content, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    articles, skipped = load_one(path)
    assert articles == []
    assert len(skipped) == 1
    assert skipped[0].path == str(path)
    assert reason in skipped[0].reason


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 30_000)
    articles, skipped = load_one(path, max_file_mb=0.1)
    assert articles == []
    assert "larger than ingest.max_file_mb=0.1" in skipped[0].reason


def test_bad_records_are_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"text": "Good one."}\n{"text": \n{"title": "no text"}\n["a list"]\n{"text": "Bad date.", "date": "soon"}\n'
        '{"text": "Good two."}\n',
        encoding="utf-8",
    )
    articles, skipped = load_one(path)
    assert [a.article_id for a in articles] == ["feed#1", "feed#6"]
    reasons = [s.reason for s in skipped]
    assert reasons[0].startswith("line 2: invalid JSON")
    assert reasons[1].startswith("line 3: no text")
    assert reasons[2] == "line 4: is a list, not an object"
    assert reasons[3] == "line 5: date 'soon' is not a recognised date; use YYYY-MM-DD"
    assert all(s.path == str(path) for s in skipped)


def test_bad_sidecar_skips_its_file(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Story.\n")
    (tmp_path / "x.txt.meta.json").write_text('{"sauce": "typo"}')
    articles, skipped = load_one(path)
    assert articles == []
    assert "unknown keys ['sauce']" in skipped[0].reason


def test_orphan_sidecar_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.txt.meta.json").write_text('{"source": "S"}')
    result = load_paths([tmp_path], max_file_mb=MB)
    assert result.articles == []
    assert "gone.txt, which does not exist" in result.skipped[0].reason


def test_one_bad_file_does_not_stop_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Alpha story.\n")
    (tmp_path / "b.txt").write_bytes(b"\x00\x00binary")
    (tmp_path / "c.json").write_text("{not json")
    (tmp_path / "d.txt").write_text("Delta story.\n")
    result = load_paths([tmp_path], max_file_mb=MB)
    assert [a.article_id for a in result.articles] == ["a", "d"]
    assert [Path(s.path).name for s in result.skipped] == ["b.txt", "c.json"]
    assert result.loaded_files == {str(tmp_path / "a.txt"), str(tmp_path / "d.txt")}


def test_content_hash_follows_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"text": "Same text.", "title": "One"}))
    (first,), _ = load_one(path)
    (again,), _ = load_one(path)
    path.write_text(json.dumps({"text": "Same text.", "title": "Two"}))
    (retitled,), _ = load_one(path)
    assert first.content_hash == again.content_hash
    assert retitled.content_hash != first.content_hash
