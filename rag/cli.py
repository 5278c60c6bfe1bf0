"""The ``rag`` command: one sub-command per feature, each registered by its own module."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# Each module exposes ``register(subparsers)`` adding its sub-commands; a sub-command's
# parser gets ``func=handler`` where ``handler(args) -> int`` is the exit code.
COMMAND_MODULES = (
    "index.commands",  # rag index, rag status
    "rag.commands",  # rag ask, rag chat
    "evals.commands",  # rag eval
    "evals.bench.commands",  # rag bench
    "ui.commands",  # rag serve
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag",
        description=(
            "Offline, cited question answering over news archives. Index a folder of articles, "
            "then ask questions; every answer sentence cites the passage that backs it."
        ),
        epilog=(
            "Settings can also come from environment variables, e.g. RAG_LLM__BACKEND=openai, "
            "RAG_STORE__MODE=server, RAG_DATA_DIR=/path/to/data."
        ),
    )
    parser.add_argument(
        "--profile",
        choices=["default", "test"],
        default=None,
        help="settings profile (test: small model for fast checks); default $RAG_PROFILE or 'default'",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency inside the module
                raise
            continue  # feature not part of this installation
        module.register(sub)
    return parser


def _settings_problem(profile: str | None) -> str | None:
    """Why the settings from the environment and ``profile`` cannot be used (None when they can),
    checked once before any command so that none of them stops in a traceback."""
    from pydantic import ValidationError

    from rag.settings import load_settings, settings_problem, unknown_variables

    for warning in unknown_variables(os.environ):
        print(f"warning: {warning}", file=sys.stderr)
    try:
        load_settings(profile)
    except ValidationError as error:
        return f"{settings_problem(error)}. Correct or unset it; `rag --help` names the common variables"
    except ValueError as error:  # an unknown profile
        return str(error)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    problem = _settings_problem(getattr(args, "profile", None))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
