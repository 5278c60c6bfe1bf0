"""Faithfulness: the share of an answer's claims that the retrieved passages support.

Unlike citation recall, a claim counts as faithful when *any* retrieved passage backs it, whatever
it cites: this separates "made it up" from "cited the wrong source". Claims are the answer's
sentences (``rag.verifier.tokens.split_claims``) that state a fact (``rag.verifier.facts.needs_support``).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from evals.metrics.citations import Scorer
from evals.metrics.markers import strip_citations
from rag.evidence import source_document
from rag.types import Source
from rag.verifier.facts import needs_support
from rag.verifier.tokens import split_claims


class ClaimSupport(BaseModel):
    claim: str
    supported: bool
    score: float
    unbacked: list[str] = Field(default_factory=list)


class FaithfulnessResult(BaseModel):
    faithfulness: float | None
    """Supported claims / claims; None when the answer states no fact (e.g. a refusal)."""
    claims: list[ClaimSupport]


class Faithfulness:
    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    def run(
        self, answer_text: str, sources: Sequence[Source], reported: Sequence[str] = ()
    ) -> FaithfulnessResult:
        """``reported``: sentences of the text the engine wrote itself (:attr:`Sentence.reported`),
        left out as citation recall leaves them out: they are not the model's claims."""
        for sentence in reported:
            answer_text = answer_text.replace(sentence, " ")
        claims = [c for c in split_claims(strip_citations(answer_text)) if needs_support(c)]
        documents = [source_document(source) for source in sorted(sources, key=lambda s: s.number)]
        scored: list[ClaimSupport] = []
        for claim in claims:
            result = self.scorer.score(claim, documents)
            scored.append(
                ClaimSupport(
                    claim=claim, supported=result.supported, score=result.score, unbacked=result.unbacked
                )
            )
        value = sum(c.supported for c in scored) / len(scored) if scored else None
        return FaithfulnessResult(faithfulness=value, claims=scored)
