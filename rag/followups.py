"""Follow-ups asked in the same chat as the answer before them.

Why, measured (``rag bench answers --follow-ups 12``, default model, two cores, 2 December): a
follow-up was first rewritten into a standalone question by the model (1.64 s p50), then answered
from a fresh ~550-token prompt, so its first text came at 5.22 s p50 against 3.92 s for a first
turn. In the same chat instead, the earlier turn (instructions, sources, question and the model's
own reply) is already evaluated: llama.cpp keeps it as its current context, or in its RAM cache
of saved states when another conversation came between, and reads only the new turn.

How a follow-up continues (:func:`plan`, then :func:`added_sources`):

* retrieval searches for the words of the question that opened the chat together with the
  follow-up's ("Which group reported that?" alone finds nothing); no model call;
* the chat's sources keep their numbers, and retrieved passages it does not hold are added,
  numbered on, showing the sentences that bear on the follow-up (:mod:`rag.focus`);
* the new turn is "More sources: ... Question: ..." (:func:`rag.prompts.follow_up_messages`).

Measured on the 32 conversations of ``evals/data/followups.jsonl`` (``rag bench answers
--questions 1 --follow-ups 32 --compare answer.follow_ups=rewrite``, default model, same sitting):

=====================================  ============  =============
follow-ups                             continued     rewritten
=====================================  ============  =============
first text p50 / p95                   1.80 / 4.80 s 5.26 / 6.74 s
whole answer p50 / p95                 3.02 / 6.75 s 7.48 / 8.74 s
right (expected facts, or refused      17 of 32      18 of 32
where the archive is silent)
refused                                14            13
=====================================  ============  =============

The two get different ones right: continued, "Which group reported that?" and "Who else took part
in the video conference?" are answered from the chat's sources, which the rewrite lost; rewritten,
"And by 2020?" finds the 2020 story that words of a January 2017 question do not. Tried and
dropped, each measured the same way: searching with the follow-up alone as well (10 of 32 right,
4.42 s: its passages distract the model), searching with the model's rewrite and continuing the
chat (15 of 32, 4.94 s), and showing a held passage again for sentences the chat never showed
(17 of 32, 4.64 s).

It falls back to a fresh prompt (after the rewrite, ``answer.condense``) when there is nothing to
build on: the answer before was refused (a withdrawn reply is no ground for the next one) or was
not written by the model, or the chat would grow past :data:`MAX_CHAT_TOKENS`.

A question on another subject asked in the same chat is no follow-up (:func:`stands_apart`): it is
answered as a first turn, neither continued nor rewritten. In the chat UI, "Did Samoa extend its
state of emergency over measles?" asked after "Was Trump impeached by the House?" (the 293 Wikinews
articles indexed) was searched with the impeachment question's words, and refused naming three
impeachment stories.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.text.words import SUPPORT_STOPWORDS, acronym
from rag.types import Answer, Source
from rag.verifier.facts import extract_facts

if TYPE_CHECKING:
    from rag.models.llm import ChatModel
    from rag.settings import Settings

MAX_CHAT_TOKENS = 1400
"""Longest chat continued: the 1.5B model degrades past ~1,300 prompt tokens
(``retrieval.context_tokens``), and a first turn takes ~550 of them."""
TURN_TOKENS = 120
"""Tokens a new turn adds beside its sources' text: source headers, the question, the template."""


@dataclass(frozen=True)
class Continuation:
    previous: Answer
    """The answer whose chat the follow-up continues."""
    query: str
    """What retrieval searches for."""


def plan(
    history: Sequence[Answer] | None, question: str, settings: Settings, llm: ChatModel
) -> Continuation | None:
    """How the follow-up ``question`` continues the conversation, or None to start afresh."""
    if not history or settings.answer.follow_ups != "continue":
        return None
    previous = history[-1]
    if previous.refused or not previous.exchange or previous.exchange[-1].get("role") != "assistant":
        return None
    sources_tokens = settings.retrieval.focus_tokens or settings.retrieval.context_tokens
    max_tokens = min(settings.answer.max_tokens, settings.llm.max_tokens)
    limit = min(MAX_CHAT_TOKENS, llm.context_window - max_tokens)
    if llm.count_prompt_tokens(previous.exchange) + sources_tokens + TURN_TOKENS > limit:
        return None
    return Continuation(previous, f"{_opening(history).standalone_question} {question.strip()}".strip())


SEQUEL = re.compile(r"\s*(?:and|but|also|so|then|what about|how about|what of)\b", re.IGNORECASE)
"""Openings of a question asked as a sequel to the one before it."""


def stands_apart(question: str, history: Sequence[Answer]) -> bool:
    """Does ``question`` ask about something the chat never mentioned? It does when it names something
    ("Samoa", "Greta Thunberg") and no word of any of its names is in the chat so far (its questions,
    the sources it was shown and its answers). A question that names nothing ("Which group reported
    that?", "And how many civilians?") leans on the chat, as does one naming what the chat holds
    ("Where is Astana?", "Was the United States invited?" after the Astana talks' organisers): on the
    32 conversations of ``evals/data/followups.jsonl`` every follow-up still continues its chat.
    A question that opens as a sequel ("And Iran?", "What about Turkey?") leans on the chat whatever
    it names: it asks the chat's question again of another name."""
    names = extract_facts(question).names
    if not names or not history or SEQUEL.match(question):
        return False
    # each turn's exchange repeats the chat before it: every message is read once
    chat = " ".join(
        dict.fromkeys(
            message.get("content", "")
            for answer in history
            for message in answer.exchange
            if message.get("role") != "system"
        )
    )
    chat += " " + " ".join(f"{answer.question} {answer.text}" for answer in history)
    words = [w for name in names for w in re.split(r"[\s\-]+", name) if w]
    checkable = [w for w in words if acronym(w) or (len(w) > 1 and w.lower() not in SUPPORT_STOPWORDS)]
    if not checkable:
        return False
    lowered = chat.lower()
    for word in checkable:
        if acronym(word):
            if re.search(rf"\b{re.escape(word)}\b", chat):  # "IS" as written, not the verb "is"
                return False
        elif re.search(rf"\b{re.escape(word.lower())}\b", lowered):
            return False
    return True


def _opening(history: Sequence[Answer]) -> Answer:
    """The answer that opened the chat the last answer belongs to: each later turn's chat begins
    with the chat of the one before."""
    opening = history[-1]
    for answer in reversed(history[:-1]):
        if not answer.exchange or opening.exchange[: len(answer.exchange)] != answer.exchange:
            break
        opening = answer
    return opening


def added_sources(
    previous: Sequence[Source], retrieved: Sequence[Source], limit: int
) -> tuple[list[Source], list[Source]]:
    """All the follow-up's sources, and the ones it adds: the chat's sources with their numbers
    (those the model was shown: never the ones flagged as reading like a prompt), then up to
    ``limit`` retrieved passages the chat lacks, numbered on.

    A passage the chat holds is not shown again, even where the first turn showed only the
    sentences that bore on the first question (:mod:`rag.focus`). Showing such a passage again
    with the follow-up's sentences was measured (``rag bench answers --follow-ups 32``): the same
    17 of 32 follow-ups right, at 920 prompt tokens on average instead of 672 and a first text
    at 4.64 s p50 instead of 1.8 s.
    """
    kept = [source for source in previous if not source.passage.suspicious]
    held = {source.passage.chunk_id for source in kept}
    added: list[Source] = []
    for source in retrieved:
        if source.passage.suspicious or source.passage.chunk_id in held or len(added) >= limit:
            continue
        held.add(source.passage.chunk_id)
        added.append(source.model_copy(update={"number": len(kept) + len(added) + 1}))
    return [*kept, *added], added
