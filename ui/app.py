"""The Gradio chat UI: streamed, checked, cited answers beside their source cards; filters, uploads.

Layout: a conversations column (new chat, the user's stored conversations, rename, delete),
a chat column (chat, question box with Ask and Stop, filters) and a sources column (cards of
the latest answer, earlier turns folded, index status, uploads). All HTML shown comes from
:mod:`ui.render`, which escapes article and model text. What the chat controls do lives in
:mod:`ui.chat_handlers`; conversations are stored on disk by :class:`rag.chat.ChatService`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from index.intake import take_uploads  # noqa: E402
from index.readers import SUPPORTED_SUFFIXES  # noqa: E402
from rag.settings import BUNDLED_CORPUS, Settings  # noqa: E402
from rag.text.dates import typed_range  # noqa: E402
from rag.types import Filters  # noqa: E402
from ui import render, render_index  # noqa: E402
from ui.archive import build_archive_tab, click_to_index  # noqa: E402
from ui.chat_handlers import ChatHandlers, new_session, owner_of  # noqa: E402
from ui.style import CSS, HEAD  # noqa: E402

if TYPE_CHECKING:
    from rag.chat import ChatService
    from rag.components import Components

UPLOAD_TYPES = [*SUPPORTED_SUFFIXES, ".zip"]
EXAMPLE_QUESTIONS = [
    "How many people were killed in the fighting in Deir al-Zor?",
    "When do the Astana peace talks begin, and who organised them?",
    "Who will head the rebel delegation to the Astana talks?",
]


def launch_options() -> dict[str, Any]:
    """Page-level styling and script; gradio 6 takes these at ``launch()``, not in ``Blocks()``."""
    return {"css": CSS, "head": HEAD}


def parse_filters(
    since: str | None, until: str | None, sources: Sequence[str] | str | None
) -> Filters | None:
    """Filters from the form, or None when nothing restricts retrieval; TypedDateError says what to fix."""
    start, end = typed_range(since, until)
    chosen = [sources] if isinstance(sources, str) else list(sources or [])
    chosen = [s for s in chosen if s]
    if not (start or end or chosen):
        return None
    return Filters(since=start, until=end, sources=chosen)


class ChatUI:
    """The handlers behind the page, kept apart from the layout so they read (and test) plainly."""

    def __init__(self, settings: Settings, components: Components, chat_service: ChatService) -> None:
        self.settings = settings
        self.components = components
        self.chat = chat_service
        self.handlers = ChatHandlers(chat_service, self.article_text, parse_filters)
        self._index_lock = threading.Lock()

    # --- reading the store -------------------------------------------------------------

    @property
    def store(self):
        return self.components.store

    def article_text(self, article_id: str) -> str | None:
        article = self.store.get_article(article_id)
        return None if article is None else article.text

    def source_choices(self) -> list[str]:
        return self.store.outlets()

    def models(self) -> dict[str, str]:
        embedding = self.components.embedding
        llm = self.components.llm
        return {
            "embedding": str(getattr(embedding, "model_name", type(embedding).__name__)),
            "answer": str(getattr(llm, "name", type(llm).__name__)),
        }

    def status_views(self) -> tuple[str, str]:
        """(one-line summary shown at the top, full table in the status panel)."""
        stats, models = self.store.stats(), self.models()
        return render_index.render_status_line(stats, models), render_index.render_status(stats, models)

    def upload(self, files: Sequence[Any] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        """Copy uploads into the data folder, index them, report; outputs: report, summary, status, sources."""
        paths = [Path(getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            return "<p>Choose one or more files first.</p>", gr.skip(), gr.skip(), gr.skip()
        # The Archive tab's intake: the same safe names, .zip unpacking and reasons for what is refused.
        intake = take_uploads(
            paths, self.settings.data_dir / "uploads", max_file_mb=self.settings.ingest.max_file_mb
        )
        if not intake.paths:
            return (
                render_index.render_index_report({"skipped": intake.skipped}),
                gr.skip(),
                gr.skip(),
                gr.skip(),
            )
        # Lazy: the indexing stack takes seconds to import, paid only when someone uploads.
        from index.pipeline import Indexer

        def on_progress(state: Any) -> None:
            fraction, desc = progress_step(state)
            progress(fraction, desc=desc)

        with self._index_lock:
            progress(0, desc="Reading files")
            indexer = Indexer(self.settings, self.store, self.components.embedding)
            try:
                report = indexer.run(intake.paths, progress=on_progress)
            except Exception as exc:  # shown next to the upload: the page must stay usable
                return render.render_error(f"Indexing failed: {exc}"), *self.status_views(), gr.skip()
        report.skipped = [*intake.skipped, *report.skipped]
        return (
            render_index.render_index_report(report, [p.name for p in intake.paths]),
            *self.status_views(),
            gr.Dropdown(choices=self.source_choices()),
        )

    def refresh(self, request: gr.Request) -> tuple:
        """On page load: index figures, outlets, and the user's stored conversations."""
        listing = self.handlers.conversation_list(owner_of(request), None)
        return *self.status_views(), gr.Dropdown(choices=self.source_choices()), listing

    # --- layout ------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        show_examples = Path(self.settings.corpus_dir).resolve() == BUNDLED_CORPUS.resolve()
        h = self.handlers
        with gr.Blocks(title="News archive Q&A", analytics_enabled=False, fill_width=True) as demo:
            session = gr.State(new_session())
            gr.Markdown("## News archive Q&A\nAnswers cite the archived articles they come from.")
            status_line, status_table = self.status_views()
            summary = gr.HTML(status_line, elem_id="index-summary")
            with gr.Tab("Chat", id="chat", elem_id="chat-tab"), gr.Row(equal_height=False):
                with gr.Column(scale=1, min_width=230, elem_id="conversation-column"):
                    new_button = gr.Button("New chat", variant="secondary", size="sm", elem_id="new-chat")
                    conversations = gr.Radio(choices=[], label="Your conversations", elem_id="conversations")
                    with gr.Accordion("Rename or delete", open=False, elem_id="manage-conversation"):
                        title_box = gr.Textbox(
                            label="Title of the open conversation", elem_id="conversation-title", max_lines=1
                        )
                        with gr.Row():
                            rename_button = gr.Button("Rename", size="sm", elem_id="rename-conversation")
                            delete_button = gr.Button(
                                "Delete", size="sm", variant="stop", elem_id="delete-conversation"
                            )
                with gr.Column(scale=3, min_width=420):
                    chatbot = gr.Chatbot(
                        elem_id="chat",
                        label="Chat",
                        height=560,
                        render_markdown=False,  # render.py writes HTML; no Markdown pass over escaped text
                        sanitize_html=True,
                        allow_tags=False,
                        latex_delimiters=[],
                        buttons=["copy"],  # per message; the page script copies the text, not its HTML
                        feedback_options=None,
                        placeholder="Ask a question about the archive. Answers cite their sources as [1], [2]…",
                        examples=[{"text": q} for q in EXAMPLE_QUESTIONS] if show_examples else None,
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder="Ask about the archive, e.g. a follow-up: 'and how many were civilians?'",
                            show_label=False,
                            elem_id="question",
                            scale=5,
                            max_lines=4,
                        )
                        ask_button = gr.Button("Ask", variant="primary", elem_id="ask", scale=1, min_width=80)
                        stop_button = gr.Button(
                            "Stop", variant="stop", elem_id="stop", scale=1, min_width=80, interactive=False
                        )
                    filter_message = gr.Markdown("", elem_id="filter-message")
                    with gr.Accordion("Filters", open=False, elem_id="filters"), gr.Row():
                        since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="since", max_lines=1)
                        until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="until", max_lines=1)
                        source = gr.Dropdown(
                            choices=self.source_choices(),
                            multiselect=True,
                            filterable=True,  # thousands of outlets: typing narrows the list
                            label="Sources",
                            info="Type part of a name to find an outlet",
                            elem_id="source-filter",
                        )
                with gr.Column(scale=2, min_width=340):
                    gr.Markdown("### Sources")
                    sources_panel = gr.HTML(h.sources_html([]), elem_id="sources-panel")
                    with gr.Accordion("Index status", open=False, elem_id="index-status-box"):
                        status = gr.HTML(status_table, elem_id="index-status")
                    with gr.Accordion("Add articles", open=False, elem_id="upload-box"):
                        files = gr.File(
                            file_count="multiple",
                            file_types=UPLOAD_TYPES,
                            label="Articles (" + " ".join(UPLOAD_TYPES) + ")",
                            elem_id="upload-files",
                        )
                        upload_button = gr.Button("Add to archive", elem_id="upload-button")
                        upload_report = gr.HTML("", elem_id="upload-report")

            build_archive_tab(self)  # the Archive tab: list, open, delete, add (ui/archive.py)

            ask_inputs = [question, since, until, source, session, chatbot]
            ask_outputs = [chatbot, sources_panel, question, session, conversations]
            ask_outputs += [filter_message, stop_button, title_box]
            gr.on(
                triggers=[question.submit, ask_button.click],
                fn=h.ask,
                inputs=ask_inputs,
                outputs=ask_outputs,
                api_name="chat_ask",
                api_visibility="private",  # the documented HTTP endpoint is /ask below
                show_progress="hidden",  # the answer shows its own progress
                trigger_mode="multiple",  # a question asked meanwhile gets a word, not silence
            )
            chatbot.example_select(
                fn=example_text, inputs=None, outputs=question, api_visibility="private", queue=False
            ).then(
                fn=h.ask,
                inputs=ask_inputs,
                outputs=ask_outputs,
                api_name="chat_ask_example",
                api_visibility="private",
            )
            stop_button.click(fn=h.stop, inputs=None, outputs=None, queue=False, api_visibility="private")
            cleared = [chatbot, sources_panel, session, conversations, filter_message, stop_button, title_box]
            gr.on(
                triggers=[new_button.click, chatbot.clear],  # the chat's own clear button starts afresh too
                fn=h.new_chat,
                inputs=session,
                outputs=cleared,
                api_visibility="private",
            )
            conversations.input(
                fn=h.open_conversation,
                inputs=[conversations, session],
                outputs=[chatbot, sources_panel, session, conversations, filter_message, title_box],
                api_visibility="private",
            )
            rename_button.click(
                fn=h.rename,
                inputs=[title_box, session],
                outputs=[conversations, title_box, filter_message],
                api_visibility="private",
            )
            delete_button.click(
                fn=h.delete,
                inputs=session,
                outputs=cleared,
                api_name="delete_conversation",
                api_visibility="private",
            )
            uploaded = [upload_report, summary, status, source]
            click_to_index(upload_button, self.upload, files, uploaded, api_name="add_articles")
            gr.api(h.api_ask, api_name="ask")
            gr.api(h.api_answer_events, api_name="answer_events")
            demo.load(
                fn=self.refresh, outputs=[summary, status, source, conversations], api_visibility="private"
            )
        return demo


def example_text(event: gr.SelectData) -> str:
    """The question of the example message a user clicked on the empty chat."""
    value = event.value
    return value.get("text", "") if isinstance(value, dict) else str(value or "")


def progress_step(state: Any) -> tuple[float, str]:
    """Progress bar position and label for an indexer progress event.

    Reading files is quick and embedding is the bulk of the work, so reading takes the
    first tenth of the bar and embedded articles the rest.
    """
    if state.phase == "loading":
        fraction = 0.1 * state.files_done / max(state.files_total, 1)
        return fraction, f"Reading files {state.files_done}/{state.files_total}"
    if state.phase == "embedding":
        fraction = 0.1 + 0.9 * state.articles_done / max(state.articles_total, 1)
        return fraction, (
            f"Embedding articles {state.articles_done}/{state.articles_total} "
            f"({state.chunks} chunks, {state.chunks_per_s:.1f} chunks/s)"
        )
    return 1.0, f"Indexed {state.chunks} chunks"


def build_app(settings: Settings, components: Components, chat_service: ChatService) -> gr.Blocks:
    """The chat UI for ``chat_service``; launch with ``**launch_options()`` for its styling."""
    return ChatUI(settings, components, chat_service).build()
