"""Why the archive gives no answer, in words a reader understands, naming the closest articles.

A refusal has two sides (see :class:`rag.types.Answer`): ``refusal_reason`` is what the reader
sees in the CLI and the chat window, a sentence about the archive and its articles;
``refusal_details`` keeps the technical side (retrieval similarities against their thresholds,
the model's withdrawn reply) for ``--json`` and debugging. Users who read "best similarity
0.21 (threshold 0.40)" could not tell what it meant for their question (issue 13), while the
titles of the nearest articles tell them at once whether the archive is about something else
or their question was worded differently.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.types import Filters, Source

CLOSEST_LIMIT = 3
"""Articles named in a refusal: enough to show what the archive holds near the question."""


OPENING_WORDS = 8
"""Words quoted from an untitled article's passage: its file name means nothing to a reader."""


def describe_article(source: Source) -> str:
    """``“Title” (Outlet, 16 January 2017)``: how a reader recognises an article.

    An article without a title is named by the opening words of its passage instead.
    """
    passage = source.passage
    if passage.title:
        title = f"“{passage.title}”"
    else:
        words = passage.text.split()
        opening = " ".join(words[:OPENING_WORDS]) + (" …" if len(words) > OPENING_WORDS else "")
        title = f"the article beginning “{opening}”" if words else passage.article_id
    details = [passage.source] if passage.source else []
    if passage.date:
        details.append(f"{passage.date.day} {passage.date:%B %Y}")
    return f"{title} ({', '.join(details)})" if details else title


def closest_articles(sources: Sequence[Source], limit: int = CLOSEST_LIMIT) -> list[str]:
    """The first ``limit`` distinct articles among the retrieved sources, best first.

    Articles flagged as reading like a prompt (:mod:`index.suspicious`) are not named: their
    title or opening words are the attacker's text, and a notice that quoted them repeated the
    injected claim (issue 9: "refusal notices repeated the injected figure").
    """
    seen: set[str] = set()
    named: list[str] = []
    for source in sources:
        if source.passage.article_id in seen or source.passage.suspicious:
            continue
        seen.add(source.passage.article_id)
        named.append(describe_article(source))
        if len(named) == limit:
            break
    return named


def _with_closest(sentence: str, sources: Sequence[Source], lead: str = "The closest articles are") -> str:
    named = closest_articles(sources)
    if not named:
        return sentence
    return f"{sentence} {lead}: {'; '.join(named)}."


def nothing_matched(filters: Filters | None) -> str:
    """Retrieval returned no passage at all."""
    if filters and (filters.since or filters.until or filters.sources or filters.article_ids):
        return (
            "No article within the dates and publishers you chose matches the question; "
            "widen or remove the filters and ask again."
        )
    return "No article in the archive matches the question."


def not_covered(question: str, sources: Sequence[Source]) -> str:
    """Retrieval found only articles about other things."""
    return _with_closest(f"No article in the archive covers “{question.strip()}”.", sources)


def model_declined(sources: Sequence[Source]) -> str:
    """The model read the closest articles and said they do not answer."""
    return _with_closest("The articles closest to the question do not answer it.", sources, lead="They are")


def no_sentence(sources: Sequence[Source]) -> str:
    """The model's reply held no sentence at all."""
    return _with_closest("No answer could be written from the closest articles.", sources, lead="They are")


def nothing_checkable(sources: Sequence[Source]) -> str:
    """Every sentence of the reply was a remark, none a fact an article could confirm."""
    return _with_closest(
        "The reply stated no fact that the articles could confirm, so it is not shown.", sources
    )


def only_flagged() -> str:
    """Every article retrieved for the question reads as instructions to a model, not as news."""
    return (
        "The only articles found on this question read as instructions to an AI assistant rather than "
        "as news, so no answer is written from them."
    )


def not_backed(sources: Sequence[Source]) -> str:
    """No sentence of the reply is backed by the articles it was written from."""
    return _with_closest(
        "The reply the model wrote is not backed by the articles it was given, so it is not shown "
        "as an answer.",
        sources,
    )


def not_answered(
    mentioned: Sequence[str], asked: str | None, question: str, sources: Sequence[Source]
) -> str:
    """The reply's backed sentences are on the question's topic but none answers it.

    ``mentioned``: the question's names the sources do speak of ("Baal Shamin", "Palmyra");
    ``asked``: the question as a reader reports it ("when the temple was built"), None to quote it.
    """
    what = f"says {asked}" if asked else f"answers “{question.strip()}”"
    if mentioned:
        named = mentioned[0] if len(mentioned) == 1 else f"{', '.join(mentioned[:-1])} and {mentioned[-1]}"
        sentence = f"The articles found mention {named}, but none of them {what}."
    else:
        sentence = f"None of the articles found {what}."
    return _with_closest(sentence, sources)
