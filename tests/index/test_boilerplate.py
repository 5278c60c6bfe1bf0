"""Page furniture left out of an article's text: which lines count, and what is kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.boilerplate import is_boilerplate, strip_boilerplate
from index.loaders import load_paths

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to The Valley Courier for unlimited access to our journalism.",
        "Sign up for CNN's Wonder Theory science newsletter.",
        "Editor's Note: Sign up for Unlocking the World, CNN Travel's weekly newsletter.",
        "We use cookies to personalise content and ads.",
        "By continuing to browse you accept our cookie policy.",
        "Contributing: Jane Roe, USA TODAY",
        "Reporting by Ellen Francis; Editing by Alex Richardson",
        "The Associated Press contributed to this report.",
        "Follow us on Twitter @valleycourier",
        "Follow Yahoo Finance on Twitter, Facebook, Instagram, Flipboard, LinkedIn, and YouTube",
        "Download the Yahoo Finance app for Apple or Android",
        "CLICK HERE TO GET THE FOX NEWS APP",
        "Read more: The week's top stories",
        "Story continues below advertisement",
        "Advertisement",
        "Copyright 2024 Valley Courier Media. All rights reserved.",
        "Already a subscriber? Log in to continue reading.",
    ],
)
def test_page_furniture_is_recognised(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Written by the governor himself, the letter was leaked on Monday.",
        "Reporting by the BBC showed that the army lost 12 men.",
        "Register to vote by Friday, officials said.",
        "Advertisers fled the platform after the post.",
        "Police said the suspects would follow the river on foot.",
        "The regulator fined the company because its website uses cookies without consent, a practice "
        "the agency said affected millions of users across the bloc and had gone on for years before "
        "the complaint was filed by a consumer group in Brussels last spring.",
        "",
    ],
)
def test_story_sentences_are_kept(line: str) -> None:
    assert not is_boilerplate(line)


def test_only_furniture_lines_go_and_a_clean_text_is_returned_as_it_was() -> None:
    text = "Floods hit the valley.\n\nSubscribe to our newsletter today.\n\n\nThe river rose 3 metres.\nAdvertisement\n"
    assert strip_boilerplate(text) == "Floods hit the valley.\n\nThe river rose 3 metres."
    clean = "  Floods hit the valley.\nThe river rose.  \n"
    assert strip_boilerplate(clean) is clean


def test_a_page_of_nothing_but_furniture_keeps_its_title() -> None:
    wall = "We use cookies to improve your experience.\nAccept all cookies to continue reading."
    assert strip_boilerplate(wall, "Volcano erupts near Grindavik") == "Volcano erupts near Grindavik"
    assert strip_boilerplate(wall) == wall, "without a title nothing would be left: the text stays"


def test_loaded_articles_leave_furniture_out_and_keep_a_consent_wall_by_its_title(tmp_path: Path) -> None:
    records = [
        {
            "id": "story",
            "title": "Dam repaired",
            "text": "Engineers closed the gates.\nContributing: Jane Roe",
        },
        {"id": "wall", "title": "Volcano erupts near Grindavik", "text": "We use cookies on this site."},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    articles = {a.record: a for a in load_paths([path], max_file_mb=20).articles}
    assert articles["story"].text == "Engineers closed the gates."
    assert articles["wall"].text == "Volcano erupts near Grindavik"
    assert articles["wall"].title == "Volcano erupts near Grindavik"
