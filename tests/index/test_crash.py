"""Killing `rag index` mid-run and running it again leaves a complete index without duplicates."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.chunking import Chunker
from index.loaders import load_paths
from index.store import ChunkStore
from rag.settings import load_settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PLACES = ["Aleppo", "Homs", "Idlib", "Raqqa", "Hama", "Daraa", "Latakia", "Tartus"]


def write_articles(folder: Path, count: int) -> None:
    rng = random.Random(7)
    for number in range(count):
        place = rng.choice(PLACES)
        (folder / f"gen_{number:04d}.txt").write_text(
            f"Report {number} from {place}\n\n"
            f"{place.upper()} - Officials said {rng.randint(2, 900)} people were affected on day {number}. "
            f"Aid convoy {number} reached {rng.choice(PLACES)} with {rng.randint(5, 80)} trucks.\n",
            encoding="utf-8",
        )


def test_kill_and_rerun(tmp_path: Path, model_cache_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_articles(corpus, 300)
    env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "data"), "RAG_CACHE_DIR": str(model_cache_dir)}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    command = [sys.executable, "-m", "index.commands", "--profile", "test", "index", str(corpus)]

    child = subprocess.Popen(
        command, cwd=REPO, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert child.stderr is not None
    lines = []
    deadline = time.monotonic() + 300
    for line in child.stderr:  # the first progress line comes after a batch is stored
        lines.append(line)
        if line.startswith("indexed ") or time.monotonic() > deadline:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert any(line.startswith("indexed ") for line in lines), "".join(lines)
    assert child.returncode == -signal.SIGKILL

    settings = load_settings("test", data_dir=tmp_path / "data", cache_dir=model_cache_dir)
    interrupted = ChunkStore.open(settings)
    stored = interrupted.count_articles()
    assert 0 < stored < 300, "the run was interrupted after some articles were stored"
    del interrupted

    rerun = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr

    store = ChunkStore.open(settings)
    chunker = Chunker(settings.chunking.chunk_tokens, settings.chunking.overlap_tokens)
    articles = load_paths([corpus], max_file_mb=20).articles
    expected = sorted(c.chunk_id for a in articles for c in chunker.chunk(a))
    assert sorted(store.manifest()) == sorted(a.article_id for a in articles)
    passages = store.all_passages()
    assert sorted(p.chunk_id for p in passages) == expected
    assert len({(p.article_id, p.text) for p in passages}) == len(passages)
    assert store.count_chunks() == len(expected)
