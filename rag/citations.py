"""Citation markers in generated answers: parse, clean, split into sentences (checked in :mod:`rag.verifier.verify`).

The model is told to put ``[n]`` after each sentence, but small models emit every variant:
``[1,3]``, ``[1, 3]``, ``[2][3]``, ``[1-2]``, ``[Source 1]``, ``【1】``, markers before or
after the full stop, numbers that refer to no source (``[0]``, ``[7]`` with four sources).
This module turns that raw text into a canonical answer: each marker rendered as ``[n]``
(adjacent ones merged and de-duplicated), end-of-sentence markers placed before the
terminal punctuation, numbers without a source removed, and :class:`~rag.types.Sentence`
objects with character offsets into the final text.

The sentence splitter is written here rather than taken from llama-index (punkt): punkt
hands a marker that follows the full stop (``... killed. [1] Next``) to the *next*
sentence, and we need offsets that stay valid while markers are removed, moved or added.
Bracketed text that is not only numbers (``[sic]``, ``[Reuters]``) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.types import EvidenceSpan, Sentence


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MARKER = re.compile(
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

_RANGE = re.compile(r"(\d+)\s*[-–—]\s*(\d+)")
_MAX_RANGE = 20
_TERMINAL = ".!?…"
_CLOSERS = "\"'”’)»"
_ABBREVIATIONS = _words(
    "mr mrs ms dr st jr sr prof gen col lt sgt capt gov sen rep pres jan feb mar apr jun jul "
    "aug sep sept oct nov dec no vs e.g i.e u.s u.n u.k a.m p.m approx est inc ltd co corp dept"
)
_SOURCES_BLOCK = re.compile(r"\n\s*(?:\*\*)?(?:sources|references|citations)(?:\*\*)?\s*:", re.IGNORECASE)
_PLACEHOLDER_BASE = 0xE000
_PLACEHOLDERS = re.compile(f"[{chr(_PLACEHOLDER_BASE)}-{chr(_PLACEHOLDER_BASE + 0x18FF)}]")


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
    return "".join(f"[{n}]" for n in numbers)


def strip_markers(text: str) -> str:
    """Text with every citation marker removed (what the support scorer judges)."""
    cleaned = MARKER.sub("", text)
    cleaned = re.sub(r"[ \t]+([.,;:!?…])", r"\1", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


def _merge(into: list[int], numbers: Sequence[int]) -> None:
    for number in numbers:
        if number not in into:
            into.append(number)


@dataclass
class DraftSentence:
    """A sentence before rendering: text pieces with inline citation groups, trailing citations.

    ``parts`` alternates plain text and citation groups that sit inside the sentence (a
    clause-level citation such as ``A said X [1], while B said Y [2].``); ``trailing``
    holds the sentence's end-of-sentence citations, rendered just before ``end``.
    """

    parts: list[str | list[int]] = field(default_factory=list)
    trailing: list[int] = field(default_factory=list)
    end: str = ""
    sep: str = ""
    support: float | None = None
    supported: bool = True
    needs_citation: bool = True
    evidence: list[EvidenceSpan] = field(default_factory=list)
    """Where its cited sources back it, set by the verifier (:attr:`rag.types.Sentence.evidence`)."""

    @property
    def citations(self) -> list[int]:
        numbers: list[int] = []
        for part in self.parts:
            if isinstance(part, list):
                _merge(numbers, part)
        _merge(numbers, self.trailing)
        return numbers

    @property
    def plain(self) -> str:
        """The sentence without citation markers."""
        text = "".join(part for part in self.parts if isinstance(part, str))
        text = re.sub(r"[ \t]+([.,;:!?…])", r"\1", text)
        return (re.sub(r"[ \t]{2,}", " ", text).strip() + self.end).strip()

    def render(self) -> str:
        out = ""
        for part in self.parts:
            if isinstance(part, str):
                if out.endswith("]") and part and part[0].isalnum():
                    out += " "
                out += part
            elif part:
                out = out.rstrip() + " " + render_marker(part)
            else:  # every number of this marker was invalid: drop it with its space
                out = out.rstrip()
        out = out.rstrip()
        # A removed inline marker may leave "word ," behind.
        out = re.sub(r"[ \t]+([,;:])", r"\1", out)
        if self.trailing:
            out += " " + render_marker(self.trailing)
        return (out + self.end).strip()

    def cite(self, number: int) -> None:
        _merge(self.trailing, [number])

    def uncite(self) -> None:
        self.parts = [part for part in self.parts if isinstance(part, str)]
        self.trailing = []
        self.evidence = []

    def drop(self, number: int) -> None:
        """Remove one source number wherever the sentence cites it."""
        groups = [[n for n in part if n != number] if isinstance(part, list) else part for part in self.parts]
        self.parts = [part for part in groups if part != []]
        self.trailing = [n for n in self.trailing if n != number]
        self.evidence = [span for span in self.evidence if span.source != number]


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation rather than a sentence."""
    match = re.search(r"([A-Za-z][A-Za-z.]*)$", text[:dot])
    if not match:
        return False
    word = match.group(1).lower().strip(".")
    return len(word) == 1 or word in _ABBREVIATIONS


def _boundaries(text: str) -> list[tuple[int, int]]:
    """(end, next_start) pairs: where each sentence ends and where the next one begins.

    ``text`` has its markers replaced by single placeholder characters, so a marker after
    the terminal punctuation stays with the sentence it follows.
    """
    n = len(text)
    out: list[tuple[int, int]] = []
    i = 0
    while i < n:
        char = text[i]
        if char == "\n":
            j = i
            while j < n and text[j].isspace():
                j += 1
            out.append((i, j))
            i = j
            continue
        if char not in _TERMINAL:
            i += 1
            continue
        j = i
        while j < n and text[j] in _TERMINAL:
            j += 1
        while j < n and text[j] in _CLOSERS:
            j += 1
        k = j
        while True:  # markers after the punctuation belong to this sentence
            m = k
            while m < n and text[m] in " \t":
                m += 1
            if m < n and _is_placeholder(text[m]):
                k = m + 1
            else:
                break
        if k < n and not text[k].isspace():
            i = j
            continue
        m = k
        while m < n and text[m].isspace():
            m += 1
        next_char = text[m] if m < n else ""
        if k < n and ((char == "." and _is_abbreviation(text, i)) or (next_char and next_char.islower())):
            i = j
            continue
        out.append((k, m))
        i = m
    return out


def _is_placeholder(char: str) -> bool:
    return _PLACEHOLDER_BASE <= ord(char) < _PLACEHOLDER_BASE + 0x1900


def _draft(span: str, groups: list[list[int]], sep: str) -> DraftSentence:
    """Build one sentence from its placeholder text."""
    body = span.rstrip()
    end = ""
    tail_groups: list[list[int]] = []
    # Peel trailing markers, closing quotes and terminal punctuation off the end.
    while True:
        stripped = body.rstrip()
        if stripped and _is_placeholder(stripped[-1]):
            tail_groups.insert(0, groups[ord(stripped[-1]) - _PLACEHOLDER_BASE])
            body = stripped[:-1]
            continue
        match = re.search(rf"[{re.escape(_TERMINAL)}]+[{re.escape(_CLOSERS)}]*$", stripped)
        if match and not end:
            end = match.group(0)
            body = stripped[: match.start()]
            continue
        body = stripped
        break
    draft = DraftSentence(end=end, sep=sep)
    # Markers before any word (an answer starting with "[1] ...") cite the whole sentence.
    lead = re.match(rf"^[\s{chr(_PLACEHOLDER_BASE)}-{chr(_PLACEHOLDER_BASE + 0x18FF)}]*", body)
    for char in lead.group(0) if lead else "":
        if _is_placeholder(char):
            tail_groups.insert(0, groups[ord(char) - _PLACEHOLDER_BASE])
    body = body[lead.end() if lead else 0 :]
    text_buf = ""
    for char in body:
        if _is_placeholder(char):
            draft.parts.append(text_buf)
            text_buf = ""
            numbers = groups[ord(char) - _PLACEHOLDER_BASE]
            previous = draft.parts[-2] if len(draft.parts) >= 2 else None
            if isinstance(previous, list) and not draft.parts[-1].strip():
                _merge(previous, numbers)  # adjacent groups: [2][3] or [2] [3]
                draft.parts.pop()
            else:
                draft.parts.append(list(numbers))
        else:
            text_buf += char
    draft.parts.append(text_buf)
    for numbers in tail_groups:
        _merge(draft.trailing, numbers)
    return draft


def drop_sources_block(text: str) -> str:
    """Cut a trailing "Sources:" list: the user sees the real sources, not the model's echo."""
    match = _SOURCES_BLOCK.search(text)
    return text[: match.start()] if match and match.start() > 0 else text


def parse_answer(raw: str, n_sources: int) -> list[DraftSentence]:
    """Split raw model output into draft sentences with valid citation numbers only."""
    # Citation markers are swapped for private-use characters below; any the model wrote itself
    # would be read as markers with no group behind them (found by the property tests).
    text = _PLACEHOLDERS.sub("", drop_sources_block(raw)).strip()
    groups: list[list[int]] = []

    def placeholder(match: re.Match[str]) -> str:
        groups.append(parse_numbers(match.group("body"), n_sources))
        return chr(_PLACEHOLDER_BASE + len(groups) - 1)

    text = MARKER.sub(placeholder, text)
    drafts: list[DraftSentence] = []
    start = 0
    for end, next_start in [*_boundaries(text), (len(text), len(text))]:
        if end < start:
            continue
        span = text[start:end]
        if span.strip():
            draft = _draft(span, groups, text[end:next_start])
            if not draft.plain and drafts:
                _merge(drafts[-1].trailing, draft.citations)  # a line holding only markers
                drafts[-1].sep = draft.sep or drafts[-1].sep
            elif draft.plain:
                drafts.append(draft)
        start = next_start
    if drafts:
        drafts[-1].sep = ""
    return drafts


def render(drafts: Sequence[DraftSentence]) -> tuple[str, list[Sentence]]:
    """Final answer text and its sentences with character offsets into it."""
    text = ""
    sentences: list[Sentence] = []
    for index, draft in enumerate(drafts):
        piece = draft.render()
        if not piece:
            continue
        if text and not text[-1].isspace():
            text += draft_sep(drafts, index)
        start = len(text)
        text += piece
        sentences.append(
            Sentence(
                text=piece,
                start=start,
                end=len(text),
                citations=draft.citations,
                support=draft.support,
                supported=draft.supported,
                needs_citation=draft.needs_citation,
                evidence=draft.evidence,
            )
        )
    return text, sentences


def draft_sep(drafts: Sequence[DraftSentence], index: int) -> str:
    """Whitespace between sentence ``index - 1`` and ``index``: the model's own, else one space."""
    previous = drafts[index - 1].sep if index > 0 else ""
    return "\n" if "\n" in previous else " "


def clean_answer(raw: str, n_sources: int) -> tuple[str, list[Sentence]]:
    """Canonical answer text and sentences, with no citation of a missing source."""
    return render(parse_answer(raw, n_sources))


class CitationStreamFilter:
    """Cleans citation markers in streamed text, so no token event shows a missing source.

    Text from an opening bracket on is held back until the bracket closes (or clearly is not
    a citation), then passed on with its numbers filtered: ``[7]`` with four sources
    disappears, ``[1,7]`` becomes ``[1]``, ``[sic]`` passes unchanged. Everything else is
    passed on at once, so streaming stays token by token.
    """

    _OPEN = "[【"
    _MAX_HELD = 40

    def __init__(self, n_sources: int) -> None:
        self.n_sources = n_sources
        self._held = ""

    def feed(self, piece: str) -> str:
        out = []
        for char in piece:
            if self._held:
                self._held += char
                if char in "]】":
                    out.append(self._resolve(self._held))
                    self._held = ""
                elif char in self._OPEN or len(self._held) > self._MAX_HELD or char == "\n":
                    held, self._held = self._held, ""
                    out.append(held[:-1])
                    out.append(self.feed(char))
            elif char in self._OPEN:
                self._held = char
            else:
                out.append(char)
        return "".join(out)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held

    def _resolve(self, held: str) -> str:
        match = MARKER.fullmatch(held)
        if not match:
            return held
        return render_marker(parse_numbers(match.group("body"), self.n_sources))
