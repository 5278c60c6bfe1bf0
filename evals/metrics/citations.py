"""Citation quality as defined by ALCE (Gao et al., 2023, "Enabling Large Language Models to Generate
Text with Citations"), with :class:`rag.verifier.scorer.SupportScorer` in place of ALCE's NLI model.

* Citation recall: a sentence that states a fact is recalled when it has at least one citation and
  the concatenation of its cited passages supports it. Sentences that state nothing checkable
  (``rag.verifier.facts.needs_support`` is False, e.g. "The sources differ.") are left out, and so
  are the engine's own notices of a disagreement (:attr:`rag.types.Sentence.reported`): the model
  did not write them.
* Citation precision: a citation is precise unless it is irrelevant, i.e. its passage alone does
  not support the sentence *and* the remaining citations still do without it. As in ALCE, when the
  cited passages jointly fail to support a sentence, none of its citations count as precise (a
  single citation that supports its sentence alone is precise).

The same scorer judges both systems, so the figures compare them even where the scorer errs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from evals.metrics.markers import citations_in, leading_markers, strip_citations
from rag.evidence import source_documents
from rag.text.sentences import claim_sentences as split_sentences
from rag.types import Answer, Sentence, Source
from rag.verifier.facts import needs_support
from rag.verifier.scorer import SupportResult


class Scorer(Protocol):
    def score(self, claim: str, passages: list[str]) -> SupportResult: ...


def answer_sentences(answer: Answer) -> list[Sentence]:
    """The answer's sentences with their citations; derived from the text when the producer gave none.

    Markers left after a full stop ("... on Saturday. [3]") belong to the sentence before them.
    """
    if answer.sentences:
        return answer.sentences
    out: list[Sentence] = []
    cursor = 0
    for text in split_sentences(answer.text):
        start = answer.text.find(text[:20], cursor)
        start = start if start >= 0 else cursor
        cursor = start + len(text)
        lead = leading_markers(text) if out else 0
        if lead:
            last = out[-1]
            last.citations = list(dict.fromkeys([*last.citations, *citations_in(text[:lead])]))
            last.end = start + len(text[:lead].rstrip())
            last.text = answer.text[last.start : last.end]
            start, text = start + lead, text[lead:]
            if not text.strip():
                continue
        out.append(Sentence(text=text, start=start, end=cursor, citations=citations_in(text)))
    return out


class SentenceCitations(BaseModel):
    text: str
    citations: list[int]
    needs_support: bool
    supported: bool | None = None
    """The cited passages together support the sentence (None when it needs no support)."""
    support: float | None = None
    precise: list[bool] = Field(default_factory=list)
    """Per citation, in the order of ``citations``."""


class CitationResult(BaseModel):
    recall: float | None
    """Share of fact-stating sentences supported by their citations; None when there are none."""
    precision: float | None
    """Share of citations (in fact-stating sentences) that are precise; None without citations."""
    n_citations: int
    sentences: list[SentenceCitations]


class CitationQuality:
    """ALCE citation recall and precision of one answer."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    def run(self, sentences: Sequence[Sentence], sources: Sequence[Source]) -> CitationResult:
        documents = source_documents(sources)
        results: list[SentenceCitations] = []
        recalled = precise_total = n_citations = 0
        n_claims = 0
        for sentence in sentences:
            claim = strip_citations(sentence.text).strip()
            citations = list(dict.fromkeys(sentence.citations)) or citations_in(sentence.text)
            if not claim or sentence.reported or not needs_support(claim):
                results.append(SentenceCitations(text=claim, citations=citations, needs_support=False))
                continue
            n_claims += 1
            n_citations += len(citations)
            entry = self._judge(claim, citations, documents)
            results.append(entry)
            recalled += bool(entry.supported)
            precise_total += sum(entry.precise)
        return CitationResult(
            recall=recalled / n_claims if n_claims else None,
            precision=precise_total / n_citations if n_citations else None,
            n_citations=n_citations,
            sentences=results,
        )

    def _judge(self, claim: str, citations: list[int], documents: dict[int, str]) -> SentenceCitations:
        if not citations or any(number not in documents for number in citations):
            # ALCE: no citation, or a citation of a source that does not exist, fails the sentence.
            return SentenceCitations(
                text=claim,
                citations=citations,
                needs_support=True,
                supported=False,
                support=0.0,
                precise=[False] * len(citations),
            )
        joint = self.scorer.score(claim, [documents[n] for n in citations])
        precise: list[bool]
        if not joint.supported:
            precise = [False] * len(citations)
        elif len(citations) == 1:
            precise = [True]
        else:
            precise = []
            for number in citations:
                if self.scorer.score(claim, [documents[number]]).supported:
                    precise.append(True)
                    continue
                rest = [documents[n] for n in citations if n != number]
                precise.append(not self.scorer.score(claim, rest).supported)
        return SentenceCitations(
            text=claim,
            citations=citations,
            needs_support=True,
            supported=joint.supported,
            support=joint.score,
            precise=precise,
        )
