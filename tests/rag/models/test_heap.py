"""Large buffers are mapped on their own (and so returned whole when freed) once the threshold is fixed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rag.models import heap

pytestmark = pytest.mark.unit

PROBE = """
import ctypes, ctypes.util, sys
from pathlib import Path
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.free(libc.malloc(30 * 2**20))  # a large block freed: glibc raises its dynamic threshold to 30 MB
if sys.argv[1] == "fixed":
    from rag.models import heap
    assert heap.return_large_buffers()
pointer = libc.malloc(8 * 2**20)
for line in Path("/proc/self/maps").read_text().splitlines():
    span, *rest = line.split()
    start, end = (int(x, 16) for x in span.split("-"))
    if start <= pointer < end:
        print("heap" if line.endswith("[heap]") else "mapping")
"""


def where_an_8_mb_buffer_lands(mode: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    return done.stdout.strip()


def test_a_large_buffer_gets_its_own_mapping_after_the_threshold_is_fixed() -> None:
    assert where_an_8_mb_buffer_lands("dynamic") == "heap"  # the growth the fix prevents
    assert where_an_8_mb_buffer_lands("fixed") == "mapping"


def test_the_fix_reports_whether_it_applied() -> None:
    assert heap.return_large_buffers() is (sys.platform == "linux")
