"""``./run --help`` before the first install: the options without installing a gigabyte first."""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

import pytest

from rag.cli import build_parser

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[1]


def _serve_options() -> set[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {option for action in commands.choices["serve"]._actions for option in action.option_strings}


def test_help_before_the_install_lists_every_serve_option_and_installs_nothing(tmp_path):
    venv = tmp_path / "not-yet"
    done = subprocess.run(
        ["bash", str(REPO / "run"), "--help"],
        env={"PATH": "/usr/bin:/bin", "VENV": str(venv), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert not venv.exists()
    # every option of `rag serve` is named, and no other
    assert set(re.findall(r"--[a-z][a-z-]*", done.stdout)) == _serve_options() - {"-h"}
    assert "Nothing is installed yet" in done.stdout
