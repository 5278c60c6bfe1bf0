"""SummEdits suite: the loader's checks, the metrics on crafted labels, fitting, and a deterministic run.

Everything but the checks of the real file runs on a small SummEdits-shaped set written in
conftest.py; the real file's tests need it beside the repository (see conftest.summedits_data).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from evals.summedits.data import (
    DATA_ENV,
    DATA_SHA256,
    EDIT_TYPES,
    SOURCE_COMMIT,
    SummEditsDataError,
    SummEditsDataMissing,
    SummEditsItem,
    default_data_path,
    document_subset,
    load_summedits,
    order_by_document,
    stratified_subset,
)
from evals.summedits.fitting import fit, fit_config, fit_logistic
from evals.summedits.judge_cache import CachedJudge
from evals.summedits.metrics import auroc, balanced_accuracy, best_threshold, per_edit_type
from evals.summedits.report import to_markdown
from evals.summedits.run import evaluate, run_summedits
from evals.summedits.scoring import ItemScore
from rag.components import Components
from rag.verifier.combination import FEATURES
from rag.verifier.config import SupportConfig
from rag.verifier.judge import judge_messages

# ---------------------------------------------------------------- loader


@pytest.mark.unit
def test_default_path_is_beside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATA_ENV, raising=False)
    path = default_data_path()
    assert path.parts[-4:] == ("shared", "evaldata", "summedits-news", "summedits_news.json")
    assert path.parent.parent.parent.parent == Path(__file__).resolve().parents[3]
    monkeypatch.setenv(DATA_ENV, "/somewhere/else.json")
    assert default_data_path() == Path("/somewhere/else.json")


@pytest.mark.unit
def test_loader_reads_records_after_checking_the_checksum(
    summedits_file: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, digest = summedits_file
    items = load_summedits(path, expected_sha256=digest)
    assert len(items) == 36 and len({i.doc_id for i in items}) == 6
    first = items[0]
    assert first.id == "00fa5e_og" and first.doc_id == "00fa5e" and first.label == 1
    assert first.edit_types == () and first.split == "evaluation"
    assert len(load_summedits(path, "test", expected_sha256=digest)) == 24
    # the checksum of the real file is the default: any other file is refused, with where to get it
    monkeypatch.setenv(DATA_ENV, str(path))
    with pytest.raises(SummEditsDataError, match=f"sha256 {digest}, expected {DATA_SHA256}") as info:
        load_summedits()
    assert "salesforce/factualNLG" in str(info.value)
    with pytest.raises(ValueError, match="split"):
        load_summedits(path, split="train", expected_sha256=digest)


@pytest.mark.unit
def test_missing_data_names_its_source(tmp_path: Path) -> None:
    with pytest.raises(SummEditsDataMissing) as info:
        load_summedits(tmp_path / "missing.json")
    message = str(info.value)
    assert str(tmp_path / "missing.json") in message
    for part in ("salesforce/factualNLG", SOURCE_COMMIT, "data/summedits/summedits_news.json", "Apache-2.0",
                 DATA_SHA256, DATA_ENV):  # fmt: skip
        assert part in message
    assert "\n" not in message


@pytest.mark.unit
def test_real_file_has_the_published_splits_and_labels(summedits_data: Path) -> None:
    items = load_summedits(summedits_data)
    assert len(items) == 819
    test = [i for i in items if i.split == "test"]
    evaluation = [i for i in items if i.split == "evaluation"]
    assert len(test) == 686 and len(evaluation) == 133
    assert sum(i.label for i in test) == 270
    assert sum(i.label for i in evaluation) == 51
    assert {i.label for i in items} == {0, 1}
    assert all(i.label == 1 for i in items if i.id.endswith("_og"))
    assert len({i.doc_id for i in items}) == 25
    assert {t for i in items for t in i.edit_types} == set(EDIT_TYPES)
    assert len(load_summedits(summedits_data, split="evaluation")) == 133


@pytest.mark.unit
def test_order_by_document_groups_documents(summedits_items: list[SummEditsItem]) -> None:
    shuffled = list(reversed(summedits_items))
    ordered = order_by_document(shuffled)
    assert sorted(i.id for i in ordered) == sorted(i.id for i in summedits_items)
    runs = [doc for k, doc in enumerate(i.doc_id for i in ordered) if k == 0 or ordered[k - 1].doc_id != doc]
    assert len(runs) == len(set(runs)) == 6


@pytest.mark.unit
def test_stratified_subset_keeps_shares(summedits_items: list[SummEditsItem]) -> None:
    test = [i for i in summedits_items if i.split == "test"]  # 8 consistent, 4 of each edit type
    subset = stratified_subset(test, 12)
    assert len(subset) == 12 == len({i.id for i in subset})
    assert sum(i.label for i in subset) == 4
    assert Counter(t for i in subset for t in i.edit_types) == dict.fromkeys(EDIT_TYPES, 2)
    assert subset == stratified_subset(test, 12)  # seeded
    assert subset == order_by_document(subset)
    assert stratified_subset(test, None) == order_by_document(test)
    assert stratified_subset(test, 0) == []
    larger = {i.id for i in stratified_subset(test, 18)}
    assert {i.id for i in subset} <= larger  # a larger subset contains a smaller one


@pytest.mark.unit
def test_document_subset_takes_whole_documents(summedits_items: list[SummEditsItem]) -> None:
    test = [i for i in summedits_items if i.split == "test"]
    subset = document_subset(test, 2)
    docs = {i.doc_id for i in subset}
    assert len(docs) == 2 and len(subset) == 12
    assert subset == [i for i in order_by_document(test) if i.doc_id in docs]
    assert document_subset(test, 2) == subset
    assert document_subset(test, None) == order_by_document(test)


# ---------------------------------------------------------------- metrics


@pytest.mark.unit
def test_balanced_accuracy_on_crafted_labels() -> None:
    labels = [1, 1, 1, 1, 0, 0]
    assert balanced_accuracy(labels, [1, 1, 1, 1, 1, 1]) == 0.5
    assert balanced_accuracy(labels, [1, 1, 0, 0, 0, 0]) == 0.75
    assert balanced_accuracy(labels, [1, 1, 1, 1, 0, 1]) == 0.75
    assert balanced_accuracy(labels, [0, 0, 0, 0, 1, 1]) == 0.0
    with pytest.raises(ValueError):
        balanced_accuracy([1, 1], [1, 0])


@pytest.mark.unit
def test_auroc_counts_ties_half() -> None:
    assert auroc([1, 0], [0.9, 0.1]) == 1.0
    assert auroc([1, 0], [0.1, 0.9]) == 0.0
    assert auroc([1, 0, 0], [0.5, 0.5, 0.1]) == 0.75
    assert auroc([1, 1, 0, 0], [0.8, 0.4, 0.6, 0.2]) == 0.75


@pytest.mark.unit
def test_per_edit_type_uses_all_consistent_items() -> None:
    labels = [1, 1, 0, 0, 0, 0]
    predictions = [1, 0, 0, 1, 0, 1]
    types = [(), (), ("entity_modification",), ("entity_modification", "antonym_swap"), ("antonym_swap",), ()]
    out = per_edit_type(labels, predictions, types)
    # entity: consistent recall 1/2, inconsistent items 2 and 3 -> 1 of 2 caught
    assert out["entity_modification"] == {"n_inconsistent": 2, "balanced_accuracy": 0.5}
    # antonym: items 3 and 4 -> 1 of 2 caught
    assert out["antonym_swap"] == {"n_inconsistent": 2, "balanced_accuracy": 0.5}
    assert out["negation_insertion_removal"] == {"n_inconsistent": 0, "balanced_accuracy": None}
    predictions = [1, 1, 0, 0, 1, 1]
    out = per_edit_type(labels, predictions, types)
    assert out["entity_modification"]["balanced_accuracy"] == 1.0
    assert out["antonym_swap"]["balanced_accuracy"] == 0.75


@pytest.mark.unit
def test_best_threshold_separates() -> None:
    labels = [0, 0, 1, 1, 0, 1]
    scores = [0.1, 0.2, 0.7, 0.9, 0.3, 0.6]
    cut = best_threshold(labels, scores)
    assert 0.3 < cut < 0.6
    assert balanced_accuracy(labels, [s >= cut for s in scores]) == 1.0


@pytest.mark.unit
def test_fit_logistic_learns_direction_and_keeps_signs() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(400, 2))
    y = (rng.uniform(0, 1, 400) < 1 / (1 + np.exp(-(6 * x[:, 0] - 3)))).astype(float)
    weights = fit_logistic(x, y, ["overlap", "unbacked"], {"overlap": 0.0, "unbacked": 0.0}, strength=0.01)
    assert 4.0 < weights["overlap"] < 8.0
    assert weights["unbacked"] <= 0.0  # constrained: more unbacked items never raise support
    assert -4.5 < weights["bias"] < -1.5


def _item(label: int, overlap: float, judge: float | None, k: int) -> ItemScore:
    features = dict.fromkeys(FEATURES, 1.0) | {"overlap": overlap, "unbacked": 0.0}
    return ItemScore(
        id=f"d{k % 3}_{k}", doc_id=f"d{k % 3}", label=label, edit_types=(), features=features, judge=judge,
        deterministic=0.5, score=0.5, unbacked=[], seconds=0.0,
    )  # fmt: skip


@pytest.mark.unit
def test_fit_config_sets_both_combinations() -> None:
    scores = [_item(1, 0.9, 0.8, k) for k in range(20)] + [_item(0, 0.5, 0.3, k + 20) for k in range(20)]
    config = fit_config(scores, SupportConfig(), use_judge=True)
    assert config.weights["judge"] > 0 and config.deterministic_weights["overlap"] > 0
    assert 0.0 < config.threshold < 1.0 and 0.0 < config.deterministic_threshold < 1.0
    assert "combined prior strength" in config.fitted_on  # chosen by leave-one-document-out
    assert "leave-one-document-out balanced accuracy 1.000" in config.fitted_on
    with pytest.raises(ValueError, match="judge"):
        fit_config([_item(1, 0.9, None, 0), _item(0, 0.5, None, 1)], SupportConfig(), use_judge=True)


@pytest.mark.unit
def test_fit_under_the_veto_rule_fits_the_checks_and_leaves_the_judge_bar_alone() -> None:
    scores = [_item(1, 0.9, 0.8, k) for k in range(20)] + [_item(0, 0.5, 0.3, k + 20) for k in range(20)]
    base = SupportConfig(judge_rule="veto", judge_threshold=0.5)
    config = fit_config(scores, base, use_judge=True)
    assert config.judge_rule == "veto" and config.judge_threshold == 0.5
    assert config.weights == base.weights and config.threshold == base.threshold
    assert config.deterministic_weights["overlap"] > 0
    assert "veto at p(Yes) 0.5 (not fitted)" in config.fitted_on
    assert config.judged_threshold == 0.5


# ---------------------------------------------------------------- end to end, deterministic path


@pytest.mark.unit
def test_fit_then_evaluate_without_judge(
    settings, tmp_path: Path, summedits_items: list[SummEditsItem]
) -> None:
    config_path = tmp_path / "support.toml"
    report = fit(settings, None, use_judge=False, config_path=config_path, limit=10, items=summedits_items)
    assert report.items == 10
    saved = SupportConfig.load(config_path)
    assert saved.deterministic_weights == report.config.deterministic_weights
    assert "evaluation split, 10 items" in saved.fitted_on
    result = evaluate(
        settings, None, split="test", limit=18, use_judge=False, config=saved, items=summedits_items
    )
    assert result.items == 18 and result.available == 24
    assert (result.consistent, result.inconsistent) == (6, 12)
    assert set(result.scorers) == {"deterministic"}
    metrics = result.scorers["deterministic"]
    assert 0.0 <= metrics.balanced_accuracy <= 1.0
    # an invented town or an invented death toll has no support in the document
    assert metrics.auroc > 0.5
    assert set(metrics.per_edit_type) == set(EDIT_TYPES)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["split"] == "test" and data["primary"] == "deterministic" and data["available"] == 24
    assert not math.isnan(data["seconds_per_item"])
    assert "deterministic" in result.format_table()
    assert "| deterministic |" in to_markdown(result)
    plain = run_summedits(settings, None, split="evaluation", limit=6, use_judge=False, items=summedits_items)
    assert plain.split == "evaluation" and plain.items == 6 and plain.available == 12
    clustered = evaluate(
        settings, None, split="test", use_judge=False, config=saved, documents=3, items=summedits_items
    )
    assert len({s.doc_id for s in clustered.item_scores}) == 3
    assert "3 of 4 documents" in clustered.subset


@pytest.mark.unit
def test_deterministic_run_on_the_human_labels(settings, summedits_data: Path) -> None:
    """The real file, read through the default path: three of its 21 test documents, shipped config."""
    result = evaluate(settings, None, split="test", use_judge=False, documents=3)
    assert result.available == 686
    assert len({s.doc_id for s in result.item_scores}) == 3
    assert "3 of 21 documents" in result.subset
    assert result.consistent > 0 and result.inconsistent > 0
    assert 0.0 <= result.balanced_accuracy <= 1.0


# ---------------------------------------------------------------- with a judge (small model)


@pytest.mark.integration
def test_judge_cache_and_judged_run(settings, tmp_path: Path, summedits_items: list[SummEditsItem]) -> None:
    components = Components(settings)
    judge = CachedJudge(components.llm, tmp_path / "judge.jsonl")
    messages = judge_messages("Twelve fighters died.", "Clashes killed 12 fighters on Tuesday.")
    first = judge.yes_probability(messages)
    assert first is not None and 0.0 <= first <= 1.0
    assert judge.misses == 1 and judge.evaluated_tokens > 0
    assert judge.yes_probability(messages) == first and judge.hits == 1
    reopened = CachedJudge(components.llm, tmp_path / "judge.jsonl")
    assert reopened.yes_probability(messages) == first and reopened.misses == 0

    report = evaluate(
        settings,
        components,
        split="evaluation",
        documents=1,  # one document: its prompt prefix is evaluated once
        limit=4,
        use_judge=True,
        config=SupportConfig(),
        judge_cache=tmp_path / "run.jsonl",
        items=summedits_items,
    )
    assert report.use_judge and report.model == components.llm.name
    assert set(report.scorers) == {"combined", "deterministic", "judge"}
    assert all(s.judge is not None and 0.0 <= s.judge <= 1.0 for s in report.item_scores)
    assert report.judge_tokens is not None and report.judge_tokens > 0
