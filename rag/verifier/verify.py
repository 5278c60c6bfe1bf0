"""Checking an answer sentence by sentence against the sources it cites, and fixing its citations."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from rag.citations import DraftSentence
from rag.types import EvidenceSpan
from rag.verifier.backing import backing_spans
from rag.verifier.facts import extract_facts
from rag.verifier.lists import list_variants
from rag.verifier.passages import Evidence
from rag.verifier.qualifiers import restore
from rag.verifier.tokens import split_claims


class Scorer(Protocol):
    """What verification needs from :class:`rag.verifier.scorer.SupportScorer`."""

    def score(self, claim: str, passages: list[str]): ...

    def contested(self, claim: str, passages: list[str]) -> list[str]: ...


Shown = Mapping[int, tuple[int, int]]
"""Where each source's passage text lies in its source text (:func:`rag.evidence.passage_range`)."""


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
    shown: Shown | None = None,
) -> Verification:
    """Score each factual sentence against its cited sources; fix or flag what they do not back.

    A sentence whose cited sources do not support it, or that cites nothing, is checked
    against every other source: the best one that does support it becomes its citation
    (small models often cite a neighbour of the right passage); one that lists names reported by
    several sources is checked against them all (:mod:`rag.verifier.lists`) and cites each source
    that backs a name. A supported sentence loses the
    citations it does not need (:func:`_drop_unneeded`). If no source backs it, the sentence
    is marked unsupported (``supported=False``) and keeps the model's citation, so the user
    sees both what it claimed and that the claim is not backed.

    A sentence is backed by no source when all the sources given, read together, name someone else
    in its role: the speaker of its words, the doer of its verb, the agent after its "by"
    (:meth:`rag.verifier.scorer.SupportScorer.contested`). "The truce was brokered by the United
    States [1]" was shown, backed by a source naming the truce and the US but not who brokered it,
    while another source says "brokered by Russia and Turkey"; "Syria rebels organised the Astana
    talks", failed by its cited source ("Organised by rebel backer Turkey and regime allies Russia
    and Iran"), was re-cited to a passage backing every word but the verb.

    A backed sentence keeps where each source it cites backs it (:attr:`DraftSentence.evidence`),
    as offsets into the part of the source text given by ``shown`` (a source missing from it:
    into the whole source text); a match outside that part is not kept. Its bare figures get back
    the "at least" or "more than" those backing sentences give them (:mod:`rag.verifier.qualifiers`).
    """
    result = Verification(drafts=drafts)
    for draft in drafts:
        claim = draft.plain
        draft.evidence = []
        if not needs_support(claim):
            draft.needs_citation = False
            draft.support = None
            draft.supported = True
            continue
        result.checked += 1
        cited = [n for n in draft.citations if n in source_texts]
        everything = list(source_texts.values())
        best_score = None
        if cited:
            outcome = scorer.score(claim, [source_texts[n] for n in cited])
            draft.support, draft.supported = float(outcome.score), bool(outcome.supported)
            best_score = draft.support
            if draft.supported:
                if not scorer.contested(claim, everything):
                    draft.evidence = _spans(outcome.backing, cited, source_texts, shown)
                    result.dropped += _settle(draft, cited, source_texts, scorer, shown)
                    continue
                # read with every source, no source backs it: re-citing would find the same
                draft.supported = False
                result.unsupported += 1
                continue
        best: tuple[float, int, list[EvidenceSpan]] | None = None
        for number, text in source_texts.items():
            if number in cited:
                continue
            outcome = scorer.score(claim, [text])
            if outcome.supported and (best is None or outcome.score > best[0]):
                best = (float(outcome.score), number, _spans(outcome.backing, [number], source_texts, shown))
        backed = (
            (best[0], [best[1]], best[2]) if best is not None else _listed(claim, source_texts, scorer, shown)
        )
        if backed is not None and not scorer.contested(claim, everything):
            draft.uncite()
            for number in backed[1]:
                draft.cite(number)
            draft.support, draft.supported = backed[0], True
            draft.evidence = backed[2]
            result.dropped += _settle(draft, backed[1], source_texts, scorer, shown)
            result.recited += 1
            continue
        if best_score is None:
            draft.support = 0.0
        draft.supported = False
        result.unsupported += 1
    return result


def _listed(
    claim: str, source_texts: dict[int, str], scorer: Scorer, shown: Shown | None
) -> tuple[float, list[int], list[EvidenceSpan]] | None:
    """A sentence listing names that several sources report (:mod:`rag.verifier.lists`), scored
    against them all: (its score, the sources that back its names, their backing spans), or None."""
    if len(source_texts) < 2 or not list_variants(claim):
        return None
    numbers = list(source_texts)
    outcome = scorer.score(claim, [source_texts[n] for n in numbers])
    if not outcome.supported:
        return None
    sources = list(dict.fromkeys(numbers[index] for index, _, _ in outcome.backing))
    return float(outcome.score), sources, _spans(outcome.backing, numbers, source_texts, shown)


def _settle(
    draft: DraftSentence,
    sources: list[int],
    source_texts: dict[int, str],
    scorer: Scorer,
    shown: Shown | None,
) -> int:
    """A backed sentence made final: the citations it does not need dropped (their count returned)
    and its bare figures given their passages' qualifiers."""
    dropped = _drop_unneeded(draft, draft.plain, sources, source_texts, scorer)
    _keep_qualifiers(draft, source_texts, shown)
    return dropped


def _keep_qualifiers(draft: DraftSentence, source_texts: dict[int, str], shown: Shown | None) -> None:
    """Give the backed sentence's bare figures the "at least" their backing passages give them
    (:mod:`rag.verifier.qualifiers`): the shown passage of each source that backs it, not only the
    one sentence marked as its backing, which for "71 people were arrested on the fourth night of
    protests" was "Friday night was the fourth night ..." while the next sentence says "at least 71
    people were arrested" (a Wikinews answer shown with a bare "71")."""
    backing = []
    for source in dict.fromkeys(span.source for span in draft.evidence):
        text = source_texts[source]
        low, high = (shown or {}).get(source, (0, len(text)))
        backing.append(text[low:high] if high > low else text)
    if not backing:
        return
    texts = iter(restore([part for part in draft.parts if isinstance(part, str)], backing))
    draft.parts = [next(texts) if isinstance(part, str) else part for part in draft.parts]


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


def locate(draft: DraftSentence, source_texts: dict[int, str], shown: Shown | None = None) -> None:
    """Where the sources a sentence cites back it, without judging it: for sentences the engine
    writes from the sources' own figures, which are backed by construction."""
    cited = [n for n in draft.citations if n in source_texts]
    evidence = Evidence.build([source_texts[n] for n in cited])
    backing = {
        span for claim in split_claims(draft.plain) for span in backing_spans(extract_facts(claim), evidence)
    }
    draft.evidence = _spans(sorted(backing), cited, source_texts, shown)


def _spans(
    backing: Iterable[tuple[int, int, int]],
    numbers: Sequence[int],
    source_texts: dict[int, str],
    shown: Shown | None,
) -> list[EvidenceSpan]:
    """Backing sentences (``numbers[i]`` is the source of passage ``i``) as evidence spans."""
    spans = []
    for index, start, end in backing:
        number = numbers[index]
        low, high = (shown or {}).get(number, (0, len(source_texts[number])))
        start, end = max(start, low), min(end, high)
        if start < end:
            spans.append(EvidenceSpan(source=number, start=start - low, end=end - low))
    return spans
