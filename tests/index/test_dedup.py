"""Near-duplicate grouping: crafted rewrites and the bundled corpus."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.chunking import Chunker
from index.dedup import NUM_PERM, DuplicateIndex, containment, normalise, shingles, signature
from index.loaders import load_paths
from rag.settings import BUNDLED_CORPUS

pytestmark = pytest.mark.unit

ARTICLES = Path(__file__).parent / "articles"

WIRE = (
    "Syrian rebel groups said Monday they will attend peace talks next week, in a boost to efforts by "
    "rivals Turkey and Russia to put an end to the nearly six-year-old conflict. The talks, beginning on "
    "January 23 in the Kazakh capital Astana, are set to build on a nationwide truce that has largely held "
    "despite escalating violence across several battlefronts in recent days."
)
REWRITE = (
    "DAMASCUS \u2014 Syrian rebel groups said on Monday they will attend peace talks next week, in a boost "
    "to efforts by rivals Turkey and Russia to put an end to the nearly six-year-old conflict. The talks, "
    "beginning on January 23 in the Kazakh capital Astana, are set to build on a nationwide truce that has "
    "largely held despite escalating violence across several battlefronts in recent days, officials said."
)
OTHER = (
    "Floods swept through the northern valley after three days of rain, cutting roads and closing schools, "
    "while rescue teams searched for residents trapped on rooftops and the regional governor asked the "
    "army for helicopters to reach villages that remain cut off."
)


def test_normalise_unifies_quotes_dashes_and_punctuation() -> None:
    assert normalise("Iran\u2019s \u201cmilitias\u201d \u2014 al-Zor, U.S.") == normalise(
        'Iran\'s "militias" - al Zor, U.S.'
    )
    assert normalise("Iran\u2019s") == ["irans"]


def test_signature_round_trips_through_its_stored_form() -> None:
    sig = signature(WIRE)
    index = DuplicateIndex(0.6)
    index.restore([("wire:0000", "wire", 0, "wire:0000", sig.count, sig.to_bytes())])
    assert index.best_match("paper", sig) == ("wire:0000", 1.0)
    assert sig.count == len(shingles(WIRE))
    assert len(sig.to_bytes()) == 4 * NUM_PERM


def test_signatures_match_ones_made_with_datasketchs_own_hash_functions() -> None:
    """Signatures share one set of hash functions; they must equal what a MinHash drawing its own
    makes, or chunks stored by earlier versions would no longer match new copies of them."""
    from datasketch import MinHash

    from index.dedup import SCHEME, SEED

    for text in (WIRE, REWRITE, OTHER):
        own = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
        own.update_batch(list(shingles(text)))
        assert signature(text).to_bytes() == np.asarray(own.hashvalues, dtype="<u4").tobytes()


def test_rewrite_joins_the_group_and_unrelated_text_does_not() -> None:
    index = DuplicateIndex(0.6)
    assert index.assign("wire:0000", "wire", 0, signature(WIRE)) == "wire:0000"
    assert index.assign("paper:0000", "paper", 0, signature(REWRITE)) == "wire:0000"
    assert index.assign("floods:0000", "floods", 0, signature(OTHER)) == "floods:0000"
    assert index.shared_groups() == 1


def test_chunks_of_the_same_article_are_never_grouped() -> None:
    index = DuplicateIndex(0.6)
    index.assign("a:0000", "a", 0, signature(WIRE))
    assert index.assign("a:0001", "a", 1, signature(WIRE)) == "a:0001"
    assert index.shared_groups() == 0


def test_a_chunk_straddling_two_chunks_of_a_copy_is_grouped() -> None:
    """Half of the new chunk is in one stored chunk, half in the next: neither alone reaches 0.6."""
    first_half, second_half = WIRE[: len(WIRE) // 2], WIRE[len(WIRE) // 2 :]
    stored_a = OTHER + " " + first_half
    stored_b = second_half + " " + OTHER.upper()
    index = DuplicateIndex(0.6)
    index.assign("old:0000", "old", 0, signature(stored_a))
    index.assign("old:0001", "old", 1, signature(stored_b))
    sig = signature(WIRE)
    assert containment(sig, signature(stored_a)) < 0.6 and containment(sig, signature(stored_b)) < 0.6
    assert index.assign("new:0000", "new", 0, sig) in {"old:0000", "old:0001"}


def test_removed_articles_no_longer_match() -> None:
    index = DuplicateIndex(0.6)
    index.assign("wire:0000", "wire", 0, signature(WIRE))
    index.remove_article("wire")
    assert len(index) == 0
    assert index.assign("paper:0000", "paper", 0, signature(REWRITE)) == "paper:0000"


def article_groups(folder: Path) -> dict[str, set[str]]:
    """Article id -> the group ids of its chunks, assigning in file order as the indexer does."""
    chunker = Chunker(160, 32)
    index = DuplicateIndex(0.6)
    groups: dict[str, set[str]] = {}
    for item in load_paths([folder], max_file_mb=20).articles:
        for chunk in chunker.chunk(item):
            group = index.assign(chunk.chunk_id, item.article_id, chunk.index, signature(chunk.text))
            groups.setdefault(item.article_id, set()).add(group)
    return groups


def corpus_groups() -> dict[str, set[str]]:
    """The bundled corpus's groups, by the first three characters of the article id."""
    return {article[:3]: found for article, found in article_groups(BUNDLED_CORPUS).items()}


def test_bundled_wire_copies_share_groups_and_other_stories_do_not() -> None:
    groups = corpus_groups()
    assert groups["000"] & groups["002"]
    assert groups["000"] & groups["003"]
    assert groups["002"] & groups["003"]
    for lone in ("001", "004"):
        others = set().union(*(g for key, g in groups.items() if key != lone))
        assert not groups[lone] & others, f"{lone} is a different story"


FOOTER = """
Subscribe to The Valley Courier for unlimited access to our award-winning journalism.
We use cookies to personalise content and ads. By continuing to browse you accept our cookie policy.
Contributing: Staff reporters of The Valley Courier
Follow us on Twitter @valleycourier and on Facebook
Read more: The week's top stories from across the region
Copyright 2024 Valley Courier Media. All rights reserved.
"""
COPY_PAIRS = {frozenset({"000", "002"}), frozenset({"000", "003"}), frozenset({"002", "003"})}
"""The labelled copies among the stories below: the bundled corpus's three wire versions."""


def footer_corpus(folder: Path) -> Path:
    """Eleven stories, one outlet footer under each: the bundled corpus (three wire copies of
    one story, two other stories) and six different local stories."""
    folder.mkdir()
    sources = [*sorted(BUNDLED_CORPUS.glob("*.txt")), *sorted(ARTICLES.glob("*.txt"))]
    for path in sources:
        text = path.read_text(encoding="utf-8").rstrip()
        (folder / f"{path.stem[:3] if path.parent == BUNDLED_CORPUS else path.stem}.txt").write_text(
            f"{text}\n{FOOTER}", encoding="utf-8"
        )
    return folder


def grouped_pairs(folder: Path) -> set[frozenset[str]]:
    """Pairs of articles with a chunk in the same duplicate group, assigned as the indexer does."""
    groups = article_groups(folder)
    return {frozenset({a, b}) for a in groups for b in groups if a < b and groups[a] & groups[b]}


def test_stories_that_share_only_an_outlet_footer_are_not_copies(tmp_path: Path) -> None:
    pairs = grouped_pairs(footer_corpus(tmp_path / "courier"))
    assert pairs == COPY_PAIRS, f"wrongly grouped: {sorted(map(sorted, pairs - COPY_PAIRS))}"


@pytest.mark.parametrize("sort_after", [3, 1000])
def test_candidates_are_exactly_the_rows_sharing_a_value_across_merges(monkeypatch, sort_after: int) -> None:
    """Brute force against the bucket index, with rows added in bulk (compared whole, or sorted
    after a few queries), one by one and merged."""
    import numpy as np

    from index import minhash_buckets
    from index.minhash_buckets import MinHashBuckets

    monkeypatch.setattr(minhash_buckets, "MIN_MERGE", 7)
    monkeypatch.setattr(minhash_buckets, "SORT_AFTER_QUERIES", sort_after)
    rng = np.random.default_rng(3)
    values = rng.integers(0, 40, size=(60, 8), dtype=np.uint32)  # small range: many shared values
    buckets = MinHashBuckets(8)
    buckets.extend(np.arange(20), values[:20])
    for row in range(20, 60):
        buckets.insert(row, values[row])
    assert len(buckets) == 60
    for query in [*values[::7], rng.integers(0, 40, size=8, dtype=np.uint32)]:
        expected = [row for row in range(60) if (values[row] == query).any()]
        assert buckets.query(query).tolist() == expected


def test_restoring_stored_signatures_groups_as_adding_them_one_by_one() -> None:
    stored = [("wire:0000", "wire", 0, signature(WIRE)), ("floods:0000", "floods", 0, signature(OTHER))]
    one_by_one = DuplicateIndex(0.6)
    restored = DuplicateIndex(0.6)
    for chunk_id, article_id, index, sig in stored:
        one_by_one.add(chunk_id, article_id, index, chunk_id, sig)
    restored.restore(
        [
            (chunk_id, article_id, index, chunk_id, sig.count, sig.to_bytes())
            for chunk_id, article_id, index, sig in stored
        ]
    )
    for index in (one_by_one, restored):
        assert index.assign("paper:0000", "paper", 0, signature(REWRITE)) == "wire:0000"
        assert index.best_match("paper", signature(OTHER))[0] == "floods:0000"
    restored.remove_article("wire")
    assert restored.assign("agency:0000", "agency", 0, signature(REWRITE)) == "wire:0000"  # via paper
