"""The chat handlers over the real engine and a real store (no browser): what the chat shows
while an answer is written, after a refusal, after Stop, and what the /ask endpoint returns.

The model's wording is scripted (:class:`tests.rag.answering.ScriptedChatModel`) so each test
knows whether the engine will back the reply; retrieval, checking, storing and rendering are real.
"""

from __future__ import annotations

import threading
from pathlib import Path

import gradio as gr
import pytest

from rag.chat import ChatService
from rag.components import Components
from rag.conversations import ConversationStore
from rag.engine import ASKING_TO_QUOTE, AnswerEngine
from rag.quoted import QUOTING
from rag.types import QUOTED_NOTE
from tests.rag.answering import ScriptedChatModel, indexed_components, with_settings
from ui.app import parse_filters
from ui.chat_handlers import BUSY, ChatHandlers
from ui.render import escape

pytestmark = pytest.mark.integration

QUESTION = "How many people live in Deir al-Zor city?"
BACKED = (
    "Around 200,000 people live in Deir Ezzor city [1]. The city is besieged by the Islamic State group [1]."
)
MADE_UP = "Kazakhstan has 19 million inhabitants [1]. Its capital is Nur-Sultan [2]."


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Components:
    return indexed_components(tmp_path_factory.mktemp("handlers"), model_cache_dir)


class SlowModel(ScriptedChatModel):
    """Scripted words at a reading pace, so a test can act while the answer is written."""

    def _reply(self, messages, usage):
        for piece in super()._reply(messages, usage):
            threading.Event().wait(0.05)
            yield piece


def handlers(
    components: Components, tmp_path: Path, reply: str, model_class=ScriptedChatModel, **overrides
) -> ChatHandlers:
    shared = with_settings(components, components.settings.with_overrides(**overrides))
    shared.__dict__["llm"] = model_class(answer=reply)
    engine = AnswerEngine(shared.settings, shared)
    chat = ChatService(
        shared.settings, shared, engine=engine, store=ConversationStore(tmp_path / "c.sqlite3")
    )
    return ChatHandlers(chat, lambda article_id: None, parse_filters)


def chat_html(update) -> str:
    """The HTML of the answer being written, from one update of the ask handler."""
    chat = update[0]
    return "" if not isinstance(chat, list) or not chat else chat[-1]["content"]


def run(updates) -> tuple[list[tuple], list[str]]:
    """Every update, and the last message as it was when that update was sent (the handler
    updates one list in place, as gradio sends each update before asking for the next)."""
    seen, shown = [], []
    for update in updates:
        seen.append(update)
        shown.append(chat_html(update))
    return seen, shown


def test_checked_sentences_appear_as_they_come_and_the_answer_replaces_the_draft(components, tmp_path):
    h = handlers(components, tmp_path, BACKED)
    request = gr.Request(username="ann", session_hash="page-1")
    updates, shown = run(h.ask(QUESTION, "", "", [], {"conversation_id": None}, None, request))
    assert "Searching the archive…" in shown[0]
    writing = [html for html in shown[1:-1] if html]
    assert writing and all('class="draft"' in html for html in writing)
    checked = [html for html in writing if 'class="answer checked"' in html]
    assert checked, "no checked sentence was shown before the answer"
    assert "200,000" in checked[0].split('<div class="draft"')[0]  # the sentence, outside the draft box
    final = shown[-1]
    assert 'class="draft' not in final and "200,000" in final and 'class="cite"' in final
    assert updates[-1][1] != gr.skip() and "src-card" in updates[-1][1]  # the sources panel
    cid = updates[-1][3]["conversation_id"]
    assert [c.id for c in h.chat.conversations("ann")] == [cid] and h.chat.conversations("bob") == []


def test_a_refused_reply_leaves_nothing_of_its_draft(components, tmp_path):
    h = handlers(components, tmp_path, MADE_UP, **{"answer.quote_sources": False})
    request = gr.Request(username="ann", session_hash="page-1")
    _, shown = run(h.ask(QUESTION, "", "", [], {"conversation_id": None}, None, request))
    drafts = [html for html in shown[1:-1] if html]
    assert any("Kazakhstan" in html for html in drafts)  # it was shown, as a draft only
    assert all('class="answer checked"' not in html for html in drafts)  # never as checked
    final = shown[-1]
    assert "No checked answer." in final and "Kazakhstan" not in final and "Nur-Sultan" not in final
    assert (
        "Not in the archive." not in final
    )  # the archive was not shown to lack it, only the reply to be unbacked


def test_when_both_replies_are_refused_the_sources_answering_sentence_is_shown_as_a_quote(
    components, tmp_path
):
    h = handlers(components, tmp_path, MADE_UP)
    request = gr.Request(username="ann", session_hash="page-1")
    _, shown = run(h.ask(QUESTION, "", "", [], {"conversation_id": None}, None, request))
    writing = [html for html in shown[1:-1] if html]
    assert any(escape(QUOTING) in html for html in writing)  # said while the quote is checked
    final = shown[-1]
    assert "200,000" in final and escape(QUOTED_NOTE) in final and "notice-quoted" in final
    assert "Kazakhstan" not in final and "No checked answer." not in final
    quoted = handlers(components, tmp_path, MADE_UP).api_ask(QUESTION, "", request)
    assert quoted["quoted"] is True and not quoted["refused"] and "200,000" in quoted["answer"]


def test_a_second_reply_replaces_the_first_draft_and_says_why(components, tmp_path):
    """The first reply is not backed, so the engine asks the model again: the chat drops the first
    draft, says the model is being asked to quote the sources, and shows the checked second reply."""
    h = handlers(components, tmp_path, [MADE_UP, "Around 200,000 people live in Deir Ezzor city [1]."])
    request = gr.Request(username="ann", session_hash="page-1")
    _, shown = run(h.ask(QUESTION, "", "", [], {"conversation_id": None}, None, request))
    writing = [html for html in shown[1:-1] if html]
    asking = [k for k, html in enumerate(writing) if escape(ASKING_TO_QUOTE) in html]
    assert asking, "the chat never said the model was asked again"
    assert any("Kazakhstan" in html for html in writing[: asking[0]])
    assert all("Kazakhstan" not in html for html in writing[asking[0] :])
    final = shown[-1]
    assert "200,000" in final and "Kazakhstan" not in final and "No checked answer." not in final


def test_stop_and_a_second_question_while_answering(components, tmp_path):
    h = handlers(components, tmp_path, BACKED, SlowModel)
    request = gr.Request(username="ann", session_hash="page-1")
    answering = h.ask(QUESTION, "", "", [], {"conversation_id": None}, None, request)
    first = next(answering)
    (busy,) = list(h.ask("Another question?", "", "", [], first[3], None, request))
    assert busy[5] == BUSY and busy[0] == gr.skip() and busy[2] == gr.skip()  # the box keeps the question
    next(answering)  # the answer is being written
    h.stop(request)
    _, rest = run(answering)
    assert "Stopped." in rest[-1] and 'class="draft' not in rest[-1]
    cid = first[3]["conversation_id"]
    assert h.chat.history(cid, "ann") == []  # the stopped turn is not kept
    assert not h.runs.active("page-1")  # the next question may be asked at once


def test_the_api_answers_and_follows_up_in_the_callers_conversations(components, tmp_path):
    h = handlers(components, tmp_path, BACKED)
    ann = gr.Request(username="ann", session_hash="client")
    first = h.api_ask(QUESTION, "", ann)
    assert not first["refused"] and "200,000" in first["answer"] and first["quoted"] is False
    assert any(s["cited"] and s["title"] for s in first["sources"])
    second = h.api_ask("Who besieges it?", first["conversation_id"], ann)
    assert second["conversation_id"] == first["conversation_id"]
    assert len(h.chat.history(first["conversation_id"], "ann")) == 2
    with pytest.raises(gr.Error, match="belongs to someone else"):
        h.api_ask("Who besieges it?", first["conversation_id"], gr.Request(username="bob", session_hash="x"))
    with pytest.raises(gr.Error, match="empty"):
        h.api_ask("  ", "", ann)
