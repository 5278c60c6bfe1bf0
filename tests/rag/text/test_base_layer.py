"""The text toolkit is the base layer: it imports the standard library and itself, nothing else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import rag.text

pytestmark = pytest.mark.unit


def test_the_toolkit_imports_only_the_standard_library_and_itself() -> None:
    for path in Path(rag.text.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert (
                    name.startswith("rag.text")
                    or (top != "rag" and top in sys.stdlib_module_names)
                    or top == "__future__"
                ), f"{path.name} imports {name}"
