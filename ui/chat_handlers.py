"""What the chat controls do: ask (streamed, checked), Stop, New chat, open, rename, delete, and the HTTP API.

Conversations are stored by :class:`rag.chat.ChatService` per owner: the logged-in user, or
one shared ``local`` owner without a login, so a reload or a restart of the server loses
nothing and nobody sees another user's conversations. The browser session only remembers
which conversation is on screen.

While an answer is written the chat shows the checked sentences as they come and, greyed
under a "Checking against the sources…" label, the model's unchecked draft; the finished
answer (or the refusal) replaces both. One answer at a time per browser session: a question
asked meanwhile gets a word under the box instead of being dropped in silence.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from typing import Any

import gradio as gr

from rag.chat import LOCAL_OWNER, ChatService, UnknownConversationError
from rag.citations import parse_answer
from rag.errors import explain
from rag.types import Answer, Filters, Sentence
from ui import render
from ui.runs import Runs, pump

STREAM_UPDATE_S = 0.05
"""Minimum time between two streamed chat updates: enough to show tokens arriving without
sending one browser update per token on a busy two-core machine."""
TITLE_CHARS = 60
BUSY = (
    "Still answering your previous question. Your new question stays in the box: "
    "ask it when the answer is done, or press Stop first."
)
ParseFilters = Callable[[str | None, str | None, Sequence[str] | str | None], Filters | None]


def owner_of(request: gr.Request | None) -> str:
    """Whose conversations: the logged-in user, or the shared local owner without a login."""
    return (getattr(request, "username", None) or LOCAL_OWNER) if request is not None else LOCAL_OWNER


def session_of(request: gr.Request | None) -> str:
    return (getattr(request, "session_hash", None) or "no-session") if request is not None else "no-session"


def new_session() -> dict[str, Any]:
    """What one browser session remembers: the conversation on screen."""
    return {"conversation_id": None}


def bot(content: str) -> dict[str, str]:
    return {"role": "assistant", "content": content}


def draft_after(draft: str, checked: int) -> str:
    """The part of the draft not yet shown as checked sentences (same splitter as the engine)."""
    if not checked:
        return draft
    sentences = parse_answer(draft, 999)
    return " ".join(sentence.render() for sentence in sentences[checked:])


class ChatHandlers:
    def __init__(self, chat: ChatService, article_text: Callable[[str], str | None], parse: ParseFilters):
        self.chat = chat
        self.article_text = article_text
        self.parse_filters = parse
        self.runs = Runs()

    # --- rendering ---------------------------------------------------------------------
    def messages(self, answers: Sequence[Answer]) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for turn, answer in enumerate(answers):
            out.append({"role": "user", "content": render.render_user(answer.question)})
            out.append(bot(render.render_answer(answer, turn)))
        return out

    def sources_html(self, answers: Sequence[Answer]) -> str:
        return render.render_sources_panel(answers, self.article_text)

    def conversation_list(self, owner: str, selected: str | None) -> gr.Radio:
        choices = []
        for info in self.chat.conversations(owner):
            title = info.title.strip() or "New conversation"
            if len(title) > TITLE_CHARS:
                title = title[: TITLE_CHARS - 1] + "…"
            choices.append((title, info.id))
        return gr.Radio(choices=choices, value=selected)

    def _history(self, conversation_id: str | None, owner: str) -> list[Answer] | None:
        if not conversation_id:
            return None
        try:
            return self.chat.history(conversation_id, owner)
        except UnknownConversationError:
            return None

    def _title(self, conversation_id: str | None, owner: str) -> str:
        if not conversation_id:
            return ""
        try:
            return self.chat.store.get(owner, conversation_id).title
        except UnknownConversationError:
            return ""

    # --- asking ------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        since: str,
        until: str,
        sources: list[str] | None,
        session: dict[str, Any],
        shown: list[dict[str, Any]] | None,
        request: gr.Request,
    ) -> Iterator[tuple]:
        """Stream one answer; outputs: chat, sources, box, session, list, notice, stop button, title.

        ``shown`` is the chat as on screen: it keeps the notes of stopped turns, which are not
        stored, so the user still sees what they asked before.
        """
        skip = gr.skip
        owner, key = owner_of(request), session_of(request)
        question = (question or "").strip()
        if not question:
            yield skip(), skip(), skip(), session, skip(), "", skip(), skip()
            return
        try:
            filters = self.parse_filters(since, until, sources)
        except ValueError as exc:
            yield skip(), skip(), skip(), session, skip(), f"⚠ {exc}", skip(), skip()
            return
        past = self._history(session.get("conversation_id"), owner)
        run = self.runs.start(key, session.get("conversation_id") or "")
        if run is None:
            yield skip(), skip(), skip(), session, skip(), BUSY, skip(), skip()
            return
        try:
            yield from self._answer(question, filters, past, session, owner, run, shown)
        finally:
            self.runs.finish(key, run)

    def _answer(self, question, filters, past, session, owner, run, shown) -> Iterator[tuple]:
        skip = gr.skip
        if past is None:  # no conversation yet, or it was deleted meanwhile
            past, shown = [], None
            session = {**session, "conversation_id": self.chat.new_conversation(owner)}
        cid = run.conversation_id = session["conversation_id"]
        messages = screen_messages(shown) or self.messages(past)
        messages += [
            {"role": "user", "content": render.render_user(question)},
            bot(render.render_progress([], "")),
        ]
        run.messages = messages
        listing = self.conversation_list(owner, cid)
        yield messages, skip(), "", session, listing, "", gr.Button(interactive=True), self._title(cid, owner)

        checked: list[Sentence] = []
        draft, note, last_sent, answer = "", "", 0.0, None
        try:
            events = self.chat.stream(cid, question, filters, owner=owner, cancel=run.cancel)
            for event in pump(events, run.cancel):
                if event.kind == "answer":
                    answer = event.answer
                    continue
                if event.kind == "sentence" and event.sentence is not None:
                    checked.append(event.sentence)
                elif event.kind == "token":
                    draft += event.text
                elif event.kind == "restart":  # the model writes again: nothing of its draft stays
                    checked, draft, note = [], "", event.text
                now = time.monotonic()
                if event.kind in ("sentence", "restart") or now - last_sent >= STREAM_UPDATE_S:
                    messages[-1] = bot(
                        render.render_progress(checked, draft_after(draft, len(checked)), note)
                    )
                    last_sent = now
                    if run.cancel.is_set():
                        break
                    yield messages, skip(), skip(), session, skip(), skip(), skip(), skip()
        except Exception as exc:  # shown in the chat: the page must stay usable
            if run.cancel.is_set():
                yield from self._cancelled(run, messages, session)
                return
            # A store or model fault the user can act on is said in plain words (disk full, server
            # gone, model stalled); anything else is named as it is, and the page stays usable.
            plain = explain(exc, self.chat.settings) or f"{type(exc).__name__}: {exc}"
            messages[-1] = bot(render.render_error(plain))
            yield messages, skip(), skip(), session, listing, "", gr.Button(interactive=False), skip()
            return
        if run.cancel.is_set():
            yield from self._cancelled(run, messages, session)
            return
        if answer is None:
            messages[-1] = bot(render.render_error("The answer stream ended early; ask again."))
            yield messages, skip(), skip(), session, listing, "", gr.Button(interactive=False), skip()
            return
        messages[-1] = bot(render.render_answer(answer, len(past)))
        yield (
            messages,
            self.sources_html([*past, answer]),
            skip(),
            session,
            self.conversation_list(owner, cid),
            "",  # a "still answering" word is stale now
            gr.Button(interactive=False),
            self._title(cid, owner),
        )

    def _cancelled(self, run, messages: list[dict[str, str]], session: dict[str, Any]) -> Iterator[tuple]:
        """The last update of a stopped answer: a plain note, or nothing at all for New chat.

        Gradio sends a streaming handler's last update again when it ends, so a handler that
        simply returned would put its last draft back into the chat New chat had emptied.
        """
        if run.reason == "stop":
            messages[-1] = bot(render.render_stopped())
            yield (
                messages,
                gr.skip(),
                gr.skip(),
                session,
                gr.skip(),
                "",
                gr.Button(interactive=False),
                gr.skip(),
            )
        else:  # New chat or another conversation is on screen now: write nothing into it
            yield (gr.skip(),) * 8

    def stop(self, request: gr.Request) -> None:
        """End the answer being written; its handler replaces the draft with a plain note."""
        self.runs.stop(session_of(request), "stop")

    # --- conversations -----------------------------------------------------------------
    def _leave(self, request: gr.Request) -> None:
        """Another chat goes on screen: stop the answer being written and never show it there.

        A conversation that had not got its first answer yet is dropped rather than listed
        as an empty "New conversation".
        """
        run = self.runs.stop(session_of(request), "new_chat")
        if run is None or not run.conversation_id:
            return
        owner = owner_of(request)
        with suppress(UnknownConversationError):
            if not self.chat.history(run.conversation_id, owner):
                self.chat.delete(run.conversation_id, owner)

    def new_chat(self, session: dict[str, Any], request: gr.Request) -> tuple:
        """An empty chat; an answer still being written is stopped and never shown here."""
        self._leave(request)
        session = {**session, "conversation_id": None}
        listing = self.conversation_list(owner_of(request), None)
        return [], self.sources_html([]), session, listing, "", gr.Button(interactive=False), ""

    def open_conversation(self, conversation_id: str | None, session: dict[str, Any], request: gr.Request):
        owner = owner_of(request)
        if conversation_id and conversation_id == session.get("conversation_id"):
            return (gr.skip(),) * 6  # already on screen (perhaps still being answered)
        answers = self._history(conversation_id, owner)
        if answers is None:
            return gr.skip(), gr.skip(), session, self.conversation_list(owner, None), "", gr.skip()
        self._leave(request)
        session = {**session, "conversation_id": conversation_id}
        title = self._title(conversation_id, owner)
        listing = self.conversation_list(owner, conversation_id)
        return self.messages(answers), self.sources_html(answers), session, listing, "", title

    def rename(self, title: str, session: dict[str, Any], request: gr.Request) -> tuple:
        """Outputs: list, title box, notice."""
        owner, cid = owner_of(request), session.get("conversation_id")
        if not cid:
            return gr.skip(), gr.skip(), "Open a conversation first, then rename it."
        try:
            title = self.chat.rename(cid, title, owner)
        except (ValueError, UnknownConversationError) as exc:
            return gr.skip(), gr.skip(), str(exc)
        return self.conversation_list(owner, cid), title, ""

    def delete(self, session: dict[str, Any], request: gr.Request) -> tuple:
        """Outputs: chat, sources, session, list, notice, stop button, title box."""
        owner, cid = owner_of(request), session.get("conversation_id")
        if not cid:
            return (*(gr.skip(),) * 4, "Open a conversation first, then delete it.", gr.skip(), gr.skip())
        self.runs.stop(session_of(request), "new_chat")
        title = self._title(cid, owner) or "the conversation"
        with suppress(UnknownConversationError):  # already gone in another window: same result
            self.chat.delete(cid, owner)
        session = {**session, "conversation_id": None}
        listing = self.conversation_list(owner, None)
        return (
            [],
            self.sources_html([]),
            session,
            listing,
            f"Deleted “{title}”.",
            gr.Button(interactive=False),
            "",
        )

    # --- HTTP API ----------------------------------------------------------------------
    def api_answer_events(
        self, question: str, since: str = "", until: str = "", sources: list[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The answer engine's events for ``question`` as JSON, one per update: each checked
        sentence as soon as it is checked, then the whole answer (no conversation is stored).

        What ``rag ask`` reads when a server is running (:mod:`rag.server_link`): the terminal
        prints them as it prints an answer made in its own process. The model's draft is not
        sent; one ``token`` event says that the model has started writing.
        """
        question = (question or "").strip()
        if not question:
            raise gr.Error("The question is empty: ask something about the archive.")
        try:
            filters = self.parse_filters(since, until, sources)
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        writing = False
        try:
            for event in self.chat.engine.stream(question, filters=filters):
                if event.kind == "token":
                    if writing:
                        continue
                    writing = True
                    event = event.model_copy(update={"text": ""})
                yield without_paths(event.model_dump(mode="json", exclude={"answer": {"exchange"}}))
        except Exception as exc:  # the reason in plain words, as the chat shows it
            message = explain(exc, self.chat.settings)
            if message is None:
                raise
            raise gr.Error(message) from None

    def api_ask(self, question: str, conversation_id: str = "", request: gr.Request = None) -> dict[str, Any]:
        """Answer ``question`` in conversation ``conversation_id`` ("" starts a new one).

        Returns the answer text with its citation markers, whether the archive had no answer
        (and why, in plain words), the numbered sources it cites, and the conversation id to
        pass with a follow-up question.
        """
        owner = owner_of(request)
        question = (question or "").strip()
        if not question:
            raise gr.Error("The question is empty: ask something about the archive.")
        cid = (conversation_id or "").strip() or self.chat.new_conversation(owner)
        try:
            answer = self.chat.ask(cid, question, owner=owner)
        except UnknownConversationError as exc:
            raise gr.Error(f"{exc} Pass an empty conversation_id to start a new one.") from None
        return answer_payload(answer, cid)


def without_paths(value: Any) -> Any:
    """``value`` without its ``path`` keys (each passage's file on the server).

    Gradio takes any JSON object with a ``path`` key for a file: gradio_client then fetched
    ``/gradio_api/file=<the article's path>`` and stopped at the server's 403, so no answer with
    sources reached a client of ``/answer_events``; and where the server's files lie is no
    business of a client. ``rag ask`` does not read the path either."""
    if isinstance(value, dict):
        return {key: without_paths(item) for key, item in value.items() if key != "path"}
    if isinstance(value, list):
        return [without_paths(item) for item in value]
    return value


def screen_messages(shown: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    """The chat's messages as gradio hands them in (content as a list of parts), as HTML strings."""
    out = []
    for message in shown or []:
        content = message.get("content")
        if isinstance(content, list):
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        if isinstance(content, str) and message.get("role") in ("user", "assistant"):
            out.append({"role": message["role"], "content": content})
    return out


def answer_payload(answer: Answer, conversation_id: str) -> dict[str, Any]:
    """The API's answer: plain JSON a client can show without knowing the product's types."""
    cited = set(render.cited_numbers(answer))
    return {
        "conversation_id": conversation_id,
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "refusal_reason": answer.refusal_reason,
        "quoted": answer.quoted,
        "sources": [
            {
                "number": source.number,
                "cited": source.number in cited,
                "title": source.passage.title,
                "outlet": source.passage.source,
                "date": source.passage.date.isoformat() if source.passage.date else None,
                "url": source.passage.url,
                "article_id": source.passage.article_id,
                "passage": source.passage.text,
            }
            for source in answer.sources
        ],
        "unsupported_sentences": [s.text for s in answer.sentences if s.needs_citation and not s.supported],
    }
