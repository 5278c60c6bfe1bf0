"""The answer engine end to end: real store, real retrieval, real models (small one for plumbing)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest

from rag import prompts, relevance
from rag.asked import read_question
from rag.components import Components
from rag.engine import ASKING_TO_QUOTE, REFUSAL_TEXT, AnswerEngine
from rag.quoted import QUOTING, answering_sentence, copies_its_sources
from rag.reply_check import not_backed
from rag.retrieval.budget import format_context
from rag.settings import load_settings
from rag.text.markers import strip_markers
from rag.tokens import count_tokens
from rag.types import OTHER_LANGUAGE_TEXT, UNCHECKED_TEXT, Filters
from rag.verifier.scorer import SupportScorer
from tests.rag.answering import RecordingRetriever, ScriptedChatModel, indexed_components, with_settings

ANSWERABLE = "How many people live in Deir al-Zor city?"
UNANSWERABLE = "What is the population of Kazakhstan?"


def model_calls(monkeypatch: pytest.MonkeyPatch, llm) -> list[str]:
    """The names of the model's generation and judge methods called from now on (they still run)."""
    calls: list[str] = []

    def recording(name: str):
        method = getattr(llm, name)

        def call(*args, **kwargs):
            calls.append(name)
            return method(*args, **kwargs)

        return call

    for name in ("stream_chat", "yes_probability"):
        monkeypatch.setattr(llm, name, recording(name))
    return calls


def normalized(text: str) -> str:
    return " ".join(strip_markers(text).split())


def plain_words(reason: str | None) -> bool:
    """A refusal reason a reader understands: no scores, thresholds or model output in it."""
    return bool(reason) and not re.search(r"threshold|similarity|\d\.\d\d|passages sharing", reason)


def names_closest_articles(reason: str, answer) -> bool:
    """The reason names the retrieved articles, each by its title (or opening words), outlet and date."""
    named = set()
    for source in answer.sources[:2]:  # two passages may come from one article: it is named once
        p = source.passage
        name = f"“{p.title}”" if p.title else f"the article beginning “{' '.join(p.text.split()[:4])}"
        details = ", ".join(x for x in (p.source, f"{p.date.day} {p.date:%B %Y}" if p.date else "") if x)
        if name in reason and (not details or f"({details})" in reason):
            named.add(p.article_id)
    return named == {s.passage.article_id for s in answer.sources[:2]}


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Components:
    return indexed_components(tmp_path_factory.mktemp("engine"), model_cache_dir)


@pytest.fixture(scope="module")
def engine(components: Components) -> AnswerEngine:
    return AnswerEngine(components.settings, components)


# -- prompts (no models) ----------------------------------------------------------------------


@pytest.mark.unit
def test_system_prompt_is_fixed_and_sources_come_before_the_question():
    a = prompts.answer_messages("Q1?", [])
    b = prompts.answer_messages("Another question?", [])
    assert a[0] == b[0]  # byte-identical prefix: llama.cpp re-uses it
    assert a[1]["content"].endswith("Question: Q1?")
    assert "[1]" in prompts.SYSTEM_PROMPT and "only the numbered sources" in prompts.SYSTEM_PROMPT


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "declined"),
    [
        (prompts.CANNOT_ANSWER, True),
        ("The sources do not contain information about Kazakhstan.", True),
        ("I don't know.", True),
        ("", True),
        ("Around 200,000 people live in Deir Ezzor city [1].", False),
        ("About 200,000 people live there [1]. The sources do not say more.", False),
    ],
)
def test_recognises_when_the_model_declines(text, declined):
    assert prompts.says_cannot_answer(text) is declined


@pytest.mark.unit
def test_condense_prompt_keeps_recent_turns_short_and_rewrite_is_cleaned():
    history = [(f"Question {i}?", f"Answer {i} [1]. More detail {i}. Even more {i}.") for i in range(5)]
    messages = prompts.condense_messages(history, "And there?")
    user = messages[-1]["content"]
    assert "Question 0?" not in user and "Question 4?" in user
    assert "[1]" not in user and "Even more 4" not in user
    assert "Follow Up Input: And there?" in user
    assert user.rstrip().endswith("Standalone question:")
    assert prompts.clean_rewrite('Standalone question: "How many live in Deir al-Zor?"\nExtra', "x") == (
        "How many live in Deir al-Zor?"
    )
    assert prompts.clean_rewrite("  ", "And there?") == "And there?"


# -- refusal ----------------------------------------------------------------------------------


@pytest.mark.integration
def test_unanswerable_question_is_refused_without_calling_the_model(engine: AnswerEngine, monkeypatch):
    calls = model_calls(monkeypatch, engine.llm)
    answer = engine.answer(UNANSWERABLE)
    assert answer.refused
    assert answer.text == REFUSAL_TEXT
    assert plain_words(answer.refusal_reason)
    assert answer.refusal_reason.startswith(f"No article in the archive covers “{UNANSWERABLE}”.")
    assert names_closest_articles(answer.refusal_reason, answer)
    assert "similarity" in answer.refusal_details and "threshold" in answer.refusal_details
    assert calls == []  # no generation, no judge call
    assert answer.timings.first_token_s is None
    assert answer.prompt_tokens == 0 and answer.model == ""


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Wer leitet die Syrische Beobachtungsstelle für Menschenrechte?", "German"),
        # Answered before with the battle's death toll: backed by its source, not an answer.
        ("¿Cuántas personas viven en la ciudad de Deir al-Zor?", "Spanish"),
    ],
)
def test_a_question_in_another_language_is_not_put_to_the_model_and_says_why(
    engine: AnswerEngine, monkeypatch, question: str, language: str
):
    calls = model_calls(monkeypatch, engine.llm)
    answer = engine.answer(question)
    assert answer.refused and answer.text == OTHER_LANGUAGE_TEXT
    assert answer.refusal_reason.startswith(
        f"The question looks like {language} and the articles are in English; search and checks "
        "match words, so asking in English may find what they hold. The closest articles are: “"
    )
    assert names_closest_articles(answer.refusal_reason, answer)
    assert calls == [] and answer.prompt_tokens == 0
    english = engine.answer(UNANSWERABLE)
    assert "looks like" not in english.refusal_reason and english.text == REFUSAL_TEXT


@pytest.mark.integration
def test_filters_that_exclude_everything_refuse_without_the_model(engine: AnswerEngine, monkeypatch):
    calls = model_calls(monkeypatch, engine.llm)
    answer = engine.answer(ANSWERABLE, filters=Filters(since=dt.date(2030, 1, 1)))
    assert answer.refused and answer.sources == []
    assert answer.refusal_reason == (
        "No article within the dates and publishers you chose matches the question; "
        "widen or remove the filters and ask again."
    )
    assert calls == []


@pytest.mark.integration
def test_date_and_source_filters_reach_retrieval(components: Components):
    retriever = RecordingRetriever(components.settings, components.store, components.embedding)
    engine = AnswerEngine(components.settings, components, retriever=retriever)
    filters = Filters(since=dt.date(2017, 1, 17), until=dt.date(2017, 1, 17))
    answer = engine.answer(ANSWERABLE, filters=filters)
    assert retriever.calls == [(ANSWERABLE, filters)]
    assert answer.sources
    for source in answer.sources:
        assert source.passage.date == dt.date(2017, 1, 17)
    answer = engine.answer(ANSWERABLE, filters=Filters(sources=["bbc news"]))
    assert {s.passage.source for s in answer.sources} == {"BBC News"}


@pytest.mark.integration
def test_a_model_that_declines_gives_a_refusal(components: Components):
    engine = replying(components, prompts.CANNOT_ANSWER, quote_sources=False)
    scripted = engine.llm
    answer = engine.answer(ANSWERABLE)
    assert answer.refused and answer.text == UNCHECKED_TEXT
    assert answer.refusal_reason.startswith(
        "The articles closest to the question do not answer it. They are: "
    )
    assert names_closest_articles(answer.refusal_reason, answer) and plain_words(answer.refusal_reason)
    assert prompts.CANNOT_ANSWER in answer.refusal_details
    assert len(scripted.sent) == 1  # it was asked, with the sources


@pytest.mark.integration
def test_made_up_answer_is_refused_and_kept_for_debugging(components: Components):
    made_up = "Kazakhstan has 19 million inhabitants [1]. Its capital is Nur-Sultan [2]."
    engine = replying(components, made_up, quote_sources=False)
    events = list(engine.stream(ANSWERABLE))
    answer = events[-1].answer
    assert answer.refused and answer.text == UNCHECKED_TEXT
    assert [e for e in events if e.kind == "sentence"] == []  # nothing of it was released as checked
    assert answer.refusal_reason.startswith("The reply the model wrote is not backed by the articles")
    assert names_closest_articles(answer.refusal_reason, answer) and plain_words(answer.refusal_reason)
    assert "Kazakhstan" not in answer.refusal_reason
    assert made_up in answer.refusal_details


@pytest.mark.integration
def test_a_reply_of_bare_source_numbers_is_asked_again_and_never_shown(components: Components):
    scripted = ScriptedChatModel(answer=["[1][2] [3]", "Around 200,000 people live in Deir Ezzor city [1]."])
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    engine.components.__dict__["llm"] = scripted
    events = list(engine.stream(ANSWERABLE))
    streamed = "".join(e.text for e in events if e.kind == "token")
    assert streamed == "Around 200,000 people live in Deir Ezzor city [1]."
    assert len(scripted.sent) == 2
    retry = scripted.sent[1]
    assert retry[:2] == scripted.sent[0]  # same prompt, so its cached evaluation is re-used
    assert retry[2] == {"role": "assistant", "content": "[1][2] [3]"}
    assert retry[3] == {"role": "user", "content": prompts.SENTENCE_PLEASE}
    answer = events[-1].answer
    assert not answer.refused and answer.sentences[0].supported


@pytest.mark.integration
def test_an_unbacked_reply_is_followed_by_one_asking_for_the_sources_own_sentence(components: Components):
    """No sentence of the first reply is backed: the model is asked once more, with the same prompt
    and the request to copy the answering sentence after the question (not after the wrong reply),
    and the second reply, checked like any, is the answer."""
    wrong = "Around 900,000 people live in Deir Ezzor city [1]."
    quote = "Around 200,000 people live in Deir Ezzor city [1]."
    scripted = ScriptedChatModel(answer=[wrong, quote])
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    engine.components.__dict__["llm"] = scripted
    events = list(engine.stream(ANSWERABLE))
    kinds = [e.kind for e in events]
    assert kinds.count("restart") == 1
    restart = kinds.index("restart")
    assert "".join(e.text for e in events[:restart] if e.kind == "token") == wrong
    assert "".join(e.text for e in events[restart:] if e.kind == "token") == quote
    assert [e.text for e in events if e.kind == "restart"] == [ASKING_TO_QUOTE]
    assert len(scripted.sent) == 2
    first, again = scripted.sent
    assert again == prompts.quote_messages(first)
    assert again[:-1] == first[:-1] and again[-1]["content"].startswith(first[-1]["content"])
    assert again[-1]["content"].endswith(prompts.QUOTE_PLEASE)
    answer = events[-1].answer
    assert not answer.refused, answer.refusal_details
    assert normalized(answer.text) == normalized(quote) and answer.sentences[0].supported
    assert answer.exchange[-1] == {"role": "assistant", "content": quote}
    # the checked sentences streamed are the second reply's only
    assert [e.sentence.text for e in events if e.kind == "sentence"] == [s.text for s in answer.sentences]


@pytest.mark.integration
def test_a_second_reply_that_is_not_backed_either_leaves_the_refusal(components: Components):
    engine = replying(components, "", quote_sources=False)
    scripted = ScriptedChatModel(
        answer=["Around 900,000 people live in Deir Ezzor city [1].", "About 700,000 live there [1]."]
    )
    engine.components.__dict__["llm"] = scripted
    answer = engine.answer(ANSWERABLE)
    assert len(scripted.sent) == 2
    assert answer.refused and answer.text == UNCHECKED_TEXT
    assert not_backed(answer) and "900,000" in answer.refusal_details  # the first reply's refusal
    assert answer.refusal_details.endswith(
        "Asked to copy the sources, it wrote: About 700,000 live there [1]."
    )
    assert answer.completion_tokens == 9 + 5  # both replies' words, as the scripted model counts


@pytest.mark.integration
def test_a_second_reply_is_shown_only_if_it_copies_its_source(components: Components):
    """Asked to copy, the model may join a copied clause to words of its own: backed as a first
    reply, such a sentence is no copy, and as the second reply it leaves the refusal."""
    joined = (
        "Around 200,000 people live in Deir Ezzor city, which is besieged by the Islamic State group [1]."
    )
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=joined)
    first = engine.answer(ANSWERABLE)
    assert not first.refused and first.sentences[0].supported  # the verifier backs it
    assert not copies_its_sources(first)
    engine = replying(components, "", quote_sources=False)
    engine.components.__dict__["llm"] = ScriptedChatModel(
        answer=["Around 900,000 people live in Deir Ezzor city [1].", joined]
    )
    second = engine.answer(ANSWERABLE)
    assert second.refused and not_backed(second) and "900,000" in second.refusal_details


@pytest.mark.integration
def test_no_second_reply_when_switched_off_or_when_the_model_declines(components: Components):
    engine = replying(
        components,
        "Around 900,000 people live in Deir Ezzor city [1].",
        ask_to_quote=False,
        quote_sources=False,
    )
    scripted = engine.llm
    answer = engine.answer(ANSWERABLE)
    assert answer.refused and not_backed(answer) and len(scripted.sent) == 1
    engine = replying(components, prompts.CANNOT_ANSWER, quote_sources=False)
    declining = engine.llm
    assert engine.answer(ANSWERABLE).refused and len(declining.sent) == 1


@pytest.mark.integration
def test_when_the_replies_are_refused_the_sources_own_answering_sentence_is_shown(components: Components):
    """Both replies are refused (a wrong toll, then a reply that is no copy); a sentence of the
    sources covers the question and answers it, so it is shown, word for word with its citation,
    checked like any reply, without another model call."""
    scripted = ScriptedChatModel(
        answer=["Around 900,000 people live in Deir Ezzor city [1].", "About 700,000 live there [1]."]
    )
    engine = replying(components, "")
    engine.components.__dict__["llm"] = scripted
    events = list(engine.stream(ANSWERABLE))
    answer = events[-1].answer
    assert not answer.refused, answer.refusal_details
    assert answer.quoted and len(scripted.sent) == 2
    assert [e.text for e in events if e.kind == "restart"] == [ASKING_TO_QUOTE, QUOTING]
    holding = source_holding(engine, ANSWERABLE, "Around 200,000 people live in Deir Ezzor city")
    [sentence] = answer.sentences
    assert sentence.supported and sentence.citations == [holding]
    assert normalized(sentence.text).startswith("Around 200,000 people live in Deir Ezzor city")
    assert "900,000" not in answer.text and "700,000" not in answer.text
    assert "900,000" in answer.refusal_details and "700,000" in answer.refusal_details  # for debugging
    assert answer.completion_tokens == 9 + 5  # both replies' words, as the scripted model counts
    last = len(events) - 1 - [e.kind for e in events][::-1].index("restart")
    assert [e.sentence for e in events[last:] if e.kind == "sentence"] == answer.sentences
    # a follow-up continues the chat as if the model had written the quote
    assert answer.exchange[:2] == scripted.sent[0][:2]
    assert answer.exchange[-1]["content"] == f"{strip_markers(sentence.text).strip()} [{holding}]"


@pytest.mark.integration
def test_a_declining_model_is_answered_by_the_sources_sentence_and_nothing_weaker_is_quoted(
    components: Components,
):
    """The model declines while a source says how many live in the city: that sentence is the
    answer. Asked what no sentence covers, or "how many" where the sources give only "dozens", the
    refusal stands."""
    answer = replying(components, prompts.CANNOT_ANSWER).answer(ANSWERABLE)
    assert not answer.refused and "200,000" in answer.text
    hospitals = "How many hospitals still operate in Deir al-Zor city?"
    assert (
        answering_sentence(hospitals, replying(components, "").retriever.run(hospitals).sources, 0.6) is None
    )
    assert replying(components, prompts.CANNOT_ANSWER).answer(hospitals).refused
    tolls = "How many people did the fighting between Islamic State and the Syrian army kill in Deir al-Zor?"
    sources = replying(components, "").retriever.run(tolls).sources
    dozens = next(s.passage.text for s in sources if "has killed dozens" in s.passage.text)
    assert relevance.answers(dozens.split(", where")[0], read_question(tolls))  # on topic, but no count
    assert answering_sentence(tolls, sources, 0.6) is None


@pytest.mark.integration
def test_figures_the_model_gives_as_a_disagreement_are_checked_like_any_claim(components: Components):
    """ "The sources disagree: ..." once exempted a whole sentence from the check, so a made-up
    figure passed unmarked beside a backed sentence."""
    reply = (
        "Around 200,000 people live in Deir Ezzor city [1]. "
        "The sources disagree: another report says 900,000 people live there [2]."
    )
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=reply)
    answer = engine.answer(ANSWERABLE)
    assert not answer.refused
    made_up = next(s for s in answer.sentences if "900,000" in s.text)
    assert made_up.needs_citation and not made_up.supported and not made_up.reported
    assert [s.supported for s in answer.sentences if "200,000" in s.text] == [True]


class MeetingChatModel(ScriptedChatModel):
    """Scripted replies whose streams end only once every caller's reply is written, so each
    engine reads its token counts after the other call has finished too."""

    def __init__(self, answer: str, callers: int) -> None:
        super().__init__(answer)
        self.all_written = threading.Barrier(callers)

    def _reply(self, messages, usage):
        yield from super()._reply(messages, usage)
        self.all_written.wait(timeout=120)


@pytest.mark.integration
def test_concurrent_answers_report_their_own_token_counts(components: Components):
    model = MeetingChatModel("Around 200,000 people live in Deir Ezzor city [1].", callers=2)
    # one reply per question: the second question's is not backed, and is not asked again here
    settings = components.settings.model_copy(
        update={"answer": components.settings.answer.model_copy(update={"ask_to_quote": False})}
    )
    engine = AnswerEngine(settings, with_settings(components, settings))
    engine.components.__dict__["llm"] = model
    questions = [ANSWERABLE, "Which group said it would not attend the Astana talks?"]
    answers = {}

    def ask(question: str) -> None:
        answers[question] = engine.answer(question)

    threads = [threading.Thread(target=ask, args=(question,)) for question in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(model.sent) == 2
    sent = {question: next(m for m in model.sent if question in m[-1]["content"]) for question in questions}
    expected = {question: model.count_prompt_tokens(messages) for question, messages in sent.items()}
    assert len(set(expected.values())) == 2, "the two prompts must differ in length"
    assert {question: answer.prompt_tokens for question, answer in answers.items()} == expected


# -- generation -------------------------------------------------------------------------------


@pytest.mark.integration
def test_tokens_stream_before_the_final_answer(components: Components):
    settings = components.settings
    settings = settings.model_copy(
        update={"answer": settings.answer.model_copy(update={"quote_sources": False})}
    )
    engine = AnswerEngine(settings, with_settings(components, settings))
    events = list(engine.stream(ANSWERABLE))
    kinds = [e.kind for e in events]
    assert kinds[-1] == "answer" and kinds.count("answer") == 1
    assert kinds.count("token") >= 2 and set(kinds[:-1]) <= {"token", "sentence", "restart"}
    assert kinds.count("restart") <= 1
    answer = events[-1].answer
    # a reply that is not backed is followed by one more (test_an_unbacked_reply_is_followed_...);
    # a refusal names the first, an answer is the second's
    cut = kinds.index("restart") if "restart" in kinds else len(events)
    first = "".join(e.text for e in events[:cut] if e.kind == "token")
    last = "".join(e.text for e in events[cut % len(events) :] if e.kind == "token")
    streamed = first if answer.refused else last
    checked = [e.sentence for e in events if e.kind == "sentence"]
    if answer.refused:
        assert checked == []
    else:
        assert checked and checked == answer.sentences[: len(checked)]
        assert answer.timings.first_token_s <= answer.timings.first_sentence_s <= answer.timings.total_s
    n = len(answer.sources)
    assert all(1 <= int(x) <= n for x in re.findall(r"\[(\d+)\]", streamed))  # even streamed text
    if answer.refused:
        assert normalized(streamed) in normalized(answer.refusal_details)
    else:
        for sentence in answer.sentences:
            if not sentence.text.startswith(("Sources differ", "The figure changed")):
                assert normalized(sentence.text) in normalized(streamed)
    assert answer.prompt_tokens > 0 and answer.completion_tokens > 0
    assert answer.model == engine.llm.name
    assert 0 < answer.timings.first_token_s <= answer.timings.total_s
    assert answer.timings.retrieval_s <= answer.timings.first_token_s


@pytest.mark.integration
def test_each_sentence_is_checked_and_sent_while_the_model_writes_the_next(components: Components):
    reply = (
        "Around 200,000 people live in Deir Ezzor city [1]. The city is besieged by the Islamic State "
        "group [1]. Its mayor is Amira Holt [1]."
    )
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=reply)
    events = list(engine.stream(ANSWERABLE))
    kinds = [e.kind for e in events]
    answer = events[-1].answer
    assert not answer.refused, answer.refusal_reason
    checked = [e.sentence for e in events if e.kind == "sentence"]
    assert checked == answer.sentences  # the same sentences, texts, offsets and verdicts
    assert [s.supported for s in checked] == [True, True, False]  # the made-up mayor is marked
    first, second = [i for i, kind in enumerate(kinds) if kind == "sentence"][:2]
    tokens = [i for i, kind in enumerate(kinds) if kind == "token"]
    assert tokens[0] < first < second < tokens[-1]  # sent while the rest was still being written
    written = "".join(e.text for e in events[:first] if e.kind == "token")
    assert written.rstrip().endswith("The")  # sentence 1 was complete once sentence 2 began
    t = answer.timings
    assert t.first_token_s < t.first_sentence_s < t.total_s
    assert 0 < t.check_s < t.total_s


@pytest.mark.integration
def test_with_the_judge_on_sentences_are_checked_once_the_model_is_free(components: Components):
    """The judge is the model that is writing: its questions wait until the reply is finished."""
    settings = components.settings.with_overrides(**{"answer.judge": True})
    reply = "Around 200,000 people live in Deir Ezzor city [1]. The city is besieged by the Islamic State group [1]."
    engine = AnswerEngine(settings, with_settings(components, settings))
    scripted = ScriptedChatModel(answer=reply)
    engine.components.__dict__["llm"] = scripted
    events = list(engine.stream(ANSWERABLE))
    kinds = [e.kind for e in events]
    last_token = max(i for i, kind in enumerate(kinds) if kind == "token")
    assert kinds[last_token + 1 :] == ["sentence", "sentence", "answer"]
    assert [e.sentence for e in events if e.kind == "sentence"] == events[-1].answer.sentences


@pytest.mark.integration
def test_every_citation_names_a_source_and_sentence_offsets_hold(engine: AnswerEngine):
    for question in (ANSWERABLE, "Which group said it would not attend the Astana talks?"):
        answer = engine.answer(question)
        numbers = {s.number for s in answer.sources}
        assert numbers == set(range(1, len(answer.sources) + 1))
        assert {int(x) for x in re.findall(r"\[(\d+)\]", answer.text)} <= numbers
        for sentence in answer.sentences:
            assert answer.text[sentence.start : sentence.end] == sentence.text
            assert set(sentence.citations) <= numbers


@pytest.mark.integration
def test_prompt_stays_within_the_token_budget(components: Components):
    settings = components.settings.with_overrides(**{"retrieval.context_tokens": 300})
    engine = AnswerEngine(settings, with_settings(components, settings))
    question = "How many people were killed in the IS attack on Deir al-Zor?"
    answer = engine.answer(question)
    context = format_context(answer.sources)
    assert count_tokens(context) <= 300
    llm = engine.llm
    assert answer.prompt_tokens == llm.count_prompt_tokens(prompts.answer_messages(question, answer.sources))
    overhead = llm.count_prompt_tokens(prompts.answer_messages(question, []))
    context_in_model_tokens = llm.count_prompt_tokens([{"role": "user", "content": context}])
    assert answer.prompt_tokens <= overhead + context_in_model_tokens


@pytest.mark.integration
def test_conflicting_tolls_are_reported_with_both_sources(components: Components):
    reply = "Twelve government soldiers and 20 IS fighters were killed [1]."
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=reply)
    question = "How many people were killed in the IS attack on Deir al-Zor?"
    answer = engine.answer(question)
    assert not answer.refused
    assert answer.conflicts, answer.text
    bbc = next(
        s.number
        for s in answer.sources
        if s.passage.source == "BBC News" and "Twelve government soldiers" in s.passage.text
    )
    sides = {side.source_number for c in answer.conflicts for side in c.sides}
    assert bbc in sides and len(sides) >= 2
    differ = [s for s in answer.sentences if s.text.startswith("Sources differ")]
    assert len(differ) == 1 and set(differ[0].citations) == sides
    assert answer.sentences[0].citations == [bbc]  # re-cited to the BBC passage if needed


# -- relevance: a backed sentence that does not answer is not an answer -------------------------


def replying(components: Components, reply: str, **answer_settings) -> AnswerEngine:
    """The engine over the shared store with the model's reply fixed (its wording is the input)."""
    settings = components.settings
    if answer_settings:
        settings = settings.model_copy(update={"answer": settings.answer.model_copy(update=answer_settings)})
    engine = AnswerEngine(settings, with_settings(components, settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=reply)
    return engine


def source_holding(engine: AnswerEngine, question: str, text: str) -> int:
    """The number the engine gives the retrieved passage that holds ``text``."""
    sources = engine.retriever.run(question).sources
    return next(s.number for s in sources if text in s.passage.text)


@pytest.mark.integration
def test_with_no_backed_sentence_the_sources_disagreement_on_the_asked_figure_is_the_answer(
    components: Components,
):
    """Golden cf01's reply: "28 IS fighters" is false (28 is the army's toll, IS lost 40), so no
    sentence is backed; the sources' own rival tolls answer, and the model's sentence is not shown."""
    question = "How many government soldiers were killed in the IS assault on Deir al-Zor?"
    engine = replying(components, "placeholder")
    afp = source_holding(engine, question, "at least 28 regime forces dead")
    reply = f"Syria government soldiers killed 28 IS fighters in the assault on Deir al-Zor [{afp}]."
    answer = replying(components, reply).answer(question)
    assert not answer.refused, answer.refusal_details
    assert answer.sentences and all(s.reported and s.supported for s in answer.sentences)
    assert "killed 28 IS fighters" not in answer.text, answer.text
    assert "28 regime forces" in answer.text and "twelve government soldiers" in answer.text, answer.text
    assert answer.conflicts

    off = replying(components, reply, conflicts=False).answer(question)
    assert off.refused, "without the disagreement report nothing backed is left"
    unchecked = replying(components, reply, conflicts=False, relevance=False).answer(question)
    assert unchecked.refused, "an unbacked reply is never shown, whatever else is switched off"


@pytest.mark.integration
def test_an_unbacked_reply_citing_nothing_still_gets_the_sources_rival_tolls(components: Components):
    """Golden cf01's reply as the model wrote it, without a source number: its citations name no
    source, so every source that holds the question's names is weighed."""
    question = "How many government soldiers were killed in the IS assault on Deir al-Zor?"
    reply = "Syria government soldiers killed 28 IS fighters in the assault on Deir al-Zor."
    answer = replying(components, reply).answer(question)
    assert not answer.refused, answer.refusal_details
    assert answer.sentences and all(s.reported and s.supported for s in answer.sentences)
    assert "28 regime forces" in answer.text and "twelve government soldiers" in answer.text, answer.text
    assert len({side.source_number for c in answer.conflicts for side in c.sides}) >= 2


@pytest.mark.integration
def test_an_unbacked_reply_about_a_place_no_source_names_is_refused_not_reported(components: Components):
    """Golden un10: the sources' tolls of attacks in Deir al-Zor are no answer about Khan Shaykhun."""
    question = "What was the death toll of the Syrian government's chemical attack on Khan Shaykhun?"
    reply = "The chemical attack on Khan Shaykhun killed 28 government soldiers."
    answer = replying(components, reply).answer(question)
    assert answer.refused, answer.text
    assert not answer.conflicts
    # the same reply about the place the sources hold is answered with their report
    near = replying(components, reply.replace("Khan Shaykhun", "Deir al-Zor")).answer(
        "How many government soldiers were killed in the attack on Deir al-Zor?"
    )
    assert not near.refused and near.conflicts, near.refusal_details


@pytest.mark.integration
def test_with_no_backed_sentence_a_disagreement_on_another_figure_does_not_answer(components: Components):
    question = "Which group attacked Deir al-Zor?"
    engine = replying(components, "placeholder")
    army = source_holding(engine, question, "28 from the army")
    reply = f"The Kurdish YPG attacked Deir al-Zor, killing 28 government soldiers [{army}]."
    answer = replying(components, reply).answer(question)
    assert answer.refused, answer.text


@pytest.mark.integration
def test_a_backed_sentence_that_does_not_say_when_the_temple_was_built_is_refused(components: Components):
    question = "When was the Baal Shamin temple in Palmyra built?"  # golden un07
    engine = replying(components, "")
    n = source_holding(engine, question, "news of its demolition")
    reply = (
        "The Baal Shamin temple in Palmyra was reportedly destroyed by the extremist group ISIS and news of "
        f"its demolition sparked international condemnation earlier this week [{n}]."
    )
    shown = replying(components, reply, relevance=False).answer(question)
    assert not shown.refused and shown.sentences[0].supported  # backed: the verifier lets it through

    events = list(replying(components, reply).stream(question))
    answer = events[-1].answer
    assert answer.refused and answer.text == UNCHECKED_TEXT and answer.sentences == []
    assert [e for e in events if e.kind == "sentence"] == []  # never shown as checked
    assert answer.refusal_reason.startswith(
        "The articles found mention Baal Shamin and Palmyra, but no checked answer from them says when the "
        "Baal Shamin temple in Palmyra was built. The closest articles are: "
    )
    assert names_closest_articles(answer.refusal_reason, answer) and plain_words(answer.refusal_reason)
    assert answer.refusal_details.startswith("No backed sentence of the reply answers the question")
    assert reply in answer.refusal_details


@pytest.mark.integration
def test_an_invitation_to_the_talks_is_not_a_count_of_troops(components: Components):
    question = "How many US troops are deployed in Syria?"  # golden un09
    engine = replying(components, "")
    n = source_holding(engine, question, "transition team")
    reply = (
        f"US President-elect Donald Trump's transition team has been invited to take part in Astana "
        f"negotiations, but has not yet officially responded [{n}]."
    )
    answer = replying(components, reply).answer(question)
    assert answer.refused, answer.text
    assert answer.refusal_reason.startswith(
        "The articles found mention US, but no checked answer from them says how many US troops are deployed "
        "in Syria."
    )
    assert reply in answer.refusal_details


@pytest.mark.integration
def test_who_agreed_to_attend_is_not_the_outcome_of_the_talks(components: Components):
    question = "What was the outcome of the Astana peace talks?"
    engine = replying(components, "")
    n = source_holding(engine, question, "said Monday they will attend peace talks")
    reply = f"Syrian rebel groups said Monday they will attend peace talks next week [{n}]."
    assert not replying(components, reply, relevance=False).answer(question).refused
    answer = replying(components, reply).answer(question)
    assert answer.refused
    assert answer.refusal_reason.startswith(
        "No checked answer from the articles found says what the outcome of the Astana peace talks was."
    )


@pytest.mark.integration
def test_a_sentence_beside_the_answer_stays_and_waits_for_it(components: Components):
    engine = replying(components, "")
    n = source_holding(engine, ANSWERABLE, "Around 200,000 people live in Deir Ezzor city")
    context = f"Deir Ezzor city has been besieged by IS since early 2015 [{n}]."
    answering = f"Around 200,000 people live in Deir Ezzor city [{n}]."
    events = list(replying(components, f"{context} {answering}").stream(ANSWERABLE))
    answer = events[-1].answer
    assert not answer.refused
    assert [normalized(s.text) for s in answer.sentences] == [normalized(context), normalized(answering)]
    streamed = [e.sentence for e in events if e.kind == "sentence"]
    assert streamed == answer.sentences  # the context sentence was held until the answer came


# -- default model ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_engine(components: Components, model_cache_dir: Path) -> AnswerEngine:
    """The default model over the same store (the small model is not shared)."""
    settings = load_settings("default", data_dir=components.settings.data_dir, cache_dir=model_cache_dir)
    shared = Components(settings)
    shared.__dict__["store"] = components.store
    shared.__dict__["embedding"] = components.embedding
    return AnswerEngine(settings, shared)


@pytest.mark.slow
def test_acceptance_questions_with_the_default_model(default_engine: AnswerEngine, monkeypatch):
    population = default_engine.answer(ANSWERABLE)
    assert not population.refused, population.refusal_reason
    assert "200,000" in population.text
    cited = {n for s in population.sentences for n in s.citations}
    cited_articles = {
        a
        for s in population.sources
        if s.number in cited
        for a in [s.passage.article_id, *(p.article_id for p in s.corroborating)]
    }
    assert cited_articles & {"001_aba8e4193e5ca6f2", "002_3598194b84453929", "003_45ef8bfc82b231bc"}
    assert all(s.supported for s in population.sentences if s.needs_citation)

    group = default_engine.answer("Which group said it would not attend the Astana talks?")
    assert not group.refused, group.refusal_reason
    assert "Fateh al-Sham" in group.text
    assert any(s.citations for s in group.sentences)

    calls = model_calls(monkeypatch, default_engine.llm)
    kazakhstan = default_engine.answer(UNANSWERABLE)
    assert kazakhstan.refused and kazakhstan.text == REFUSAL_TEXT
    assert calls == []

    toll = default_engine.answer("How many people were killed in the IS attack on Deir al-Zor?")
    assert not toll.refused, toll.refusal_reason
    assert toll.conflicts
    assert "Sources differ" in toll.text
    sides = {side.source_number for c in toll.conflicts for side in c.sides}
    assert len(sides) >= 2


@pytest.mark.integration
def test_a_reply_that_only_names_the_answer_is_checked_as_the_question_completed(components: Components):
    """ "Geneva [1]" states nothing on its own; it is checked as "Where will ... be held Geneva",
    so a right bare answer is shown and a wrong one is refused as not backed."""
    question = "In which city will the fresh UN-hosted negotiations on the conflict be held next month?"
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer="Geneva [1].")
    right = engine.answer(question)
    assert not right.refused, right.refusal_details
    assert strip_markers(right.text).strip() == "Geneva." and right.sentences[0].supported
    assert not right.quoted  # the model's own reply
    assert right.sentences[0].evidence  # the passage span that backs it
    # a remark beside the name stays a remark: it is not checked as the question completed
    engine.components.__dict__["llm"] = ScriptedChatModel(answer="Geneva [1]. The sources differ.")
    remark = engine.answer(question)
    assert not remark.refused and [s.supported for s in remark.sentences] == [True, True]
    assert [s.needs_citation for s in remark.sentences] == [True, False]
    wrong = replying(components, "Moscow [1].", quote_sources=False).answer(question)
    assert wrong.refused and wrong.text == UNCHECKED_TEXT
    # with quoting on, the source's sentence that names the city is shown instead
    quoted = replying(components, "Moscow [1].").answer(question)
    assert not quoted.refused and quoted.quoted and "Geneva" in quoted.text and "Moscow" not in quoted.text
    assert wrong.refusal_reason.startswith("The reply the model wrote is not backed by the articles")


@pytest.mark.integration
def test_a_bare_day_is_checked_as_the_question_it_answers_and_never_streamed_before(components: Components):
    """ "In 2011 [n]" alone is backed by a passage holding that year (protests erupted "in the spring
    of 2011"); as the month a group broke off its ties, it is not."""
    question = "In which month did Jabhat Fateh al-Sham break off its formal ties with al-Qaeda?"
    right = replying(components, "In July [1].", quote_sources=False).answer(question)
    assert not right.refused, right.refusal_details
    assert right.sentences[0].evidence  # the sentence telling the break is highlighted
    engine = replying(components, "", quote_sources=False)
    number = source_holding(engine, question, "spring of 2011")
    reply = f"In 2011 [{number}]."
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=reply)
    assert (
        SupportScorer()
        .score("In 2011.", [engine.retriever.run(question).sources[number - 1].passage.text])
        .supported
    )
    events = list(engine.stream(question))
    assert events[-1].answer.refused
    assert [e for e in events if e.kind == "sentence"] == []  # not shown as checked, even briefly
