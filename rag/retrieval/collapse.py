"""Near-duplicate collapse: one numbered source per wire text, other outlets as corroboration.

Wire stories are reprinted by several outlets; without a collapse the same paragraph fills
several of the few prompt slots and the model cites "[1][2][3]" for what is one report.
The indexer marks chunks carrying the same text with a shared ``group_id``; here the best
ranked chunk of each group becomes the source and the other articles' copies (retrieved
or not) are attached to it as ``corroborating``, so the user still sees who else ran it.

Chunks of one article overlap (``chunking.overlap_tokens``), so two retrieved neighbours
would show the same sentences under two numbers and the model could cite either. The
lower-ranked one loses the sentences the better one already shows. (Merging the two into
one span was tried first: it made ~270-token sources that crowded lower-ranked, distinct
evidence out of the 700-token budget.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rag.types import Passage, Source

GroupLookup = Callable[[list[str]], Mapping[str, list[Passage]]]
"""``store.group_members``: group id -> every stored chunk of that group."""


def collapse_duplicates(
    candidates: Sequence[Passage], group_members: GroupLookup | None = None
) -> list[Source]:
    """Sources in ranked order, numbered 1..n, one per duplicate group.

    A group's copies count once per article: a second chunk of an article already shown
    (or already listed as corroborating) adds nothing. Copies that were retrieved come
    first, in ranked order, then the group's other members in the store's order.
    """
    sources: list[Source] = []
    by_group: dict[str, Source] = {}
    corroborate = _Corroboration()
    for passage in candidates:
        group = passage.group_id
        if group is None:
            sources.append(Source(number=len(sources) + 1, passage=passage))
            continue
        source = by_group.get(group)
        if source is None:
            source = by_group[group] = Source(number=len(sources) + 1, passage=passage)
            sources.append(source)
        else:
            corroborate(source, passage)
    if by_group and group_members is not None:
        members = group_members(list(by_group))
        for group, source in by_group.items():
            for passage in members.get(group, ()):
                corroborate(source, passage)
    return remove_overlaps(sources)


def remove_overlaps(sources: Sequence[Source]) -> list[Source]:
    """Each article's text shown once: a source's passage loses what a better-ranked source
    of the same article already covers; a source left with nothing is dropped (its
    corroborating articles go to the source that covers it). Renumbered 1..n.

    Offsets stay exact (``text == article.text[start:end]``): chunks are runs of whole
    sentences, so the cut falls between sentences. A passage that contains a better one
    entirely keeps its longer remaining side.
    """
    kept: list[Source] = []
    corroborate = _Corroboration()
    for source in sources:
        passage: Passage | None = source.passage
        cover: Source | None = None
        while passage is not None:
            cover = next((k for k in kept if _overlap(k.passage, passage)), None)
            if cover is None:
                break
            passage = _outside(passage, cover.passage)
        if passage is None:
            if cover is not None:
                for copy in source.corroborating:
                    corroborate(cover, copy)
            continue
        kept.append(
            source.model_copy(update={"passage": passage, "corroborating": list(source.corroborating)})
        )
    return [source.model_copy(update={"number": number}) for number, source in enumerate(kept, 1)]


def _overlap(a: Passage, b: Passage) -> bool:
    return a.article_id == b.article_id and a.start < b.end and b.start < a.end


def _outside(passage: Passage, shown: Passage) -> Passage | None:
    """The part of ``passage`` outside ``shown`` (the longer side if ``shown`` is inside it)."""
    before = (passage.start, max(passage.start, shown.start))
    after = (min(passage.end, shown.end), passage.end)
    start, end = max(before, after, key=lambda span: span[1] - span[0])
    raw = passage.text[start - passage.start : end - passage.start]
    text = raw.strip()
    if not text:
        return None
    start += len(raw) - len(raw.lstrip())
    return passage.model_copy(update={"text": text, "start": start, "end": start + len(text)})


class _Corroboration:
    """Attaches copies to sources, one per article, in O(1) per copy: a wire story can have
    hundreds of copies in a large archive, and a list scan per copy made that quadratic."""

    def __init__(self) -> None:
        self._articles: dict[int, set[str]] = {}

    def __call__(self, source: Source, passage: Passage) -> None:
        articles = self._articles.get(id(source))
        if articles is None:
            articles = {source.passage.article_id, *(p.article_id for p in source.corroborating)}
            self._articles[id(source)] = articles
        if passage.article_id not in articles:
            articles.add(passage.article_id)
            source.corroborating.append(passage)
