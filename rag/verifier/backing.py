"""Which sentences of each passage back a claim: what the reader is pointed to on the source card."""

from __future__ import annotations

from rag.verifier.facts import Facts
from rag.verifier.numbers import figures
from rag.verifier.passages import Evidence
from rag.verifier.tokens import content_stems

MIN_SHARE = 0.25
"""Share of the claim's words (a figure weighing three) a sentence must hold to be named as backing."""


def backing_spans(claim: Facts, evidence: Evidence) -> list[tuple[int, int, int]]:
    """The sentence of each passage that best backs ``claim``, and the one giving the claim's figures
    it lacks (:func:`_giving`): (passage index, start, end), in passage order.

    Scored by shared content words, a word-overlap match that is cheap, deterministic and good
    enough to point the eye at the right sentence of a ~150-token passage. A shared figure weighs
    three words: it says more about which sentence backs a claim than a shared word. A claim that
    shares no figure and fewer than two content words with every sentence of a passage names
    nothing there rather than something wrong.
    """
    stems = set(content_stems(claim.tokens))
    numbers = figures(claim)
    size = len(stems) + len(numbers)
    if not size:
        return []
    best: dict[int, tuple[float, int]] = {}
    for k, (passage, _, _) in enumerate(evidence.spans):
        common = len(numbers & evidence.sentence_figures(k)) if numbers else 0
        shared = len(stems & set(evidence.sentence_stems[k])) + common
        score = (shared + 2 * common) / size
        if (shared >= 2 or common) and score > best.get(passage, (0.0, 0))[0]:
            best[passage] = (score, k)
    chosen = [k for _, (score, k) in sorted(best.items()) if score >= MIN_SHARE]
    giving = {j for j in (_giving(numbers, k, evidence) for k in chosen) if j is not None}
    return [evidence.spans[k] for k in sorted({*chosen, *giving})]


def _giving(numbers: frozenset[str], k: int, evidence: Evidence) -> int | None:
    """The sentence of ``k``'s passage that gives the most of the claim's figures ``k`` lacks, or None:
    a story tells its event in the lead and its figures after ("Karsten Warholm ... won the 400
    metres hurdles final ..." and, three sentences on, "Warholm ... won the gold medal with a time
    of 47.42 seconds"), and the card points to both."""
    lacking = numbers - evidence.sentence_figures(k)
    if not lacking:
        return None
    passage = evidence.spans[k][0]
    held, at = max(
        (len(lacking & evidence.sentence_figures(j)), -j)
        for j, span in enumerate(evidence.spans)
        if span[0] == passage
    )
    return -at if held else None
