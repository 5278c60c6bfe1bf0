"""Citation markers in generated answers: parse, clean, split into sentences.

The sentences are checked against the sources in :mod:`rag.verifier.verify`.

The model is told to put ``[n]`` after each sentence, but small models emit every variant:
``[1,3]``, ``[1, 3]``, ``[2][3]``, ``[1-2]``, ``[Source 1]``, ``【1】``, markers before or
after the full stop, numbers that refer to no source (``[0]``, ``[7]`` with four sources).
This module turns that raw text into a canonical answer: each marker rendered as ``[n]``
(adjacent ones merged and de-duplicated), end-of-sentence markers placed before the
terminal punctuation, numbers without a source removed, and :class:`~rag.types.Sentence`
objects with character offsets into the final text.

The sentence splitter (:func:`rag.text.sentences.answer_boundaries`) is ours rather than
llama-index's (punkt): punkt hands a marker that follows the full stop (``... killed. [1] Next``)
to the *next* sentence, and we need offsets that stay valid while markers are removed, moved or added.
Bracketed text that is not only numbers (``[sic]``, ``[Reuters]``) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rag.text.markers import ANSWER_MARKER, parse_numbers, render_marker, tidy_gaps
from rag.text.sentences import CLOSERS, TERMINAL, answer_boundaries
from rag.types import EvidenceSpan, Sentence

_SOURCES_BLOCK = re.compile(r"\n\s*(?:\*\*)?(?:sources|references|citations)(?:\*\*)?\s*:", re.IGNORECASE)
_PLACEHOLDER_BASE = 0xE000
_PLACEHOLDERS = re.compile(f"[{chr(_PLACEHOLDER_BASE)}-{chr(_PLACEHOLDER_BASE + 0x18FF)}]")


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
    reported: bool = False
    """Written by the engine from the sources' figures (:attr:`rag.types.Sentence.reported`)."""

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
        return (tidy_gaps(text) + self.end).strip()

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


_PLACEHOLDER_CLASS = f"{chr(_PLACEHOLDER_BASE)}-{chr(_PLACEHOLDER_BASE + 0x18FF)}"
_JOINED_MARKERS = re.compile(
    rf"^\s*(?:,\s*(?:and|or|&)|,|&|and|or)\s*[{_PLACEHOLDER_CLASS}]+[\s{_PLACEHOLDER_CLASS}]*"
)


_REPORTING = re.compile(
    r"^(?:also\s+)?(?:reports?|reported|says?|said|states?|stated|notes?|noted|shows?|showed|confirms?|"
    r"confirmed|indicates?|indicated|mentions?|mentioned|adds?|added|writes?|wrote)\b(?:\s+that\b)?[\s,:]*"
)
"""A reporting verb (and "that") after markers that open a sentence: what follows is the claim."""

_ATTRIBUTION = r"(?:according\s+to|as\s+(?:reported|stated|noted)\s+(?:by|in))(?:\s+(?:the\s+)?sources?)?"
_LEAD_ATTRIBUTION = re.compile(
    rf"^{_ATTRIBUTION}\s*([{_PLACEHOLDER_CLASS}](?:\s*(?:,\s*(?:and|&)|,|&|and)?\s*[{_PLACEHOLDER_CLASS}])*)"
    r"(?:\s*,\s*|\s+(?!(?:and|or|&)(?:\s|$)))",  # not "According to [1] and the BBC, ..."
    re.IGNORECASE,
)
_TAIL_ATTRIBUTION = re.compile(rf"(?:,\s*|\s+){_ATTRIBUTION}\s*$", re.IGNORECASE)
"""A source number used as the object of "according to" ("According to [1], 200,000 people
live ..."; "... live there, according to"): the words are the citation, so they go with it. Left
in, a number the verifier moves or drops leaves "According to, 200,000 people ..." (golden un06)."""


def _is_placeholder(char: str) -> bool:
    return _PLACEHOLDER_BASE <= ord(char) < _PLACEHOLDER_BASE + 0x1900


def _groups_in(text: str, groups: list[list[int]]) -> list[list[int]]:
    """The citation groups of the markers standing in ``text``, in order."""
    return [groups[ord(c) - _PLACEHOLDER_BASE] for c in text if _is_placeholder(c)]


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
        match = re.search(rf"[{re.escape(TERMINAL)}]+[{re.escape(CLOSERS)}]*$", stripped)
        if match and not end:
            end = match.group(0)
            body = stripped[: match.start()]
            continue
        body = stripped
        break
    draft = DraftSentence(end=end, sep=sep)
    # Markers before any word (an answer starting with "[1] ...") cite the whole sentence.
    lead = re.match(rf"^[\s{_PLACEHOLDER_CLASS}]*", body)
    lead_groups = _groups_in(lead.group(0) if lead else "", groups)
    body = body[lead.end() if lead else 0 :]
    if not lead_groups and (attributed := _LEAD_ATTRIBUTION.match(body)):  # "According to [1], X"
        lead_groups = _groups_in(attributed.group(1), groups)
        rest = body[attributed.end() :]
        body = rest[:1].upper() + rest[1:]
    if tail_groups and (attributed := _TAIL_ATTRIBUTION.search(body)):  # "X, according to [1]."
        body = body[: attributed.start()]
    while lead_groups and (joined := _JOINED_MARKERS.match(body)):  # "[2] and [4] report ..."
        lead_groups += _groups_in(joined.group(0), groups)
        body = body[joined.end() :]
    if lead_groups and body[:1].islower():  # the markers were the subject: "[2] says ..."
        reported = _REPORTING.match(body)
        if reported and body[reported.end() :].strip():  # "[2] reports that X" is X, cited
            rest = body[reported.end() :]
            body = rest[:1].upper() + rest[1:]
        else:
            cited = {n for numbers in lead_groups for n in numbers}
            body = ("The sources " if len(cited) > 1 else "The source ") + body
    tail_groups[0:0] = lead_groups
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


_WORD = re.compile(r"[^\W\d_]{2,}")


def header_echo(titles: Sequence[str], outlets: Sequence[str]) -> Callable[[str], bool]:
    """Whether a sentence only repeats the prompt's source headers ("Syria war: Dozens dead in IS
    attack on Deir al-Zour (BBC News) Dozens killed in ISIS and regime clashes in Syria, monitor
    says", golden cf02): two titles, or a title and an outlet in brackets, and no other word. It
    answers nothing, and the verifier could only mark it unsupported; a reply's one sentence that
    restates one title stays a sentence to check."""
    folded_titles = [t.casefold() for t in titles if t and _WORD.search(t)]
    folded_outlets = [o.casefold() for o in outlets if o and _WORD.search(o)]

    def echoes(plain: str) -> bool:
        rest = plain.casefold()
        found = 0
        for title in folded_titles:
            if title in rest:
                rest = rest.replace(title, " ")
                found += 1
        bracketed = any(f"({outlet}" in rest for outlet in folded_outlets)
        for outlet in folded_outlets:
            rest = rest.replace(outlet, " ")
        return (found >= 2 or (found == 1 and bracketed)) and not _WORD.search(rest)

    return echoes


def parse_answer(
    raw: str, n_sources: int, echoes: Callable[[str], bool] | None = None
) -> list[DraftSentence]:
    """Split raw model output into draft sentences with valid citation numbers only; sentences
    ``echoes`` flags (:func:`header_echo`) are left out."""
    # Citation markers are swapped for private-use characters below; any the model wrote itself
    # would be read as markers with no group behind them (found by the property tests).
    text = _PLACEHOLDERS.sub("", drop_sources_block(raw)).strip()
    groups: list[list[int]] = []

    def placeholder(match: re.Match[str]) -> str:
        groups.append(parse_numbers(match.group("body"), n_sources))
        return chr(_PLACEHOLDER_BASE + len(groups) - 1)

    text = ANSWER_MARKER.sub(placeholder, text)
    drafts: list[DraftSentence] = []
    start = 0
    for end, next_start in [*answer_boundaries(text, _is_placeholder), (len(text), len(text))]:
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
    if echoes is not None:
        drafts = [draft for draft in drafts if not echoes(draft.plain)]
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
                reported=draft.reported,
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
        match = ANSWER_MARKER.fullmatch(held)
        if not match:
            return held
        return render_marker(parse_numbers(match.group("body"), self.n_sources))
