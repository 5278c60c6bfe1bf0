"""The benchmarks' shared helpers: one percentile, the synthetic corpus, results as Markdown + JSON + PNG."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import numpy as np
import pytest

from evals.bench.common import Figure, Results, percentile, write_corpus, write_results

pytestmark = pytest.mark.unit


def test_percentile_interpolates_like_numpy_and_the_load_check_did() -> None:
    values = [0.8, 0.1, 0.4, 2.5, 1.0, 0.3, 0.9]
    for q in (5, 50, 95):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
        # the load check's former definition
        assert percentile(values, q) == pytest.approx(
            statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        )
    assert percentile([3.0], 95) == 3.0
    assert percentile([], 50) != percentile([], 50)  # NaN


def test_nearest_rank_percentile_is_always_a_sample() -> None:
    values = [float(n) for n in range(1, 73)]  # 24 questions x 3 rounds
    assert percentile(values, 95, nearest_rank=True) == 69.0
    assert percentile(values, 50, nearest_rank=True) == 36.0
    assert percentile([0.2, 0.1], 95, nearest_rank=True) == 0.2
    assert all(percentile(values, q, nearest_rank=True) in values for q in range(0, 101, 5))


def test_the_synthetic_corpus_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", 12, seed=4)
    write_corpus(tmp_path / "b", 12, seed=4)
    write_corpus(tmp_path / "c", 12, seed=5)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [f"synthetic_{n:05d}.txt" for n in range(12)]
    texts = [(tmp_path / "a" / n).read_text(encoding="utf-8") for n in names]
    assert texts == [(tmp_path / "b" / n).read_text(encoding="utf-8") for n in names]
    assert texts != [(tmp_path / "c" / n).read_text(encoding="utf-8") for n in names]
    title, date, body = texts[0].split("\n\n", 2)
    assert "report 0" in title and len(date) == 10 and " - " in body


def test_results_are_written_with_each_figure_beside_its_baseline(tmp_path: Path) -> None:
    results = Results(
        "demo",
        "Demo benchmark",
        [Figure("chunks", 120), Figure("chunks/s", 30.0, "", 60.0, "model alone")],
        {"chunks": 120},
        series={"total s": [0.3, 0.1, 0.2]},
        notes=["a note"],
    )
    written = write_results(results, tmp_path / "out")
    assert [p.name for p in written] == ["demo.md", "demo.json", "demo.png"]
    text = (tmp_path / "out" / "demo.md").read_text(encoding="utf-8")
    assert "| chunks/s | 30 | 60 (model alone) | 0.5x |" in text and "| chunks | 120 |  |  |" in text
    assert "- a note" in text and text.startswith("# Demo benchmark\n\nMeasured on ")
    data = json.loads((tmp_path / "out" / "demo.json").read_text(encoding="utf-8"))
    assert data["figures"][1] == {
        "name": "chunks/s",
        "value": 30.0,
        "unit": "",
        "baseline": 60.0,
        "baseline_name": "model alone",
        "ratio": 0.5,
    }
    assert data["raw"] == {"chunks": 120} and data["peak_rss_bytes"] > 0 and "CPUs" in data["machine"]
    assert (tmp_path / "out" / "demo.png").read_bytes().startswith(b"\x89PNG")


def test_no_chart_without_a_series(tmp_path: Path) -> None:
    written = write_results(Results("plain", "Plain", [Figure("n", 1)], {}), tmp_path)
    assert [p.name for p in written] == ["plain.md", "plain.json"]
