"""Citation markers in answer text: ``[2]``, ``[1, 3]``, ``[1-2]``, and the forms a model copies
from llama-index's citation prompt, whose sources are labelled "Source 1:": ``[Source 3]``,
``(Source 2)``, "According to Source 1, ...".

The metrics read citations from all of them, so a system is not scored as uncited for choosing
another spelling, and remove them before matching facts, so a citation number never counts as a
number stated by the answer.
"""

from __future__ import annotations

import re

_NUMBER_LIST = r"(?:sources?\s*)?\d+(?:\s*(?:,|;|-|–|and|&)\s*(?:sources?\s*)?\d+)*"
BRACKETED = re.compile(rf"\s*(?:\[{_NUMBER_LIST}\]|\(sources?\s*\d+(?:\s*(?:,|;|-|–|and|&)\s*\d+)*\))", re.I)
MENTION = re.compile(r"\bsources?\s+(\d+)(?:\s*:)?", re.I)
"""A source named in running text ("According to Source 1"), or a copied label ("Source 1:")."""


def citations_in(text: str) -> list[int]:
    """Cited source numbers in order of first appearance: "[1][3]" and "[1, 3]" both give [1, 3]."""
    found: list[tuple[int, int]] = []
    for marker in BRACKETED.finditer(text):
        found += [(marker.start(), int(n)) for n in re.findall(r"\d+", marker.group(0))]
    bracketed = [m.span() for m in BRACKETED.finditer(text)]
    for mention in MENTION.finditer(text):
        if not any(start <= mention.start() < end for start, end in bracketed):
            found.append((mention.start(), int(mention.group(1))))
    return list(dict.fromkeys(number for _, number in sorted(found)))


def strip_citations(text: str) -> str:
    text = BRACKETED.sub("", text)
    return MENTION.sub("", text)


LEADING = re.compile(rf"^(?:{BRACKETED.pattern})+[\s.,;:]*", re.I)


def leading_markers(text: str) -> int:
    """Length of the run of bracketed markers a fragment starts with (0 when none).

    A model that writes "... on Saturday. [3] About 200,000 ..." puts the marker of one sentence
    after its full stop, where a sentence splitter hands it to the next sentence.
    """
    match = LEADING.match(text)
    return match.end() if match else 0
