"""The golden set is well formed and every expected fact is really in its supporting articles."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.golden import GOLDEN_PATH, KINDS, load_golden
from evals.metrics.correctness import alternatives, fact_present

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def items():
    return load_golden()


def test_size_and_coverage(items):
    kinds = Counter(item.kind for item in items)
    assert len(items) >= 40
    assert kinds["unanswerable"] >= 8
    assert set(kinds) == set(KINDS), f"kinds without questions: {set(KINDS) - set(kinds)}"


def test_supporting_articles_exist(items, corpus_dir: Path):
    stems = {path.stem for path in corpus_dir.glob("*.txt")}
    for item in items:
        missing = set(item.supporting_articles) - stems
        assert not missing, f"{item.id}: supporting articles not in the corpus: {missing}"


def test_expected_facts_occur_in_a_supporting_article(items, corpus_dir: Path):
    texts = {path.stem: path.read_text(encoding="utf-8") for path in corpus_dir.glob("*.txt")}
    for item in items:
        if not item.answerable:
            continue
        for fact in item.expected_facts:
            assert any(fact_present(fact, texts[a]) for a in item.supporting_articles), (
                f"{item.id}: expected fact {fact!r} is in none of {item.supporting_articles}"
            )


def test_every_supporting_article_holds_some_expected_fact(items, corpus_dir: Path):
    """A supporting article that states none of the facts would make retrieval recall unfair."""
    texts = {path.stem: path.read_text(encoding="utf-8") for path in corpus_dir.glob("*.txt")}
    for item in items:
        for article in item.supporting_articles:
            assert any(fact_present(f, texts[article]) for f in item.expected_facts), (
                f"{item.id}: supporting article {article} states none of {item.expected_facts}"
            )


def test_conflict_items_expect_both_sides(items):
    for item in items:
        if item.kind == "conflict":
            assert len(item.expected_facts) >= 2, f"{item.id}: a conflict needs a value from each side"
            assert len(item.supporting_articles) >= 2, f"{item.id}: a conflict needs two articles"


def test_ids_unique_and_facts_non_empty(items):
    assert len({item.id for item in items}) == len(items)
    for item in items:
        for fact in item.expected_facts:
            assert all(a.strip() for a in alternatives(fact)), f"{item.id}: blank expected fact"


def test_loader_names_file_line_and_field(tmp_path: Path):
    lines = GOLDEN_PATH.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[0])
    broken["kind"] = "trivia"
    bad = tmp_path / "golden.jsonl"
    bad.write_text("\n".join([lines[1], json.dumps(broken)]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"(?s)golden\.jsonl:2: invalid golden item.*kind"):
        load_golden(bad)

    unanswerable_with_facts = json.loads(lines[-1])
    unanswerable_with_facts["expected_facts"] = ["42"]
    bad.write_text(json.dumps(unanswerable_with_facts) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unanswerable item has no expected_facts"):
        load_golden(bad)

    bad.write_text(lines[0] + "\n" + lines[0] + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate id"):
        load_golden(bad)
