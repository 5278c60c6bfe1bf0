"""What the Archive tab shows, as plain functions: the list page, one article, an upload's summary.

Everything here is pure (no Gradio): query parsing, the table, the info line, the article view and
the progress words. Article text is untrusted and is escaped by :mod:`ui.render` before it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from index.catalog import CatalogEntry, CatalogPage, CatalogQuery
from rag.text.dates import typed_range
from ui import render

if TYPE_CHECKING:
    from index.intake import Intake
    from index.pipeline import IndexProgress, IndexReport

PAGE_SIZE = 25
HEADERS = ["Title", "Outlet", "Date", "Chunks", "Copies"]
COPIES_SHOWN = 12
ARTICLE_STYLE = (
    "max-height: 60vh; overflow-y: auto; padding: 0.5em 0.7em; line-height: 1.45; "
    "border: 1px solid var(--border-color-primary); border-radius: 6px;"
)


def make_query(text: str, outlet: str, since: str, until: str, offset: int) -> CatalogQuery:
    start, end = typed_range(since, until, ("From", "To"))
    return CatalogQuery(
        text=text or "", outlet=outlet or "", since=start, until=end, offset=max(0, offset), limit=PAGE_SIZE
    )


def table_frame(entries: Sequence[CatalogEntry]) -> pd.DataFrame:
    rows = [
        [
            entry.title,
            entry.source or "—",
            entry.date.isoformat() if entry.date else "—",
            entry.chunks,
            str(entry.copies) if entry.copies else "",
        ]
        for entry in entries
    ]
    return pd.DataFrame(rows, columns=HEADERS)


def page_info(page: CatalogPage) -> str:
    if not page.total:
        return '<p class="archive-info">The archive is empty: add articles below.</p>'
    if not page.matching:
        return f'<p class="archive-info">No article matches (of {page.total:,} in the archive).</p>'
    first, last = page.offset + 1, page.offset + len(page.entries)
    pages = (page.matching - 1) // page.limit + 1
    current = page.offset // page.limit + 1
    text = f"Articles {first:,}–{last:,} of {page.matching:,}"
    if page.matching != page.total:
        text += f" matching ({page.total:,} in the archive)"
    text += f" · page {current} of {pages}"
    html = f'<p class="archive-info">{render.escape(text)}</p>'
    if page.outlets:
        names = ", ".join(f"{name} ({count})" for name, count in page.outlets)
        html += f'<p class="archive-outlets">Outlets matching: {render.escape(names)}</p>'
    return html


def render_article(entry: CatalogEntry | None, text: str, copies: Sequence[str]) -> str:
    """An article's full text and facts; every value from the article is escaped.

    ``copies`` are the titles of the articles that share text with it (wire copies)."""
    if entry is None:
        return '<p class="archive-empty">This article is no longer in the archive.</p>'
    facts = [entry.source or "unknown outlet", entry.date.isoformat() if entry.date else "no date"]
    facts += [f"{entry.chunks} chunks", Path(entry.path).name or entry.article_id]
    shared = ""
    if copies:
        items = "".join(f"<li>{render.escape(name)}</li>" for name in copies[:COPIES_SHOWN])
        if len(copies) > COPIES_SHOWN:
            items += f"<li>… and {len(copies) - COPIES_SHOWN} more</li>"
        shared = (
            f'<details class="archive-copies"><summary>Shares text with {len(copies)} other '
            f"article(s) (wire copies)</summary><ul>{items}</ul></details>"
        )
    return (
        f'<div class="archive-article" data-article-id="{render.escape(entry.article_id)}">'
        f'<h3 class="archive-title">{render.escape(entry.title)}</h3>'
        f'<p class="archive-meta" style="opacity: 0.8">{render.escape(" · ".join(facts))}</p>{shared}'
        f'<div class="archive-text" style="{ARTICLE_STYLE}">{render.text_to_html(text)}</div></div>'
    )


def render_summary(intake: Intake, report: IndexReport | None, error: str | None = None) -> str:
    """What an upload did: added, updated, unchanged, cancelled and every skip with its reason."""
    parts = []
    if error:
        parts.append(render.render_error(error))
    if report is not None:
        figures = (
            f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
            f"{report.chunks_added} chunks indexed"
        )
        parts.append(f'<p class="archive-summary-line"><b>Summary:</b> {render.escape(figures)}.</p>')
        if report.cancelled:
            parts.append(
                '<div class="notice notice-skipped archive-cancelled"><b>Cancelled.</b> '
                f"{len(report.not_indexed)} article(s) were not indexed; the {len(report.added)} added "
                "before you cancelled stay in the archive. Add the same files again to finish.</div>"
            )
    skipped = list(intake.skipped) + (list(report.skipped) if report is not None else [])
    if skipped:
        items = "".join(
            f"<li><code>{render.escape(Path(item.path).name)}</code>: {render.escape(item.reason)}</li>"
            for item in skipped
        )
        parts.append(
            f'<div class="notice notice-skipped archive-skipped"><b>Skipped {len(skipped)}:</b>'
            f"<ul>{items}</ul></div>"
        )
    return "".join(parts) or "<p>Nothing to add.</p>"


def progress_text(event: IndexProgress) -> tuple[float, str]:
    """Bar position and words for an indexer event: reading is the first tenth, embedding the rest."""
    if event.phase == "loading":
        return 0.1 * event.files_done / max(event.files_total, 1), (
            f"Reading files {event.files_done}/{event.files_total}"
        )
    if event.phase == "embedding":
        return 0.1 + 0.9 * event.articles_done / max(event.articles_total, 1), (
            f"Indexing articles {event.articles_done}/{event.articles_total} ({event.chunks} chunks)"
        )
    return 1.0, "Done"
