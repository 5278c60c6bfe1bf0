"""Checked sentences while the model writes: each one is verified as soon as it is complete.

The model's draft arrives token by token. :class:`SentenceChecker` re-splits the draft so far
(:func:`rag.citations.parse_answer`, the same splitter the final check uses) and checks every
sentence that is settled against the sources it cites (:func:`rag.verifier.verify.verify`, the same
support check), so a consumer can show the answer sentence by sentence and never the
unchecked draft.

A sentence is *settled* once the next sentence has begun with a word: only then are its
trailing citation markers (``... killed. [1] Next``), its boundary (``Mr. Smith``, a
lower-case continuation) and its separator known. An unclosed bracket at the end of the draft
is held back until it closes, so a sentence is never checked without the marker that follows it.

Sentences are released in answer order, and only from the first sentence that a source backs
on: until then they are held, so a reply the final check refuses (nothing checkable, nothing
backed, the model declining) shows nothing at all. After that, each sentence is released as
soon as it is checked, an unsupported one with ``supported=False``.

A sentence the final check may still withdraw (``hold``: it states a figure or a day the
sources dispute, which the whole answer's conflict check settles) is held with everything after
it: those sentences come with the final answer, never before it as checked.

Every verdict is remembered (:class:`MemoScorer`), and the final check asks the same
questions of the same scorer, so checking per sentence costs nothing twice and the final
answer is exactly what the whole-reply check alone gives.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from typing import Any

from rag import prompts
from rag.citations import DraftSentence, parse_answer, render
from rag.text.markers import ANSWER_MARKER
from rag.types import Sentence
from rag.verifier.verify import Scorer, Shown, verify

_UNCLOSED = re.compile(r"[\[【][^\]】\n]{0,40}$")
"""An opening bracket at the end of the draft whose marker may still be coming."""


class MemoScorer:
    """A support scorer that remembers its verdicts by (claim, passages).

    The scorer is a pure function of its inputs (its deterministic checks; the judge model at
    temperature 0), so a remembered verdict is the verdict it would give again.
    """

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self._verdicts: dict[tuple[str, tuple[str, ...]], Any] = {}

    @property
    def uses_judge(self) -> bool:
        return bool(getattr(self.scorer, "uses_judge", False))

    def score(self, claim: str, passages: list[str]):
        key = (claim, tuple(passages))
        if key not in self._verdicts:
            self._verdicts[key] = self.scorer.score(claim, passages)
        return self._verdicts[key]

    def contested(self, claim: str, passages: list[str]) -> list[str]:
        key = ("contested:" + claim, tuple(passages))
        if key not in self._verdicts:
            self._verdicts[key] = self.scorer.contested(claim, passages)
        return self._verdicts[key]


def has_words(text: str) -> bool:
    """Whether the text holds a word (two letters), citation markers aside."""
    return bool(re.search(r"[^\W\d_]{2,}", ANSWER_MARKER.sub("", text)))


class SentenceChecker:
    """Turns a growing draft into checked sentences, each released once, in order."""

    def __init__(
        self,
        n_sources: int,
        source_texts: dict[int, str],
        scorer: Scorer,
        needs_support: Callable[[str], bool],
        shown: Shown | None = None,
        hold: Callable[[str], bool] | None = None,
        echoes: Callable[[str], bool] | None = None,
    ) -> None:
        self.n_sources = n_sources
        self.echoes = echoes
        """Sentences left out as copies of the source headers (:func:`rag.citations.header_echo`)."""
        self.hold = hold
        self.source_texts = source_texts
        self.scorer = scorer
        self.needs_support = needs_support
        self.shown = shown
        self.seconds = 0.0
        """Time spent splitting and checking (what per-sentence checking adds to an answer)."""
        self._checked: list[DraftSentence] = []
        self._held: list[DraftSentence] = []
        self._released: list[DraftSentence] = []
        self._declined = False
        self._holding = False
        """A sentence the final check may withdraw was reached: nothing more is released."""

    @property
    def released(self) -> list[Sentence]:
        return render(self._released)[1]

    def feed(self, draft: str) -> list[Sentence]:
        """The sentences released by the draft so far (the whole reply as written up to now)."""
        started = time.perf_counter()
        try:
            settled = _UNCLOSED.sub("", draft)
            drafts = self._drafts(settled)
            if drafts is None or not drafts or not has_words(drafts[-1].plain):
                return []
            return self._check(drafts[:-1])
        finally:
            self.seconds += time.perf_counter() - started

    def finish(self, reply: str) -> list[Sentence]:
        """The sentences the finished reply releases (its last sentence is settled now)."""
        started = time.perf_counter()
        try:
            drafts = self._drafts(reply)
            return [] if drafts is None else self._check(drafts)
        finally:
            self.seconds += time.perf_counter() - started

    def _drafts(self, text: str) -> list[DraftSentence] | None:
        """Draft sentences of ``text``; None once the model has declined (nothing is released)."""
        if self._declined:
            return None
        if has_words(text) and prompts.says_cannot_answer(text):
            self._declined = True  # the final check refuses this reply: show none of it
            return None
        return parse_answer(text, self.n_sources, self.echoes)

    def _check(self, settled: list[DraftSentence]) -> list[Sentence]:
        before = len(self._released)
        for draft in settled[len(self._checked) :]:
            draft = copy.deepcopy(draft)
            verify([draft], self.source_texts, self.scorer, self.needs_support, self.shown)
            self._checked.append(draft)
            self._held.append(draft)
            if not self._holding and self.hold is not None and self.hold(draft.plain):
                self._holding = True
            if self._holding:
                continue
            if draft.needs_citation and draft.supported or self._released:
                self._released.extend(self._held)
                self._held.clear()
        if len(self._released) == before:
            return []
        return render(self._released)[1][before:]
