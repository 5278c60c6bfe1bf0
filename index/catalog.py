"""The archive's articles as a browsable list: paged, searchable, filterable; open and delete one.

An article lives in three places, all derived from the store: its manifest record (text and
metadata), its chunks in Chroma (vectors, text, duplicate-group membership in the chunk
metadata), and the keyword file (search terms and duplicate signatures, written with every
store change and repaired from the store when it lags). Deleting the manifest record and the chunks therefore removes
it everywhere; the other copies of a shared wire story keep their chunks and group ids.

The list is built from the keyword file's chunk rows (titles, dates, publishers; never chunk
texts, never Chroma's manifest: see :func:`_build_listing`) and cached per store revision, so typing in the search box costs one small revision read plus a
pass over a list in memory. Measured with ``rag bench catalog --articles 3000
--outlets 400`` (5,397 chunks, a busy two-core machine): the first listing after a change took
1.4-2.8 s, most of it reading the chunk metadata for the wire-copy counts (now read from the keyword file); every search,
filter or page after that took 2-9 ms.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from rag.types import Article, int_to_date

if TYPE_CHECKING:
    from index.store import ChunkStore

DEFAULT_LIMIT = 25
MAX_LIMIT = 500


@dataclass(frozen=True)
class CatalogEntry:
    """One article as the list shows it."""

    article_id: str
    title: str
    """The article's title, or its id when it has none."""
    source: str | None
    date: dt.date | None
    chunks: int
    copies: int
    """Other articles that share at least one near-duplicate chunk with this one (wire copies);
    :meth:`Catalog.copies_of` names them."""
    path: str
    key: str = field(repr=False, default="")
    """Casefolded title, outlet and id: what the search box matches."""


class CatalogQuery(BaseModel):
    """What the user typed: free text over title/outlet, an outlet, a date range and a page."""

    text: str = ""
    outlet: str = ""
    """Part of an outlet's name, any case ("reut" finds "Reuters")."""
    since: dt.date | None = None
    until: dt.date | None = None
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class CatalogPage(BaseModel):
    entries: list[Any] = Field(default_factory=list)
    """:class:`CatalogEntry` rows of this page, newest first (undated last)."""
    matching: int = 0
    """Articles that match the query, over all pages."""
    total: int = 0
    """Articles in the archive."""
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    outlets: list[tuple[str, int]] = Field(default_factory=list)
    """Outlets matching the outlet box (name, articles), most articles first."""


class DeleteResult(BaseModel):
    article_id: str
    title: str
    chunks_removed: int
    file_removed: str | None = None
    """The uploaded copy removed with it (only files under the uploads folder, and only when no
    other indexed article comes from the same file)."""


class Catalog:
    """Listing and deleting over a :class:`ChunkStore`; thread-safe."""

    def __init__(self, store: ChunkStore, uploads_dir: Path | None = None) -> None:
        self.store = store
        self.uploads_dir = uploads_dir.resolve() if uploads_dir else None
        self._lock = threading.Lock()
        self._cached: _Listing | None = None

    # ------------------------------------------------------------ listing

    def _listing(self) -> _Listing:
        revision = self.store.revision()
        with self._lock:
            if self._cached is None or self._cached.revision != revision:
                self._cached = _build_listing(revision, self.store)
            return self._cached

    def entries(self) -> list[CatalogEntry]:
        """Every article, newest first; rebuilt only when the store has changed."""
        return self._listing().entries

    def copies_of(self, article_id: str) -> list[str]:
        """The other articles that share text with ``article_id``, sorted."""
        listing = self._listing()
        found: set[str] = set()
        for group in listing.groups_of.get(article_id, ()):
            found |= listing.members[group]
        found.discard(article_id)
        return sorted(found)

    def search(self, query: CatalogQuery | None = None) -> CatalogPage:
        query = query or CatalogQuery()
        entries = self.entries()
        words = query.text.casefold().split()
        outlet = query.outlet.strip().casefold()
        since = query.since.toordinal() if query.since else None
        until = query.until.toordinal() if query.until else None
        found = []
        for entry in entries:
            if words and not all(word in entry.key for word in words):
                continue
            if outlet and outlet not in (entry.source or "").casefold():
                continue
            if since is not None or until is not None:
                if entry.date is None:  # as in retrieval: a dated range leaves out undated articles
                    continue
                day = entry.date.toordinal()
                if (since is not None and day < since) or (until is not None and day > until):
                    continue
            found.append(entry)
        offset = min(query.offset, max(0, (len(found) - 1) // query.limit * query.limit))
        return CatalogPage(
            entries=found[offset : offset + query.limit],
            matching=len(found),
            total=len(entries),
            offset=offset,
            limit=query.limit,
            outlets=self.outlets(query.outlet) if outlet else [],
        )

    def outlets(self, text: str = "", limit: int = 8) -> list[tuple[str, int]]:
        """Outlets whose name contains ``text`` (any case), with their article counts."""
        wanted = text.strip().casefold()
        counts: dict[str, int] = {}
        for entry in self.entries():
            if entry.source and wanted in entry.source.casefold():
                counts[entry.source] = counts.get(entry.source, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))
        return ranked[:limit]

    def get(self, article_id: str) -> Article | None:
        """The article with its full text (untrusted: escape before showing it)."""
        return self.store.get_article(article_id)

    def entry(self, article_id: str) -> CatalogEntry | None:
        return self._listing().by_id.get(article_id)

    # ------------------------------------------------------------ deleting

    def delete(self, article_id: str) -> DeleteResult | None:
        """Remove one article from the archive (None when it is not there).

        Its manifest record goes first, then its chunks (see ``ChunkStore.delete_articles``),
        so answers, the keyword index and ``rag status`` no longer see it. An uploaded copy
        of its file is removed too, so a deleted upload does not linger on disk.
        """
        article = self.store.get_article(article_id)
        if article is None:
            return None
        before = self.store.count_chunks()
        self.store.delete_articles([article_id])
        removed = self._remove_upload(article.path)
        return DeleteResult(
            article_id=article_id,
            title=article.title or article_id,
            chunks_removed=before - self.store.count_chunks(),
            file_removed=removed,
        )

    def _remove_upload(self, path: str) -> str | None:
        if not path or self.uploads_dir is None:
            return None
        file = Path(path).resolve()
        if self.uploads_dir not in file.parents or not file.is_file():
            return None
        if any(metadata.get("path") == path for metadata in self.store.manifest().values()):
            return None  # another record of the same file (JSON/JSONL) is still indexed
        file.unlink()
        sidecar = file.with_name(file.name + ".meta.json")
        if sidecar.is_file():
            sidecar.unlink()
        return str(file)


@dataclass(frozen=True)
class _Listing:
    revision: str
    entries: list[CatalogEntry]
    groups_of: dict[str, tuple[str, ...]]
    """Article id -> the duplicate groups it shares with other articles."""
    members: dict[str, frozenset[str]]
    """Shared duplicate group -> its articles."""
    by_id: dict[str, CatalogEntry]


def _build_listing(revision: str, store: ChunkStore) -> _Listing:
    """The list from the keyword file's chunk rows (one SQL pass) rather than Chroma's manifest.

    Why: at 100,000 articles reading the manifest through Chroma took ~6 s and left the process
    ~300 MB larger (Chroma's own buffers, kept after the read), a third of what a chat server
    holds for the whole archive; the grouped chunk rows took 0.3 s and 49 MB. An article is
    listed once its chunks are written (the manifest record follows within the same batch)."""
    rows = store.keyword_index().article_rows()
    held = {row[0] for row in rows}
    groups: dict[str, set[str]] = {}
    for group_id, article_id in store.keyword_index().shared_group_articles():
        if article_id in held:
            groups.setdefault(group_id, set()).add(article_id)
    members = {group: frozenset(found) for group, found in groups.items() if len(found) > 1}
    groups_of: dict[str, list[str]] = {}
    for group, found in members.items():
        for article_id in found:
            groups_of.setdefault(article_id, []).append(group)
    entries = []
    for article_id, stored_title, date_value, stored_source, path, chunks in rows:
        title = str(stored_title or "").strip() or article_id
        source = str(stored_source or "").strip() or None
        date = int_to_date(int(date_value)) if date_value else None
        shared = groups_of.get(article_id, [])
        copies = len(frozenset().union(*(members[group] for group in shared))) - 1 if shared else 0
        entries.append(
            CatalogEntry(
                article_id=article_id,
                title=title,
                source=source,
                date=date,
                chunks=int(chunks),
                copies=copies,
                path=str(path or ""),
                key=f"{title}\n{source or ''}\n{article_id}".casefold(),
            )
        )
    entries.sort(key=lambda e: (e.date is None, -(e.date.toordinal() if e.date else 0), e.title.casefold()))
    by_id = {entry.article_id: entry for entry in entries}
    return _Listing(revision, entries, {a: tuple(g) for a, g in groups_of.items()}, members, by_id)
