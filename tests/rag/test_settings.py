"""The settings tree: profiles, environment, and command-line overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from rag.settings import (
    OTHER_VARIABLES,
    load_settings,
    setting_variables,
    settings_problem,
    unknown_variables,
)

pytestmark = pytest.mark.unit


def test_a_flag_beats_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``RAG_LLM__BACKEND=local`` in the shell and ``--llm small`` typed: the typed flag wins."""
    monkeypatch.setenv("RAG_LLM__BACKEND", "local")
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "from-env"))
    settings = load_settings("default")
    assert settings.llm.backend == "local"
    changed = settings.with_overrides(**{"llm.backend": "small", "data_dir": str(tmp_path / "flag")})
    assert changed.llm.backend == "small"
    assert changed.data_dir == tmp_path / "flag"  # validated into a Path
    assert settings.llm.backend == "local"  # the original is untouched


def test_overrides_keep_every_other_value_and_skip_none() -> None:
    settings = load_settings("test")
    changed = settings.with_overrides(**{"answer.judge": True, "llm.backend": None})
    assert changed.answer.judge is True
    assert changed.llm == settings.llm
    assert changed.retrieval == settings.retrieval


def test_a_bad_override_names_the_setting() -> None:
    settings = load_settings("test")
    with pytest.raises(KeyError, match="no setting 'backnd'"):
        settings.with_overrides(**{"llm.backnd": "small"})
    with pytest.raises(ValueError):
        settings.with_overrides(**{"llm.backend": "gpt-9"})


def test_counts_out_of_range_are_refused_from_the_environment_and_from_flags(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A negative source count was taken as given; every count and share now has its range."""
    monkeypatch.setenv("RAG_RETRIEVAL__MAX_SOURCES", "-3")
    with pytest.raises(ValidationError) as raised:
        load_settings("default")
    assert settings_problem(raised.value) == (
        "invalid setting retrieval.max_sources (RAG_RETRIEVAL__MAX_SOURCES='-3'): "
        "Input should be greater than or equal to 1"
    )
    monkeypatch.delenv("RAG_RETRIEVAL__MAX_SOURCES")
    settings = load_settings("default")
    for dotted, value in {
        "retrieval.max_sources": 0,
        "retrieval.focus_tokens": -1,
        "llm.n_ctx": 100,
        "store.port": 70_000,
        "ingest.dedup_threshold": 1.5,
    }.items():
        with pytest.raises(ValueError):
            settings.with_overrides(**{dotted: value})
    assert settings.with_overrides(**{"retrieval.max_sources": "3"}).retrieval.max_sources == 3
    with pytest.raises(ValueError) as raised:  # as `rag bench --compare` prints it
        settings.with_overrides(**{"retrieval.max_sources": -1})
    assert (
        str(raised.value)
        == "invalid setting retrieval.max_sources=-1: Input should be greater than or equal to 1"
    )


def test_several_bad_settings_are_named_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_LLM__N_CTX", "abc")
    monkeypatch.setenv("RAG_LLM__BACKEND", "gpt-9")
    with pytest.raises(ValidationError) as raised:
        load_settings("default")
    problem = settings_problem(raised.value)
    assert problem.startswith("invalid settings: ")
    assert "llm.n_ctx (RAG_LLM__N_CTX='abc'): Input should be a valid integer" in problem
    assert "llm.backend (RAG_LLM__BACKEND='gpt-9')" in problem
    assert "errors.pydantic.dev" not in problem and "type=" not in problem


def test_every_command_stops_on_a_bad_setting_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rag ask`` with ``RAG_LLM__N_CTX=abc`` in the shell ended in a traceback."""
    from rag.cli import main

    monkeypatch.setenv("RAG_LLM__N_CTX", "abc")
    for command in (["ask", "Who runs the monitoring group?"], ["status"], ["serve"], ["chat"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: invalid setting llm.n_ctx (RAG_LLM__N_CTX='abc')"), err
    monkeypatch.setenv("RAG_PROFILE", "fast")
    monkeypatch.delenv("RAG_LLM__N_CTX")
    assert main(["status"]) == 2
    assert "Unknown settings profile 'fast'" in capsys.readouterr().err


def test_a_misspelt_variable_is_named_with_the_setting_it_was_meant_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``RAG_STORE_MODE=server`` (one underscore) was ignored without a word."""
    environ = {"RAG_STORE_MODE": "server", "RAG_LLM__BACKND": "small", "RAG_FOO": "1", "RAG_DATA_DIR": "/x"}
    environ |= {"RAG_WIKINEWS_PATH": "/y", "rag_llm__backend": "small", "HOME": "/root"}
    assert unknown_variables(environ) == [
        "RAG_FOO is not a setting and is ignored (`rag --help` names the common ones)",
        "RAG_LLM__BACKND is not a setting and is ignored; did you mean RAG_LLM__BACKEND?",
        "RAG_STORE_MODE is not a setting and is ignored; did you mean RAG_STORE__MODE?",
    ]
    from rag.cli import main

    monkeypatch.setenv("RAG_RETRIEVAL__MAX_SOURCE", "2")
    monkeypatch.setenv("RAG_PROFILE", "nope")  # stops the command before it opens anything
    main(["status"])
    assert "warning: RAG_RETRIEVAL__MAX_SOURCE is not a setting and is ignored; did you mean " in (
        capsys.readouterr().err
    )


def test_every_variable_the_documentation_names_is_read() -> None:
    """A variable in the README or a docstring that no setting reads would be ignored for the user."""
    root = Path(__file__).resolve().parents[2]
    texts = [root / "README.md", root / "run", root / "test", root / ".ci" / "run"]
    texts += [
        p for folder in ("rag", "index", "ui", "evals", "docs", "scripts") for p in (root / folder).rglob("*")
    ]
    named = set()
    for path in texts:
        if path.is_file() and path.suffix in {"", ".md", ".py", ".sh"}:
            named |= set(re.findall(r"\bRAG_[A-Z][A-Z_]*[A-Z]\b", path.read_text(encoding="utf-8")))
    assert len(named) > 20
    assert named - setting_variables() - OTHER_VARIABLES == {"RAG_STORE_MODE"}  # the example of a typo
