"""Metadata parsed from the text of the bundled corpus and of crafted openings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from index.loaders import load_paths
from index.metadata import headline_from_lead, parse_text_metadata, split_title
from index.outlets import outlet_from_url
from rag.settings import BUNDLED_CORPUS

pytestmark = pytest.mark.unit

EXPECTED = {
    # article id: (title, date, dateline, source after sidecars)
    # No title line: a headline is made from the lead sentence.
    "000_2dcdf8dd29bf5d80": (
        "Fighting between Islamic State and the Syrian army has killed dozens in Deir al-Zor",
        dt.date(2017, 1, 17),
        "BEIRUT",
        None,
    ),
    "001_aba8e4193e5ca6f2": ("Syria war: Dozens dead in IS attack on Deir al-Zour", None, None, "BBC News"),
    "002_3598194b84453929": ("Syria rebels say will attend Astana negotiations", None, "DAMASCUS", "AFP"),
    "003_45ef8bfc82b231bc": (
        "Syrian rebel negotiator Mohammad Alloush said on Monday he would head the rebel delegation…",
        dt.date(2017, 1, 17),
        "AMMAN",
        None,
    ),
    "004_7dbd45bfcd338f02": (
        "Dozens killed in ISIS and regime clashes in Syria, monitor says",
        None,
        None,
        None,
    ),
}


def test_bundled_corpus_metadata_exact() -> None:
    result = load_paths([BUNDLED_CORPUS], max_file_mb=20)
    assert result.skipped == []
    found = {a.article_id: (a.title, a.date, a.dateline, a.source) for a in result.articles}
    assert found == EXPECTED


def test_text_is_the_file_less_its_date_prefix() -> None:
    """Only the dump's leading "date 2017-01-17 PLACE -" is cut (it is stored as metadata)."""
    result = load_paths([BUNDLED_CORPUS], max_file_mb=20)
    cut = {}
    for article in result.articles:
        with open(article.path, encoding="utf-8", newline="") as handle:
            original = handle.read()
        assert original.endswith(article.text)
        cut[article.article_id] = original[: len(original) - len(article.text)]
    assert cut == {
        "000_2dcdf8dd29bf5d80": " date 2017-01-17 BEIRUT - ",
        "001_aba8e4193e5ca6f2": "",
        "002_3598194b84453929": "",
        "003_45ef8bfc82b231bc": " date 2017-01-17 AMMAN \u2014 ",
        "004_7dbd45bfcd338f02": "",
    }


def test_text_alone_gives_no_publisher_for_the_sidecar_articles() -> None:
    """'Image copyright Reuters' (001) and 'told AFP' (000, 003) are not publishers."""
    for name in ("000_2dcdf8dd29bf5d80", "001_aba8e4193e5ca6f2", "003_45ef8bfc82b231bc"):
        text = (BUNDLED_CORPUS / f"{name}.txt").read_text(encoding="utf-8")
        assert parse_text_metadata(text).source is None


@pytest.mark.parametrize(
    ("opening", "dateline", "source"),
    [
        ("BEIRUT (Reuters) - Syrian forces advanced on Monday.", "BEIRUT", "Reuters"),
        ("LONDON, Jan 17 (Reuters) - The pound fell.", "LONDON", "Reuters"),
        ("GENEVA (AFP) — Talks resumed on Tuesday.", "GENEVA", "AFP"),
        ("WASHINGTON, D.C. (AP) - Lawmakers met.", "WASHINGTON", "AP"),
        ("NEW YORK - Stocks rose on Friday.", "NEW YORK", None),
        ("An official told AFP that talks would resume.", None, None),
        ("=== RESTRICTED TO EDITORIAL USE - MANDATORY CREDIT AFP", None, None),
        ("Mohammad Alloush said (Reuters) - nothing", None, None),
        ("WASHINGTON, March 3, 2019 (AP) \u2014 Lawmakers met.", "WASHINGTON", "AP"),
        ("PARIS, 3 March 2019 (AFP) - Talks resumed.", "PARIS", "AFP"),
    ],
)
def test_dateline_and_credit(opening: str, dateline: str | None, source: str | None) -> None:
    meta = parse_text_metadata(opening)
    assert (meta.dateline, meta.source) == (dateline, source)


def test_a_labelled_header_block_gives_title_date_and_outlet_without_its_labels() -> None:
    text = (
        "Source: Oslo Times\nHeadline: Harbour in Oslo reopens\nDate: 2020-05-03\n\n"
        "The harbour in Oslo reopened on Sunday after two months of repairs, the city said."
    )
    meta = parse_text_metadata(text)
    assert (meta.title, meta.date, meta.source) == (
        "Harbour in Oslo reopens",
        dt.date(2020, 5, 3),
        "Oslo Times",
    )
    assert (
        parse_text_metadata("Title: Harbour in Oslo reopens\n\nIt reopened.").title
        == "Harbour in Oslo reopens"
    )
    # A label with nothing after it is no headline; nor is "Title:" inside a sentence.
    assert parse_text_metadata("Title:\n\nThe harbour reopened.").title is None
    assert parse_text_metadata("The film's title: a secret\n\nIt opens.").title != "a secret"


def test_reuters_signoff_names_the_publisher() -> None:
    text = "Title line\n\nSomething happened.\n\n(Reporting by Tom Perry; Editing by Alison Williams)"
    assert parse_text_metadata(text).source == "Reuters"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        (" date 2017-01-17 BEIRUT - Fighting", dt.date(2017, 1, 17)),
        ("January 17, 2017\n\nHeadline here\n\nBody.", dt.date(2017, 1, 17)),
        ("Headline here\nPublished: 17 January 2017 10:30 GMT\n\nBody.", dt.date(2017, 1, 17)),
        ("2017-01-17\nBody text.", dt.date(2017, 1, 17)),
        ("Updated Jan. 3, 2019\nBody.", dt.date(2019, 1, 3)),
        # A date inside a sentence (a caption, an event) is not the publication date.
        ("Headline\n\nRefugees gathered on 23 October 2016 near the border.", None),
        ("The talks begin on January 23, 2017 in Astana.", None),
        # A dateline, a dated lead or a byline gives the date when it carries the year.
        ("Headline\n\nWASHINGTON, March 3, 2019 (AP) \u2014 Lawmakers met.", dt.date(2019, 3, 3)),
        ("Headline\n\nPARIS, 3 March 2019 (AFP) - Talks resumed.", dt.date(2019, 3, 3)),
        ("Headline\n\nMarch 3, 2019 - Talks resumed on Monday.", dt.date(2019, 3, 3)),
        ("Headline\nBy Jane Doe | March 3, 2019\n\nTalks resumed.", dt.date(2019, 3, 3)),
        ("Headline\n\nLONDON, Jan 17 (Reuters) - The pound fell.", None),
        ("Headline\n\nIn 2019 - a bad year - the bridge closed.", None),
    ],
)
def test_publication_date(text: str, date: dt.date | None) -> None:
    assert parse_text_metadata(text).date == date


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Short headline\n\nBody sentence here.", "Short headline"),
        ("Middle East\n\nSyria war: Dozens dead\n\nBody.", "Syria war: Dozens dead"),
        ("This is a whole sentence that ends with a period.\nMore.", None),
        ("and then it continued\nMore.", None),
        ("By John Smith, Reuters\nHeadline after byline\n\nBody.", "Headline after byline"),
        (" date 2017-01-17 BEIRUT - Fighting between groups killed dozens.", None),
    ],
)
def test_title(text: str, title: str | None) -> None:
    assert parse_text_metadata(text).title == title


ARTICLES = Path(__file__).parent / "articles"

# The tests' own folder of articles, one per way outlets, dates and titles are written.
FOLDER_EXPECTED = {
    # article id: (title, date, dateline, source)
    "cabin-thefts": (
        "Police in Trondheim arrested two men on Wednesday over a string of break-ins…",
        dt.date(2017, 1, 18),
        "TRONDHEIM",
        None,
    ),
    "coastal-feed": (
        "Lighthouse keeper retires after 40 years",
        dt.date(2017, 1, 17),
        None,
        "Coastal Herald",
    ),
    "council-budget": (
        "Council approves school budget after late-night vote",
        dt.date(2017, 1, 17),
        None,
        None,
    ),
    "ferry-strike": ("Ferry crews call off strike", dt.date(2017, 1, 17), None, "Coastal Herald"),
    "gazette-bridge": (
        "Old bridge reopens after storm repairs",
        dt.date(2017, 1, 17),
        None,
        "Halvard Gazette",
    ),
    "marseille-port": (
        "Dock workers in Marseille blocked the city's container terminal on Tuesday in protest…",
        dt.date(2017, 1, 17),
        "MARSEILLE",
        "AFP",
    ),
    "nordwire-harbour": (
        "The port authority in Halvard reopened the northern harbour on Monday",
        None,
        "HALVARD",
        "Nordwire",
    ),
    "power-prices": ("Power prices hit record as cold snap grips the north", None, None, "Reuters"),
    "ski-jump": ("Ski jump hill to host junior championships", dt.date(2017, 1, 17), None, None),
    "url-only": ("The paper mill in Storelva will close in March", None, None, "valleytimes.example"),
    "valley-floods": ("Floods close schools across the valley", dt.date(2017, 1, 17), None, "BBC News"),
}


def test_folder_of_test_articles_metadata_exact() -> None:
    result = load_paths([ARTICLES], max_file_mb=20)
    assert result.skipped == []
    found = {a.article_id: (a.title, a.date, a.dateline, a.source) for a in result.articles}
    assert found == FOLDER_EXPECTED


def test_leading_date_lines_leave_the_body() -> None:
    result = load_paths([ARTICLES], max_file_mb=20)
    opening = {a.article_id: a.text[:24] for a in result.articles}
    assert opening["cabin-thefts"] == "Police in Trondheim arre"
    assert opening["marseille-port"] == "MARSEILLE (AFP) - Dock w"
    assert opening["ski-jump"] == "Ski jump hill to host ju"
    assert opening["valley-floods"] == "Floods close schools acr"  # a date under the title stays


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("HALVARD, Norway (Nordwire) - The harbour reopened on Monday.", "Nordwire"),
        ("Floods close schools\n\nBBC News\n\nSchools stayed shut.", "BBC News"),
        ("Prices rise\n\nPrices rose on Tuesday.\n\n\u2014 Reuters", "Reuters"),
        ("Prices rise\n\nPrices rose on Tuesday.\n\nSource: Coastal Herald", "Coastal Herald"),
        (
            "Prices rise\n\nPrices rose on Tuesday.\n\n\u00a9 2017 Halvard Gazette. All rights reserved.",
            "Halvard Gazette",
        ),
        ("By Marta Lien, Halvard Gazette\nBridge reopens\n\nThe bridge reopened.", "Halvard Gazette"),
        # Sections, people and credits inside sentences or captions are not outlets.
        ("World News\n\nBridge reopens\n\nThe bridge reopened.", None),
        ("By Marta Lien, Staff Writer\nBridge reopens\n\nThe bridge reopened.", None),
        ("Letter\n\nThe bridge should reopen.\n\n- Marta Lien", None),
        ("Bridge reopens\n\nA photo. Image copyright Reuters\n\nThe bridge reopened.", None),
    ],
)
def test_outlet_from_credits(text: str, source: str | None) -> None:
    assert parse_text_metadata(text).source == source


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Old bridge reopens | Halvard Gazette", None, ("Old bridge reopens", "Halvard Gazette")),
        ("Lighthouse keeper retires - Coastal Herald", None, ("Lighthouse keeper retires", "Coastal Herald")),
        ("Floods close schools - BBC News", None, ("Floods close schools", "BBC News")),
        ("Syria war - what we know", None, ("Syria war - what we know", None)),
        ("Storm - Halvard", None, ("Storm - Halvard", None)),
        ("Bridge reopens :: Vestby Posten", "Vestby Posten", ("Bridge reopens", "Vestby Posten")),
        ("Home | Gazette", None, ("Home | Gazette", None)),
    ],
)
def test_site_suffix_leaves_the_title(title: str, site: str | None, expected: tuple) -> None:
    assert split_title(title, site) == expected


@pytest.mark.parametrize(
    ("body", "headline"),
    [
        ("Ferries resume on Monday. More text follows here.", "Ferries resume on Monday"),
        (
            "OSLO (NTB) - Ferries resume on Monday, the operator said.\n\nMore.",
            "Ferries resume on Monday, the operator said",
        ),
        ("1234 5678", None),
        ("Word", None),
    ],
)
def test_headline_from_lead(body: str, headline: str | None) -> None:
    assert headline_from_lead(body) == headline


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.bbc.co.uk/news/world-38649467", "BBC News"),
        ("https://uk.reuters.com/article/x", "Reuters"),
        ("https://www.valleytimes.example/news/1", "valleytimes.example"),
        ("http://127.0.0.1/x", None),
        ("not a url", None),
        ("http://[broken", None),
    ],
)
def test_outlet_from_url(url: str, outlet: str | None) -> None:
    assert outlet_from_url(url) == outlet


def test_sidecar_null_title_is_not_replaced_by_a_headline(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("The harbour reopened on Monday after repairs.\n", encoding="utf-8")
    (article,) = load_paths([path], max_file_mb=20).articles
    assert article.title == "The harbour reopened on Monday after repairs"
    (tmp_path / "x.txt.meta.json").write_text('{"title": null}', encoding="utf-8")
    (article,) = load_paths([path], max_file_mb=20).articles
    assert article.title is None
