"""Metadata parsed from the text of the bundled corpus and of crafted openings."""

from __future__ import annotations

import datetime as dt

import pytest

from index.loaders import load_paths
from index.metadata import parse_date, parse_text_metadata
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
    ],
)
def test_dateline_and_credit(opening: str, dateline: str | None, source: str | None) -> None:
    meta = parse_text_metadata(opening)
    assert (meta.dateline, meta.source) == (dateline, source)


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
    ],
)
def test_publication_date(text: str, date: dt.date | None) -> None:
    assert parse_text_metadata(text).date == date


def test_parse_date_forms() -> None:
    assert parse_date("2017-01-17T10:00:00Z") == dt.date(2017, 1, 17)
    assert parse_date("2017/1/7") == dt.date(2017, 1, 7)
    assert parse_date("20170117") == dt.date(2017, 1, 17)
    assert parse_date("Sept. 5, 2018") == dt.date(2018, 9, 5)
    assert parse_date("5th March 2020") == dt.date(2020, 3, 5)
    assert parse_date("2017-02-30") is None
    assert parse_date("yesterday") is None


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
