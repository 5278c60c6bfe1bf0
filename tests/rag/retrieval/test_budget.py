"""Token budget and the prompt format of a source."""

from __future__ import annotations

import datetime as dt

import pytest

from rag.retrieval.budget import fit_budget, format_context, format_source, trim_source
from rag.tokens import count_tokens
from rag.types import Source
from tests.rag.retrieval.helpers import passage

pytestmark = pytest.mark.unit

SENTENCES = [
    "Islamic State militants have launched a fierce assault on government-held areas.",
    "Twelve government soldiers and 20 IS fighters were killed, the monitor said.",
    "At least two civilians were also killed in IS rocket fire on the city.",
    "The jihadists have besieged government-held parts of the city since early 2015.",
]


def source(chunk_id: str, text: str, **kw) -> Source:
    return Source(number=99, passage=passage(chunk_id, text=text, **kw))


def test_format_shows_number_title_source_date_and_the_exact_text() -> None:
    s = Source(
        number=2,
        passage=passage(
            "001:0", text="Body text.", title="Dozens dead", source="BBC", date=dt.date(2017, 1, 15)
        ),
    )
    assert format_source(s) == "[2] Dozens dead (BBC, 2017-01-15)\nBody text."
    bare = Source(number=1, passage=passage("004:0", text="Body."))
    assert format_source(bare) == "[1] 004\nBody."
    assert format_context([s, bare]) == format_source(s) + "\n\n" + format_source(bare)
    # The prompt's excerpts (rag.focus) are shown under the same headers.
    assert (
        format_context([s, bare], ["Body.", "Bo"])
        == "[2] Dozens dead (BBC, 2017-01-15)\nBody.\n\n[1] 004\nBo"
    )


def test_a_day_the_passage_names_by_weekday_is_shown_with_its_date() -> None:
    dated = Source(
        number=1,
        passage=passage(
            "001:0", text="Yesterday, Joe Biden announced Kamala Harris.", date=dt.date(2020, 8, 12)
        ),
    )
    assert format_source(dated).endswith("\nYesterday (11 August 2020), Joe Biden announced Kamala Harris.")
    undated = Source(number=1, passage=passage("001:0", text="Yesterday, Joe Biden announced Kamala Harris."))
    assert format_source(undated).endswith("\nYesterday, Joe Biden announced Kamala Harris.")


def test_sources_added_in_order_within_tokens_and_count() -> None:
    ranked = [source(f"a{i}:0", " ".join(SENTENCES[: i + 1])) for i in range(4)]
    result = fit_budget(ranked, context_tokens=10_000, max_sources=3)
    assert [s.passage.chunk_id for s in result.sources] == ["a0:0", "a1:0", "a2:0"]
    assert [s.number for s in result.sources] == [1, 2, 3]
    assert result.tokens == count_tokens(format_context(result.sources))


def test_a_source_that_does_not_fit_is_skipped_for_a_shorter_one() -> None:
    short = " ".join(SENTENCES[:1])
    medium = " ".join(SENTENCES[:2])
    ranked = [source("a:0", short), source("b:0", medium), source("c:0", short)]
    limit = count_tokens(format_context([source("a:0", short), source("c:0", short)])) + 5
    # b fits the budget on its own (so it is not trimmed) but not after a.
    assert count_tokens(format_source(source("b:0", medium))) < limit
    result = fit_budget(ranked, context_tokens=limit, max_sources=4)
    assert [s.passage.chunk_id for s in result.sources] == ["a:0", "c:0"]
    assert [s.number for s in result.sources] == [1, 2]
    assert result.tokens <= limit


def test_oversized_passage_trimmed_at_sentence_end_with_consistent_offsets() -> None:
    text = " ".join(SENTENCES)
    big = source("a:0", text, start=1000)
    limit = count_tokens(format_source(big)) - 5
    result = fit_budget([big], context_tokens=limit, max_sources=4)
    (kept,) = result.sources
    assert kept.passage.text == " ".join(SENTENCES[:3])
    assert kept.passage.start == 1000
    assert kept.passage.end - kept.passage.start == len(kept.passage.text)
    assert text[: len(kept.passage.text)] == kept.passage.text
    assert result.tokens <= limit


def test_first_sentence_longer_than_budget_is_cut_at_a_word() -> None:
    text = "word " * 400 + "end."
    kept = trim_source(source("a:0", text), [], context_tokens=30)
    assert kept is not None
    assert count_tokens(format_source(kept)) <= 30
    assert text.startswith(kept.passage.text) and kept.passage.text.endswith("word")


def test_nothing_fits_gives_no_sources() -> None:
    result = fit_budget([source("a:0", " ".join(SENTENCES))], context_tokens=3, max_sources=4)
    assert result.sources == [] and result.tokens == 0


def test_inputs_are_left_unchanged() -> None:
    original = source("a:0", " ".join(SENTENCES))
    fit_budget([original], context_tokens=20, max_sources=4)
    assert original.number == 99 and original.passage.text == " ".join(SENTENCES)


def test_an_article_past_its_share_waits_behind_the_other_articles() -> None:
    ranked = [
        source("a:0", "One.", article_id="a"),
        source("a:1", "Two.", article_id="a"),
        source("a:2", "Three.", article_id="a"),
        source("b:0", "Four.", article_id="b"),
        source("a:3", "Five.", article_id="a"),
        source("c:0", "Six.", article_id="c"),
    ]
    spread = fit_budget(ranked, context_tokens=1000, max_sources=4, per_article=2).sources
    assert [s.passage.chunk_id for s in spread] == ["a:0", "a:1", "b:0", "c:0"]
    assert [s.number for s in spread] == [1, 2, 3, 4]
    unlimited = fit_budget(ranked, context_tokens=1000, max_sources=4).sources
    assert [s.passage.chunk_id for s in unlimited] == ["a:0", "a:1", "a:2", "b:0"]


def test_an_article_past_its_share_still_fills_slots_no_other_article_wants() -> None:
    ranked = [source(f"a:{i}", f"Sentence {i}.", article_id="a") for i in range(3)]
    ranked.append(source("b:0", "Other.", article_id="b"))
    chosen = fit_budget(ranked, context_tokens=1000, max_sources=4, per_article=1).sources
    assert [s.passage.chunk_id for s in chosen] == ["a:0", "b:0", "a:1", "a:2"]
