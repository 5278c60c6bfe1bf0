"""Sentence boundaries: one module, one splitter per job.

Each splitter is tuned for the text it reads and the job it serves, and the golden figures were
measured with it, so they are kept apart rather than merged:

* :func:`sentence_spans` — article text into passages: exact offsets, newlines are hard
  boundaries, :data:`PASSAGE_ABBREVIATIONS` (the longest list);
* :func:`claim_sentences` — the verifier's split of an answer or claim into sentences;
* :func:`answer_boundaries` — the model's raw answer, with citation markers kept with the
  sentence they follow;
* :func:`rough_sentences` — a quick split where a wrong cut costs little (figures and dates
  compared sentence by sentence);
* :data:`FIRST_SENTENCE_END` — the model's short replies (did it decline? its last answers);
* :data:`LEAD_SENTENCE_END` — an article's lead sentence, made into a headline;
* :data:`CUT_SENTENCE_END` — where a passage cut short to fit the prompt may end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rag.text.words import norm_word, wordset

# Words that end with a period without ending the sentence. Common words that are also
# abbreviations ("no", "sun", "mar", "sat") are left out: splitting after them is the lesser error.
_PASSAGE_ABBREVIATION_WORDS = """
mr mrs ms dr prof sr jr st mt ft gen lt col maj capt cmdr sgt cpl pvt adm sen gov pres
rev hon supt insp amb messrs mme mlle
jan feb apr jun jul aug sep sept oct nov dec tue tues thu thur thurs fri
inc ltd co corp plc llc bros dept univ assn approx vs etc al fig vol pp
u.s u.k u.n e.u u.s.a u.a.e a.m p.m e.g i.e cf viz
"""
PASSAGE_ABBREVIATIONS = frozenset(_PASSAGE_ABBREVIATION_WORDS.split())
"""Abbreviations when articles are cut into passages (see the comment above for what is left out)."""

CLAIM_ABBREVIATIONS = wordset(
    """mr mrs ms dr prof st sr jr gen col lt sgt capt gov sen rep rev u.s u.k u.n e.u no vs etc
    jan feb mar apr jun jul aug sep sept oct nov dec inc corp co ltd dept fig approx est"""
)
"""Abbreviations for the verifier's sentence split and word tokens (compared after :func:`norm_word`)."""

ANSWER_ABBREVIATIONS = wordset(
    "mr mrs ms dr st jr sr prof gen col lt sgt capt gov sen rep pres jan feb mar apr jun jul "
    "aug sep sept oct nov dec no vs e.g i.e u.s u.n u.k a.m p.m approx est inc ltd co corp dept"
)
"""Abbreviations when the model's answer is split into cited sentences."""

NUMBER_SIGNS = wordset("no")
"""Abbreviations only before a figure: "No. 10" is a number sign, "No. Eight hours ..." ends a sentence
(an interviewee's answer in a Wikinews article, read as one sentence with its negation)."""


def abbreviation(word: str, following: str, abbreviations: frozenset[str]) -> bool:
    """Whether ``word`` (without its full stop) abbreviates, given the text that follows it."""
    norm = norm_word(word)
    if norm in NUMBER_SIGNS:
        return following.lstrip()[:1].isdigit()
    return norm in abbreviations


# --- article text into passages: exact spans -------------------------------------------------

# Candidate ends: terminal punctuation, closing quotes/brackets, then whitespace.
_END = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’)\]]*(?=\s)")
# What may open the next sentence: a capital, a digit, or an opening quote/bracket.
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
_NEWLINE = re.compile(r"\r?\n|\r")


@dataclass(frozen=True)
class Span:
    """Where a sentence lies in its article: ``text[start:end]``."""

    start: int
    end: int


def _is_passage_abbreviation(text: str, period: int) -> bool:
    """Whether the period at ``period`` belongs to an abbreviation or an initial."""
    word_start = period
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"'“‘":
        word_start -= 1
    word = text[word_start:period].lower()
    if not word:
        return False
    if word in PASSAGE_ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "George W. Bush"
    # Dotted acronyms: "U.S", "D.C", "a.m"
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def _line_sentences(text: str, start: int, end: int) -> Iterable[Span]:
    cursor = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if not _NEXT_START.match(text, stop, end):
            continue
        if (
            text[match.start()] == "."
            and match.end() - match.start() == 1
            and _is_passage_abbreviation(text, match.start())
        ):
            continue
        yield Span(cursor, stop)
        cursor = stop
    if cursor < end:
        yield Span(cursor, end)


def sentence_spans(text: str) -> list[Span]:
    """Sentence spans with surrounding whitespace trimmed; newlines are hard boundaries."""
    spans: list[Span] = []
    line_start = 0
    boundaries = [(m.start(), m.end()) for m in _NEWLINE.finditer(text)] + [(len(text), len(text))]
    for line_end, next_start in boundaries:
        for span in _line_sentences(text, line_start, line_end):
            trimmed = trim_span(text, span)
            if trimmed is not None:
                spans.append(trimmed)
        line_start = next_start
    return spans


def trim_span(text: str, span: Span) -> Span | None:
    """``span`` without the whitespace at either end; None when nothing else is left."""
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None


# --- the verifier's claims -------------------------------------------------------------------

LIST_MARKER = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|[-*\u2022])(?=\s|$)\s*")
"""A list item's number or bullet at the start of a line ("6. ", "(2) ", "- "): layout, not a claim.
"1.5 million" is no marker: the number goes on after the dot."""


def strip_list_marker(text: str) -> str:
    """``text`` without a leading list number or bullet, stripped; "" when that was all it held."""
    return LIST_MARKER.sub("", text, count=1).strip()


_CLAIM_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]{0,2}[A-Z0-9])")


def claim_sentences(text: str) -> list[str]:
    """Sentence split by punctuation, aware of abbreviations such as "U.K." and "Feb.".

    A regular expression rather than nltk's punkt: punkt needs data files and the verifier calls this
    on every answer; news prose with the abbreviation list below splits well enough.
    """
    return [sentence for sentence, _, _ in claim_sentences_at(text)]


def claim_sentences_at(text: str) -> list[tuple[str, int, int]]:
    """The sentences of :func:`claim_sentences` with where each lies in ``text``: (sentence, start, end).

    A sentence has its whitespace runs collapsed to one space, so ``text[start:end]`` is the same
    sentence as written (line breaks and all), which is what a reader is shown.
    """
    found: list[tuple[str, int, int]] = []
    block_start = 0
    for gap in [*re.finditer(r"\n\s*\n", text), None]:
        block_end = gap.start() if gap else len(text)
        words = [m.span() for m in re.finditer(r"\S+", text[block_start:block_end])]
        block = " ".join(text[block_start + a : block_start + b] for a, b in words)
        at: list[int] = []  # where each character of ``block`` is in ``text``
        for a, b in words:
            at.extend(range(block_start + a, block_start + b))
            at.append(block_start + b)  # the space that joins it to the next word
        if block:
            start = 0
            for match in _CLAIM_SENTENCE_END.finditer(block):
                before = block[start : match.start()].rstrip("\"'”’)]")
                last = before.split()[-1] if before.split() else ""
                following = block[match.end() :]
                if abbreviation(last.rstrip("."), following, CLAIM_ABBREVIATIONS) or re.fullmatch(
                    r"(?:[A-Z]\.)+", last
                ):
                    continue
                found.extend(_located(block, at, start, match.start()))
                start = match.end()
            found.extend(_located(block, at, start, len(block)))
        block_start = gap.end() if gap else len(text)
    return found


def _located(block: str, at: list[int], start: int, end: int) -> list[tuple[str, int, int]]:
    piece = block[start:end]
    sentence = piece.strip()
    if not sentence:
        return []
    first = start + len(piece) - len(piece.lstrip())
    last = first + len(sentence) - 1
    return [(sentence, at[first], at[last] + 1)]


# --- the model's raw answer ------------------------------------------------------------------

TERMINAL = ".!?…"
"""Characters that end a sentence of the answer."""
CLOSERS = "\"'”’)»"
"""Closing quotes and brackets that stay with the sentence they close."""


def ends_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation rather than a sentence."""
    match = re.search(r"([A-Za-z][A-Za-z.]*)$", text[:dot])
    if not match:
        return False
    word = match.group(1).lower().strip(".")
    return len(word) == 1 or abbreviation(word, text[dot + 1 :], ANSWER_ABBREVIATIONS)


def answer_boundaries(text: str, attached: Callable[[str], bool]) -> list[tuple[int, int]]:
    """(end, next_start) pairs: where each sentence ends and where the next one begins.

    Characters for which ``attached`` is true (the placeholders a citation marker was replaced
    by) after the terminal punctuation stay with the sentence they follow.
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
        if char not in TERMINAL:
            i += 1
            continue
        j = i
        while j < n and text[j] in TERMINAL:
            j += 1
        while j < n and text[j] in CLOSERS:
            j += 1
        k = j
        while True:  # markers after the punctuation belong to this sentence
            m = k
            while m < n and text[m] in " \t":
                m += 1
            if m < n and attached(text[m]):
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
        if k < n and ((char == "." and ends_abbreviation(text, i)) or (next_char and next_char.islower())):
            i = j
            continue
        out.append((k, m))
        i = m
    return out


# --- quick splits ----------------------------------------------------------------------------

ROUGH_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+|\n+")
"""A full stop (with an optional closing quote) before whitespace, or a line break."""


def rough_sentences(text: str) -> list[str]:
    """Sentences split at :data:`ROUGH_SENTENCE_END`, blank pieces left out."""
    return [s for s in ROUGH_SENTENCE_END.split(text) if s.strip()]


FIRST_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
"""The plainest split, for a model's short reply: terminal punctuation, then whitespace."""

LEAD_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z])")
"""The end of an article's lead sentence, for a headline made from it: the next sentence must open
with a capital or a quote, so "Jan. 17" or "the U.S. and" does not cut the headline short."""

CUT_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s|$)|\n")
"""The end of a sentence (its closing quote or bracket included) or of a line: where a passage
too long for the prompt's budget is cut, so the model never reads half a sentence."""
