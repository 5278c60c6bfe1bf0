"""Citation markers ("[1]", "[2, 3]", "【1】"): recognise, parse, strip, render.

The patterns differ by what each job must catch, and each was measured where it is used:

* :data:`ANSWER_MARKER` — the widest: anything the model may write as a citation
  ("[Source 2]", "[1-3]", "[^1]"), so no marker leaks into the answer text;
* :data:`PROMPT_MARKER` — the forms of the prompt's own markers that an article could imitate,
  rewritten by :mod:`rag.fencing`;
* :data:`CLAIM_MARKER` — the rendered answer's markers, with the space before them, removed
  before a sentence is verified;
* :data:`DISPLAY_MARKER` — the rendered answer's markers, turned into links by the UI;
* :data:`SHORT_MARKER` — the one- and two-digit markers a fake cross-reference in an article uses;
* :data:`SINGLE_MARKER` — one bare number, with its leading space (the model's earlier reply
  shortened for the rewrite prompt).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ANSWER_MARKER = re.compile(
    r"""
    [\[【]\s*
    (?:(?:sources?|src|refs?|references?|docs?|documents?|passages?)\s*[:#]?\s*)?
    \^?\s*
    (?P<body>\d+(?:\s*(?:[-–—,;&]|and)\s*(?:(?:sources?|src|refs?)\s*)?\^?\s*\d+)*)
    \s*[\]】]
    """,
    re.IGNORECASE | re.VERBOSE,
)
"""A bracket holding only citation numbers (optionally prefixed "Source")."""

PROMPT_MARKER = re.compile(r"[\[【]\s*(\d{1,3}(?:\s*[,;\-–]\s*\d{1,3})*)\s*[\]】]")
"""``[1]``, ``[1, 2]``, ``[2-3]``, ``【1】``: the prompt's own way to cite a source."""

CLAIM_MARKER = re.compile(r"\s*\[\d+(?:\s*[,;-]\s*\d+)*\]")
"""``[2]``, ``[1, 2]``, ``[1-3]`` with the whitespace before it."""

DISPLAY_MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
"""[1], [2, 3] and [1][2] as the model writes them (group 1: the numbers)."""

SHORT_MARKER = re.compile(r"\[\s*\d{1,2}\s*\]")
"""One marker of one or two digits."""

SINGLE_MARKER = re.compile(r"\s*\[\d+\]")
"""One bare marker with the whitespace before it."""

_RANGE = re.compile(r"(\d+)\s*[-–—]\s*(\d+)")
_MAX_RANGE = 20


def parse_numbers(body: str, n_sources: int) -> list[int]:
    """Numbers of one marker body that name an existing source (1..n_sources), in order, once each."""
    numbers: list[int] = []
    for piece in re.split(r"\s*(?:,|;|&|\band\b)\s*", body):
        piece = re.sub(r"(?i)sources?|src|refs?|\^", "", piece).strip()
        if not piece:
            continue
        span = _RANGE.fullmatch(piece)
        if span:
            low, high = int(span.group(1)), int(span.group(2))
            if low <= high and high - low <= _MAX_RANGE:
                numbers.extend(range(low, high + 1))
            else:
                numbers.extend((low, high))
        elif piece.isdigit():
            numbers.append(int(piece))
    valid: list[int] = []
    for number in numbers:
        if 1 <= number <= n_sources and number not in valid:
            valid.append(number)
    return valid


def render_marker(numbers: Sequence[int]) -> str:
    """``[1][2]``: how the answer cites sources."""
    return "".join(f"[{n}]" for n in numbers)


def tidy_gaps(text: str) -> str:
    """Spaces a removed marker left before punctuation or doubled, dropped; ends stripped."""
    text = re.sub(r"[ \t]+([.,;:!?…])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def strip_markers(text: str) -> str:
    """Text with every citation marker removed (what the support scorer judges)."""
    return tidy_gaps(ANSWER_MARKER.sub("", text))
