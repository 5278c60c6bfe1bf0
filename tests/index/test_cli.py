"""`rag index` / `rag status` exit codes and output, run in-process with a private data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.commands import EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, main

pytestmark = pytest.mark.integration


@pytest.fixture
def env(tmp_path: Path, model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("RAG_DATA_DIR", str(data))
    monkeypatch.setenv("RAG_CACHE_DIR", str(model_cache_dir))
    return data


def test_index_exit_codes_and_reports(
    env: Path, corpus_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--profile", "test", "index", str(corpus_copy), "--json"]) == EXIT_OK
    report = json.loads(capsys.readouterr().out)
    assert len(report["added"]) == 5 and report["skipped"] == []
    assert report["duplicate_groups"] >= 3

    (corpus_copy / "broken.json").write_text("[{")
    assert main(["--profile", "test", "index", str(corpus_copy)]) == EXIT_SKIPPED
    out, err = capsys.readouterr()
    assert "unchanged" in out and "broken.json: invalid JSON at line 1" in out
    assert "no article files found" not in err

    # An article whose file is gone is listed by that file (brackets in its name printed as written).
    (corpus_copy / "broken.json").unlink()
    gone = corpus_copy / "[bold]brief.txt"
    gone.write_text("A brief\n\nThe harbour reopened on Monday after the storm, officials said.\n")
    assert main(["--profile", "test", "index", str(corpus_copy)]) == EXIT_OK
    gone.unlink()
    capsys.readouterr()
    assert main(["--profile", "test", "index", str(corpus_copy)]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"  {gone} ([bold]brief)" in out.replace("\n", "")
    assert main(["--profile", "test", "index", str(corpus_copy), "--prune"]) == EXIT_OK
    capsys.readouterr()

    empty = corpus_copy.parent / "empty-folder"
    (empty / "sub").mkdir(parents=True)
    assert main(["--profile", "test", "index", str(empty)]) == EXIT_OK
    err = capsys.readouterr().err
    assert f"no article files found in {empty}" in err and ".txt" in err

    assert main(["--profile", "test", "index", str(corpus_copy / "missing-folder")]) == EXIT_USAGE
    assert "no such file or folder" in capsys.readouterr().err

    assert main(["--profile", "test", "status", "--json"]) == EXIT_OK
    status = json.loads(capsys.readouterr().out)
    assert (status["articles"], status["duplicate_groups"]) == (5, report["duplicate_groups"])
    assert status["chunks"] == report["chunks_added"]
    assert status["embedding_model"] == "all-MiniLM-L6-v2-onnx-int8"
    assert status["llm_backend"] == "small" and status["llm_model"].endswith(".gguf")
    assert status["store"]["mode"] == "embedded" and status["store"]["size_bytes"] > 0
    assert status["chunking"] == {"chunk_tokens": 160, "overlap_tokens": 32, "encoding": "cl100k_base"}

    assert main(["--profile", "test", "status"]) == EXIT_OK
    assert "all-MiniLM-L6-v2-onnx-int8" in capsys.readouterr().out


def test_fingerprint_mismatch_is_a_usage_error_until_rebuild(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Story A\n\nAlpha text about a flood.\n")
    assert main(["--profile", "test", "index", str(folder)]) == EXIT_OK
    monkeypatch.setenv("RAG_CHUNKING__OVERLAP_TOKENS", "16")
    capsys.readouterr()
    assert main(["--profile", "test", "index", str(folder)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "chunking.overlap_tokens: index has 32, settings give 16" in err
    assert "rag index --rebuild" in err
    assert main(["--profile", "test", "index", str(folder), "--rebuild", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["added"] == ["a"]


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["index", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for line in ("0  every file was indexed", "2  usage or configuration error", "3  indexing finished"):
        assert line in text
