"""``rag eval`` end to end: the real CLI, store and (small) model; plumbing, not quality."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.commands import EXIT_ERROR, register
from evals.gate import SuiteThresholds, check_gate, load_thresholds

REPO = Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag")
    parser.add_argument("--profile", default=None)
    register(parser.add_subparsers(dest="command"))
    return parser


@pytest.mark.unit
def test_missing_thresholds_file_is_a_clear_error(tmp_path: Path, capsys):
    args = _parser().parse_args(["eval", "--thresholds", str(tmp_path / "none.toml"), "--out", str(tmp_path)])
    assert args.func(args) == EXIT_ERROR
    assert "none.toml does not exist" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # nothing written for a run that did not happen


@pytest.mark.unit
def test_bad_limit_is_rejected(tmp_path: Path, capsys):
    args = _parser().parse_args(["eval", "--limit", "0", "--out", str(tmp_path)])
    assert args.func(args) == EXIT_ERROR
    assert "--limit must be at least 1" in capsys.readouterr().err


@pytest.mark.integration
@pytest.mark.timeout(1800)  # two runs of the small model; slow only when the machine is shared
def test_rag_eval_small_model_writes_reports_and_gates(tmp_path: Path, model_cache_dir: Path):
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
    }
    out = tmp_path / "results"
    command = [
        sys.executable, "-m", "rag.cli", "--profile", "test",
        "eval", "--model", "small", "--limit", "3", "--no-baseline", "--out", str(out),
    ]  # fmt: skip
    run = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode in (0, 1), run.stdout + run.stderr

    (directory,) = list(out.iterdir())
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    assert (directory / "report.md").read_text(encoding="utf-8").startswith("# rag eval: golden")
    assert (directory / "metrics_by_kind.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # three questions, from three different kinds, answered by the engine only, with details
    questions = report["questions"]
    assert len(questions) == 3
    assert len({q["item"]["kind"] for q in questions}) == 3
    for question in questions:
        assert set(question["systems"]) == {"engine"}
        engine = question["systems"]["engine"]
        assert engine["error"] is None, engine["error"]
        assert engine["answer"]["text"]
        assert engine["answer"]["timings"]["total_s"] > 0
        assert "refusal" in engine["scores"]
    assert set(report["summaries"]) == {"engine"}
    assert report["backend"] == "small"
    assert (tmp_path / "data").is_dir()  # indexed into the configured (temporary) store

    # the exit code is the gate of the committed thresholds applied to the reported metrics
    expected = check_gate(report["summaries"]["engine"]["overall"], load_thresholds().for_suite("golden"))
    assert report["gate"]["passed"] == expected.passed
    assert run.returncode == expected.exit_code, run.stdout

    # and a gate that cannot pass exits 1
    impossible = tmp_path / "impossible.toml"
    impossible.write_text("[golden.max]\nerrors = -1\n", encoding="utf-8")
    assert not check_gate(
        report["summaries"]["engine"]["overall"], SuiteThresholds(max={"errors": -1})
    ).passed
    again = subprocess.run(
        [*command[:-2], "--out", str(tmp_path / "again"), "--limit", "1", "--thresholds", str(impossible)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert again.returncode == 1, again.stdout + again.stderr
    assert "Gate failed" in again.stdout


@pytest.mark.unit
def test_summedits_suite_writes_report_and_gates(tmp_path: Path):
    """The support scorer's suite through the same command; deterministic scoring needs no model."""
    args = _parser().parse_args(
        ["eval", "--suite", "summedits", "--no-judge", "--limit", "40", "--out", str(tmp_path)]
    )
    code = args.func(args)
    (directory,) = list(tmp_path.iterdir())
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    assert report["suite"] == "summedits" and report["gated"] == "support scorer"
    summary = report["summaries"]["support scorer"]
    assert 0.0 <= summary["overall"]["balanced_accuracy"] <= 1.0
    assert "entity_modification" in summary["by_kind"]
    assert report["extra"]["items"] == 40 and len(report["extra"]["item_scores"]) == 40
    expected = check_gate(summary["overall"], load_thresholds().for_suite("summedits"))
    assert code == expected.exit_code
    assert (directory / "metrics_by_kind.png").exists() and (directory / "report.md").exists()
