"""Hand-made passages for the unit tests."""

from __future__ import annotations

import datetime as dt

from rag.types import Passage


def passage(
    chunk_id: str,
    article_id: str | None = None,
    *,
    text: str | None = None,
    group_id: str | None = None,
    score: float = 0.0,
    date: dt.date | None = None,
    source: str | None = None,
    title: str | None = None,
    start: int = 0,
) -> Passage:
    body = text if text is not None else f"Text of {chunk_id}."
    return Passage(
        chunk_id=chunk_id,
        article_id=article_id or chunk_id.split(":")[0],
        text=body,
        start=start,
        end=start + len(body),
        group_id=group_id,
        score=score,
        date=date,
        source=source,
        title=title,
    )
