"""The shape every ``rag`` sub-command shares: a parser with its help, description and handler.

Each feature's ``commands`` module registers its sub-commands through :func:`add_command`, so
``rag --help`` lists them alike and a parser always carries the ``func`` that
:func:`rag.cli.main` calls.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """What ``rag --help`` and ``rag NAME --help`` say about a sub-command."""

    name: str
    summary: str
    """One line in ``rag --help``."""
    description: str
    epilog: str | None = None
    """Exit codes and examples, printed as written (line breaks kept)."""


def add_command(
    subparsers: argparse._SubParsersAction, command: Command, handler: Handler
) -> argparse.ArgumentParser:
    """A sub-command parser that calls ``handler(args)`` for its exit status."""
    extra = {} if command.epilog is None else {"formatter_class": argparse.RawDescriptionHelpFormatter}
    parser = subparsers.add_parser(
        command.name, help=command.summary, description=command.description, epilog=command.epilog, **extra
    )
    parser.set_defaults(func=handler)
    return parser
