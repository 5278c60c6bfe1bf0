"""Near-duplicate collapse: one numbered source per wire text, other outlets as corroboration.

Wire stories are reprinted by several outlets; without a collapse the same paragraph fills
several of the few prompt slots and the model cites "[1][2][3]" for what is one report.
The indexer marks chunks carrying the same text with a shared ``group_id``; here the best
ranked chunk of each group becomes the source and the other articles' copies (retrieved
or not) are attached to it as ``corroborating``, so the user still sees who else ran it.
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
            _corroborate(source, passage)
    if by_group and group_members is not None:
        members = group_members(list(by_group))
        for group, source in by_group.items():
            for passage in members.get(group, ()):
                _corroborate(source, passage)
    return sources


def _corroborate(source: Source, passage: Passage) -> None:
    articles = {source.passage.article_id, *(p.article_id for p in source.corroborating)}
    if passage.article_id not in articles:
        source.corroborating.append(passage)
