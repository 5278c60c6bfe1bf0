"""The settings tree: profiles, environment, and command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.settings import load_settings

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
