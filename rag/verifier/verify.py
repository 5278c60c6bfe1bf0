"""Checking an answer sentence by sentence against the sources it cites, and fixing its citations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rag.citations import DraftSentence


class Scorer(Protocol):
    """What verification needs from :class:`rag.verifier.scorer.SupportScorer`."""

    def score(self, claim: str, passages: list[str]): ...


@dataclass
class Verification:
    """Outcome of checking every sentence against the passages it cites."""

    drafts: list[DraftSentence]
    checked: int = 0
    unsupported: int = 0
    recited: int = 0
    """Sentences whose citation was moved to (or added for) a source that does support them."""
    dropped: int = 0
    """Citations removed because the sentence is backed without them."""

    @property
    def all_unsupported(self) -> bool:
        return self.checked > 0 and self.unsupported == self.checked


def verify(
    drafts: list[DraftSentence],
    source_texts: dict[int, str],
    scorer: Scorer,
    needs_support: Callable[[str], bool],
) -> Verification:
    """Score each factual sentence against its cited sources; fix or flag what they do not back.

    A sentence whose cited sources do not support it, or that cites nothing, is checked
    against every other source: the best one that does support it becomes its citation
    (small models often cite a neighbour of the right passage). A supported sentence loses the
    citations it does not need (:func:`_drop_unneeded`). If no source backs it, the sentence
    is marked unsupported (``supported=False``) and keeps the model's citation, so the user
    sees both what it claimed and that the claim is not backed.
    """
    result = Verification(drafts=drafts)
    for draft in drafts:
        claim = draft.plain
        if not needs_support(claim):
            draft.needs_citation = False
            draft.support = None
            draft.supported = True
            continue
        result.checked += 1
        cited = [n for n in draft.citations if n in source_texts]
        best_score = None
        if cited:
            outcome = scorer.score(claim, [source_texts[n] for n in cited])
            draft.support, draft.supported = float(outcome.score), bool(outcome.supported)
            best_score = draft.support
            if draft.supported:
                result.dropped += _drop_unneeded(draft, claim, cited, source_texts, scorer)
                continue
        best: tuple[float, int] | None = None
        for number, text in source_texts.items():
            if number in cited:
                continue
            outcome = scorer.score(claim, [text])
            if outcome.supported and (best is None or outcome.score > best[0]):
                best = (float(outcome.score), number)
        if best is not None:
            draft.uncite()
            draft.cite(best[1])
            draft.support, draft.supported = best[0], True
            result.recited += 1
            continue
        if best_score is None:
            draft.support = 0.0
        draft.supported = False
        result.unsupported += 1
    return result


def _drop_unneeded(
    draft: DraftSentence, claim: str, cited: list[int], source_texts: dict[int, str], scorer: Scorer
) -> int:
    """Drop citations the sentence does not need, as ALCE's citation precision judges them.

    A citation is dropped when its source alone does not back the sentence and the other
    cited sources still do without it: the model often adds the outlet that reports a
    different figure ("14 civilians [2][3]", where [2] says "two civilians").
    """
    kept = list(dict.fromkeys(cited))
    dropped = 0
    for number in list(kept):
        if len(kept) == 1:
            break
        if scorer.score(claim, [source_texts[number]]).supported:
            continue
        rest = [n for n in kept if n != number]
        if scorer.score(claim, [source_texts[n] for n in rest]).supported:
            draft.drop(number)
            kept = rest
            dropped += 1
    return dropped
