"""Each format reader on real files: PDF and DOCX made here with matplotlib and python-docx."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from index.loaders import load_file
from index.readers import SUPPORTED_SUFFIXES, LoadError, format_for, read

pytestmark = pytest.mark.unit

ARTICLES = Path(__file__).parent / "articles"


def load_one(path: Path):
    articles, skipped, _ = load_file(path, max_file_mb=20)
    return articles, skipped


def make_pdf(lines: list[str], metadata: dict | None = None) -> bytes:
    """A one-page PDF with a real text layer (matplotlib embeds the text as PDF text)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.5, 11))
    for number, line in enumerate(lines):
        figure.text(0.08, 0.92 - 0.03 * number, line, fontsize=10)
    out = io.BytesIO()
    figure.savefig(out, format="pdf", metadata=metadata or {})
    return out.getvalue()


def make_docx(heading: str | None, paragraphs: list[str], **properties) -> bytes:
    import docx

    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    for name, value in properties.items():
        setattr(document.core_properties, name, value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_supported_suffixes_include_pdf_and_docx() -> None:
    assert {".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".pdf", ".docx"} <= set(SUPPORTED_SUFFIXES)
    with pytest.raises(LoadError, match=r"unsupported file type '\.doc'; supported: \.txt"):
        format_for(".doc")


def test_pdf_text_layer_and_properties(tmp_path: Path) -> None:
    path = tmp_path / "cranes.pdf"
    path.write_bytes(
        make_pdf(
            [
                "Harbour cranes replaced after storm",
                "HALVARD - Two new cranes arrived in Halvard on Monday, the port said.",
                "The port expects full traffic by March.",
            ],
            {
                "Title": "Harbour cranes replaced after storm",
                "Author": "Nordwire",
                "CreationDate": dt.datetime(2017, 1, 17, 10, 0, tzinfo=dt.UTC),
            },
        )
    )
    (article,), skipped = load_one(path)
    assert skipped == []
    assert "Two new cranes arrived in Halvard on Monday" in article.text
    assert "The port expects full traffic by March." in article.text
    assert (article.title, article.source, article.date, article.dateline) == (
        "Harbour cranes replaced after storm",
        "Nordwire",
        dt.date(2017, 1, 17),
        "HALVARD",
    )


def test_pdf_text_beats_its_properties_and_junk_titles_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "release.pdf"
    path.write_bytes(
        make_pdf(
            [
                "Ferry fares frozen for 2018",
                "",
                "18 January 2017",
                "",
                "Fares stay the same next year, (AFP) said.",
            ],
            {
                "Title": "Microsoft Word - release_final2.docx",
                "Author": "Administrator",
                "CreationDate": dt.datetime(2016, 5, 1, tzinfo=dt.UTC),
            },
        )
    )
    (article,), _ = load_one(path)
    assert (article.title, article.date, article.source) == (
        "Ferry fares frozen for 2018",
        dt.date(2017, 1, 18),
        None,
    )


def test_pdf_without_text_encrypted_or_damaged_is_skipped_with_a_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from matplotlib.figure import Figure
    from pypdf import PdfReader, PdfWriter

    figure = Figure()
    figure.add_subplot().plot([1, 2, 3])
    figure.axes[0].axis("off")
    scan = io.BytesIO()
    figure.savefig(scan, format="pdf")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Secret text"]))))
    writer.encrypt("password")
    locked = io.BytesIO()
    writer.write(locked)
    cases = {
        "scan.pdf": (scan.getvalue(), "PDF has no text layer (a scanned image?); run OCR on it first"),
        "locked.pdf": (locked.getvalue(), "PDF is protected by a password"),
        "cut.pdf": (make_pdf(["Cut short"])[:300], "not a readable PDF"),
    }
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        articles, skipped = load_one(path)
        assert articles == [] and reason in skipped[0].reason, (name, skipped)
    # The reason is the message; pypdf's own warnings ("EOF marker not found") are not printed too.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == []


def test_docx_paragraphs_tables_and_core_properties(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Ferry timetable changes from March", level=1)
    document.add_paragraph(
        "Ferries to the outer islands will run every two hours from March, the operator said."
    )
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {
        (0, 0): "Route",
        (0, 1): "Departures",
        (1, 0): "Halvard-Skarvholmen",
        (1, 1): "8",
    }.items():
        table.cell(row, col).text = text
    document.add_paragraph("Tickets go on sale on Friday.")
    document.core_properties.author = "Coastal Herald"
    document.core_properties.created = dt.datetime(2017, 1, 17, 9, 0)
    path = tmp_path / "ferries.docx"
    document.save(path)
    (article,), skipped = load_one(path)
    assert skipped == []
    assert article.text == (
        "Ferry timetable changes from March\n\n"
        "Ferries to the outer islands will run every two hours from March, the operator said.\n\n"
        "Route | Departures\nHalvard-Skarvholmen | 8\n\n"
        "Tickets go on sale on Friday."
    )
    assert (article.title, article.source, article.date) == (
        "Ferry timetable changes from March",
        "Coastal Herald",
        dt.date(2017, 1, 17),
    )


def test_docx_title_property_and_python_docx_defaults(tmp_path: Path) -> None:
    titled = tmp_path / "titled.docx"
    titled.write_bytes(
        make_docx(None, ["Body of the release."], title="Council opens new library", author="Vestby council")
    )
    (article,), _ = load_one(titled)
    assert article.title == "Council opens new library"
    # An untouched python-docx document says author "python-docx", created 2013: neither is used.
    plain = tmp_path / "plain.docx"
    plain.write_bytes(make_docx(None, ["Only a body here, with no date or outlet."]))
    (article,), _ = load_one(plain)
    assert (article.source, article.date) == (None, None)
    empty = tmp_path / "empty.docx"
    empty.write_bytes(make_docx(None, []))
    assert "Word document has no text" in load_one(empty)[1][0].reason


def test_html_page_from_the_test_folder() -> None:
    (article,), skipped = load_one(ARTICLES / "gazette-bridge.html")
    assert skipped == []
    assert (article.title, article.source, article.date, article.url) == (
        "Old bridge reopens after storm repairs",
        "Halvard Gazette",
        dt.date(2017, 1, 17),
        "https://www.halvardgazette.example/local/old-bridge-reopens",
    )
    assert article.text.startswith("Old bridge reopens after storm repairs\n\nThe Storelva bridge reopened")
    for furniture in ("Home", "Related", "Copyright", "Marta Lien"):
        assert furniture not in article.text


def test_html_lists_tables_and_empty_pages(tmp_path: Path) -> None:
    page = tmp_path / "list.html"
    page.write_text(
        "<html><head><title>Road closures</title></head><body><article><h1>Road closures</h1>"
        "<p>These roads are closed until Friday:</p><ul><li>Fjord road</li><li>Mill lane</li></ul>"
        "<table><tr><td>Detour</td><td>Vestby</td></tr></table></article></body></html>",
        encoding="utf-8",
    )
    (article,), _ = load_one(page)
    assert article.text == (
        "Road closures\n\nThese roads are closed until Friday:\n\nFjord road\nMill lane\n\nDetour | Vestby"
    )
    empty = tmp_path / "empty.html"
    empty.write_text("<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>")
    assert "no article text found in the HTML page" in load_one(empty)[1][0].reason


BRIDGE = (
    "<p>The bridge over the Tana river will reopen to traffic in May after two years of repairs, the"
    " roads agency said on Tuesday. Work cost 240 million crowns, twice the first estimate.</p>"
    "<p>Engineers found corroded cables in 2019 and closed the bridge to lorries.</p>"
)
STRIKE = (
    "<p>Dock workers in Halvard returned to work on Wednesday after a nine-day strike over night"
    " shifts ended with a pay rise of 4 percent.</p><p>The port authority said 38 ships had waited"
    " outside the harbour during the strike.</p>"
)


def test_html_page_with_several_stories_keeps_each(tmp_path: Path) -> None:
    page = tmp_path / "briefing.html"
    page.write_text(
        "<html><head><title>Evening briefing | Halvard Gazette</title>"
        "<meta property='article:published_time' content='2021-03-02'></head><body>"
        "<nav><a href='/'>Home</a></nav><main>"
        f"<article><h1>Bridge over the Tana to reopen in May</h1>"
        f"<time datetime='2021-03-03T09:00:00Z'>3 March</time>{BRIDGE}</article>"
        f"<article><h2>Harbour strike ends after nine days</h2>{STRIKE}</article>"
        "<article class='teaser'><h2>Ferry timetable</h2><p>New times from June.</p></article>"
        "</main><section class='comments'><article><p>" + "I disagree with this. " * 20 + "</p></article>"
        "</section><footer>Subscribe to the Gazette</footer></body></html>",
        encoding="utf-8",
    )
    articles, skipped = load_one(page)
    assert skipped == []
    assert [(a.article_id, a.title, a.date, a.source) for a in articles] == [
        ("briefing#1", "Bridge over the Tana to reopen in May", dt.date(2021, 3, 3), "Halvard Gazette"),
        ("briefing#2", "Harbour strike ends after nine days", dt.date(2021, 3, 2), "Halvard Gazette"),
    ]
    assert "240 million crowns" in articles[0].text and "38 ships" not in articles[0].text
    assert "38 ships had waited" in articles[1].text and "Tana" not in articles[1].text
    for article in articles:
        for furniture in ("Home", "Subscribe", "Ferry", "disagree"):
            assert furniture not in article.text


def test_html_story_beside_teasers_is_one_article(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Bridge to reopen | Halvard Gazette</title></head><body>"
        f"<article><h1>Bridge over the Tana to reopen in May</h1>{BRIDGE}</article>"
        "<aside><article><h3>Harbour strike</h3><p>Workers back on Wednesday.</p></article></aside>"
        "</body></html>",
        encoding="utf-8",
    )
    (article,), skipped = load_one(page)
    assert skipped == [] and article.article_id == "story" and "240 million crowns" in article.text
    assert "Workers back" not in article.text


def test_markdown_front_matter_aliases_tables_and_code(tmp_path: Path) -> None:
    (article,), _ = load_one(ARTICLES / "ferry-strike.md")
    assert (article.title, article.date, article.source) == (
        "Ferry crews call off strike",
        dt.date(2017, 1, 17),
        "Coastal Herald",
    )
    path = tmp_path / "table.md"
    path.write_text(
        "Votes by party\n\n| Party | Votes |\n|---|---|\n| Left | 19 |\n| Right | 14 |\n\n"
        "```\nraw output\n```\n\n<div>Kept <b>words</b></div>\n\nA ~~struck~~ word &amp; more.\n",
        encoding="utf-8",
    )
    (article,), _ = load_one(path)
    assert article.text == (
        "Votes by party\n\nParty | Votes\nLeft | 19\nRight | 14\n\nraw output\n\nKept words\n\nA struck word & more."
    )


def test_markdown_bad_front_matter_is_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    assert "front matter is not valid YAML" in load_one(path)[1][0].reason
    dated = tmp_path / "dated.md"
    dated.write_text("---\ndate: someday\n---\nBody.\n", encoding="utf-8")
    assert "front matter: date 'someday' is not a recognised date" in load_one(dated)[1][0].reason
    # A date no calendar has is reported as the date, not as YAML the user must fix.
    dated.write_text("---\ndate: 2021-02-30\n---\nBody.\n", encoding="utf-8")
    assert "front matter: date '2021-02-30' is not a recognised date" in load_one(dated)[1][0].reason


def test_markdown_front_matter_dates_and_times(tmp_path: Path) -> None:
    path = tmp_path / "timed.md"
    for written in ("2021-03-02", "2021-03-02 10:15:00", "2021-03-02T10:15:00+02:00", "'2021-03-02'"):
        path.write_text(f"---\ntitle: Tram\ndate: {written}\n---\nThe tram opens.\n", encoding="utf-8")
        (article,), skipped = load_one(path)
        assert (article.date, skipped) == (dt.date(2021, 3, 2), []), written


def test_json_newsapi_record_and_deep_nesting(tmp_path: Path) -> None:
    (article,), skipped = load_one(ARTICLES / "coastal-feed.json")
    assert skipped == []
    assert (article.title, article.source, article.date) == (
        "Lighthouse keeper retires after 40 years",
        "Coastal Herald",
        dt.date(2017, 1, 17),
    )
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"text": "Good record."}) + "\n" + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8"
    )
    articles, skipped = load_one(feed)
    assert [a.text for a in articles] == ["Good record."]
    assert (
        skipped[0].reason
        == "line 2: JSON nested too deeply to read (objects or lists inside each other ~1,000 levels)"
    )


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", "Caf\u00e9 owners said \u201cwe are ready\u201d \u2014 the mayor agreed.\n"),
        ("latin-1", "Br\u00e5tebakken p\u00e5 H\u00f8vik: \u00c6rlig talt, sa \u00d8rjan.\n"),
        (
            "cp1251",
            "\u041f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442 \u0437\u0430\u044f\u0432\u0438\u043b "
            "\u0432\u043e \u0432\u0442\u043e\u0440\u043d\u0438\u043a, \u0447\u0442\u043e "
            "\u043f\u0435\u0440\u0435\u0433\u043e\u0432\u043e\u0440\u044b \u043f\u0440\u043e\u0434\u043e\u043b"
            "\u0436\u0430\u0442\u0441\u044f.\n",
        ),
        ("utf-16", "Ferry story in UTF-16 with a byte order mark.\n"),
    ],
)
def test_text_in_other_encodings_is_decoded(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(encoding))
    (article,), skipped = load_one(path)
    assert skipped == [] and article.text == text


def test_short_cp1252_text_is_not_taken_for_another_script(tmp_path: Path) -> None:
    """charset-normalizer alone guesses cp1006 (Urdu) for these bytes."""
    path = tmp_path / "cafe.txt"
    path.write_bytes("Caf\u00e9 story".encode("cp1252"))
    (article,), _ = load_one(path)
    assert article.text == "Caf\u00e9 story"


def test_binary_without_nul_bytes_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(1, 32)) * 40 + bytes(range(128, 256)) * 8)
    articles, skipped = load_one(path)
    assert articles == [] and skipped[0].reason.startswith("binary file")


def test_read_turns_library_failures_into_load_errors() -> None:
    for suffix, content in [(".pdf", b"%PDF-1.7\n" + b"\x00" * 50), (".docx", b"PK\x05\x06" + b"\x00" * 18)]:
        with pytest.raises(LoadError):
            read(format_for(suffix), content)
