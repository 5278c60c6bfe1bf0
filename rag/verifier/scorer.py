"""How well a claim is backed by the passages it cites: one score for the answer verifier and the evals.

Two kinds of evidence are combined:

* deterministic checks, cheap and exact where the small generator is weakest: every number, date, name
  and negation in the claim must be backed by the passages, and most of its content words must appear
  there. They work with no model at all (the fast path of the verifier and of the unit tests).
* a judge: the generator's p(Yes) to "Is the claim supported by the passage?". On its own it is at
  chance at 0.5 but ranks well, so it enters as one more feature rather than as a verdict. The
  passage comes first in the prompt so llama.cpp re-uses its KV cache across the claims of one passage.

The features are combined by a logistic regression fitted on human labels (the SummEdits news
``evaluation`` split, see ``evals/summedits/``) and stored with the decision threshold in
``evals/support_config.toml``; that file is the only tuned state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from rag.contradictions import contradictions
from rag.verifier.asides import main_clause, words_only
from rag.verifier.backing import backing_spans
from rag.verifier.combination import combine
from rag.verifier.config import SupportConfig
from rag.verifier.facts import extract_facts
from rag.verifier.features import analyse, role_problems
from rag.verifier.judge import best_window, judge_messages
from rag.verifier.lists import list_variants
from rag.verifier.passages import Evidence
from rag.verifier.polar import affirmed_wrongly, read_reply, statement
from rag.verifier.premise import LEAD, own_facts, restated, story_backs
from rag.verifier.tokens import split_claims

if TYPE_CHECKING:
    from rag.models.llm import ChatModel


class SupportResult(BaseModel):
    score: float
    """Calibrated 0..1 support (the minimum over the claim's sentences)."""
    supported: bool
    """``score`` reaches the threshold of the combination that produced it."""
    deterministic: float
    """0..1 from the deterministic checks alone (the calibrated no-judge combination)."""
    judge: float | None = None
    """The model's p(Yes) for the weakest sentence; None when no judge was asked."""
    unbacked: list[str] = Field(default_factory=list)
    """Numbers, dates, names and negations (or reversed words) of the claim that the passages do not back."""
    features: dict[str, float] = Field(default_factory=dict)
    """Deterministic features of the weakest sentence (what the combination saw)."""
    contradicted: list[str] = Field(default_factory=list)
    """What the passages state otherwise (:mod:`rag.contradictions`); any entry fails the claim."""
    backing: list[tuple[int, int, int]] = Field(default_factory=list)
    """The sentences that back the claim's sentences best (:mod:`rag.verifier.backing`): (index of the
    passage in the list scored, start, end in that passage), in passage and text order."""


EVIDENCE_KEPT = 8
"""Analysed passage sets a scorer keeps. With only the last one kept, checking each sentence against
each source in turn analysed every source again for every sentence: 1,933 analyses for the labelled
sentences (``rag eval --suite sentences``), 1,469 with eight kept (as with sixteen; most of the rest
are windows of a passage, which :meth:`Evidence.window` keeps), the verdicts the same."""

CONTRADICTED_SCALE = 0.5
"""A contradicted claim scores at most this share of the threshold: below it, still ranked."""


class SupportScorer:
    """Scores claims against passages; see the module docstring for the method."""

    def __init__(
        self, llm: ChatModel | None = None, config: SupportConfig | None = None, question: str = ""
    ) -> None:
        self.llm = llm
        self.config = config or SupportConfig.load()
        self.question = question
        """The question the claims answer, if any: a claim may restate its description of what it
        asks about (:meth:`_premised`)."""
        self._asked = statement(question) if question else None
        """The statement a "Yes" to the question makes, if it asks yes or no (:mod:`rag.verifier.polar`)."""
        self._analysed: dict[tuple[str, ...], Evidence] = {}

    @property
    def uses_judge(self) -> bool:
        return self.llm is not None and self.config.judge

    def evidence(self, passages: Sequence[str]) -> Evidence:
        """Analysed passages, the last :data:`EVIDENCE_KEPT` kept: the verifier checks each sentence
        against its cited sources, then against each other source in turn."""
        key = tuple(passages)
        found = self._analysed.get(key)
        if found is None:
            if len(self._analysed) >= EVIDENCE_KEPT:
                self._analysed.pop(next(iter(self._analysed)))
            found = self._analysed[key] = Evidence.build(passages)
        return found

    def judge_probability(self, claim: str, passages: Sequence[str]) -> float | None:
        """The model's p(Yes), or None without a model or when its backend exposes no logits."""
        if self.llm is None:
            return None
        passage = "\n\n".join(p for p in passages if p)
        passage = best_window(claim, passage, self.config.max_passage_tokens)
        return self.llm.yes_probability(judge_messages(claim, passage))

    def score(self, claim: str, passages: list[str]) -> SupportResult:
        # "Yes" or "No" answering a yes/no question is the answer, not a word of the claim; a "Yes"
        # states the question, and is backed only where the question is (rag.verifier.polar).
        reply = read_reply(self._asked, claim)
        result = self._backed(reply.rest if reply else claim, passages)
        if reply is None or reply.affirms is None or not result.supported:
            return result
        asked = self._score(reply.affirms, passages)
        wrong = affirmed_wrongly(reply.affirms, asked.unbacked)
        if not wrong:
            return result.model_copy(update={"backing": sorted({*result.backing, *asked.backing})})
        threshold = (
            self.config.deterministic_threshold if asked.judge is None else self.config.judged_threshold
        )
        return result.model_copy(
            update={
                "supported": False,
                "score": min(result.score, asked.score, threshold * CONTRADICTED_SCALE),
                "unbacked": [f"yes: {reply.affirms}", *wrong, *result.unbacked],
            }
        )

    def contested(self, claim: str, passages: list[str]) -> list[str]:
        """The roles of the claim's sentences that ``passages`` give someone else
        (:func:`rag.verifier.features.role_problems`): the verifier asks this of every source given
        beside the ones that back a sentence."""
        evidence = self.evidence(passages)
        sentences = split_claims(claim) or [claim.strip()]
        return list(
            dict.fromkeys(item for sentence in sentences for item in role_problems(sentence, evidence))
        )

    def _backed(self, claim: str, passages: list[str]) -> SupportResult:
        result = self._score(claim, passages)
        if result.supported:
            return result
        listed = self._listed(claim, passages) if len(passages) >= 2 else None
        return listed or self._premised(claim, passages) or result

    def _premised(self, claim: str, passages: list[str]) -> SupportResult | None:
        """A claim that copies the question's description of what it asks about ("the bus that
        overturned in eastern Cuba ..."), backed without it, where the passage that backs the rest
        tells the story described (:mod:`rag.verifier.premise`); None otherwise."""
        split = restated(self.question, claim) if self.question else None
        if split is None or not own_facts(extract_facts(split.rest), self.question):
            return None
        outcome = self._score(split.rest, passages)
        if not outcome.supported:
            return None
        for index in dict.fromkeys(index for index, _, _ in outcome.backing):
            story = self.evidence([passages[index]])
            stretch = [passages[index][start:end] for i, start, end in outcome.backing if i == index]
            told = Evidence.build(["\n\n".join([*story.sentence_texts[:LEAD], *stretch])])
            if story_backs(split.described, told, story):
                # the source card also points to where the story tells what the question describes
                described = [
                    (index, start, end)
                    for _, start, end in backing_spans(extract_facts(split.described), story)
                ]
                return outcome.model_copy(update={"backing": sorted({*outcome.backing, *described})})
        return None

    def _listed(self, claim: str, passages: list[str]) -> SupportResult | None:
        """A claim listing names that several passages report, backed one name at a time
        (:mod:`rag.verifier.lists`), each by a passage that names none of the list's other names;
        None when a name is backed by no such passage."""
        variants = list_variants(claim)
        if not variants:
            return None
        each = [self.evidence([passage]) for passage in passages]
        found: list[tuple[int, SupportResult]] = []
        for variant, name in variants:
            others = [other for _, other in variants if other != name]
            best: tuple[int, SupportResult] | None = None
            for index, passage in enumerate(passages):
                if any(each[index].backs_name(other) for other in others):
                    continue
                outcome = self._score(variant, [passage])
                if outcome.supported and (best is None or outcome.score > best[1].score):
                    best = (index, outcome)
            if best is None:
                return None
            found.append(best)
        weakest = min((outcome for _, outcome in found), key=lambda r: r.score)
        backing = {(index, start, end) for index, outcome in found for _, start, end in outcome.backing}
        return weakest.model_copy(update={"backing": sorted(backing)})

    def _score(self, claim: str, passages: list[str]) -> SupportResult:
        sentences = split_claims(claim) or [claim.strip()]
        if not passages or not any(p.strip() for p in passages):
            return SupportResult(
                score=0.0, supported=False, deterministic=0.0, judge=None, unbacked=["no passage"]
            )
        evidence = self.evidence(passages)
        results = [self._score_sentence(sentence, passages, evidence) for sentence in sentences]
        # a sentence's main clause must state its words without its asides too (rag.verifier.asides)
        for main in filter(None, map(main_clause, sentences)):
            outcome = self._score_sentence(main, passages, evidence)
            if not outcome.supported and words_only(outcome.unbacked):
                results.append(outcome)
        worst = min(results, key=lambda r: r.score)
        unbacked = list(dict.fromkeys(item for r in results for item in r.unbacked))
        update: dict[str, Any] = {
            "unbacked": unbacked,
            "deterministic": min(r.deterministic for r in results),
            "backing": sorted({span for r in results for span in r.backing}),
        }
        contradicted = contradictions(claim, evidence.text, frozenset().union(*evidence.told))
        if not any(item.startswith("number:") for item in unbacked):
            # The support checks read number formats ("310 000", "three hundred ten thousand")
            # better: a figure they find stated in the passages is no contradiction.
            contradicted = [c for c in contradicted if not c.startswith("figure:")]
        if contradicted:
            # A veto, not a feature: the fitted weights stay as calibrated, and the passage saying
            # otherwise outweighs any number of backed words (see rag.contradictions).
            threshold = (
                self.config.deterministic_threshold if worst.judge is None else self.config.judged_threshold
            )
            update.update(
                supported=False,
                score=min(worst.score, threshold * CONTRADICTED_SCALE),
                contradicted=contradicted,
            )
        return worst.model_copy(update=update)

    def _score_sentence(self, sentence: str, passages: Sequence[str], evidence: Evidence) -> SupportResult:
        analysis = analyse(sentence, evidence)
        cfg = self.config
        deterministic = combine(cfg.deterministic_weights, analysis.features)
        judge = self.judge_probability(sentence, passages) if self.uses_judge else None
        if judge is None:
            score, threshold = deterministic, cfg.deterministic_threshold
        else:
            score, threshold = cfg.judged_score(analysis.features, judge), cfg.judged_threshold
        return SupportResult(
            score=score,
            supported=score >= threshold,
            deterministic=deterministic,
            judge=judge,
            unbacked=analysis.unbacked,
            features=analysis.features,
            backing=backing_spans(analysis.facts, evidence),
        )
