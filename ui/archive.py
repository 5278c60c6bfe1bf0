"""The "Archive" tab: list, search, filter, open and delete articles; add files, folders and zips.

The list comes from :class:`index.catalog.Catalog` (metadata only, cached per store revision),
one page at a time, so it stays quick with thousands of articles and outlets: the outlet box
matches part of a name instead of offering a dropdown of every outlet. What the tab shows is
built by :mod:`ui.archive_render`: article text is untrusted and is escaped by :mod:`ui.render`
before it is shown; the table shows cells as plain text.

Adding articles copies the uploads into the data folder (:mod:`index.intake`, which unpacks a
.zip safely), then indexes them with a progress bar. Cancel sets a flag that the indexer reads
between files and articles: what it indexed stays, nothing else is half-written. One indexing
run happens at a time (the lock and queue are shared with the chat tab's upload).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from index.catalog import Catalog, CatalogQuery
from index.intake import Intake, take_uploads
from rag.text.dates import TypedDateError
from ui import render
from ui.archive_render import (
    HEADERS,
    PAGE_SIZE,
    make_query,
    page_info,
    progress_text,
    render_article,
    render_summary,
    table_frame,
)

if TYPE_CHECKING:
    from gradio.events import Dependency

    from index.pipeline import IndexProgress
    from rag.components import Components
    from rag.settings import Settings

INDEX_QUEUE = "index"
"""The Gradio queue every upload panel indexes in, one upload at a time (the chat's and this tab's)."""
STYLE = """<style>
#archive-table [role=gridcell] span, #archive-table [role=columnheader] span { font-family: var(--font); }
#archive-table [role=gridcell] { cursor: pointer; }
#archive-info p { margin: 0.2em 0; }
.archive-outlets { opacity: 0.8; font-size: 0.9em; }
.archive-error { color: #b91c1c; font-weight: 600; }
</style>"""
"""Page styles of this tab (the page's own stylesheet belongs to ui/app.py)."""


class ArchiveTab:
    """Handlers of the Archive tab, kept apart from its layout."""

    def __init__(self, settings: Settings, components: Components, index_lock: threading.Lock) -> None:
        self.settings = settings
        self.components = components
        self.index_lock = index_lock
        self.uploads = Path(settings.data_dir) / "uploads"
        self._catalog: Catalog | None = None
        self._cancels: dict[str, threading.Event] = {}

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(self.components.store, self.uploads)
        return self._catalog

    # --- listing -----------------------------------------------------------------------

    def show(self, text: str, outlet: str, since: str, until: str, offset: int) -> tuple:
        """Outputs: table, info line, ids of the rows shown, offset."""
        try:
            query = make_query(text, outlet, since, until, offset)
        except TypedDateError as error:
            return gr.skip(), f'<p class="archive-error">⚠ {render.escape(error)}</p>', gr.skip(), gr.skip()
        page = self.catalog.search(query)
        return table_frame(page.entries), page_info(page), [e.article_id for e in page.entries], page.offset

    def first_page(self, text: str, outlet: str, since: str, until: str) -> tuple:
        return self.show(text, outlet, since, until, 0)

    def next_page(self, text: str, outlet: str, since: str, until: str, offset: int) -> tuple:
        return self.show(text, outlet, since, until, (offset or 0) + PAGE_SIZE)

    def previous_page(self, text: str, outlet: str, since: str, until: str, offset: int) -> tuple:
        return self.show(text, outlet, since, until, max(0, (offset or 0) - PAGE_SIZE))

    # --- one article -------------------------------------------------------------------

    def open(self, ids: list[str], event: gr.SelectData) -> tuple:
        """Outputs: article view, selected id, delete button, confirmation box, message."""
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        if not isinstance(row, int) or not 0 <= row < len(ids or []):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return self.view(ids[row])

    def view(self, article_id: str) -> tuple:
        article = self.catalog.get(article_id)
        entry = self.catalog.entry(article_id)
        if article is None or entry is None:
            html = render_article(None, "", [])
            return html, None, gr.Button(visible=False), gr.Column(visible=False), ""
        titles = {e.article_id: e.title for e in self.catalog.entries()}
        copies = [titles.get(other, other) for other in self.catalog.copies_of(article_id)]
        html = render_article(entry, article.text, copies)
        return html, article_id, gr.Button(visible=True), gr.Column(visible=False), ""

    def ask_delete(self, article_id: str | None) -> tuple:
        """Outputs: confirmation box, its question."""
        entry = self.catalog.entry(article_id) if article_id else None
        if entry is None:
            return gr.Column(visible=False), ""
        question = (
            f"<p>Delete <b>{render.escape(entry.title)}</b> from the archive? Its passages leave every "
            "answer at once; this cannot be undone (index its file again to bring it back).</p>"
        )
        return gr.Column(visible=True), question

    def keep(self) -> Any:
        return gr.Column(visible=False)

    def delete(self, article_id: str | None, text: str, outlet: str, since: str, until: str, offset: int):
        """Outputs: article view, selected id, delete button, confirmation box, message, then the list's."""
        hidden = (gr.Button(visible=False), gr.Column(visible=False))
        if not article_id:
            return "", None, *hidden, "", *self.show(text, outlet, since, until, offset)
        with self.index_lock:  # never while an upload is being indexed
            result = self.catalog.delete(article_id)
        if result is None:
            message = "That article was already gone from the archive."
        else:
            message = f"Deleted “{result.title}” ({result.chunks_removed} chunks)."
        note = f'<p class="archive-deleted">{render.escape(message)}</p>'
        return "", None, *hidden, note, *self.show(text, outlet, since, until, offset)

    # --- adding ------------------------------------------------------------------------

    def add(
        self,
        files: Sequence[Any] | None,
        folder: Sequence[Any] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> Iterator[tuple]:
        """Copy, unpack and index the uploads; outputs: summary, files box, folder box.

        The earlier summary is cleared first, so the one shown at the end is this upload's."""
        # Lazy: the indexing stack takes seconds to import, paid only when someone adds articles.
        from index.pipeline import Indexer

        paths = [Path(getattr(f, "name", f)) for f in [*(files or []), *(folder or [])]]
        if not paths:
            yield "<p>Choose files, a folder or a .zip first.</p>", gr.skip(), gr.skip()
            return
        yield "", gr.skip(), gr.skip()
        cancel = threading.Event()
        key = _session(request)
        self._cancels[key] = cancel
        report, error = None, None
        try:
            progress(0, desc="Copying uploads")
            try:
                intake = take_uploads(paths, self.uploads, max_file_mb=self.settings.ingest.max_file_mb)
            except Exception as exc:  # the uploads folder cannot be made: say so, not a blank summary
                intake, error = Intake(), f"Copying the uploads failed: {exc}"
            if intake.paths:
                progress(0, desc="Waiting for another upload to finish")
                with self.index_lock:
                    indexer = Indexer(self.settings, self.components.store, self.components.embedding)

                    def on_progress(event: IndexProgress) -> None:
                        fraction, words = progress_text(event)
                        progress(fraction, desc=words)

                    try:
                        report = indexer.run(intake.paths, progress=on_progress, cancel=cancel.is_set)
                    except Exception as exc:  # shown next to the upload: the page must stay usable
                        error = f"Indexing failed: {exc}"
        finally:
            self._cancels.pop(key, None)
        yield render_summary(intake, report, error), None, None

    def cancel(self, request: gr.Request) -> str:
        event = self._cancels.get(_session(request))
        if event is None:
            return "Nothing is being added right now."
        event.set()
        return "Cancelling: indexing stops after the current article."

    # --- layout ------------------------------------------------------------------------

    def build(self) -> None:
        """The tab's components and events; call inside a ``gr.Blocks``."""
        first = self.catalog.search(CatalogQuery(limit=PAGE_SIZE))
        with gr.Tab("Archive", id="archive", elem_id="archive-tab") as tab:
            offset = gr.State(0)
            ids = gr.State([e.article_id for e in first.entries])
            selected = gr.State(None)
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=480):
                    with gr.Row():
                        search = gr.Textbox(
                            label="Search titles and outlets",
                            placeholder="e.g. Astana",
                            elem_id="archive-search",
                            max_lines=1,
                            scale=3,
                        )
                        outlet = gr.Textbox(
                            label="Outlet",
                            placeholder="part of a name",
                            elem_id="archive-outlet",
                            max_lines=1,
                        )
                        since = gr.Textbox(label="From", placeholder="YYYY-MM-DD", elem_id="archive-since")
                        until = gr.Textbox(label="To", placeholder="YYYY-MM-DD", elem_id="archive-until")
                    info = gr.HTML(page_info(first), elem_id="archive-info", head=STYLE)
                    table = gr.Dataframe(
                        value=table_frame(first.entries),
                        headers=HEADERS,
                        datatype=["str", "str", "str", "number", "str"],
                        interactive=False,
                        wrap=True,
                        column_widths=["46%", "18%", "14%", "11%", "11%"],
                        max_height=760,
                        elem_id="archive-table",
                    )
                    with gr.Row():
                        previous = gr.Button("◀ Previous", size="sm", elem_id="archive-prev")
                        following = gr.Button("Next ▶", size="sm", elem_id="archive-next")
                with gr.Column(scale=2, min_width=360):
                    article = gr.HTML(
                        '<p class="archive-empty">Select an article in the list to read it here.</p>',
                        elem_id="archive-article",
                    )
                    delete = gr.Button(
                        "Delete this article",
                        variant="stop",
                        size="sm",
                        visible=False,
                        elem_id="archive-delete",
                    )
                    with gr.Column(visible=False, elem_id="archive-confirm") as confirm:
                        question = gr.HTML("", elem_id="archive-confirm-text")
                        with gr.Row():
                            sure = gr.Button(
                                "Yes, delete it", variant="stop", elem_id="archive-confirm-delete"
                            )
                            keep = gr.Button("Keep it", elem_id="archive-keep")
                    deleted = gr.HTML("", elem_id="archive-delete-message")
                    with gr.Accordion("Add articles", open=False, elem_id="archive-add"):
                        files = gr.File(
                            file_count="multiple",
                            label="Files or .zip archives",
                            height=150,
                            elem_id="archive-files",
                        )
                        folder = gr.File(
                            file_count="directory", label="A folder", height=150, elem_id="archive-folder"
                        )
                        with gr.Row():
                            add = gr.Button("Add to archive", variant="primary", elem_id="archive-add-button")
                            stop = gr.Button("Cancel", elem_id="archive-cancel")
                        stop_note = gr.Markdown("", elem_id="archive-cancel-note")
                        summary = gr.HTML("", elem_id="archive-summary")

        filters = [search, outlet, since, until]
        listing = [table, info, ids, offset]
        view = [article, selected, delete, confirm, deleted]
        private: dict[str, Any] = {"api_visibility": "private"}
        gr.on(
            triggers=[search.input, outlet.input, since.submit, until.submit, since.blur, until.blur],
            fn=self.first_page,
            inputs=filters,
            outputs=listing,
            show_progress="hidden",
            trigger_mode="always_last",
            **private,
        )
        tab.select(
            fn=self.show, inputs=[*filters, offset], outputs=listing, show_progress="hidden", **private
        )
        following.click(fn=self.next_page, inputs=[*filters, offset], outputs=listing, **private)
        previous.click(fn=self.previous_page, inputs=[*filters, offset], outputs=listing, **private)
        table.select(fn=self.open, inputs=ids, outputs=view, **private)
        delete.click(fn=self.ask_delete, inputs=selected, outputs=[confirm, question], **private)
        keep.click(fn=self.keep, outputs=confirm, **private)
        sure.click(fn=self.delete, inputs=[selected, *filters, offset], outputs=[*view, *listing], **private)
        click_to_index(
            add, self.add, [files, folder], [summary, files, folder], show_progress_on=summary, **private
        ).then(fn=self.first_page, inputs=filters, outputs=listing, **private)
        add.click(fn=lambda: "", outputs=stop_note, queue=False, **private)
        stop.click(fn=self.cancel, outputs=stop_note, queue=False, **private)


def click_to_index(
    button: gr.Button, fn: Callable[..., Any], inputs: Any, outputs: Any, **options: Any
) -> Dependency:
    """``button.click`` running ``fn`` in the indexing queue that every upload panel shares."""
    return button.click(
        fn=fn, inputs=inputs, outputs=outputs, concurrency_limit=1, concurrency_id=INDEX_QUEUE, **options
    )


def _session(request: gr.Request | None) -> str:
    return str(getattr(request, "session_hash", None) or "local")


def build_archive_tab(owner: Any) -> ArchiveTab:
    """Add the Archive tab to the Blocks being built; ``owner`` is the chat UI (settings, components,
    and its indexing lock, so the two upload panels never index at once)."""
    tab = ArchiveTab(owner.settings, owner.components, owner._index_lock)
    tab.build()
    return tab
