"""HTML for the chat UI: answers, source cards, notices, index status.

Everything that comes from an article or from the model is untrusted: an archived web page
may carry ``<script>`` or ``<img onerror=...>``, and a model may repeat it. Every such
string goes through :func:`escape` before it is placed in markup; the only live markup is
what this module writes itself (citation links, highlights, notices, cards), built from
escaped text and integers. The chat component is configured to take this HTML as is
(no Markdown pass), so escaped text is never re-interpreted as Markdown or LaTeX.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence

from rag.text.markers import DISPLAY_MARKER
from rag.types import (
    OTHER_LANGUAGE_TEXT,
    QUOTED_NOTE,
    REFUSAL_TEXT,
    Answer,
    Conflict,
    Passage,
    Sentence,
    Source,
)

SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def escape(text: object) -> str:
    """HTML-escape any value (quotes too, so the result is safe inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def text_to_html(text: str) -> str:
    """Escaped text with its line breaks kept (the chat shows HTML, where newlines collapse)."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br>")


def source_anchor(turn: int, number: int) -> str:
    """Id of a source card; the turn keeps ``[1]`` of different questions apart."""
    return f"src-{int(turn)}-{int(number)}"


def citation_link(turn: int, number: int) -> str:
    anchor = source_anchor(turn, number)
    return (
        f'<a class="cite" href="#{anchor}" data-target="{anchor}" '
        f'title="Show source {int(number)}">[{int(number)}]</a>'
    )


def _link_markers(escaped: str, turn: int, valid: set[int]) -> tuple[str, set[int]]:
    """Turn ``[n]`` markers of known sources into links; returns the numbers linked."""
    seen: set[int] = set()

    def replace(match: re.Match[str]) -> str:
        numbers = [int(part) for part in match.group(1).split(",")]
        if not all(n in valid for n in numbers):
            return match.group(0)
        seen.update(numbers)
        return "".join(citation_link(turn, n) for n in numbers)

    return DISPLAY_MARKER.sub(replace, escaped), seen


def render_user(question: str) -> str:
    return text_to_html(question)


ICON_INFO = '<span class="icon icon-info" aria-hidden="true">i</span>'
"""Drawn with CSS around a plain letter: the emoji info sign (U+1F6C8) has no glyph in the
fonts of a stock Debian browser and showed as an empty box."""
ICON_WARN = '<span class="icon icon-warn" aria-hidden="true">!</span>'
CHECKING = "Checking against the sources…"
SEARCHING = "Searching the archive…"


def render_streaming(text: str) -> str:
    """Draft text while tokens arrive, marked as not yet checked (never shown as the answer)."""
    return render_progress([], text)


def render_progress(checked: Sequence[Sentence], draft: str, note: str = "") -> str:
    """An answer being written: checked sentences as they come, then the unchecked draft.

    The draft is the model's raw text: it is shown greyed under a "checking" label (or ``note``,
    when the model writes a second reply) and is always replaced by the finished answer (or the
    refusal), never kept as the answer.
    """
    parts = []
    if checked:
        sentences = " ".join(_render_checked(sentence) for sentence in checked)
        parts.append(f'<div class="answer checked">{sentences}</div>')
    label = escape(note) if note else CHECKING if (draft.strip() or checked) else SEARCHING
    draft_html = f'<div class="draft-text streaming">{text_to_html(draft)}</div>' if draft.strip() else ""
    parts.append(
        f'<div class="draft" title="Not yet checked against the sources">'
        f'<div class="draft-label"><span class="spinner" aria-hidden="true"></span>{label}</div>'
        f"{draft_html}</div>"
    )
    return "".join(parts)


def _render_checked(sentence: Sentence) -> str:
    """One sentence of an answer being written; links come with the finished answer's cards."""
    body = text_to_html(sentence.text)
    if sentence.needs_citation and not sentence.supported:
        return f'<span class="unsupported">{body}</span><span class="unsupported-tag"> {ICON_WARN} not backed</span>'
    return body


def render_stopped() -> str:
    """What stays of an answer the user stopped: a plain note, nothing of the unfinished text."""
    return (
        f'<div class="notice notice-stopped">{ICON_INFO}<b>Stopped.</b> '
        "This answer was not finished and is not kept. Ask again, or ask something else.</div>"
    )


def _render_sentence(sentence: Sentence, raw: str, turn: int, valid: set[int]) -> str:
    body, linked = _link_markers(text_to_html(raw), turn, valid)
    extra = [n for n in sentence.citations if n in valid and n not in linked]
    if extra:
        # Citations the engine attached without a marker in the text: show them at the end.
        stripped = body.rstrip()
        trailing = body[len(stripped) :]
        body = stripped + "".join(citation_link(turn, n) for n in extra) + trailing
    if sentence.needs_citation and not sentence.supported:
        title = "The cited sources do not back this sentence: check it in the sources before using it."
        return (
            f'<span class="unsupported" title="{escape(title)}">{body}</span>'
            f'<span class="unsupported-tag"> {ICON_WARN} not backed by the sources</span>'
        )
    return body


def render_answer_body(answer: Answer, turn: int) -> str:
    """The answer text with linked citations and unsupported sentences marked."""
    text = answer.text
    valid = {source.number for source in answer.sources}
    sentences = sorted(
        (s for s in answer.sentences if 0 <= s.start <= s.end <= len(text)), key=lambda s: s.start
    )
    parts: list[str] = []
    cursor = 0
    for sentence in sentences:
        if sentence.start < cursor:
            continue  # overlapping spans: keep the first
        parts.append(_link_markers(text_to_html(text[cursor : sentence.start]), turn, valid)[0])
        parts.append(_render_sentence(sentence, text[sentence.start : sentence.end], turn, valid))
        cursor = sentence.end
    parts.append(_link_markers(text_to_html(text[cursor:]), turn, valid)[0])
    return "".join(parts)


def _conflict_items(conflicts: Sequence[Conflict], turn: int, valid: set[int], joiner: str) -> str:
    items = []
    for conflict in conflicts:
        sides = []
        for side in conflict.sides:
            cite = citation_link(turn, side.source_number) if side.source_number in valid else ""
            meta = ", ".join(escape(x) for x in (side.source, _fmt_date(side.date)) if x)
            sides.append(f"<b>{escape(side.value)}</b> {cite}" + (f" ({meta})" if meta else ""))
        items.append(f"<li>{escape(conflict.topic)}: {joiner.join(sides)}</li>")
    return "".join(items)


def render_conflicts(answer: Answer, turn: int) -> str:
    """Rival accounts and later updates of a figure, each as its own notice."""
    valid = {source.number for source in answer.sources}
    rivals = [c for c in answer.conflicts if c.kind != "update"]
    updates = [c for c in answer.conflicts if c.kind == "update"]
    html_parts = []
    if rivals:
        html_parts.append(
            f'<div class="notice notice-conflict">{ICON_WARN}<b>The sources disagree.</b> '
            "Each figure is reported by the source named; the archive does not settle which is right."
            f"<ul>{_conflict_items(rivals, turn, valid, ' vs. ')}</ul></div>"
        )
    if updates:
        html_parts.append(
            f'<div class="notice notice-update">{ICON_INFO}<b>The figure changed over time.</b> '
            "Later reports give a different count than earlier ones."
            f"<ul>{_conflict_items(updates, turn, valid, ' → ')}</ul></div>"
        )
    return "".join(html_parts)


HEADINGS = {REFUSAL_TEXT: "Not in the archive.", OTHER_LANGUAGE_TEXT: "Ask in the articles' language."}
"""A refusal notice's heading by its fixed text; a refused reply of the model is "No checked answer."."""


def render_answer(answer: Answer, turn: int) -> str:
    """The finished answer as the chat shows it: refusal notice, body, conflict notice."""
    if answer.refused:
        # The engine words the reason for a reader (what the archive lacks, the closest
        # articles); the answer text is the fixed refusal sentence, never the model's draft.
        reason = (
            f'<div class="notice-reason">{text_to_html(answer.refusal_reason)}</div>'
            if answer.refusal_reason
            else ""
        )
        heading = HEADINGS.get(answer.text, "No checked answer.")
        return (
            f'<div class="notice notice-refusal">{ICON_INFO}<b>{heading}</b> '
            f"{text_to_html(answer.text)}{reason}</div>"
        )
    quoted = (
        f'<div class="notice notice-quoted">{ICON_INFO}{escape(QUOTED_NOTE)}</div>' if answer.quoted else ""
    )
    return f'<div class="answer">{render_answer_body(answer, turn)}</div>{quoted}{render_conflicts(answer, turn)}'


def render_error(message: str) -> str:
    return f'<div class="notice notice-error">{ICON_WARN}<b>Something went wrong.</b> {escape(message)}</div>'


# --- source cards ---------------------------------------------------------------------------


def _fmt_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped ``text`` with ``spans`` wrapped in ``<mark>``."""
    parts, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        parts.append(escape(text[cursor:start]))
        parts.append(f'<mark class="cited-span">{escape(text[start:end])}</mark>')
        cursor = end
    parts.append(escape(text[cursor:]))
    return "".join(parts).replace("\n", "<br>")


def _meta_line(passage: Passage) -> str:
    bits = [escape(x) for x in (passage.source, _fmt_date(passage.date), passage.dateline) if x]
    meta = " · ".join(bits) if bits else "source unknown"
    if passage.url and SAFE_URL.match(passage.url):
        meta += f' · <a href="{escape(passage.url)}" target="_blank" rel="noopener noreferrer">original</a>'
    return meta


def _title(passage: Passage) -> str:
    return escape(passage.title or passage.article_id)


def backing_spans(answer: Answer, number: int) -> list[tuple[int, int]]:
    """Where source ``number``'s passage backs the answer, as the verifier matched it (sorted, once each).

    Answers stored before the verifier kept these spans have none: their cards show no highlight.
    """
    spans = {
        (s.start, s.end) for sentence in answer.sentences for s in sentence.evidence if s.source == number
    }
    return sorted(spans)


def cited_numbers(answer: Answer) -> list[int]:
    """Source numbers the answer cites, in the order sources were numbered."""
    numbers: set[int] = set()
    for sentence in answer.sentences:
        numbers.update(sentence.citations)
    for match in DISPLAY_MARKER.finditer(answer.text):
        numbers.update(int(n) for n in match.group(1).split(","))
    return [s.number for s in answer.sources if s.number in numbers]


ArticleLookup = Callable[[str], str | None]


def render_article(
    article_id: str, lookup: ArticleLookup | None, label: str = "Open the whole article"
) -> str:
    text = lookup(article_id) if lookup else None
    if text is None:
        return ""
    return (
        f'<details class="src-article"><summary>{escape(label)}</summary>'
        f'<div class="article-text">{text_to_html(text)}</div></details>'
    )


def render_source_card(
    source: Source,
    turn: int,
    spans: Sequence[tuple[int, int]],
    lookup: ArticleLookup | None,
    cited: bool = True,
) -> str:
    passage = source.passage
    passage_html = highlight(passage.text, spans)
    corroborating = ""
    if source.corroborating:
        rows = "".join(
            "<li>"
            + (f"<b>{escape(p.source)}</b> — " if p.source else "")  # no outlet: its title alone
            + _title(p)
            + (f" ({escape(_fmt_date(p.date))})" if p.date else "")
            + render_article(p.article_id, lookup, "Open this copy")
            + "</li>"
            for p in source.corroborating
        )
        corroborating = (
            f'<div class="src-corroborating">Same text also carried by {len(source.corroborating)} '
            f"other article(s):<ul>{rows}</ul></div>"
        )
    css = "src-card" if cited else "src-card src-uncited"
    flag = (
        f'<div class="src-flag" style="color: var(--error-text-color, #b91c1c)">⚠ This article reads as '
        f"instructions to an AI rather than as news ({escape(passage.suspicious)}); no answer rests on it.</div>"
        if passage.suspicious
        else ""
    )
    return (
        f'<div class="{css}" id="{source_anchor(turn, source.number)}" data-article-id="{escape(passage.article_id)}">'
        f'<div class="src-head"><span class="src-num">[{int(source.number)}]</span> '
        f'<span class="src-title">{_title(passage)}</span></div>'
        f'<div class="src-meta">{_meta_line(passage)}</div>{flag}'
        f'<blockquote class="src-passage">{passage_html}</blockquote>'
        f"{corroborating}{render_article(passage.article_id, lookup)}</div>"
    )


def render_turn_sources(answer: Answer, turn: int, lookup: ArticleLookup | None) -> str:
    """Cited sources first; retrieved but uncited ones folded away (still linkable)."""
    cited = set(cited_numbers(answer))
    cards = [
        render_source_card(s, turn, backing_spans(answer, s.number), lookup)
        for s in answer.sources
        if s.number in cited
    ]
    others = [
        render_source_card(s, turn, [], lookup, cited=False) for s in answer.sources if s.number not in cited
    ]
    html_parts = cards or ['<div class="src-empty">The answer cites no source.</div>']
    if others:
        html_parts.append(
            f'<details class="src-others"{" open" if not cards else ""}><summary>{len(others)} more retrieved '
            f"passage(s), not cited</summary>{''.join(others)}</details>"
        )
    return "".join(html_parts)


def render_sources_panel(answers: Sequence[Answer], lookup: ArticleLookup | None) -> str:
    """All turns of a conversation: the latest open, earlier ones folded (their links still work)."""
    if not answers:
        return '<div class="src-panel src-empty">Sources of the answer appear here.</div>'
    last = len(answers) - 1
    parts = [
        f'<div class="src-panel"><div class="src-turn src-latest">{render_turn_sources(answers[last], last, lookup)}</div>'
    ]
    for turn in range(last - 1, -1, -1):
        parts.append(
            f'<details class="src-turn src-earlier"><summary>Sources for: {escape(answers[turn].question)}'
            f"</summary>{render_turn_sources(answers[turn], turn, lookup)}</details>"
        )
    parts.append("</div>")
    return "".join(parts)
