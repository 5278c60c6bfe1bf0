"""The Gradio chat UI: streamed cited answers beside their source cards, filters, uploads.

Layout: a chat column (conversation list, chat, question box, filters) and a sources column
(cards of the latest answer, earlier turns folded, index status, uploads). All HTML shown
comes from :mod:`ui.render`, which escapes article and model text.

Per-browser state lives in ``gr.State`` (this session's conversation ids and the one shown);
the conversations themselves live in :class:`rag.chat.ChatService`, which keeps each
history apart, so two people chatting at once never see each other's turns.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from index.readers import SUPPORTED_SUFFIXES  # noqa: E402
from rag.settings import BUNDLED_CORPUS, Settings  # noqa: E402
from rag.types import Answer, Filters  # noqa: E402
from ui import render  # noqa: E402

if TYPE_CHECKING:
    from rag.chat import ChatService
    from rag.components import Components

UPLOAD_TYPES = list(SUPPORTED_SUFFIXES)
EXAMPLE_QUESTIONS = [
    "How many people were killed in the fighting in Deir al-Zor?",
    "When do the Astana peace talks begin, and who organised them?",
    "Who will head the rebel delegation to the Astana talks?",
]
STREAM_UPDATE_S = 0.05
"""Minimum time between two streamed chat updates: enough to show tokens arriving without
sending one browser update per token on a busy two-core machine."""
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TITLE_CHARS = 60

CSS = """
/* Gradio puts an inline "overflow: visible" on the block, which would let long source cards
   spill over the panels below; the panel scrolls instead. */
#sources-panel { max-height: 78vh; overflow-y: auto !important; }
.answer a.cite, .notice a.cite { text-decoration: none; font-weight: 600; padding: 0 1px; }
.unsupported { text-decoration: underline wavy #d97706; background: rgba(245, 158, 11, 0.16); }
.unsupported-tag { color: #b45309; font-size: 0.85em; font-weight: 600; white-space: nowrap; }
.notice { border-left: 4px solid #6b7280; padding: 0.45em 0.75em; margin: 0.3em 0; border-radius: 4px; }
.notice ul { margin: 0.3em 0 0 1.1em; }
.notice-refusal { border-color: #6b7280; background: rgba(107, 114, 128, 0.12); }
.notice-conflict { border-color: #dc2626; background: rgba(220, 38, 38, 0.08); }
.notice-update { border-color: #2563eb; background: rgba(37, 99, 235, 0.08); }
.notice-error, .notice-skipped { border-color: #b45309; background: rgba(245, 158, 11, 0.10); }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.55em 0.8em;
  margin: 0 0 0.6em 0; scroll-margin-top: 0.5em; }
.src-card.src-uncited { opacity: 0.85; }
.src-card.flash, .src-card:target { outline: 3px solid var(--color-accent); }
.src-head { font-weight: 600; }
.src-num { color: var(--color-accent); }
.src-meta { font-size: 0.85em; opacity: 0.8; margin: 0.1em 0 0.3em 0; }
.src-passage { margin: 0.3em 0; padding-left: 0.6em; border-left: 3px solid var(--border-color-primary);
  font-size: 0.92em; }
mark.cited-span { background: #fde68a; color: inherit; padding: 0 1px; }
.src-corroborating { font-size: 0.88em; }
.src-article summary, .src-others summary, .src-earlier summary { cursor: pointer; font-size: 0.9em; }
.article-text { max-height: 22em; overflow-y: auto; font-size: 0.9em; padding: 0.4em;
  border: 1px dashed var(--border-color-primary); border-radius: 4px; }
#index-summary { font-size: 0.85em; opacity: 0.85; }
table.index-status th { text-align: left; padding-right: 1em; font-weight: 500; }
#filter-message p { color: #b91c1c; font-weight: 600; }
"""

# Citation links point at cards in the sources panel, which may sit inside a folded
# <details> (earlier turns, uncited passages): unfold, scroll and flash the card.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  var link = event.target && event.target.closest ? event.target.closest("a.cite") : null;
  if (!link) return;
  var id = (link.getAttribute("href") || "").replace(/^#/, "");
  var card = id ? document.getElementById(id) : null;
  if (!card) return;
  event.preventDefault();
  for (var node = card.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") node.open = true;
  }
  card.scrollIntoView({block: "start"});
  card.classList.remove("flash");
  void card.offsetWidth;
  card.classList.add("flash");
  if (history.replaceState) history.replaceState(null, "", "#" + id);
}, true);
</script>
"""


def launch_options() -> dict[str, Any]:
    """Page-level styling and script; gradio 6 takes these at ``launch()``, not in ``Blocks()``."""
    return {"css": CSS, "head": HEAD}


class FilterError(ValueError):
    """A filter value the user must correct; the message says how."""


def parse_date(value: str | None, label: str):
    import datetime as dt

    text = (value or "").strip()
    if not text:
        return None
    if not DATE.match(text):
        raise FilterError(f"{label} date '{text}' is not in the form YYYY-MM-DD (e.g. 2017-01-17).")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise FilterError(f"{label} date '{text}' is not a real date ({exc}); use YYYY-MM-DD.") from None


def parse_filters(
    since: str | None, until: str | None, sources: Sequence[str] | str | None
) -> Filters | None:
    """Filters from the form, or None when nothing restricts retrieval."""
    start = parse_date(since, "Since")
    end = parse_date(until, "Until")
    if start and end and start > end:
        raise FilterError(f"Since date {start} is after until date {end}: swap them or clear one.")
    chosen = [sources] if isinstance(sources, str) else list(sources or [])
    chosen = [s for s in chosen if s]
    if not (start or end or chosen):
        return None
    return Filters(since=start, until=end, sources=chosen)


def new_session() -> dict[str, Any]:
    """What one browser session remembers: its conversations and the one on screen."""
    return {"conversation_id": None, "conversations": []}


class ChatUI:
    """The handlers behind the page, kept apart from the layout so they read (and test) plainly."""

    def __init__(self, settings: Settings, components: Components, chat_service: ChatService) -> None:
        self.settings = settings
        self.components = components
        self.chat = chat_service
        self._index_lock = threading.Lock()

    # --- reading the store -------------------------------------------------------------

    @property
    def store(self):
        return self.components.store

    def article_text(self, article_id: str) -> str | None:
        article = self.store.get_article(article_id)
        return None if article is None else article.text

    def source_choices(self) -> list[str]:
        names = {article.source for article in self.store.articles() if article.source}
        return sorted(names, key=str.lower)

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
        return render.render_status_line(stats, models), render.render_status(stats, models)

    # --- rendering a conversation ------------------------------------------------------

    def messages(self, answers: Sequence[Answer]) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for turn, answer in enumerate(answers):
            out.append({"role": "user", "content": render.render_user(answer.question)})
            out.append({"role": "assistant", "content": render.render_answer(answer, turn)})
        return out

    def sources_html(self, answers: Sequence[Answer]) -> str:
        return render.render_sources_panel(answers, self.article_text)

    def conversation_choices(self, session: dict[str, Any]) -> list[tuple[str, str]]:
        titles = dict(self.chat.conversations())
        choices = []
        for cid in reversed(session["conversations"]):
            title = (titles.get(cid) or "New conversation").strip()
            if len(title) > TITLE_CHARS:
                title = title[: TITLE_CHARS - 1] + "…"
            choices.append((title, cid))
        return choices

    def conversation_list(self, session: dict[str, Any]):
        return gr.Radio(choices=self.conversation_choices(session), value=session["conversation_id"])

    # --- events ------------------------------------------------------------------------

    def ask(
        self, question: str, since: str, until: str, sources: list[str] | None, session: dict[str, Any]
    ) -> Iterator[tuple]:
        """Stream one answer into the chat; outputs: chat, sources, box, session, list, filter note."""
        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), session, gr.skip(), ""
            return
        try:
            filters = parse_filters(since, until, sources)
        except FilterError as exc:
            yield gr.skip(), gr.skip(), gr.skip(), session, gr.skip(), f"⚠ {exc}"
            return
        session = {**session, "conversations": list(session["conversations"])}
        past = self._history(session["conversation_id"])
        if past is None:  # no conversation yet, or the server no longer knows it
            session["conversation_id"] = self.chat.new_conversation()
            session["conversations"].append(session["conversation_id"])
            past = []
        cid = session["conversation_id"]
        messages = self.messages(past)
        messages.append({"role": "user", "content": render.render_user(question)})
        messages.append({"role": "assistant", "content": render.render_streaming("…")})
        yield messages, gr.skip(), "", session, gr.skip(), ""

        partial, last_sent, answer = "", 0.0, None
        try:
            for event in self.chat.stream(cid, question, filters):
                if event.kind == "token":
                    partial += event.text
                    now = time.monotonic()
                    if now - last_sent >= STREAM_UPDATE_S:
                        messages[-1] = {"role": "assistant", "content": render.render_streaming(partial)}
                        last_sent = now
                        yield messages, gr.skip(), gr.skip(), session, gr.skip(), gr.skip()
                elif event.kind == "answer" and event.answer is not None:
                    answer = event.answer
        except Exception as exc:  # shown in the chat: the page must stay usable
            messages[-1] = {
                "role": "assistant",
                "content": render.render_error(f"{type(exc).__name__}: {exc}"),
            }
            yield messages, gr.skip(), gr.skip(), session, self.conversation_list(session), gr.skip()
            return
        if answer is None:
            messages[-1] = {
                "role": "assistant",
                "content": render.render_error("The answer stream ended early."),
            }
            yield messages, gr.skip(), gr.skip(), session, self.conversation_list(session), gr.skip()
            return
        answers = [*past, answer]
        messages[-1] = {"role": "assistant", "content": render.render_answer(answer, len(past))}
        yield (
            messages,
            self.sources_html(answers),
            gr.skip(),
            session,
            self.conversation_list(session),
            gr.skip(),
        )

    def _history(self, conversation_id: str | None) -> list[Answer] | None:
        if conversation_id is None:
            return None
        try:
            return list(self.chat.history(conversation_id))
        except KeyError:
            return None

    def new_chat(self, session: dict[str, Any]) -> tuple:
        session = {**session, "conversation_id": None}
        return [], self.sources_html([]), session, self.conversation_list(session), ""

    def open_conversation(self, conversation_id: str | None, session: dict[str, Any]) -> tuple:
        if not conversation_id or conversation_id not in session["conversations"]:
            return gr.skip(), gr.skip(), session
        answers = self._history(conversation_id)
        if answers is None:
            return gr.skip(), gr.skip(), session
        session = {**session, "conversation_id": conversation_id}
        return self.messages(answers), self.sources_html(answers), session

    def upload(self, files: Sequence[Any] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        """Copy uploads into the data folder, index them, report; outputs: report, summary, status, sources."""
        paths = [Path(getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            return "<p>Choose one or more files first.</p>", gr.skip(), gr.skip(), gr.skip()
        copied = copy_uploads(paths, self.settings.data_dir / "uploads")
        from index.pipeline import Indexer

        def on_progress(state: Any) -> None:
            fraction, desc = progress_step(state)
            progress(fraction, desc=desc)

        with self._index_lock:
            progress(0, desc="Reading files")
            indexer = Indexer(self.settings, self.store, self.components.embedding)
            try:
                report = indexer.run(copied, progress=on_progress)
            except Exception as exc:  # shown next to the upload: the page must stay usable
                return render.render_error(f"Indexing failed: {exc}"), *self.status_views(), gr.skip()
        return (
            render.render_index_report(report, [p.name for p in copied]),
            *self.status_views(),
            gr.Dropdown(choices=self.source_choices()),
        )

    def refresh(self) -> tuple:
        return *self.status_views(), gr.Dropdown(choices=self.source_choices())

    # --- layout ------------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        show_examples = Path(self.settings.corpus_dir).resolve() == BUNDLED_CORPUS.resolve()
        with gr.Blocks(title="News archive Q&A", analytics_enabled=False, fill_width=True) as demo:
            session = gr.State(new_session())
            gr.Markdown("## News archive Q&A\nAnswers cite the archived articles they come from.")
            status_line, status_table = self.status_views()
            summary = gr.HTML(status_line, elem_id="index-summary")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    with gr.Row():
                        new_button = gr.Button(
                            "New chat", variant="secondary", size="sm", elem_id="new-chat", scale=0
                        )
                    conversations = gr.Radio(
                        choices=[], label="Conversations in this browser session", elem_id="conversations"
                    )
                    chatbot = gr.Chatbot(
                        elem_id="chat",
                        label="Chat",
                        height=560,
                        render_markdown=False,  # render.py writes HTML; no Markdown pass over escaped text
                        sanitize_html=True,
                        allow_tags=False,
                        latex_delimiters=[],
                        buttons=[],
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
                    with gr.Accordion("Filters", open=False, elem_id="filters"), gr.Row():
                        since = gr.Textbox(label="Since (YYYY-MM-DD)", elem_id="since", max_lines=1)
                        until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="until", max_lines=1)
                        source = gr.Dropdown(
                            choices=self.source_choices(),
                            multiselect=True,
                            label="Sources",
                            elem_id="source-filter",
                        )
                    filter_message = gr.Markdown("", elem_id="filter-message")
                with gr.Column(scale=2, min_width=340):
                    gr.Markdown("### Sources")
                    sources_panel = gr.HTML(self.sources_html([]), elem_id="sources-panel")
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

            ask_inputs = [question, since, until, source, session]
            ask_outputs = [chatbot, sources_panel, question, session, conversations, filter_message]
            gr.on(
                triggers=[question.submit, ask_button.click],
                fn=self.ask,
                inputs=ask_inputs,
                outputs=ask_outputs,
                api_name="ask",
                show_progress="minimal",
            )
            chatbot.example_select(
                fn=example_text, inputs=None, outputs=question, api_visibility="private", queue=False
            ).then(fn=self.ask, inputs=ask_inputs, outputs=ask_outputs, api_visibility="private")
            gr.on(
                triggers=[new_button.click, chatbot.clear],  # the chat's own clear button starts afresh too
                fn=self.new_chat,
                inputs=session,
                outputs=[chatbot, sources_panel, session, conversations, filter_message],
                api_visibility="private",
            )
            conversations.input(
                fn=self.open_conversation,
                inputs=[conversations, session],
                outputs=[chatbot, sources_panel, session],
                api_visibility="private",
            )
            upload_button.click(
                fn=self.upload,
                inputs=files,
                outputs=[upload_report, summary, status, source],
                concurrency_limit=1,
                concurrency_id="index",
                api_name="add_articles",
            )
            demo.load(fn=self.refresh, outputs=[summary, status, source], api_visibility="private")
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


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def copy_uploads(paths: Sequence[Path], folder: Path) -> list[Path]:
    """Copy uploaded files to a persistent folder under stable names.

    Gradio keeps uploads in a temporary cache that is cleaned up; the index records each
    article's path, so the copy must outlive the server. The name is the uploaded file's
    own (made filesystem-safe): uploading a file of the same name again replaces the
    earlier copy, which the indexer then sees as an updated article, not a new one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in paths:
        name = SAFE_NAME.sub("_", path.name).lstrip(".") or "upload.txt"
        # Gradio prefixes nothing, but keep the extension the loader dispatches on.
        target = folder / name
        shutil.copyfile(path, target)
        copied.append(target.resolve())
    return copied


def build_app(settings: Settings, components: Components, chat_service: ChatService) -> gr.Blocks:
    """The chat UI for ``chat_service``; launch with ``**launch_options()`` for its styling."""
    return ChatUI(settings, components, chat_service).build()
