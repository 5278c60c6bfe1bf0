"""The token budget for the passages in the prompt, and the one way a source is shown.

Prompt processing is the slow part on the target machine (~90 tokens/s), and the 1.5B
model answers worse past ~1,300 prompt tokens, so the passages get a fixed budget
(``settings.retrieval.context_tokens``) and a cap on their number. Tokens are counted on
the exact text the prompt will carry: :func:`format_source` is used both here and by the
answer engine, so the budget cannot drift from what the model is sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.fencing import fence
from rag.text.dates import with_told_days
from rag.text.sentences import CUT_SENTENCE_END
from rag.tokens import count_tokens
from rag.types import Source

SEPARATOR = "\n\n"

_WORD_END = re.compile(r"\S(?=\s|$)")


def source_header(source: Source) -> str:
    """``[n] Title (Publisher, 2017-01-17)``; missing parts are left out."""
    passage = source.passage
    details = [part for part in (passage.source, passage.date.isoformat() if passage.date else None) if part]
    header = f"[{source.number}] {fence(passage.title or passage.article_id)}"
    return f"{header} ({', '.join(details)})" if details else header


def format_source(source: Source, text: str | None = None) -> str:
    """A source as the prompt shows it: header line, then the passage text (or ``text``, an
    excerpt of it, :mod:`rag.focus`), fenced.

    Fenced (:func:`rag.fencing.fence`): text inside an article cannot pose as a system turn,
    a role label or one of the prompt's citation markers. Readers see the original text.

    A day the story names by "yesterday" or a weekday is followed by its date, counted from the
    story's (:func:`rag.text.dates.with_told_days`): the model gave the header's date, the day the
    story appeared, as the day of its event.
    """
    shown = source.passage.text if text is None else text
    if source.passage.date is not None:
        shown = with_told_days(shown, source.passage.date)
    return f"{source_header(source)}\n{fence(shown)}"


def format_context(sources: Sequence[Source], texts: Sequence[str] | None = None) -> str:
    """All sources as the prompt shows them, in order, separated by blank lines; ``texts``: the
    excerpt of each to show instead of its passage (:mod:`rag.focus`)."""
    if texts is None:
        return SEPARATOR.join(format_source(source) for source in sources)
    return SEPARATOR.join(format_source(s, t) for s, t in zip(sources, texts, strict=True))


@dataclass(frozen=True)
class Budgeted:
    sources: list[Source]
    """Renumbered 1..n in the order given."""
    tokens: int
    """Tokens of :func:`format_context` over ``sources``."""


def fit_budget(
    ranked: Sequence[Source], *, context_tokens: int, max_sources: int, per_article: int = 0
) -> Budgeted:
    """Take sources in ranked order while they fit ``context_tokens`` and ``max_sources``.

    With ``per_article`` > 0, an article's sources past its first ``per_article`` wait until
    every other article's have been tried (:func:`spread_articles`), so a few slots are not
    all spent on one story while another that may hold the answer waits behind it.

    A source that does not fit the remaining budget is skipped and the next, shorter one
    is tried, so a long passage at rank 2 does not starve ranks 3 and 4. A passage longer
    than the whole budget on its own is trimmed at a sentence end (a word end if even
    its first sentence is too long) to what remains, so an oversized top hit is still
    shown rather than dropped; its ``end`` offset is moved to match the trimmed text.
    """
    chosen: list[Source] = []
    for source in spread_articles(ranked, per_article):
        if len(chosen) >= max_sources:
            break
        numbered = source.model_copy(update={"number": len(chosen) + 1})
        if count_tokens(format_context([*chosen, numbered])) <= context_tokens:
            chosen.append(numbered)
        elif count_tokens(format_source(numbered)) > context_tokens:
            trimmed = trim_source(numbered, chosen, context_tokens)
            if trimmed is not None:
                chosen.append(trimmed)
    return Budgeted(chosen, count_tokens(format_context(chosen)) if chosen else 0)


def spread_articles(ranked: Sequence[Source], per_article: int) -> list[Source]:
    """``ranked`` with each article's sources past its first ``per_article`` moved, in order,
    behind all the others (``per_article`` <= 0: unchanged)."""
    if per_article <= 0:
        return list(ranked)
    seen: dict[str, int] = {}
    first: list[Source] = []
    later: list[Source] = []
    for source in ranked:
        article = source.passage.article_id
        seen[article] = seen.get(article, 0) + 1
        (first if seen[article] <= per_article else later).append(source)
    return first + later


def trim_source(source: Source, before: Sequence[Source], context_tokens: int) -> Source | None:
    """``source`` cut to the longest prefix that, after ``before``, fits; None if nothing does."""
    text = source.passage.text

    def fits(cut: int) -> bool:
        candidate = _cut(source, cut)
        return count_tokens(format_context([*before, candidate])) <= context_tokens

    for pattern in (CUT_SENTENCE_END, _WORD_END):
        cuts = [match.end() for match in pattern.finditer(text) if text[: match.end()].strip()]
        best = _last_true(cuts, fits)
        if best is not None:
            return _cut(source, best)
    return None


def _cut(source: Source, cut: int) -> Source:
    passage = source.passage
    text = passage.text[:cut].rstrip()
    trimmed = passage.model_copy(update={"text": text, "end": passage.start + len(text)})
    return source.model_copy(update={"passage": trimmed})


def _last_true(cuts: list[int], fits) -> int | None:
    """Largest cut that fits; fitting is monotone in the cut, so binary search."""
    low, high, found = 0, len(cuts) - 1, None
    while low <= high:
        middle = (low + high) // 2
        if fits(cuts[middle]):
            found, low = cuts[middle], middle + 1
        else:
            high = middle - 1
    return found
