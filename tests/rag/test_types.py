"""The text rules kept beside the data types."""

from __future__ import annotations

import pytest

from rag.types import search_text

pytestmark = pytest.mark.unit


def test_a_chunk_is_searched_with_its_article_title_first() -> None:
    assert (
        search_text("Dam repaired", "Engineers closed the gates.")
        == "Dam repaired\nEngineers closed the gates."
    )


def test_a_chunk_that_opens_with_the_title_is_not_given_it_twice() -> None:
    text = "Dam  repaired\n\nEngineers closed the gates."
    assert search_text("Dam repaired", text) == text
    assert search_text("Dam repaired", "# Dam repaired\nEngineers.") == "# Dam repaired\nEngineers."


@pytest.mark.parametrize("title", [None, "", "   "])
def test_without_a_title_the_text_alone_is_searched(title: str | None) -> None:
    assert search_text(title, "Engineers closed the gates.") == "Engineers closed the gates."


def test_a_title_spread_over_lines_is_one_line() -> None:
    assert search_text("Dam\n repaired ", "Text.") == "Dam repaired\nText."
