"""A question as typed, made safe to answer: control characters out, empty and oversized refused.

Every consumer (CLI, chat, UI, llama-index adapter) passes through :func:`clean_question`
before retrieval, so no input reaches the model's context check as a traceback.

Limits, and why: a question is one or two sentences. The answer prompt of the 1.5B model
is ~150 tokens of instructions, ``retrieval.context_tokens`` (700) of passages and
``answer.max_tokens`` (200) of reply inside a 4,096-token context, and the model degrades
past ~1,300 prompt tokens (see :mod:`rag.settings`). 300 cl100k tokens is ~1,200 characters
of English or ~250 of Chinese: room for any real question, while the tester's 100,000-
character question would have needed ~25,000 tokens and overflowed the context. The token
count, not the length, is what is limited, so every script is treated alike.
"""

from __future__ import annotations

from rag.text.characters import strip_controls

MAX_QUESTION_TOKENS = 300
"""cl100k tokens a question may have (see the module docstring)."""
MAX_QUESTION_CHARS = 2_000
"""Longer questions are refused before counting: tiktoken's merges are quadratic in the length
of a run without spaces (a 100,000-character run takes seconds)."""


class QuestionError(ValueError):
    """A question that cannot be answered as typed; the message says what to do (one line)."""


def clean_question(question: str) -> str:
    """The question ready for retrieval, or :class:`QuestionError` saying why it cannot be asked."""
    from rag.tokens import count_tokens

    cleaned = strip_controls(question)
    if not cleaned:
        raise QuestionError("The question is empty; type a question about the indexed articles.")
    tokens = count_tokens(cleaned) if len(cleaned) <= MAX_QUESTION_CHARS else None
    if tokens is None or tokens > MAX_QUESTION_TOKENS:
        size = f"{len(cleaned):,} characters" + (f", about {tokens:,} tokens" if tokens else "")
        raise QuestionError(
            f"The question is too long ({size}; the limit is {MAX_QUESTION_TOKENS} tokens, "
            "roughly 1,200 characters of English). Ask it in one or two sentences."
        )
    return cleaned
