"""Conversations: follow-up rewriting, history per conversation and per owner, several at once, kept on disk."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rag import prompts
from rag.chat import ChatService, UnknownConversationError
from rag.components import Components
from rag.conversations import ConversationStore
from rag.engine import AnswerEngine
from rag.models.llm import ChatStream
from rag.types import Answer
from tests.rag.answering import RecordingRetriever, ScriptedChatModel, indexed_components, with_settings

FIRST = "How many people live in Deir al-Zor city?"
FOLLOW_UP = "Who besieges it?"
REWRITE = "Who besieges Deir al-Zor city?"
REPLY = "Around 200,000 people live in Deir Ezzor city [1]."
THIRD = "How many live in the besieged part?"


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Components:
    return indexed_components(tmp_path_factory.mktemp("chat"), model_cache_dir)


def scripted_service(
    components: Components,
    model: ScriptedChatModel,
    store_path: Path,
    follow_ups: str = "rewrite",
    quote_sources: bool = True,
) -> tuple[ChatService, RecordingRetriever]:
    """A chat service over the real store and retriever with a scripted model; follow-ups are
    rewritten (the older way, still the fallback) unless ``follow_ups`` is "continue"."""
    settings = components.settings.with_overrides(
        **{"answer.follow_ups": follow_ups, "answer.quote_sources": quote_sources}
    )
    shared = with_settings(components, settings)
    shared.__dict__["llm"] = model
    retriever = RecordingRetriever(shared.settings, shared.store, shared.embedding)
    engine = AnswerEngine(shared.settings, shared, retriever=retriever)
    store = ConversationStore(store_path)
    return ChatService(shared.settings, shared, engine=engine, store=store), retriever


def titles(service: ChatService, owner: str = "local") -> dict[str, str]:
    return {c.id: c.title for c in service.conversations(owner)}


def record_streams(monkeypatch: pytest.MonkeyPatch, llm) -> list[ChatStream]:
    """The reply streams ``llm`` opens from now on (their usage counts the cached tokens)."""
    streams: list[ChatStream] = []
    stream_chat = llm.stream_chat

    def recording(*args, **kwargs) -> ChatStream:
        streams.append(stream_chat(*args, **kwargs))
        return streams[-1]

    monkeypatch.setattr(llm, "stream_chat", recording)
    return streams


def rewrite_requests(model: ScriptedChatModel) -> list[str]:
    """The user messages of the condense calls the model received."""
    return [m[-1]["content"] for m in model.sent if "Follow Up Input:" in m[-1]["content"]]


@pytest.mark.integration
def test_follow_up_is_rewritten_and_retrieval_receives_the_rewrite(components: Components, tmp_path: Path):
    model = ScriptedChatModel(answer=REPLY, rewrite=REWRITE)
    service, retriever = scripted_service(components, model, tmp_path / "c.sqlite3")
    conversation = service.new_conversation()
    first = service.ask(conversation, FIRST)
    assert first.standalone_question == FIRST
    assert rewrite_requests(model) == []  # no rewrite on a first turn
    second = service.ask(conversation, FOLLOW_UP)
    assert second.question == FOLLOW_UP
    assert second.standalone_question == REWRITE
    assert [query for query, _ in retriever.calls] == [FIRST, REWRITE]
    (request,) = rewrite_requests(model)
    assert FIRST in request and FOLLOW_UP in request
    answer_prompt = model.sent[-1][1]["content"]
    assert answer_prompt.endswith(f"Question: {REWRITE}")
    assert [a.question for a in service.history(conversation)] == [FIRST, FOLLOW_UP]
    assert titles(service) == {conversation: FIRST}


@pytest.mark.integration
def test_conversations_never_see_each_other(components: Components, tmp_path: Path):
    model = ScriptedChatModel(answer=REPLY, rewrite=REWRITE)
    service, _ = scripted_service(components, model, tmp_path / "c.sqlite3")
    a, b = service.new_conversation(), service.new_conversation()
    questions = {a: "Which group said it would not attend the Astana talks?", b: FIRST}
    errors: list[BaseException] = []

    def run(conversation: str) -> None:
        try:
            service.ask(conversation, questions[conversation])
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    service.ask(a, "And what was its former name?")
    (request,) = rewrite_requests(model)
    assert questions[a] in request and questions[b] not in request
    assert [x.question for x in service.history(a)] == [questions[a], "And what was its former name?"]
    assert [x.question for x in service.history(b)] == [questions[b]]
    assert titles(service) == {a: questions[a], b: questions[b]}
    with pytest.raises(UnknownConversationError):
        service.history("nope")


@pytest.mark.integration
def test_a_restarted_service_continues_the_conversation_with_its_history(
    components: Components, tmp_path: Path
):
    store_path = tmp_path / "c.sqlite3"
    model = ScriptedChatModel(answer=REPLY, rewrite=REWRITE)
    before, _ = scripted_service(components, model, store_path)
    conversation = before.new_conversation("ann")
    first = before.ask(conversation, FIRST, owner="ann")
    before.store.close()

    after, retriever = scripted_service(components, model, store_path)  # as after a server restart
    assert [c.id for c in after.conversations("ann")] == [conversation]
    assert after.conversations("bob") == [] and after.conversations() == []
    assert after.history(conversation, "ann")[0].model_dump() == first.model_dump()
    second = after.ask(conversation, FOLLOW_UP, owner="ann")
    assert second.standalone_question == REWRITE  # the follow-up was rewritten with the stored turn
    assert FIRST in rewrite_requests(model)[-1]
    with pytest.raises(UnknownConversationError):
        after.ask(conversation, FOLLOW_UP, owner="bob")
    assert len(after.history(conversation, "ann")) == 2
    assert after.rename(conversation, "Deir al-Zor", "ann") == "Deir al-Zor"
    after.delete(conversation, "ann")
    assert after.conversations("ann") == []


@pytest.mark.integration
def test_a_cancelled_turn_stops_the_stream_and_is_not_kept(components: Components, tmp_path: Path):
    model = ScriptedChatModel(answer=REPLY, rewrite=REWRITE)
    service, _ = scripted_service(components, model, tmp_path / "c.sqlite3")
    conversation = service.new_conversation()
    cancel = threading.Event()
    kinds = []
    for event in service.stream(conversation, FIRST, cancel=cancel):
        kinds.append(event.kind)
        if event.kind == "token":
            cancel.set()
    assert kinds == ["token"]  # nothing after the cancel, not the answer
    assert service.history(conversation) == []
    answer = service.ask(conversation, FIRST)  # the conversation stays usable
    assert [a.question for a in service.history(conversation)] == [answer.question]


@pytest.mark.integration
def test_rewriting_with_the_small_model_gives_a_question(
    components: Components, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    service = ChatService(components.settings, components, store=ConversationStore(tmp_path / "c.sqlite3"))
    conversation = service.new_conversation()
    events = list(service.stream(conversation, FIRST))
    assert events[-1].kind == "answer"
    streams = record_streams(monkeypatch, components.llm)
    follow = service.ask(conversation, FOLLOW_UP)
    # The fixed system prefix of the answer prompt is evaluated once, not on every turn.
    if not follow.refused or follow.model:
        assert streams[-1].usage.cached_tokens > 0
    assert follow.standalone_question.strip()
    assert follow.question == FOLLOW_UP
    assert len(service.history(conversation)) == 2


# ---------------------------------------------------------------- follow-ups in the same chat


@pytest.mark.integration
def test_a_follow_up_continues_the_chat_with_only_the_sources_it_lacks(
    components: Components, tmp_path: Path
):
    besieged = "Deir Ezzor city has been besieged by IS since early 2015 [1]."
    lives = "About 200,000 people live in the besieged area [1]."
    model = ScriptedChatModel(answer=[REPLY, besieged, lives], rewrite=REWRITE)
    service, retriever = scripted_service(components, model, tmp_path / "c.sqlite3", follow_ups="continue")
    conversation = service.new_conversation()
    first = service.ask(conversation, FIRST)
    assert not first.refused
    assert first.exchange[-1] == {"role": "assistant", "content": REPLY}
    assert first.exchange[:-1] == model.sent[-1]  # the chat the reply was written in
    second = service.ask(conversation, FOLLOW_UP)
    assert rewrite_requests(model) == []  # no model call before retrieval
    assert [query for query, _ in retriever.calls] == [FIRST, f"{FIRST} {FOLLOW_UP}"]
    assert second.standalone_question == FOLLOW_UP
    sent = model.sent[-1]
    assert sent[: len(first.exchange)] == first.exchange  # the earlier turn, byte for byte
    (turn,) = sent[len(first.exchange) :]
    assert turn["role"] == "user" and turn["content"].endswith(f"Question: {FOLLOW_UP}")
    # The first turn's sources keep their numbers; the passages it lacked follow, numbered on.
    assert [s.number for s in second.sources] == list(range(1, len(second.sources) + 1))
    assert [s.passage.chunk_id for s in second.sources[: len(first.sources)]] == [
        s.passage.chunk_id for s in first.sources
    ]
    added = second.sources[len(first.sources) :]
    assert len({s.passage.chunk_id for s in second.sources}) == len(second.sources)
    assert all(f"[{s.number}]" in turn["content"] for s in added)
    assert ("More sources:" in turn["content"]) == bool(added)
    assert all(f"[{s.number}]" not in turn["content"] for s in first.sources)
    assert second.exchange == [*sent, {"role": "assistant", "content": besieged}]

    assert not second.refused, second.refusal_details
    # A third turn continues the same chat and searches with the question that opened it.
    third = service.ask(conversation, THIRD)
    assert retriever.calls[-1][0] == f"{FIRST} {THIRD}"
    assert model.sent[-1][: len(second.exchange)] == second.exchange
    assert third.exchange[: len(second.exchange)] == second.exchange


@pytest.mark.integration
def test_a_question_on_another_subject_in_the_same_chat_is_a_first_turn(
    components: Components, tmp_path: Path
):
    model = ScriptedChatModel(answer=[REPLY, REPLY], rewrite=REWRITE)
    service, retriever = scripted_service(components, model, tmp_path / "c.sqlite3", follow_ups="continue")
    conversation = service.new_conversation()
    assert not service.ask(conversation, FIRST).refused
    other = "Did Samoa extend its state of emergency over measles?"
    second = service.ask(conversation, other)
    # searched with its own words, neither rewritten nor joined to the chat's first question
    assert retriever.calls[-1][0] == other and rewrite_requests(model) == []
    assert second.standalone_question == other
    assert all(len(sent) == 2 for sent in model.sent)  # every prompt a fresh one


@pytest.mark.integration
def test_a_follow_up_after_a_refused_answer_is_rewritten_and_asked_afresh(
    components: Components, tmp_path: Path
):
    unbacked = "Around 900,000 people live in Deir Ezzor city [1]."
    model = ScriptedChatModel(answer=[unbacked, unbacked, REPLY], rewrite=REWRITE)  # asked twice
    service, retriever = scripted_service(
        components, model, tmp_path / "c.sqlite3", follow_ups="continue", quote_sources=False
    )
    conversation = service.new_conversation()
    first = service.ask(conversation, FIRST)
    assert first.refused and first.exchange  # the model wrote it, the verifier withdrew it
    second = service.ask(conversation, FOLLOW_UP)
    assert len(rewrite_requests(model)) == 1
    assert retriever.calls[-1][0] == REWRITE
    assert second.standalone_question == REWRITE
    assert model.sent[-1][0]["role"] == "system" and len(model.sent[-1]) == 2  # a fresh prompt


@pytest.mark.integration
def test_a_restarted_service_continues_the_stored_chat(components: Components, tmp_path: Path):
    store_path = tmp_path / "c.sqlite3"
    model = ScriptedChatModel(answer=REPLY, rewrite=REWRITE)
    before, _ = scripted_service(components, model, store_path, follow_ups="continue")
    conversation = before.new_conversation()
    first = before.ask(conversation, FIRST)
    before.store.close()
    after, retriever = scripted_service(components, model, store_path, follow_ups="continue")
    after.ask(conversation, FOLLOW_UP)
    assert retriever.calls == [(f"{FIRST} {FOLLOW_UP}", None)]
    assert model.sent[-1][: len(first.exchange)] == first.exchange


@pytest.mark.integration
def test_the_small_model_reads_only_the_follow_up_turn(
    components: Components, monkeypatch: pytest.MonkeyPatch
):
    """The point of continuing the chat: llama.cpp finds the earlier turn already evaluated.

    The earlier turn is the small model's own reply, whatever the verifier makes of it (the small
    model's replies are often withdrawn, and a withdrawn answer is never continued)."""
    settings = components.settings.with_overrides(**{"answer.follow_ups": "continue"})
    shared = with_settings(components, settings)
    engine = AnswerEngine(settings, shared)
    sources = engine.retriever.run(FIRST).sources
    messages = prompts.answer_messages(FIRST, sources, settings.retrieval.focus_tokens)
    reply = shared.llm.chat(messages, max_tokens=40)
    exchange = [*messages, {"role": "assistant", "content": reply}]
    first = Answer(question=FIRST, standalone_question=FIRST, text=reply, sources=sources, exchange=exchange)
    streams = record_streams(monkeypatch, shared.llm)
    follow = engine.answer(FOLLOW_UP, history=[first])
    assert follow.exchange[: len(exchange)] == exchange
    earlier = shared.llm.count_prompt_tokens(exchange)
    assert streams[0].usage.prompt_tokens > earlier
    assert streams[0].usage.cached_tokens >= earlier - 8, (streams[0].usage, earlier)


EXPLOSIONS = "How many explosions hit Deir al-Zour after IS launched its assault?"
SOHR = "The Syrian Observatory for Human Rights (SOHR) said the city of Deir al-Zour had been hit by at least six"


def holding(service: ChatService, question: str, text: str) -> int:
    """The number the chat's engine gives the retrieved passage that holds ``text``."""
    return next(s.number for s in service.engine.retriever.run(question).sources if text in s.passage.text)


@pytest.mark.integration
def test_asked_who_reported_it_the_sentence_that_backed_the_answer_is_quoted(
    components: Components, tmp_path: Path
):
    """The model names the wrong group; the sentence that backed the previous answer names the
    right one, so it is shown word for word, checked, with the source's number in this chat."""
    probe, _ = scripted_service(components, ScriptedChatModel(answer=""), tmp_path / "p.sqlite3")
    number = holding(probe, EXPLOSIONS, SOHR)
    model = ScriptedChatModel(
        answer=[
            f"At least six explosions hit Deir al-Zour [{number}].",
            f"The Free Syrian Army reported that [{number}].",
        ]
    )
    service, _ = scripted_service(components, model, tmp_path / "c.sqlite3", follow_ups="continue")
    conversation = service.new_conversation()
    assert not service.ask(conversation, EXPLOSIONS).refused
    answer = service.ask(conversation, "Which group reported that?")
    assert not answer.refused and answer.quoted, answer.refusal_details
    [sentence] = answer.sentences
    assert sentence.text.startswith(SOHR) and sentence.citations == [number] and sentence.supported
    assert "Free Syrian Army" not in answer.text and "Free Syrian Army" in answer.refusal_details
    assert len(model.sent) == 2  # no further model call


@pytest.mark.integration
def test_asked_who_reported_it_with_no_speaker_in_the_text_the_refusal_names_its_article(
    components: Components, tmp_path: Path
):
    probe, _ = scripted_service(components, ScriptedChatModel(answer=""), tmp_path / "p.sqlite3")
    number = holding(probe, FIRST, "Around 200,000 people live in Deir Ezzor city")
    model = ScriptedChatModel(
        answer=[
            f"Around 200,000 people live in Deir Ezzor city [{number}].",
            "The monitoring group reported that [1].",
        ]
    )
    service, _ = scripted_service(components, model, tmp_path / "c.sqlite3", follow_ups="continue")
    conversation = service.new_conversation()
    first = service.ask(conversation, FIRST)
    assert not first.refused
    answer = service.ask(conversation, "Who reported that?")
    assert answer.refused and not answer.quoted
    cited = next(s for s in first.sources if s.number == number)
    assert answer.refusal_reason.startswith(
        f"The sentence that backs the answer above does not name who reported it. It comes from [{number}] “{cited.passage.title}”"
    )


@pytest.mark.integration
def test_asked_who_reported_it_a_restated_answer_is_not_shown(components: Components, tmp_path: Path):
    """Asked "Who reported the strikes?", the model restates the previous answer: backed and on
    topic, but it names no one who reported anything, so it is refused; the backing sentence
    ("He said ...") names no one either, so the refusal says where the answer comes from."""
    strikes = "How many air strikes did government forces carry out around Deir Ezzor on Monday?"
    probe, _ = scripted_service(components, ScriptedChatModel(answer=""), tmp_path / "p.sqlite3")
    number = holding(probe, strikes, "carrying out more than 20 air strikes")
    restated = f"Government forces carried out more than 20 air strikes on IS positions on Monday [{number}]."
    model = ScriptedChatModel(answer=[restated, restated])
    service, _ = scripted_service(components, model, tmp_path / "c.sqlite3", follow_ups="continue")
    conversation = service.new_conversation()
    assert not service.ask(conversation, strikes).refused
    answer = service.ask(conversation, "Who reported the strikes?")
    assert answer.refused and answer.sentences == [] and "20 air strikes" not in answer.text
    assert answer.refusal_reason.startswith(
        f"The sentence that backs the answer above does not name who reported it. It comes from [{number}]"
    )
