"""Which sentences of each passage back a claim: what the reader is pointed to on the source card."""

from __future__ import annotations

from rag.verifier.facts import Facts, canonical
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

    A passage's header line (title, outlet, date) is named only when none of its story's sentences
    is: the card shows the story, not that line, so a header named as backing highlighted nothing.
    "Trump was impeached by the United States House of Representatives on December 18, 2019" shared
    the title's words and the year with "US House of Representatives impeaches President Trump ...
    Published 21 December 2019." as much as with the story's "On Wednesday, the United States House
    of Representatives impeached President Donald Trump", and 6 of 14 checked sentences of a
    Wikinews chat had no highlight. A day the story names by weekday or "yesterday" counts as a
    figure of its sentence (:attr:`Evidence.told`), as a written date does.
    """
    stems = set(content_stems(claim.tokens))
    numbers = figures(claim)
    size = len(stems) + len(numbers)
    if not size:
        return []
    headers = set(evidence.headlines.values())
    best: dict[int, tuple[bool, float, int]] = {}
    for k, (passage, _, _) in enumerate(evidence.spans):
        common = len(numbers & _figures(evidence, k)) if numbers else 0
        shared = len(stems & set(evidence.sentence_stems[k])) + common
        score = (shared + 2 * common) / size
        if score < MIN_SHARE or not (shared >= 2 or common):
            continue
        rank = (k not in headers, score, k)
        held = best.get(passage)
        if held is None or rank[:2] > held[:2]:
            best[passage] = rank
    chosen = [k for _, (_, _, k) in sorted(best.items())]
    giving = {j for j in (_giving(numbers, k, evidence, headers) for k in chosen) if j is not None}
    return [evidence.spans[k] for k in sorted({*chosen, *giving})]


def _figures(evidence: Evidence, k: int) -> frozenset[str]:
    """The figures sentence ``k`` states, with the day and year of each day it names by weekday or
    "yesterday" ("On Wednesday" in a story of 21 December 2019: "18" and "2019")."""
    told = evidence.told[k] if k < len(evidence.told) else frozenset()
    days = {canonical(float(value)) for day in told for value in (day.day, day.year)}
    return evidence.sentence_figures(k) | days


def _giving(numbers: frozenset[str], k: int, evidence: Evidence, headers: set[int]) -> int | None:
    """The sentence of ``k``'s passage that gives the most of the claim's figures ``k`` lacks, or None:
    a story tells its event in the lead and its figures after ("Karsten Warholm ... won the 400
    metres hurdles final ..." and, three sentences on, "Warholm ... won the gold medal with a time
    of 47.42 seconds"), and the card points to both. The header line's date gives none."""
    lacking = numbers - _figures(evidence, k)
    if not lacking:
        return None
    passage = evidence.spans[k][0]
    story = [j for j, span in enumerate(evidence.spans) if span[0] == passage and j not in headers]
    held, at = max(((len(lacking & _figures(evidence, j)), -j) for j in story), default=(0, 0))
    return -at if held else None
