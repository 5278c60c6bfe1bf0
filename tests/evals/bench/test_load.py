"""The load check runs end to end: logins, concurrent /ask turns, the history read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.bench import load as loadtest
from rag.cli import main as rag_main

pytestmark = pytest.mark.slow


def test_two_sessions_for_a_few_seconds_fail_nothing_and_mix_nothing(tmp_path: Path) -> None:
    """Plumbing with the small model; the figures that count come from ``--llm local`` on a quiet machine."""
    rc = rag_main(
        ["bench", "load", "--sessions", "2", "--seconds", "5", "--llm", "small", "--out", str(tmp_path)]
    )
    written = json.loads((tmp_path / "load.json").read_text())
    report = written["raw"]
    assert rc == 0, report
    assert report["turns"] >= 2 and report["failures"] == 0
    assert report["mixed_histories"] == []
    assert report["conversations"] >= 2
    assert 0.1 < report["peak_rss_gb"] < 3.0
    peak = next(f for f in written["figures"] if f["name"] == "server peak memory")
    assert peak["baseline_name"] == "at start" and peak["ratio"] >= 1.0
    assert "| server peak memory |" in (tmp_path / "load.md").read_text()
    assert (tmp_path / "load.png").stat().st_size > 0


def test_a_history_that_differs_from_what_was_asked_is_reported(tmp_path: Path) -> None:
    from rag.conversations import ConversationStore
    from rag.types import Answer

    store = ConversationStore.in_folder(tmp_path)
    conversation = store.create("reader0")
    store.append(
        "reader0", conversation, Answer(question="Q from someone else", standalone_question="", text="x")
    )
    store.close()
    session = loadtest.Session("reader0", "p", asked={conversation: ["Q I asked"]})
    assert len(loadtest.mixed_histories(tmp_path, [session])) == 1
    session.asked[conversation] = ["Q from someone else"]
    assert loadtest.mixed_histories(tmp_path, [session]) == []
