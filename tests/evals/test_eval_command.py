"""``rag eval`` end to end: the real CLI, store and (small) model; plumbing, not quality."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.commands import EXIT_ERROR, RESULTS_FOLDER, eval_store, gate_note, register
from evals.gate import check_gate, load_thresholds
from evals.golden import load_golden
from evals.summedits.data import DATA_ENV, DATA_SHA256, SOURCE_COMMIT
from rag.settings import BUNDLED_CORPUS, load_settings

REPO = Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag")
    parser.add_argument("--profile", default=None)
    register(parser.add_subparsers(dest="command"))
    return parser


def _rag(args: list[str], env: dict[str, str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """``rag`` as a user runs it, from ``cwd``, with this checkout's code (whatever venv runs it)."""
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        cwd=cwd, env={**env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# ---------------------------------------------------------------- options


@pytest.mark.unit
def test_help_explains_every_option(capsys):
    parser = _parser()
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["eval", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    eval_parser = parser._subparsers._group_actions[0].choices["eval"]  # type: ignore[union-attr]
    for action in eval_parser._actions:
        assert action.help and len(action.help.split()) >= 5, f"{action.option_strings}: {action.help!r}"
    for phrase in (
        "--data-dir PATH", "temporary folder, removed at the end", "--out PATH", RESULTS_FOLDER,
        "the gate needs every question", "--limit N", "your own index is never changed",
    ):  # fmt: skip
        assert phrase in text, phrase


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


@pytest.mark.unit
def test_gate_applies_only_to_a_whole_suite():
    assert gate_note(3, 56, "questions") == "not enough questions to apply the gate (3 of 56)"
    assert gate_note(56, 56, "questions") is None


@pytest.mark.unit
def test_eval_store_is_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Even a user on a Chroma server, or with a store path of their own, gets an embedded store apart."""
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("RAG_STORE__MODE", "server")
    monkeypatch.setenv("RAG_STORE__PATH", str(tmp_path / "user" / "chroma"))
    user = load_settings("test")
    assert user.store.mode == "server" and user.data_dir == tmp_path / "user"

    with eval_store(user, None) as settings:
        folder = settings.data_dir
        assert folder.is_dir() and folder.name.startswith("rag-eval-store-")
        assert settings.store.mode == "embedded" and settings.store_path == folder / "chroma"
        assert settings.llm.backend == user.llm.backend == "small"  # everything else is the user's
    assert not folder.exists()  # removed at the end

    with eval_store(user, tmp_path / "kept") as settings:
        assert settings.store_path == tmp_path / "kept" / "chroma" and settings.store.mode == "embedded"
    assert user.store.mode == "server" and user.data_dir == tmp_path / "user"  # not changed in place


# ---------------------------------------------------------------- golden suite, small model


@pytest.mark.integration
@pytest.mark.timeout(1800)  # two runs of the small model; slow only when the machine is shared
def test_rag_eval_leaves_the_user_index_alone(tmp_path: Path, model_cache_dir: Path):
    user_data = tmp_path / "user-data"
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text(
        "The harbour of Marlow Bay reopened on Monday after three weeks of repairs, the port authority said.\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(user_data),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "TMPDIR": str(tmp_path / "tmp"),
    }
    (tmp_path / "tmp").mkdir()
    indexed = _rag(["--profile", "test", "index", str(articles)], env, cwd=tmp_path)
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr
    before = _snapshot(user_data)
    assert any(name.startswith("chroma") for name in before)

    # run from an empty folder, as a user might: nothing may appear there
    cwd = tmp_path / "anywhere"
    cwd.mkdir()
    run = _rag(
        ["--profile", "test", "eval", "--model", "small", "--limit", "3", "--no-baseline"], env, cwd=cwd
    )
    assert run.returncode == 0, run.stdout + run.stderr
    total = len(load_golden())
    assert f"Gate not applied: not enough questions to apply the gate (3 of {total})." in run.stdout
    assert "Gate passed" not in run.stdout and "Gate failed" not in run.stdout

    # the user's index is byte for byte what it was; the reports sit in a folder of their own
    after = _snapshot(user_data)
    assert {k: v for k, v in after.items() if not k.startswith(RESULTS_FOLDER)} == before
    (directory,) = list((user_data / RESULTS_FOLDER).iterdir())
    assert f"Reports written to {directory}/ (report.json, report.md, metrics_by_kind.png)" in run.stdout
    assert not list(cwd.iterdir())
    assert not list((tmp_path / "tmp").glob("rag-eval-store-*"))  # the temporary store is gone

    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    assert report["gate"] is None and report["gate_note"].endswith(f"(3 of {total})")
    assert report["available"] == total and report["backend"] == "small"
    markdown = (directory / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# rag eval: golden") and "Gate: not applied, not enough questions" in markdown
    assert (directory / "metrics_by_kind.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # three questions, from three different kinds, answered by the engine only, with details
    bundled = {path.name.split(".")[0] for path in BUNDLED_CORPUS.iterdir()}
    questions = report["questions"]
    assert len(questions) == 3 and len({q["item"]["kind"] for q in questions}) == 3
    for question in questions:
        assert set(question["systems"]) == {"engine"}
        engine = question["systems"]["engine"]
        assert engine["error"] is None, engine["error"]
        assert engine["answer"]["text"] and engine["answer"]["timings"]["total_s"] > 0
        # answered from the bundled corpus in the eval's own store, not from the user's index
        assert {s["passage"]["article_id"] for s in engine["answer"]["sources"]} <= bundled

    # --data-dir keeps the eval's index where asked, --out puts the reports where asked
    kept, out = tmp_path / "eval-index", tmp_path / "named-out"
    again = _rag(
        ["--profile", "test", "eval", "--model", "small", "--limit", "1", "--no-baseline",
         "--data-dir", str(kept), "--out", str(out)],
        env, cwd=cwd,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"Index of the bundled corpus: {kept}" in again.stdout
    assert (kept / "chroma").is_dir() and _snapshot(kept / "chroma")
    (named,) = list(out.iterdir())
    assert (named / "report.json").is_file()
    assert _snapshot(user_data) == after and not list(cwd.iterdir())


# ---------------------------------------------------------------- summedits suite


@pytest.mark.unit
def test_summedits_absent_says_where_to_get_it(tmp_path: Path):
    missing = tmp_path / "nowhere" / "summedits_news.json"
    env = {**os.environ, DATA_ENV: str(missing), "RAG_DATA_DIR": str(tmp_path / "data")}
    out = tmp_path / "out"
    run = _rag(["--profile", "test", "eval", "--suite", "summedits", "--out", str(out)], env, cwd=tmp_path)
    assert run.returncode == EXIT_ERROR
    assert "Traceback" not in run.stderr and run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    (line,) = lines
    assert line.startswith("rag eval failed: SummEdits data not found at " + str(missing))
    for part in ("salesforce/factualNLG", SOURCE_COMMIT, "data/summedits/summedits_news.json", "Apache-2.0",
                 DATA_SHA256, DATA_ENV):  # fmt: skip
        assert part in line
    assert not out.exists() and not (tmp_path / "data").exists()


@pytest.mark.unit
def test_summedits_wrong_checksum_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    altered = tmp_path / "summedits_news.json"
    altered.write_text(json.dumps([{"id": "x_og", "doc": "d", "summary": "s", "label": 1, "split": "test"}]))
    monkeypatch.setenv(DATA_ENV, str(altered))
    args = _parser().parse_args(
        ["eval", "--suite", "summedits", "--no-judge", "--out", str(tmp_path / "out")]
    )
    assert args.func(args) == EXIT_ERROR
    err = capsys.readouterr().err
    digest = hashlib.sha256(altered.read_bytes()).hexdigest()
    assert f"has sha256 {digest}, expected {DATA_SHA256}" in err and "salesforce/factualNLG" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.unit
def test_summedits_limited_run_reports_without_gating(tmp_path: Path, summedits_data: Path, capsys):
    args = _parser().parse_args(
        ["eval", "--suite", "summedits", "--no-judge", "--limit", "40", "--out", str(tmp_path)]
    )
    assert args.func(args) == 0
    assert "not enough items to apply the gate (40 of 686)" in capsys.readouterr().out
    (directory,) = list(tmp_path.iterdir())
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    assert report["suite"] == "summedits" and report["gated"] == "support scorer"
    assert report["gate"] is None and report["available"] == 686
    summary = report["summaries"]["support scorer"]
    assert 0.0 <= summary["overall"]["balanced_accuracy"] <= 1.0
    assert "entity_modification" in summary["by_kind"]
    assert report["extra"]["items"] == 40 and len(report["extra"]["item_scores"]) == 40
    assert (directory / "metrics_by_kind.png").exists() and (directory / "report.md").exists()


@pytest.mark.unit
def test_summedits_full_run_is_gated(tmp_path: Path, summedits_data: Path, capsys):
    """The whole test split against the human labels, deterministic checks: the gate decides the exit."""
    args = _parser().parse_args(["eval", "--suite", "summedits", "--no-judge", "--out", str(tmp_path / "a")])
    code = args.func(args)
    out = capsys.readouterr().out
    (directory,) = list((tmp_path / "a").iterdir())
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    assert report["extra"]["items"] == 686 and report["gate_note"] is None
    summary = report["summaries"]["support scorer"]["overall"]
    expected = check_gate(summary, load_thresholds().for_suite("summedits"))
    assert report["gate"]["passed"] == expected.passed and code == expected.exit_code
    assert ("Gate passed" if expected.passed else "Gate failed") in out

    # and a bound it cannot meet fails it
    impossible = tmp_path / "impossible.toml"
    impossible.write_text("[summedits.min]\nbalanced_accuracy = 1.01\n", encoding="utf-8")
    args = _parser().parse_args(
        ["eval", "--suite", "summedits", "--no-judge", "--out", str(tmp_path / "b"), "--thresholds", str(impossible)]
    )  # fmt: skip
    assert args.func(args) == 1
    assert "Gate failed" in capsys.readouterr().out
