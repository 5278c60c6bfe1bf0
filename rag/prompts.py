"""The prompts the answer engine sends: one fixed system message, then sources and question.

The system message is byte-identical on every call, so llama.cpp keeps its evaluated
prefix and each question pays only for its sources and its own words (prompt processing
runs at ~90 tokens/s on two cores: the prompt budget is the speed budget). Sources are
rendered with :func:`rag.retrieval.budget.format_source`, the same function the retrieval
budget counts with, so the budget matches what the model reads.

Variants tried with Qwen2.5-Coder-1.5B on the golden questions (see the report of
``python -m rag.bench_answers``):

* A (kept): short rules in the system message, sources then question in the user message,
  the question last. The model answers in one or two sentences, puts ``[n]`` at the end
  of each, and uses the fixed refusal sentence when the sources do not hold the answer.
* B: the question before the sources ("Question: ... Sources: ..."). Citations were as good,
  but the model more often copied whole source sentences and answered longer.
* C: rules repeated at the end of the user message ("Answer in 1-3 sentences, cite [n]").
  Slightly more reliable citations for +25 tokens on *every* question, not in the cached
  prefix; dropped since the citation step re-attaches missing citations anyway.
* D: a one-shot example in the system message. It stays cached, but the 1.5B model copied
  the example's wording and figures into unrelated answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.retrieval.budget import format_source
from rag.types import Source

Message = dict[str, str]

CANNOT_ANSWER = "The sources do not answer this question."
"""What the model is told to reply, exactly, when the sources lack the answer."""

SYSTEM_PROMPT = (
    "You answer questions about news using only the numbered sources the user gives you.\n"
    "Rules:\n"
    "- Answer in one to three short sentences.\n"
    "- End every sentence with the number of the source that states it, in brackets, "
    "like [1] or [1][2].\n"
    "- Use only facts written in the sources; never add facts from memory.\n"
    "- If the sources disagree, say so and cite each one.\n"
    f'- If the sources do not contain the answer, reply exactly: "{CANNOT_ANSWER}"'
)

CONDENSE_SYSTEM_PROMPT = (
    "You rewrite a follow-up question so it can be understood without the conversation. "
    "Keep it short, keep names and places, replace pronouns with what they refer to. "
    "Reply with the rewritten question only."
)
"""Shorter than llama-index's condense template: the 1.5B model echoed that template's
"Standalone question:" scaffolding and the chat history back; a system rule plus a plain
user message gets just the question."""

_CANNOT_PATTERNS = re.compile(
    r"sources? do(?:es)? not (?:answer|contain|mention|say|provide|include|state)|"
    r"(?:cannot|can't|can not|unable to) (?:answer|find|determine|tell|say)|"
    r"\bi (?:do not|don't) know\b|"
    r"no (?:information|mention|details?) (?:about|on|of|regarding|is given|in the)|"
    r"not (?:mentioned|stated|provided|specified|given) in the (?:sources?|passages?|text)|"
    r"(?:sources?|passages?) (?:does|do) not (?:have|hold)",
    re.IGNORECASE,
)


def answer_messages(question: str, sources: Sequence[Source]) -> list[Message]:
    """The chat sent for one question: fixed rules, then the numbered sources and the question."""
    context = "\n\n".join(format_source(source) for source in sources)
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Sources:\n\n{context}\n\nQuestion: {question.strip()}"},
    ]


def says_cannot_answer(text: str) -> bool:
    """Did the model decline? Its exact phrase or the usual paraphrases of it, at the start.

    Only the first sentence is looked at: "X is not mentioned in the sources, but ..." is
    an answer with a caveat, and the citation step deals with the rest.
    """
    stripped = text.strip().strip('"').strip()
    if not stripped:
        return True
    if CANNOT_ANSWER.lower().rstrip(".") in stripped.lower():
        return True
    first = re.split(r"(?<=[.!?])\s+", stripped, maxsplit=1)[0]
    return bool(_CANNOT_PATTERNS.search(first))


def condense_messages(history: Sequence[tuple[str, str]], question: str) -> list[Message]:
    """The chat that rewrites a follow-up into a standalone question.

    ``history`` holds (question, answer) pairs, oldest first; only the last turns are kept and
    answers are cut to their first sentences, since the rewrite needs what was talked about,
    not every detail, and every token here delays the answer.
    """
    lines = []
    for asked, answered in list(history)[-3:]:
        short = re.sub(r"\s*\[\d+\]", "", answered)
        short = " ".join(re.split(r"(?<=[.!?])\s+", short.strip())[:2])
        lines.append(f"User: {asked.strip()}\nAssistant: {short[:300]}")
    conversation = "\n".join(lines)
    return [
        {"role": "system", "content": CONDENSE_SYSTEM_PROMPT},
        {
            "role": "user",
            "content": f"Conversation:\n{conversation}\n\nFollow-up question: {question.strip()}\n\n"
            "Rewritten question:",
        },
    ]


def clean_rewrite(text: str, fallback: str) -> str:
    """The model's rewrite as one question; the original follow-up when the output is unusable."""
    line = next((ln.strip() for ln in text.strip().splitlines() if ln.strip()), "")
    line = re.sub(r"^(?:rewritten|standalone)?\s*question\s*:\s*", "", line, flags=re.IGNORECASE)
    line = line.strip().strip('"').strip()
    if len(line) < 3 or len(line) > 4 * max(len(fallback), 60):
        return fallback
    return line
