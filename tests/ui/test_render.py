"""HTML rendering of answers and sources: escaping of untrusted text, citation links, notices."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from html.parser import HTMLParser

import pytest

from rag.citations import parse_answer
from rag.citations import render as render_drafts
from rag.evidence import passage_range, source_document
from rag.types import (
    OTHER_LANGUAGE_TEXT,
    QUOTED_NOTE,
    UNCHECKED_TEXT,
    Answer,
    Conflict,
    ConflictSide,
    EvidenceSpan,
    Passage,
    Sentence,
    Source,
)
from rag.verifier.facts import needs_support
from rag.verifier.scorer import SupportScorer
from rag.verifier.verify import verify
from ui import render, render_index

pytestmark = pytest.mark.unit

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "<svg onload=alert(1)>",
    '"><a href="javascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)></iframe>",
]


class Collector(HTMLParser):
    """Every tag and attribute the browser would build from a piece of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


# Only the markup ui.render writes itself.
ALLOWED_TAGS = set(
    re.findall(r"\w+", "a span div br b ul li mark blockquote details summary table tr th td p code")
)


def assert_inert(html: str, payload: str) -> None:
    """No element or attribute from the payload; the payload survives as visible text."""
    doc = parse(html)
    for tag, attrs in doc.tags:
        assert tag in ALLOWED_TAGS, f"unexpected element <{tag}> in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler attribute {name} in {html!r}"
            assert "javascript:" not in (value or "").lower()
    assert payload in "".join(doc.text)


def passage(text: str, **extra) -> Passage:
    base = dict(chunk_id="c1", article_id="a1", text=text, start=0, end=len(text))
    base.update(extra)
    return Passage(**base)


def answer_with(text: str, sentences: list[Sentence], sources: list[Source], **extra) -> Answer:
    return Answer(
        question="q?", standalone_question="q?", text=text, sentences=sentences, sources=sources, **extra
    )


def test_escape_covers_quotes_and_markup():
    assert render.escape('<a href="x">\'') == "&lt;a href=&quot;x&quot;&gt;&#x27;"
    assert render.escape(None) == ""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_answer_text_from_the_model_is_inert(payload):
    text = f"Figures rose {payload} sharply [1]."
    answer = answer_with(
        text,
        [Sentence(text=text, start=0, end=len(text), citations=[1], supported=False, support=0.1)],
        [Source(number=1, passage=passage("Figures rose sharply."))],
    )
    html = render.render_answer(answer, 0)
    assert_inert(html, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_article_text_title_source_and_url_are_inert(payload):
    evil = passage(
        f"Before {payload} after.",
        title=f"Title {payload}",
        source=f"Outlet {payload}",
        url="javascript:alert(1)",
        dateline=payload,
    )
    copy = passage(payload, chunk_id="c2", article_id="a2", title=payload, source=payload)
    answer = answer_with("Before after [1].", [], [Source(number=1, passage=evil, corroborating=[copy])])
    html = render.render_sources_panel([answer], lambda article_id: f"Full {payload} text")
    assert_inert(html, payload)
    assert 'href="javascript' not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_question_conflicts_refusals_status_and_reports_are_inert(payload):
    assert_inert(render.render_user(payload), payload)
    conflict = answer_with(
        "x",
        [],
        [Source(number=1, passage=passage("a"))],
        conflicts=[
            Conflict(topic=payload, sides=[ConflictSide(value=payload, source_number=1, source=payload)])
        ],
    )
    assert_inert(render.render_answer(conflict, 0), payload)
    refusal = answer_with(payload, [], [], refused=True, refusal_reason=payload)
    assert_inert(render.render_answer(refusal, 0), payload)
    assert_inert(render_index.render_status({"articles": 1, "mode": payload}, {"answer": "m"}), payload)
    report = {"added": 1, "skipped": [{"path": f"/up/{payload}.txt", "reason": payload}]}
    assert_inert(render_index.render_index_report(report, ["a.txt"]), payload)
    assert_inert(render.render_streaming(payload), payload)
    assert_inert(render.render_error(payload), payload)


def test_markers_of_known_sources_become_anchor_links():
    text = "Eighty-two died [1]. Talks start January 23 [2, 3]. Unknown [9]."
    sentences = [
        Sentence(text="Eighty-two died [1].", start=0, end=20, citations=[1]),
        Sentence(text="Talks start January 23 [2, 3].", start=21, end=51, citations=[2, 3]),
    ]
    sources = [Source(number=n, passage=passage(f"p{n}", chunk_id=f"c{n}")) for n in (1, 2, 3)]
    html = render.render_answer(answer_with(text, sentences, sources), 4)
    links = [attrs["href"] for tag, attrs in parse(html).tags if tag == "a"]
    assert links == ["#src-4-1", "#src-4-2", "#src-4-3"]
    assert "[9]" in html  # no source 9: left as text, not a dead link


def test_citations_without_inline_marker_are_appended_to_the_sentence():
    text = "Eighty-two people died."
    answer = answer_with(
        text,
        [Sentence(text=text, start=0, end=len(text), citations=[2])],
        [Source(number=2, passage=passage("x"))],
    )
    html = render.render_answer(answer, 0)
    assert html.index("died.") < html.index('href="#src-0-2"')


def escape_text(text: str) -> str:
    return html_lib.escape(text, quote=True)


def test_unsupported_sentences_are_marked_and_supported_ones_are_not():
    text = "Supported claim [1]. Invented claim [1]. The sources differ."
    answer = answer_with(
        text,
        [
            Sentence(text="Supported claim [1].", start=0, end=20, citations=[1], support=0.9),
            Sentence(
                text="Invented claim [1].", start=21, end=40, citations=[1], supported=False, support=0.12
            ),
            Sentence(text="The sources differ.", start=41, end=60, supported=False, needs_citation=False),
        ],
        [Source(number=1, passage=passage("Supported claim."))],
    )
    html = render.render_answer(answer, 0)
    assert html.count('class="unsupported"') == 1
    assert html.count("not backed by the sources") == 1
    marked = re.search(r'<span class="unsupported"[^>]*>(.*?)</span>', html).group(1)
    assert "Invented claim" in marked and "Supported claim" not in marked
    assert "0.12" not in html and not re.search(r"\bsupport\b", html)  # no scores for readers


def test_refusal_shows_the_plain_reason_with_a_drawn_icon_and_no_emoji():
    reason = "No article in the archive mentions the 2017 French election. The closest articles are: “Astana talks” (AFP, 17 January 2017)."
    refusal = answer_with(
        "The archive does not hold the answer to this question.", [], [], refused=True, refusal_reason=reason
    )
    html = render.render_answer(refusal, 0)
    assert "Not in the archive." in html and escape_text(reason) in html
    assert '<span class="icon icon-info"' in html
    assert not re.search(r"[\U0001F300-\U0001FAFF]", html), "emoji signs have no glyph in a stock browser"


def test_a_refused_reply_is_not_said_to_be_missing_from_the_archive():
    """Only a question nothing in the archive matches is "Not in the archive."; a reply refused for
    want of backing says no checked answer was found, since another article may hold it."""
    reason = "The reply the model wrote is not backed by the articles it was given."
    refusal = answer_with(UNCHECKED_TEXT, [], [], refused=True, refusal_reason=reason)
    html = render.render_answer(refusal, 0)
    assert "No checked answer." in html and "Not in the archive." not in html
    assert "No answer backed by the archive was found" in html and escape_text(reason) in html


def test_a_question_in_another_language_is_headed_with_what_to_do():
    reason = "The question looks like Spanish and the articles are in English; search and checks match words."
    refusal = answer_with(OTHER_LANGUAGE_TEXT, [], [], refused=True, refusal_reason=reason)
    html = render.render_answer(refusal, 0)
    assert "<b>Ask in the articles' language.</b>" in html
    assert "Not in the archive." not in html and "No checked answer." not in html
    assert escape_text(OTHER_LANGUAGE_TEXT) in html and escape_text(reason) in html


def test_an_answer_being_written_marks_the_draft_as_being_checked():
    empty = render.render_progress([], "")
    assert render.SEARCHING in empty and "streaming" not in empty
    draft = render.render_progress([], "Around 200,000 people <b>live</b>")
    assert render.CHECKING in draft and 'class="draft-text streaming"' in draft
    assert 'class="answer' not in draft  # nothing is shown as the answer yet
    assert "&lt;b&gt;live&lt;/b&gt;" in draft
    checked = [
        Sentence(text="Around 200,000 people live there [1].", start=0, end=37, citations=[1]),
        Sentence(text="It is besieged [2].", start=38, end=57, citations=[2], supported=False),
    ]
    html = render.render_progress(checked, "The next one")
    answer_part, draft_part = html.split('<div class="draft"', 1)
    assert "200,000" in answer_part and "besieged" in answer_part and "The next one" in draft_part
    assert answer_part.count('class="unsupported"') == 1
    again = render.render_progress([], "", "Asking <again>…")
    assert "Asking &lt;again&gt;…" in again and render.CHECKING not in again and render.SEARCHING not in again
    stopped = render.render_stopped()
    assert "Stopped." in stopped and "notice-stopped" in stopped


def test_refusal_and_conflict_are_distinct_notices():
    refusal = answer_with("The archive does not hold the answer to this question.", [], [], refused=True)
    assert "notice-refusal" in render.render_answer(refusal, 0)
    conflict = answer_with(
        "Tolls differ [1][2].",
        [],
        [
            Source(number=1, passage=passage("82 dead")),
            Source(number=2, passage=passage("12 dead", chunk_id="c2")),
        ],
        conflicts=[
            Conflict(
                topic="death toll",
                sides=[
                    ConflictSide(value="82", source_number=1, source="AFP", date=dt.date(2017, 1, 17)),
                    ConflictSide(value="12", source_number=2, source="BBC"),
                ],
            )
        ],
    )
    html = render.render_answer(conflict, 1)
    assert "notice-conflict" in html and "notice-refusal" not in html
    assert "82" in html and "12" in html and "2017-01-17" in html and 'href="#src-1-2"' in html
    assert "notice-quoted" not in html
    quoted = render.render_answer(conflict.model_copy(update={"quoted": True, "conflicts": []}), 1)
    assert "notice-quoted" in quoted and html_lib.escape(QUOTED_NOTE) in quoted


def test_source_card_highlights_the_cited_sentence_and_lists_copies():
    text = "Talks open in Astana. At least 82 people were killed in Deir al-Zor on Monday. Weather was cold."
    source = Source(
        number=1,
        passage=passage(text, title="Clashes", source="AFP", date=dt.date(2017, 1, 17)),
        corroborating=[passage("same", chunk_id="c9", article_id="a9", source="Reuters", title="Copy")],
    )
    claim = "At least 82 people were killed in Deir al-Zor [1]."
    drafts = parse_answer(claim, 1)
    verify(drafts, {1: source_document(source)}, SupportScorer(), needs_support, {1: passage_range(source)})
    answer = answer_with(*render_drafts(drafts), [source])
    html = render.render_sources_panel([answer], {"a1": "FULL ONE", "a9": "FULL NINE"}.get)
    marked = re.findall(r'<mark class="cited-span">(.*?)</mark>', html)
    assert marked == ["At least 82 people were killed in Deir al-Zor on Monday."]
    assert 'id="src-0-1"' in html and "Clashes" in html and "AFP" in html and "2017-01-17" in html
    assert "Reuters" in html and "FULL ONE" in html and "FULL NINE" in html


def test_a_copy_without_an_outlet_is_listed_by_its_title_alone():
    """A wire copy scraped without its outlet was listed as "unknown outlet — Title"."""
    source = Source(
        number=1,
        passage=passage("Talks open in Astana.", title="Clashes", source="AFP"),
        corroborating=[passage("same", chunk_id="c9", article_id="a9", title="Copy of the story")],
    )
    html = render.render_source_card(source, turn=0, spans=[], lookup=None)
    assert "<li>Copy of the story" in html and "unknown" not in html


def test_uncited_sources_are_folded_but_keep_their_anchor():
    sources = [Source(number=1, passage=passage("a")), Source(number=2, passage=passage("b", chunk_id="c2"))]
    answer = answer_with("A [1].", [Sentence(text="A [1].", start=0, end=6, citations=[1])], sources)
    html = render.render_turn_sources(answer, 0, None)
    assert html.index('id="src-0-1"') < html.index("src-others") < html.index('id="src-0-2"')


def test_earlier_turns_stay_linkable_in_the_panel():
    first = answer_with("A [1].", [], [Source(number=1, passage=passage("a"))])
    second = answer_with("B [1].", [], [Source(number=1, passage=passage("b", chunk_id="c2"))])
    html = render.render_sources_panel([first, second], None)
    assert 'id="src-1-1"' in html and 'id="src-0-1"' in html
    assert html.index('id="src-1-1"') < html.index('id="src-0-1"')


def test_a_card_highlights_the_spans_the_verifier_kept_and_a_stored_answer_without_them_nothing():
    text = "Talks open in Astana. At least 82 people were killed. Weather was cold."
    source = Source(number=1, passage=passage(text))
    claim = "At least 82 people were killed [1]."
    kept = Sentence(
        text=claim,
        start=0,
        end=len(claim),
        citations=[1],
        evidence=[EvidenceSpan(source=1, start=22, end=53)],
    )
    html = render.render_turn_sources(answer_with(claim, [kept], [source]), 0, None)
    assert re.findall(r'<mark class="cited-span">(.*?)</mark>', html) == ["At least 82 people were killed."]
    stored = Sentence.model_validate({"text": claim, "start": 0, "end": len(claim), "citations": [1]})
    html = render.render_turn_sources(answer_with(claim, [stored], [source]), 0, None)
    assert "cited-span" not in html and 'id="src-0-1"' in html


def test_status_names_figures_and_models():
    html = render_index.render_status(
        {
            "articles": 5,
            "chunks": 40,
            "duplicate_groups": 3,
            "location": "/secret/path",
            "size_bytes": 2_500_000,
        },
        {"embedding": "all-MiniLM-L6-v2", "answer": "qwen"},
    )
    text = " ".join(parse(html).text)
    for expected in (
        "articles",
        "5",
        "chunks",
        "40",
        "passages shared by several articles",
        "3",
        "2.5 MB",
        "all-MiniLM-L6-v2",
        "qwen",
    ):
        assert expected in text
    assert "/secret/path" not in html


def test_index_report_names_skipped_files_and_reasons():
    report = {
        "added": 2,
        "updated": 0,
        "unchanged": 1,
        "chunks_added": 9,
        "skipped": [{"path": "/data/uploads/broken.json", "reason": "invalid JSON at line 1"}],
    }
    html = render_index.render_index_report(report, ["a.txt", "b.txt", "broken.json"])
    assert "2 added" in html and "9 chunk(s) indexed" in html
    assert "broken.json" in html and "invalid JSON at line 1" in html and "/data/uploads" not in html
    refused = render_index.render_index_report({"skipped": [{"path": ".profile", "reason": "hidden file"}]})
    assert "Uploaded 0 file(s):</b> nothing to index." in refused and ".profile" in refused


def test_an_upload_of_thousands_of_bad_files_names_fifty_and_counts_the_rest_by_reason():
    skipped = [{"path": f"/up/empty_{i}.txt", "reason": "empty file"} for i in range(3000)]
    skipped += [
        {"path": f"/up/big_{i}.pdf", "reason": f"too large ({30 + i} MB; the limit is 20 MB)"}
        for i in range(7)
    ]
    html = render_index.render_index_report({"added": 1, "skipped": skipped}, ["x"] * 3008)
    assert html.count("<li>") == render_index.SKIPPED_SHOWN + 1
    assert "… and 2957 more. All 3007 by reason: empty file (3000), too large (7)" in html
    assert "empty_0.txt" in html and "empty_2999.txt" not in html


def test_updates_over_time_are_told_apart_from_rival_accounts():
    update = Conflict(
        topic="death toll",
        kind="update",
        sides=[
            ConflictSide(value="40", source_number=1, date=dt.date(2017, 1, 15)),
            ConflictSide(value="82", source_number=1, date=dt.date(2017, 1, 17)),
        ],
    )
    answer = answer_with("Toll rose [1].", [], [Source(number=1, passage=passage("x"))], conflicts=[update])
    html = render.render_answer(answer, 0)
    assert "notice-update" in html and "notice-conflict" not in html
    assert html.index("40") < html.index("82")


def test_status_line_sums_up_the_index():
    line = render_index.render_status_line(
        {"articles": 5, "chunks": 30, "duplicate_groups": 6}, {"embedding": "minilm", "answer": "<b>m</b>"}
    )
    assert "5 articles · 30 chunks · 6 passages shared by several articles" in line
    assert "minilm" in line and "&lt;b&gt;m&lt;/b&gt;" in line
