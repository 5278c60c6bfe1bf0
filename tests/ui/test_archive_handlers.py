"""The Archive tab's upload handler over a real store and the real indexer (no browser): every
upload ends with a summary the person can read, also when copying the upload fails."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from rag.components import Components
from rag.settings import Settings
from ui.archive import ArchiveTab

pytestmark = pytest.mark.integration


def no_progress(*args, **kwargs) -> None:
    return None


def last_summary(tab: ArchiveTab, files: list[Path]) -> str:
    """Run one upload to its end and return the summary it leaves on the page."""
    chosen = [str(path) for path in files]  # as Gradio hands them over: paths in its upload cache
    updates = list(tab.add(chosen, None, SimpleNamespace(session_hash="s1"), no_progress))
    assert updates[0][0] == ""  # the earlier summary is cleared first
    return updates[-1][0]


def test_a_blocked_uploads_folder_is_said_in_the_summary(settings: Settings, tmp_path: Path) -> None:
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    (Path(settings.data_dir) / "uploads").write_text("a file where the uploads folder belongs")
    article = tmp_path / "bridge.txt"
    article.write_text("Bridge opens\n\nThe bridge opened today.\n")
    tab = ArchiveTab(settings, Components(settings), threading.Lock())
    summary = last_summary(tab, [article])
    assert "Copying the uploads failed" in summary and "uploads" in summary


def test_a_file_gone_from_the_upload_cache_is_named_and_the_rest_indexed(
    settings: Settings, tmp_path: Path
) -> None:
    article = tmp_path / "bridge.txt"
    article.write_text("Bridge opens\n\nThe Quillmere bridge opened today, officials said.\n")
    tab = ArchiveTab(settings, Components(settings), threading.Lock())
    summary = last_summary(tab, [tmp_path / "cleaned-up.txt", article])
    assert "1 added" in summary
    assert "cleaned-up.txt" in summary and "could not be copied into the archive" in summary
