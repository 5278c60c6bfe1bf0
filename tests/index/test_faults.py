"""Store faults end in messages, never tracebacks, and nothing is left half-written.

Every fault is real: a small tmpfs filled to the brim (disk full), the same filesystem
remounted read-only, and a `chroma run` server stopped and started again mid-chat. The
commands run as the user runs them (``rag`` in a subprocess), so Chroma's own process-wide
state cannot hide a fault. Mounting needs root, as in the project's test machines.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.keep_warm import free_loopback_port
from rag.settings import BUNDLED_CORPUS
from rag.types import REFUSAL_TEXT, UNCHECKED_TEXT
from tests.index.chroma_server import ChromaServer

pytestmark = pytest.mark.integration

RAG = Path(sys.executable).with_name("rag")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs of its own, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3M", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def rag(
    data_dir: Path, model_cache_dir: Path, *args: str, timeout: float = 300
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(data_dir),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "RAG_PROFILE": "test",
    }
    return subprocess.run(
        [str(RAG), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def assert_consistent(data_dir: Path, model_cache_dir: Path) -> dict:
    """Manifest and chunks agree: every article's chunks are all there, and no chunk is orphaned."""
    from index.store import ChunkStore
    from rag.settings import load_settings

    store = ChunkStore.open(load_settings("test", data_dir=data_dir, cache_dir=model_cache_dir))
    manifest = store.manifest()
    chunks = store.chunk_records()
    by_article: dict[str, int] = {}
    for _, metadata in chunks:
        by_article[metadata["article_id"]] = by_article.get(metadata["article_id"], 0) + 1
    assert by_article == {article_id: meta["n_chunks"] for article_id, meta in manifest.items()}
    return {"articles": len(manifest), "chunks": len(chunks)}


def fill(mount: Path, leave_kb: int) -> Path:
    filler = mount / "filler"
    free_kb = shutil.disk_usage(mount).free // 1024
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(0, free_kb - leave_kb) * 1024)
    return filler


def test_disk_full_ends_in_a_message_status_still_works_and_the_next_run_repairs(
    small_disk: Path, tmp_path: Path, model_cache_dir: Path
) -> None:
    data = small_disk / "data"
    corpus = shutil.copytree(BUNDLED_CORPUS, tmp_path / "corpus")
    assert rag(data, model_cache_dir, "status").returncode == 0  # creates the empty store
    filler = fill(small_disk, leave_kb=300)

    indexed = rag(data, model_cache_dir, "index", str(corpus))
    assert indexed.returncode == 1, indexed.stderr
    assert "Traceback" not in indexed.stderr
    assert f"The disk holding the index at {data / 'chroma'} is full" in indexed.stderr
    assert "Free some space" in indexed.stderr

    status = rag(data, model_cache_dir, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert "Traceback" not in status.stderr
    if status.stderr:  # Chroma could not open (writes pending in its log): the file was read as it is
        assert "is full" in status.stderr and "read-only" in status.stderr
    assert json.loads(status.stdout)["store"]["location"] == str(data / "chroma")

    filler.unlink()
    again = rag(data, model_cache_dir, "index", str(corpus), "--json")
    assert again.returncode == 0, again.stderr
    assert len(json.loads(again.stdout)["added"]) == 5
    assert assert_consistent(data, model_cache_dir) == {"articles": 5, "chunks": 30}


def test_a_read_only_store_is_named_with_the_fix_and_status_still_works(
    small_disk: Path, tmp_path: Path, model_cache_dir: Path
) -> None:
    data = small_disk / "data"
    corpus = shutil.copytree(BUNDLED_CORPUS, tmp_path / "corpus")
    assert rag(data, model_cache_dir, "index", str(corpus)).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)

    status = rag(data, model_cache_dir, "status", "--json")
    assert status.returncode == 0, status.stderr
    figures = json.loads(status.stdout)
    assert (figures["articles"], figures["chunks"], figures["duplicate_groups"]) == (5, 30, 6)
    assert "is read-only" in status.stderr

    for args in (("ask", "Who attended the Astana talks?"), ("index", str(corpus))):
        result = rag(data, model_cache_dir, *args)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "readonly database" not in result.stderr
        assert f"The index at {data / 'chroma'} is read-only" in result.stderr
        assert "remount" in result.stderr and "RAG_DATA_DIR" in result.stderr

    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    unchanged = rag(data, model_cache_dir, "index", str(corpus), "--json")
    assert unchanged.returncode == 0, unchanged.stderr
    assert len(json.loads(unchanged.stdout)["unchanged"]) == 5
    assert assert_consistent(data, model_cache_dir) == {"articles": 5, "chunks": 30}


def _cut_short(path: Path, keep: int) -> None:
    with path.open("r+b") as handle:
        handle.truncate(keep)


def test_a_damaged_store_is_named_with_the_fix_for_every_command(
    tmp_path: Path, model_cache_dir: Path
) -> None:
    """A store file cut short (a crashed disk, a bad copy): status, index, ask and serve each said
    it in a traceback ("database disk image is malformed"); now each names the folder and the fix,
    and the fix it names works."""
    data = tmp_path / "data"
    corpus = shutil.copytree(BUNDLED_CORPUS, tmp_path / "corpus")
    assert rag(data, model_cache_dir, "index", str(corpus)).returncode == 0
    store = data / "chroma"
    _cut_short(store / "chroma.sqlite3", 5_000)
    for args in (
        ("status",),
        ("index", str(corpus)),
        ("ask", "Who attended the Astana talks?"),
        ("serve", "--no-browser", "--port", str(free_loopback_port())),
    ):
        result = rag(data, model_cache_dir, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr, args
        said = " ".join(result.stderr.split())  # rich wraps serve's message
        assert f"The index at {store} is damaged (database disk image is malformed)" in said, args
        assert f"mv {store} {store}.damaged" in said, args
    shutil.move(store, tmp_path / "chroma.damaged")
    rebuilt = rag(data, model_cache_dir, "index", str(corpus), "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert assert_consistent(data, model_cache_dir) == {"articles": 5, "chunks": 30}


def test_a_damaged_keyword_file_is_named_and_refilled_by_the_next_index_run(
    tmp_path: Path, model_cache_dir: Path
) -> None:
    data = tmp_path / "data"
    corpus = shutil.copytree(BUNDLED_CORPUS, tmp_path / "corpus")
    assert rag(data, model_cache_dir, "index", str(corpus)).returncode == 0
    (keywords,) = (data / "chroma").glob("keywords_*.sqlite3")
    _cut_short(keywords, 3_000)
    for args in (("index", str(corpus)), ("ask", "Who attended the Astana talks?")):
        result = rag(data, model_cache_dir, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr, args
        assert "keyword file of the index" in result.stderr and "Delete that file" in result.stderr, args
    keywords.unlink()
    again = rag(data, model_cache_dir, "index", str(corpus), "--json")
    assert again.returncode == 0, again.stderr
    assert len(json.loads(again.stdout)["added"]) == 5  # indexed again, as the message says
    answered = rag(data, model_cache_dir, "ask", "Who attended the Astana talks?")
    assert answered.returncode in (0, 3) and "Traceback" not in answered.stderr, answered.stderr


# -- a Chroma server stopped and started again mid-chat ----------------------------------------


def test_a_chat_turn_fails_with_a_message_while_the_server_is_down_and_the_next_works(
    tmp_path: Path, model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.pipeline import Indexer
    from rag.commands import chat_command
    from rag.components import Components
    from rag.settings import load_settings

    port = free_loopback_port()
    server = ChromaServer(tmp_path / "server", port)
    server.start()
    try:
        settings = load_settings("test", data_dir=tmp_path / "data", cache_dir=model_cache_dir)
        settings = settings.with_overrides(**{"store.mode": "server", "store.port": port})
        components = Components(settings)
        corpus = shutil.copytree(BUNDLED_CORPUS, tmp_path / "corpus")
        assert len(Indexer(settings, components.store, components.embedding).run([corpus]).added) == 5
        for name, value in {
            "RAG_DATA_DIR": str(tmp_path / "data"),
            "RAG_CACHE_DIR": str(model_cache_dir),
            "RAG_PROFILE": "test",
            "RAG_STORE__MODE": "server",
            "RAG_STORE__PORT": str(port),
        }.items():
            monkeypatch.setenv(name, value)

        def turns() -> Iterator[str]:
            server.stop()
            yield "How many people live in Deir al-Zor?"
            server.start()
            yield "How many people live in Deir al-Zor?"
            yield "/quit"

        from rag import cli

        lines = turns()
        out = io.StringIO()

        code = chat_command(cli.build_parser().parse_args(["chat"]), input_fn=lambda _: next(lines), out=out)
        text = out.getvalue()
        assert code == 0, text
        failed, _, rest = text.partition("Cannot answer: ")
        assert rest, text
        message = rest.splitlines()[0]
        assert f"Chroma server at 127.0.0.1:{port}" in message
        assert f"chroma run --host 127.0.0.1 --port {port} --path DIR" in message
        assert "Traceback" not in text
        # The next turn, with the server back, is answered or refused from the archive.
        assert "Sources:" in rest or REFUSAL_TEXT in rest or UNCHECKED_TEXT in rest, rest
    finally:
        if server.process is not None and server.process.poll() is None:
            server.stop()


# -- a Chroma server stopped while `rag index` writes to it -------------------------------------


def test_index_run_cut_off_by_a_stopped_server_says_so_and_the_next_run_completes(
    tmp_path: Path, model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evals.bench.scale_corpus import write_scale_corpus

    port = free_loopback_port()
    server = ChromaServer(tmp_path / "chroma", port)
    corpus = tmp_path / "articles"
    write_scale_corpus(corpus, 300)
    data = tmp_path / "data"
    for name, value in {"RAG_STORE__MODE": "server", "RAG_STORE__PORT": str(port)}.items():
        monkeypatch.setenv(name, value)
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(data),
        "RAG_CACHE_DIR": str(model_cache_dir),
        "RAG_PROFILE": "test",
    }
    server.start()
    try:
        run = subprocess.Popen(
            [str(RAG), "index", str(corpus)],
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        assert run.stderr is not None
        first = run.stderr.readline()  # the first progress line: chunks are being written
        assert first.startswith("indexed "), first
        server.stop()
        rest = run.stderr.read()
        assert run.wait(timeout=120) == 1, first + rest
        assert "Traceback" not in rest
        assert f"Lost the connection to the Chroma server at 127.0.0.1:{port}" in rest
        assert "`rag index` then completes what was interrupted" in rest

        server.start()
        again = subprocess.run(
            [str(RAG), "index", str(corpus), "--json"], env=env, capture_output=True, text=True, timeout=300
        )
        assert again.returncode == 0, again.stderr
        report = json.loads(again.stdout)
        assert report["added"] and len(report["added"]) + len(report["unchanged"]) == 300
        assert assert_consistent(data, model_cache_dir)["articles"] == 300
    finally:
        if server.process is not None and server.process.poll() is None:
            server.stop()
