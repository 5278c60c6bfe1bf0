"""``rag index`` and ``rag status``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rag.components import Components
from rag.errors import IndexMismatchError, StoreUnavailableError, explain
from rag.models import gguf
from rag.settings import Settings, load_settings
from rag.subcommands import Command, add_command

if TYPE_CHECKING:
    from index.pipeline import IndexProgress, IndexReport
    from index.store_records import StoreStats

EXIT_OK = 0
EXIT_STORE = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 3

INDEX_EPILOG = """\
exit status:
  0  every file was indexed (or was already up to date)
  1  the index could not be written: disk full, read-only folder, Chroma server gone; the
     message names the folder or server and the fix; nothing is half-written, and the next
     run after the fix completes the interrupted one
  2  usage or configuration error, e.g. a path that does not exist, an unreachable
     Chroma server, or an index built with other settings (run with --rebuild)
  3  indexing finished, but some files or records were skipped; each is listed with
     its reason (empty, binary, malformed JSON, too large, a PDF with no text layer,
     a pipe or a broken link, ...); one bad file never stops the run

supported files: .txt/.text, .md/.markdown, .html/.htm, .json (an object or a list of
objects), .jsonl/.ndjson (one object per line; records need "text", "body" or "content"),
.pdf (the text layer: scanned PDFs need OCR first, e.g. ocrmypdf) and .docx. Any text
encoding is detected. A sidecar NAME.meta.json next to a file sets its title, date,
dateline, source or url.

examples:
  rag index                          index the bundled sample corpus
  rag index ~/news                   index a folder (recursively); re-run after changes
  rag index ~/news --prune           also drop articles whose files were deleted
  rag index ~/news --rebuild         start over, e.g. after changing chunk settings
  rag index feed.jsonl --json        machine-readable report on stdout
  RAG_STORE__MODE=server RAG_STORE__PORT=8000 rag index ~/news   use a `chroma run` server
"""

STATUS_EPILOG = """\
examples:
  rag status
  rag status --json
  RAG_STORE__MODE=server rag status
"""


INDEX_DESCRIPTION = (
    "Load articles from files and folders, split them into sentence-bounded chunks, group "
    "near-duplicate wire copies, embed the chunks and store them. Runs are incremental: "
    "unchanged articles are skipped, changed ones replaced. Interrupting is safe; re-run to finish."
)
STATUS_DESCRIPTION = (
    "Show the index: articles, chunks, duplicate groups, embedding model, answer model, "
    "chunk settings, store location and size on disk."
)
INDEX_COMMAND = Command("index", "index article files into the search store", INDEX_DESCRIPTION, INDEX_EPILOG)
STATUS_COMMAND = Command(
    "status", "show what is indexed and with which models", STATUS_DESCRIPTION, STATUS_EPILOG
)


def register(subparsers: argparse._SubParsersAction) -> None:
    index = add_command(subparsers, INDEX_COMMAND, run_index)
    index.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="files or folders to index (default: the bundled corpus, settings corpus_dir)",
    )
    index.add_argument(
        "--rebuild", action="store_true", help="delete the whole index first and rebuild it from PATHs"
    )
    index.add_argument(
        "--prune",
        action="store_true",
        help="delete indexed articles under PATHs whose files are gone (otherwise only reported)",
    )
    index.add_argument("--json", action="store_true", help="print the report as JSON on stdout")

    status = add_command(subparsers, STATUS_COMMAND, run_status)
    status.add_argument("--json", action="store_true", help="print the status as JSON on stdout")


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "profile", None))


def run_index(args: argparse.Namespace) -> int:
    from index.pipeline import Indexer  # lazy: chromadb and llama-index cost `rag --help` 1.5 s

    try:
        settings = _settings(args)
    except (ValueError, ValidationError) as error:
        return _error(f"invalid settings: {error}")
    paths: list[Path] = list(args.paths) or [settings.corpus_dir]
    absent = [str(path) for path in paths if not path.exists()]
    if absent:
        return _error(f"no such file or folder: {', '.join(absent)}")
    try:
        components = Components(settings, check_store=not args.rebuild)
        indexer = Indexer(settings, components.store, components.embedding)
        with ProgressDisplay(interactive=sys.stderr.isatty()) as on_progress:
            report = indexer.run(paths, rebuild=args.rebuild, prune=args.prune, progress=on_progress)
    except (IndexMismatchError, StoreUnavailableError) as error:
        return _error(str(error))
    except ValueError as error:  # e.g. chunk settings out of range
        return _error(str(error))
    except Exception as error:  # disk full, read-only folder, server gone mid-run
        message = explain(error, settings)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return EXIT_STORE
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        _print_report(report, settings)
    if not (report.added or report.updated or report.unchanged or report.skipped):
        print(_nothing_found(paths), file=sys.stderr)
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def _nothing_found(paths: list[Path]) -> str:
    """What to say when the paths held no article file at all (an empty or wrong folder)."""
    from index.readers import SUPPORTED_SUFFIXES

    where = ", ".join(str(path) for path in paths)
    return (
        f"note: no article files found in {where}; rag index reads {', '.join(SUPPORTED_SUFFIXES)} "
        "files, in sub-folders too."
    )


class ProgressDisplay:
    """Progress on stderr: a rich bar on a terminal, otherwise plain lines for logs.

    Plain lines come after each stored batch (at most one a second), so a log shows how
    far an interrupted run got.
    """

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive
        self._progress: Any = None
        self._task: Any = None
        self._last_line = 0.0

    def __enter__(self):
        if not self.interactive:
            return self.log
        self._progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("loading", total=None, detail="")
        return self.update

    def log(self, event: IndexProgress) -> None:
        now = time.monotonic()
        if event.phase == "embedding" and now - self._last_line >= 1.0:
            self._last_line = now
            print(
                f"indexed {event.articles_done}/{event.articles_total} articles, {event.chunks} chunks, "
                f"{event.chunks_per_s:.1f} chunks/s",
                file=sys.stderr,
                flush=True,
            )

    def update(self, event: IndexProgress) -> None:
        if event.phase == "loading":
            self._progress.update(
                self._task,
                description="loading",
                completed=event.files_done,
                total=event.files_total,
                detail=event.current,
            )
        else:
            self._progress.update(
                self._task,
                description="embedding",
                completed=event.articles_done,
                total=max(event.articles_total, 1),
                detail=f"{event.chunks} chunks, {event.chunks_per_s:.1f} chunks/s",
            )

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def _print_report(report: IndexReport, settings: Settings) -> None:
    console = Console()
    table = Table(title="rag index", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("added", len(report.added)),
        ("updated", len(report.updated)),
        ("unchanged", len(report.unchanged)),
        ("deleted", len(report.deleted)),
        ("missing (use --prune)", len(report.missing)),
        ("skipped", len(report.skipped)),
        ("chunks added", report.chunks_added),
        ("tokens embedded", report.tokens_embedded),
        ("passages shared by several articles", report.duplicate_groups),
        ("articles / chunks in index", f"{report.articles_total} / {report.chunks_total}"),
        ("seconds", f"{report.seconds:.1f}"),
        ("chunks/s", f"{report.chunks_per_s:.1f}"),
        ("tokens/s", f"{report.tokens_per_s:.0f}"),
    ]
    if report.orphan_chunks_removed:
        rows.append(("leftover chunks removed", report.orphan_chunks_removed))
    if report.texts_lost:
        rows.append(
            (
                "articles whose stored text was lost (indexed again when their files are)",
                len(report.texts_lost),
            )
        )
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    if report.missing:
        console.print("[yellow]missing[/] (no longer in their files; `--prune` deletes them from the index):")
        for article_id in report.missing:
            file = report.gone_files.get(article_id)
            console.print(
                f"  {file} ({article_id})" if file else f"  {article_id}", markup=False, highlight=False
            )
    if report.skipped:
        console.print(f"[yellow]skipped {len(report.skipped)}[/]:")
        for item in report.skipped:
            console.print(f"  {item.path}: {item.reason}", markup=False, highlight=False, soft_wrap=True)


def _llm_name(settings: Settings) -> str:
    backend = settings.llm.backend
    if backend == "local":
        return gguf.QWEN_FILENAME
    if backend == "small":
        return gguf.SMOL_FILENAME
    return f"{settings.llm.openai_model} at {settings.llm.openai_base_url}"


def status_dict(settings: Settings, stats: StoreStats) -> dict[str, Any]:
    return {
        "articles": stats.articles,
        "chunks": stats.chunks,
        "duplicate_groups": stats.duplicate_groups,
        "duplicate_chunks": stats.duplicate_chunks,
        "suspicious_articles": stats.suspicious_articles,
        "chunks_without_text": stats.chunks_without_text,
        "embedding_model": stats.embedding_model,
        "llm_backend": settings.llm.backend,
        "llm_model": _llm_name(settings),
        "chunking": {
            "chunk_tokens": stats.chunk_tokens,
            "overlap_tokens": stats.overlap_tokens,
            "encoding": stats.encoding,
        },
        "settings_chunking": settings.chunking.model_dump(),
        "store": {"mode": stats.mode, "location": stats.location, "size_bytes": stats.size_bytes},
        "fingerprint": stats.fingerprint,
    }


def run_status(args: argparse.Namespace) -> int:
    from index.store import ChunkStore  # lazy: chromadb and llama-index cost `rag --help` 1.5 s

    try:
        settings = _settings(args)
    except (ValueError, ValidationError) as error:
        return _error(f"invalid settings: {error}")
    try:
        stats = ChunkStore.open(settings).stats()
    except StoreUnavailableError as error:
        return _error(str(error))
    except Exception as error:  # Chroma cannot write (disk full, read-only): read its file instead
        stats = _read_only_status(settings, error)
        if stats is None:
            message = explain(error, settings)  # a damaged store: what to do, not a traceback
            if message is None:
                raise
            print(f"error: {message}", file=sys.stderr)
            return EXIT_STORE
    info = status_dict(settings, stats)
    if args.json:
        print(json.dumps(info, indent=2))
        return EXIT_OK
    table = Table(title="rag status", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    chunking = info["chunking"]
    size = stats.size_bytes
    rows = [
        ("articles", str(stats.articles)),
        ("chunks", str(stats.chunks)),
        (
            "passages shared by several articles",
            f"{stats.duplicate_groups} (carried by {stats.duplicate_chunks} chunks in all)",
        ),
        (
            "articles flagged as instructions",
            f"{stats.suspicious_articles} (text shaped like a prompt; answers never rest on them)",
        ),
        ("embedding model", stats.embedding_model or "(nothing indexed yet)"),
        ("answer model", f"{settings.llm.backend}: {info['llm_model']}"),
        (
            "chunking",
            f"{chunking['chunk_tokens']} tokens, {chunking['overlap_tokens']} overlap, {chunking['encoding']}"
            if chunking["chunk_tokens"]
            else "(nothing indexed yet)",
        ),
        ("store", f"{stats.mode}: {stats.location}"),
        ("size on disk", f"{size / 1024 / 1024:.1f} MB" if size is not None else "(server)"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)
    if stats.chunks_without_text:
        print(
            f"note: {stats.chunks_without_text} chunks have no stored text (the keyword file beside the store "
            "was lost or damaged), so they cannot be found or shown; run `rag index` over your folders to index "
            "their articles again.",
            file=sys.stderr,
        )
    stored = stats.fingerprint.get("chunking")
    if stored and stored != settings.chunking.model_dump():
        print("note: chunk settings differ from the index; run `rag index --rebuild`.", file=sys.stderr)
    return EXIT_OK


def _read_only_status(settings: Settings, error: Exception) -> StoreStats | None:
    """The figures read straight from the embedded store's file, with a note saying why."""
    from index.store_readonly import read_only_stats  # lazy: imports llama-index, 1.5 s

    message = explain(error, settings)
    if message is None or settings.store.mode != "embedded":
        return None
    try:
        stats, pending = read_only_stats(settings)
    except Exception:  # not even readable: report the first failure
        return None
    print(f"note: {message}", file=sys.stderr)
    note = f" ({pending} writes are waiting to be applied)" if pending else ""
    print(f"note: figures read directly from the store's file, read-only{note}.", file=sys.stderr)
    return stats


def main(argv: list[str] | None = None) -> int:
    """``python -m index.commands``: the indexing commands alone, without the other features."""
    parser = argparse.ArgumentParser(prog="rag", description="Index articles and inspect the index.")
    parser.add_argument("--profile", choices=["default", "test"], default=None, help="settings profile")
    register(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
