"""The answer engine: retrieval -> prompt -> streamed generation -> citations -> verification -> conflicts.

Every consumer (CLI, UI, evals, the llama-index adapter in :mod:`rag.llama_index_engine`) gets
the same :class:`~rag.types.Answer`; while it is written they get the draft tokens and each
sentence as soon as it is checked (:class:`~rag.types.StreamEvent`). The steps that a 1.5B
model gets wrong are deterministic:

* refusal before generation when retrieval found nothing on the question (no model call,
  so an unanswerable question costs milliseconds), when the model declines, and when no
  sentence of its answer is backed by the sources, even after it is asked once more to copy the
  sentence that answers (made-up text is not shown as an answer), unless a sentence of the
  sources plainly answers: it is shown instead, word for word and said to be a quote
  (:mod:`rag.quoted`; for "Who reported that?", the sentence that backed the previous answer
  when it names its speaker, :mod:`rag.provenance`); the reason is given in plain words naming
  the closest articles (:mod:`rag.refusals`);
* citation cleaning (no citation of a missing source, ever) and verification of each
  sentence against the passages it cites (re-cited to the passage that backs it, or marked
  unsupported);
* a sentence naming both sides when the sources disagree on a figure.

Built directly on the project's chat model rather than a llama-index query engine: the
measured ``CitationQueryEngine`` pipeline sent ~2,700 prompt tokens per question and had no
hook for refusing before generation or for checking citations after it (see DESIGN.md).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rag import asked, followups, prompts, provenance, quoted, refusals, relevance
from rag.citations import CitationStreamFilter
from rag.evidence import flagged_last, passage_ranges, source_documents
from rag.questions import clean_question
from rag.reply_check import Refusal, check_reply, contested, header_echoes, not_backed
from rag.retrieval import HybridRetriever
from rag.settings import Settings
from rag.types import OTHER_LANGUAGE_TEXT, REFUSAL_TEXT, Answer, Filters, Sentence, StreamEvent, Timings
from rag.verifier.checked_stream import MemoScorer, SentenceChecker, has_words
from rag.verifier.config import SupportConfig
from rag.verifier.facts import needs_support
from rag.verifier.scorer import SupportScorer
from rag.verifier.verify import Scorer

if TYPE_CHECKING:
    from rag.components import Components
    from rag.models.llm import ChatModel, Usage
    from rag.retrieval import RetrievalResult


ASKING_TO_QUOTE = "The draft is not backed by the sources; asking the model to quote them…"
"""What a ``restart`` event says (:class:`~rag.types.StreamEvent`), shown while the model writes again."""


class AnswerEngine:
    """Answers one (standalone or follow-up) question; safe to share between threads.

    The chat model serialises generation internally; retrieval and the deterministic
    steps hold no per-call state on the engine.
    """

    def __init__(
        self,
        settings: Settings,
        components: Components,
        *,
        retriever: HybridRetriever | None = None,
    ) -> None:
        self.settings = settings
        self.components = components
        self._retriever = retriever
        self._support_config: SupportConfig | None = None

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            self._retriever = HybridRetriever(self.settings, self.components.store, self.components.embedding)
        return self._retriever

    @property
    def llm(self) -> ChatModel:
        return self.components.llm

    def warm(self) -> int:
        """Load the chat model and have the instructions that open every answer prompt evaluated
        (from a state saved in the cache folder when there is one): a fresh process then pays only
        for the question's own tokens. Returns how many tokens are evaluated (0 for a model behind
        an API, which keeps its own cache). The relevance check's verb forms are loaded here too
        (0.3 s on first use): a chat server's first answer does not wait for them, and ``rag ask``
        loads them beside its search."""
        asked.stem("broke")
        restore = getattr(self.llm, "restore_prefix", None)
        if restore is None:
            return 0
        openings = [prompts.answer_messages(question, []) for question in ("When?", "Who?")]
        return restore(openings, self.settings.cache_dir / "prompt-states")

    # -- follow-ups ------------------------------------------------------------------------
    def standalone_question(self, question: str, history: Sequence[Answer] | None) -> str:
        """The follow-up rewritten with the conversation so retrieval can understand it alone.

        First turns are passed through untouched: no model call, no added latency.
        """
        if not history or not self.settings.answer.condense:
            return question.strip()
        turns = [(a.standalone_question or a.question, a.text) for a in history]
        raw = self.llm.chat(prompts.condense_messages(turns, question), max_tokens=60, temperature=0.0)
        return prompts.clean_rewrite(raw, question.strip())

    # -- the pipeline ----------------------------------------------------------------------
    def answer(
        self, question: str, *, filters: Filters | None = None, history: Sequence[Answer] | None = None
    ) -> Answer:
        final: Answer | None = None
        for event in self.stream(question, filters=filters, history=history):
            if event.kind == "answer":
                final = event.answer
        assert final is not None  # stream() always ends with the answer event
        return final

    def stream(
        self, question: str, *, filters: Filters | None = None, history: Sequence[Answer] | None = None
    ) -> Iterator[StreamEvent]:
        """Draft tokens and checked sentences as the model writes, then the checked ``answer``.

        See :class:`rag.types.StreamEvent` for the contract. Each sentence is checked as soon
        as it is complete (:mod:`rag.checked_stream`); the final answer is checked whole, as
        before, with the same remembered verdicts, so it does not depend on the streaming.
        """
        started = time.perf_counter()
        question = clean_question(question)  # QuestionError (a ValueError) says what to do
        if history and followups.stands_apart(question, history):
            history = None  # another subject asked in the same chat: a first turn (rag.followups)
        follow = followups.plan(history, question, self.settings, self.llm) if history else None
        standalone = question if follow else self.standalone_question(question, history)
        retrieval_started = time.perf_counter()
        result = self.retriever.run(follow.query if follow else standalone, filters)
        focus_tokens = self.settings.retrieval.focus_tokens
        if follow:
            # The chat's sources and the passages it lacks, numbered on (rag.followups).
            sources, added = followups.added_sources(
                follow.previous.sources, result.sources, self.settings.retrieval.max_sources
            )
            result = result.model_copy(update={"sources": sources})
        else:
            # Articles that read as instructions are listed last and never shown to the model.
            result = result.model_copy(update={"sources": flagged_last(result.sources)})
        timings = Timings(
            rewrite_s=retrieval_started - started, retrieval_s=time.perf_counter() - retrieval_started
        )
        base = {"question": question, "standalone_question": standalone, "sources": result.sources}

        foreign = refusals.not_in_articles_language(question, result.sources)
        if foreign:  # search and every check match words: not put to the model
            timings.total_s = time.perf_counter() - started
            yield self._refusal(base, Refusal(*foreign), timings, model="", text=OTHER_LANGUAGE_TEXT)
            return
        refusal = None if follow else self.nothing_relevant(result, filters)
        if refusal:
            timings.total_s = time.perf_counter() - started
            yield self._refusal(base, refusal, timings, model="")
            return

        shown = [source for source in result.sources if not source.passage.suspicious]
        if not shown:
            details = "Every retrieved passage is flagged as reading like a prompt (index.suspicious)."
            timings.total_s = time.perf_counter() - started
            yield self._refusal(base, Refusal(refusals.only_flagged(), details), timings, model="")
            return

        llm = self.llm
        if follow:
            messages = prompts.follow_up_messages(
                follow.previous.exchange, question, added, focus_tokens, focus_on=follow.query
            )
        else:
            messages = prompts.answer_messages(standalone, shown, focus_tokens)
        max_tokens = min(self.settings.answer.max_tokens, self.settings.llm.max_tokens)
        scorer = MemoScorer(self._scorer(standalone))
        reply: list[str] = []
        usages: list[Usage] = []  # each model call's own counts: calls of other questions may interleave
        gate = relevance.StreamGate(standalone) if self.settings.answer.relevance else None
        asked_first = messages
        yield from self._draft(messages, result, max_tokens, reply, usages, scorer, timings, started, gate)
        prompt_tokens, completion_tokens = usages[0].prompt_tokens, usages[0].completion_tokens
        if not has_words(reply[0]):
            # The 1.5B model sometimes answers with bare source numbers ("[1][2] [3]"). Asking
            # once more for a sentence costs only the new turn: the rest of the prompt is cached.
            retry = [
                *messages,
                {"role": "assistant", "content": reply[0]},
                {"role": "user", "content": prompts.SENTENCE_PLEASE},
            ]
            reply.clear()
            yield from self._draft(retry, result, max_tokens, reply, usages, scorer, timings, started, gate)
            completion_tokens += usages[-1].completion_tokens
            messages = retry
        base.update(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            model=llm.name,
            exchange=[*messages, {"role": "assistant", "content": reply[0]}],
        )
        answer = self._check(reply[0], standalone, result, base, timings, scorer)
        if not_backed(answer) and not follow and self.settings.answer.ask_to_quote:
            # Once more, asking for the sources' own sentence (prompts.QUOTE_PLEASE): shown only
            # if it passes every check and copies its sources; otherwise the first refusal stands,
            # its details naming both replies. A reply of bare source numbers is not checked:
            # golden un10 (a toll the archive lacks) drew "[1] [2]", and the sources'
            # differing tolls, reported for them, were shown as the answer.
            yield StreamEvent(kind="restart", text=ASKING_TO_QUOTE)
            copy_please = prompts.quote_messages(asked_first)
            reply.clear()
            gate = relevance.StreamGate(standalone) if self.settings.answer.relevance else None
            yield from self._draft(
                copy_please, result, max_tokens, reply, usages, scorer, timings, started, gate
            )
            again = {
                "completion_tokens": completion_tokens + usages[-1].completion_tokens,
                "exchange": [*copy_please, {"role": "assistant", "content": reply[0]}],
            }
            copied = None
            if has_words(reply[0]):  # bare source numbers again: the first refusal stands
                copied = self._check(reply[0], standalone, result, {**base, **again}, timings, scorer)
            if copied is not None and not copied.refused and quoted.copies_its_sources(copied):
                answer = copied
            else:
                details = f"{answer.refusal_details} Asked to copy the sources, it wrote: {reply[0]}"
                answer = answer.model_copy(
                    update={"refusal_details": details, "completion_tokens": again["completion_tokens"]}
                )
        cfg = self.settings.answer
        found = None
        reporter = follow is not None and provenance.asks_who_reported(question, follow.previous)
        if reporter and follow is not None:
            # "Who reported that?": a reply naming no speaker is no answer; the sentence that backed
            # the previous answer is quoted if it names one (its source keeps its number in this chat).
            answer, found = provenance.in_reply(answer, follow.previous)
            found = found if cfg.quote_sources else None
        elif answer.refused and not follow and cfg.quote_sources:
            found = quoted.answering_sentence(standalone, shown, cfg.quote_min_share)
        if found is not None:
            # The model's replies failed the checks, and a sentence of the sources plainly answers:
            # it is checked like any reply and shown instead, in its own words (rag.quoted).
            exchange = [*asked_first, {"role": "assistant", "content": found.reply}]
            spent = {"exchange": exchange, "completion_tokens": answer.completion_tokens}
            # A quote naming the speaker answers "Who reported that?" by construction, whatever
            # the question's words ("Which group ...?" for the Syrian Observatory).
            checked = self._check(
                found.reply, standalone, result, {**base, **spent}, timings, scorer, relevance=not reporter
            )
            if not checked.refused:
                yield StreamEvent(kind="restart", text=quoted.QUOTING)
                yield from (StreamEvent(kind="sentence", sentence=s) for s in checked.sentences)
                withdrawn = f"Quoted instead of the model's reply. {answer.refusal_details}"
                answer = checked.model_copy(update={"quoted": True, "refusal_details": withdrawn})
        answer.timings.total_s = time.perf_counter() - started
        yield StreamEvent(kind="answer", answer=_noted(answer))

    def _draft(
        self,
        messages: list[dict[str, str]],
        result: RetrievalResult,
        max_tokens: int,
        reply: list[str],
        usages: list[Usage],
        scorer: MemoScorer,
        timings: Timings,
        started: float,
        gate: relevance.StreamGate | None = None,
    ) -> Iterator[StreamEvent]:
        """One model reply: its tokens, and its sentences checked as they complete.

        With the judge on, the judge is the model that is writing, so the sentences are
        checked right after the reply ends instead of while it is written. With ``gate``,
        sentences wait until one of them answers the question (:class:`rag.relevance.StreamGate`).
        """
        evidence = source_documents(result.sources)
        shown = passage_ranges(result.sources)
        checker = SentenceChecker(
            len(result.sources),
            evidence,
            scorer,
            needs_support,
            shown,
            hold=contested(self.settings, result.sources),
            echoes=header_echoes(result.sources),
        )
        live = not scorer.uses_judge

        def sentences(found: list[Sentence]) -> Iterator[StreamEvent]:
            for sentence in gate.release(found) if gate else found:
                if timings.first_sentence_s is None:
                    timings.first_sentence_s = time.perf_counter() - started
                yield StreamEvent(kind="sentence", sentence=sentence)

        for text, written in self._generate(
            messages, len(result.sources), max_tokens, reply, usages, timings, started
        ):
            yield StreamEvent(kind="token", text=text)
            if live:
                yield from sentences(checker.feed(written))
        if has_words(reply[0]):  # a reply of bare numbers is asked again, not checked
            yield from sentences(checker.finish(reply[0]))
        timings.check_s += checker.seconds

    def _generate(
        self,
        messages: list[dict[str, str]],
        n_sources: int,
        max_tokens: int,
        reply: list[str],
        usages: list[Usage],
        timings: Timings,
        started: float,
    ) -> Iterator[tuple[str, str]]:
        """The model's reply as (cleaned new text, raw reply so far); the raw reply is left in
        ``reply[0]`` and the call's token counts appended to ``usages``.

        Nothing is passed on until the reply holds a word, so a reply of bare citation markers
        (answered again by the caller) is never shown, not even as a draft.
        """
        stream_filter = CitationStreamFilter(n_sources)
        pieces: list[str] = []
        held = ""
        generation = self.llm.stream_chat(messages, max_tokens=max_tokens)
        try:
            for piece in generation:
                pieces.append(piece)
                held += stream_filter.feed(piece)
                written = "".join(pieces)
                if held and has_words(written):
                    if timings.first_token_s is None:  # the first draft text
                        timings.first_token_s = time.perf_counter() - started
                    yield held, written
                    held = ""
        finally:
            generation.close()
            usages.append(generation.usage)
        held += stream_filter.flush()
        raw = "".join(pieces).strip()
        if held and has_words(raw):
            if timings.first_token_s is None:
                timings.first_token_s = time.perf_counter() - started
            yield held, raw
        reply.append(raw)

    # -- refusals ---------------------------------------------------------------------------
    def nothing_relevant(self, result: RetrievalResult, filters: Filters | None = None) -> Refusal | None:
        """Why retrieval shows the archive has nothing on the question, or None if it may.

        Both signals must be weak: MiniLM similarities of unrelated news sit around 0.1-0.25,
        and a question whose words appear in no passage has no keyword hits.
        """
        cfg = self.settings.answer
        if not result.sources:
            return Refusal(
                refusals.nothing_matched(filters),
                f"Retrieval returned no passage for {result.query!r} with filters {filters!r}.",
            )
        if result.best_dense < cfg.refuse_below_dense and result.keyword_hits < cfg.min_keyword_hits:
            return Refusal(
                refusals.not_covered(result.query, result.sources),
                f"Nothing relevant was retrieved: best similarity {result.best_dense:.2f} "
                f"(threshold {cfg.refuse_below_dense:.2f}) and {result.keyword_hits} passages sharing a "
                f"word with the question (threshold {cfg.min_keyword_hits}).",
            )
        return None

    def _refusal(
        self, base: dict, refusal: Refusal, timings: Timings, model: str, text: str = REFUSAL_TEXT
    ) -> StreamEvent:
        answer = Answer(
            **{"model": model, **base},
            text=text,
            refused=True,
            refusal_reason=refusal.reason,
            refusal_details=refusal.details,
            timings=timings,
        )
        return StreamEvent(kind="answer", answer=_noted(answer))

    def _check(
        self,
        raw: str,
        question: str,
        result: RetrievalResult,
        base: dict,
        timings: Timings,
        scorer: Scorer | None = None,
        relevance: bool = True,
    ) -> Answer:
        """Citations, verification, refusal and conflicts on the finished text (:mod:`rag.reply_check`);
        ``relevance=False`` leaves out the check that a sentence answers the question."""
        check_started = time.perf_counter()
        settings = self.settings if relevance else self.settings.with_overrides(**{"answer.relevance": False})
        answer = check_reply(
            raw, question, result.sources, settings, scorer or self._scorer(question), base, timings
        )
        answer.timings.check_s += time.perf_counter() - check_started
        return answer

    def _scorer(self, question: str) -> SupportScorer:
        """A scorer per answer: it caches analysed passages, which threads must not share, and
        reads the question the answer restates (:mod:`rag.verifier.premise`)."""
        if self._support_config is None:
            self._support_config = SupportConfig.load()
        return SupportScorer(self.llm if self.settings.answer.judge else None, self._support_config, question)


def _noted(answer: Answer) -> Answer:
    """A refusal of a question asked in another language than the articles says so (:mod:`rag.refusals`)."""
    note = refusals.other_language(answer.question, answer.sources) if answer.refused else None
    if note is None:
        return answer
    reason = answer.refusal_reason or ""
    joined = f"{note} {reason}" if answer.text == OTHER_LANGUAGE_TEXT else f"{reason} {note}"
    return answer.model_copy(update={"refusal_reason": joined.strip()})
