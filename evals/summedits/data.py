"""SummEdits (news) data: where the file comes from, loading it after a checksum, and subsets.

The file is public evaluation data that the repository never carries: it is read from
``$RAG_SUMMEDITS_PATH`` or from ``../shared/evaldata/summedits-news/summedits_news.json`` beside the
repository, and where it is absent the error says where to download it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_ENV = "RAG_SUMMEDITS_PATH"
DATA_SHA256 = "aa06a1998cf7bfe6e40f8a79e0c10a1f77528165d8659056202c0ed679191c8e"
SOURCE_REPO = "salesforce/factualNLG"
SOURCE_COMMIT = "0da1dfa62c783218d26208c1796d3a2605bec745"
SOURCE_PATH = "data/summedits/summedits_news.json"
SOURCE_URL = f"https://raw.githubusercontent.com/{SOURCE_REPO}/{SOURCE_COMMIT}/{SOURCE_PATH}"
SOURCE_LICENSE = "Apache-2.0"
SPLITS = ("evaluation", "test")
EDIT_TYPES = (
    "entity_modification",
    "antonym_swap",
    "negation_insertion_removal",
    "hallucinated_fact_insertion",
)


class SummEditsDataError(RuntimeError):
    """The SummEdits data file is missing or is not the expected version."""


class SummEditsDataMissing(SummEditsDataError):
    """The SummEdits data file is not there (as opposed to there but different)."""


@dataclass(frozen=True)
class SummEditsItem:
    id: str
    doc_id: str
    doc: str
    summary: str
    label: int
    """1 = consistent with the document, 0 = inconsistent."""
    edit_types: tuple[str, ...]
    split: str


def default_data_path() -> Path:
    """``$RAG_SUMMEDITS_PATH``, else the shared evaluation data beside the repository."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    return (REPO_ROOT.parent / "shared" / "evaldata" / "summedits-news" / "summedits_news.json").resolve()


def where_to_get_it() -> str:
    """Where to download the file: its address, then its source, licence and checksum."""
    return (
        f"Download it from {SOURCE_URL} (GitHub {SOURCE_REPO}, commit {SOURCE_COMMIT}, path "
        f"{SOURCE_PATH}, license {SOURCE_LICENSE}, sha256 {DATA_SHA256})"
    )


def missing_message(path: Path) -> str:
    return f"SummEdits data not found at {path}. {where_to_get_it()} and save it there, or set {DATA_ENV} to its path."


def parse_records(records: Iterable[dict]) -> list[SummEditsItem]:
    """Items from SummEdits records (``id``, ``doc``, ``summary``, ``label``, ``edit_types``, ``split``)."""
    return [
        SummEditsItem(
            id=record["id"],
            doc_id=record["id"].rsplit("_", 1)[0],
            doc=record["doc"],
            summary=record["summary"],
            label=int(record["label"]),
            edit_types=tuple(record.get("edit_types") or ()),
            split=record["split"],
        )
        for record in records
    ]


def load_summedits(
    path: Path | str | None = None, split: str | None = None, *, expected_sha256: str = DATA_SHA256
) -> list[SummEditsItem]:
    """All items (or one split's), after checking the file is the expected version.

    Raises :class:`SummEditsDataMissing` (saying where to download the file) when it is absent and
    :class:`SummEditsDataError` when its checksum differs.
    """
    source = Path(path) if path is not None else default_data_path()
    if split is not None and split not in SPLITS:
        raise ValueError(f"Unknown SummEdits split {split!r}; choose one of: {', '.join(SPLITS)}")
    if not source.is_file():
        raise SummEditsDataMissing(missing_message(source))
    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected_sha256:
        raise SummEditsDataError(
            f"SummEdits data at {source} has sha256 {digest}, expected {expected_sha256}: it is a "
            f"different version, and figures from it would not be comparable. {where_to_get_it()}."
        )
    items = parse_records(json.loads(raw))
    return [item for item in items if split is None or item.split == split]


def select_split(items: Iterable[SummEditsItem], split: str) -> list[SummEditsItem]:
    if split not in SPLITS:
        raise ValueError(f"Unknown SummEdits split {split!r}; choose one of: {', '.join(SPLITS)}")
    return [item for item in items if item.split == split]


def order_by_document(items: Iterable[SummEditsItem]) -> list[SummEditsItem]:
    """Documents in order of first appearance, so each document's prompt prefix is evaluated once."""
    first_seen: dict[str, int] = {}
    listed = list(items)
    for position, item in enumerate(listed):
        first_seen.setdefault(item.doc_id, position)
    return sorted(listed, key=lambda item: (first_seen[item.doc_id], item.id))


def document_subset(
    items: Sequence[SummEditsItem], documents: int | None, seed: int = 0
) -> list[SummEditsItem]:
    """Every item of ``documents`` documents drawn at random (seeded): a cluster sample.

    With the judge, each document's prompt prefix costs as much as a few dozen summaries, so on a
    slow machine whole documents buy more judged items per second than items spread over all of them.
    """
    ordered = order_by_document(items)
    doc_ids = list(dict.fromkeys(i.doc_id for i in ordered))
    if documents is None or documents >= len(doc_ids):
        return ordered
    chosen = set(random.Random(f"{seed}:documents").sample(sorted(doc_ids), max(0, documents)))
    return [i for i in ordered if i.doc_id in chosen]


def _stratum(item: SummEditsItem) -> str:
    if item.label == 1:
        return "consistent"
    return min(item.edit_types, key=EDIT_TYPES.index) if item.edit_types else "inconsistent:untyped"


def stratified_subset(
    items: Sequence[SummEditsItem], limit: int | None, seed: int = 0
) -> list[SummEditsItem]:
    """``limit`` items keeping the shares of consistent items and of each (first) edit type.

    Proportional allocation with largest remainders, then the first items of a seeded shuffle of each
    stratum (so a larger subset mostly contains a smaller one and re-uses its cached judgements), ordered
    by document. The whole list (ordered) when ``limit`` is None or not smaller.
    """
    if limit is None or limit >= len(items):
        return order_by_document(items)
    if limit <= 0:
        return []
    strata: dict[str, list[SummEditsItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.id):
        strata[_stratum(item)].append(item)
    quotas = {name: limit * len(members) / len(items) for name, members in strata.items()}
    counts = {name: int(q) for name, q in quotas.items()}
    for name in sorted(quotas, key=lambda n: quotas[n] - counts[n], reverse=True)[
        : limit - sum(counts.values())
    ]:
        counts[name] += 1
    chosen: list[SummEditsItem] = []
    for name in sorted(strata):
        members = list(strata[name])
        random.Random(f"{seed}:{name}").shuffle(members)
        chosen.extend(
            members[: counts[name]]
        )  # a fixed order per stratum: larger subsets contain smaller ones
    return order_by_document(chosen)
