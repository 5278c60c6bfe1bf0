"""The support scorer's verdicts on the labelled draft sentences, and how far they agree.

Each labelled reply's sentences go through the engine's verification
(:func:`rag.reply_check.verify_reply`, which :func:`rag.reply_check.check_reply` calls): each sentence
against the passages it cites, and a reply that only names its answer or gives a bare day or figure
checked as the question it completes, with the scorer the engine builds from the current settings and
``evals/support_config.toml``. The engine's later steps (headers the model copied, the sources'
disagreements, the relevance refusal) are not part of these figures.
A sentence is *flagged* when the verifier checks it and no source backs it (``supported=False``);
a sentence it does not check (:func:`rag.verifier.facts.needs_support` says it states nothing, and it
is no bare answer) is shown as it is, so it counts as accepted.

The positive class is ``unsupported``: precision is the share of flagged sentences that a reader
finds unsupported, recall the share of unsupported sentences the scorer flags. Sentences labelled
``no_claim`` are left out of the sentence figures. An answer is *hallucinated* when a labelled
sentence of it is unsupported, and *flagged* when the scorer flags any of its sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from evals.sentences.data import AnswerRecord
from rag.citations import parse_answer
from rag.evidence import passage_ranges, source_documents
from rag.reply_check import verify_reply
from rag.verifier.checked_stream import MemoScorer
from rag.verifier.verify import Scorer

Verdict = str
"""``supported`` (backed), ``unsupported`` (flagged) or ``unchecked`` (states nothing to the verifier)."""


@dataclass
class ScoredSentence:
    answer_id: str
    index: int
    text: str
    label: str
    verdict: Verdict
    support: float | None
    note: str = ""

    @property
    def flagged(self) -> bool:
        return self.verdict == "unsupported"


@dataclass
class Confusion:
    """Counts with ``unsupported`` (sentences) or ``hallucinated`` (answers) as the positive class."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def add(self, positive: bool, flagged: bool) -> None:
        if positive and flagged:
            self.true_positive += 1
        elif flagged:
            self.false_positive += 1
        elif positive:
            self.false_negative += 1
        else:
            self.true_negative += 1

    @property
    def total(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def precision(self) -> float | None:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        positive = self.true_positive + self.false_negative
        return self.true_positive / positive if positive else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    @property
    def specificity(self) -> float | None:
        negative = self.true_negative + self.false_positive
        return self.true_negative / negative if negative else None

    @property
    def balanced_accuracy(self) -> float | None:
        r, s = self.recall, self.specificity
        return None if r is None or s is None else (r + s) / 2

    @property
    def accept_rate(self) -> float | None:
        """Share of items the scorer lets through (does not flag)."""
        return (self.true_negative + self.false_negative) / self.total if self.total else None


@dataclass
class SentenceScores:
    sentences: list[ScoredSentence] = field(default_factory=list)
    claims: Confusion = field(default_factory=Confusion)
    answers: Confusion = field(default_factory=Confusion)
    no_claim: int = 0
    no_claim_flagged: int = 0
    unchecked_claims: int = 0
    """Sentences labelled with a claim that the verifier did not check (needs_support said no)."""

    @property
    def disagreements(self) -> list[ScoredSentence]:
        return [
            s for s in self.sentences if s.label != "no_claim" and (s.label == "unsupported") != s.flagged
        ]

    def figures(self) -> dict[str, float | None]:
        claims, answers = self.claims, self.answers
        return {
            "unsupported_precision": claims.precision,
            "unsupported_recall": claims.recall,
            "unsupported_f1": claims.f1,
            "balanced_accuracy": claims.balanced_accuracy,
            "accept_rate": claims.accept_rate,
            "labelled_supported_rate": (
                (claims.true_negative + claims.false_positive) / claims.total if claims.total else None
            ),
            "hallucinated_precision": answers.precision,
            "hallucinated_recall": answers.recall,
            "hallucinated_f1": answers.f1,
        }

    def counts(self) -> dict[str, int]:
        claims, answers = self.claims, self.answers
        return {
            "sentences": len(self.sentences),
            "claims": claims.total,
            "unsupported_claims": claims.true_positive + claims.false_negative,
            "flagged_claims": claims.true_positive + claims.false_positive,
            "no_claim": self.no_claim,
            "no_claim_flagged": self.no_claim_flagged,
            "unchecked_claims": self.unchecked_claims,
            "answers": answers.total,
            "hallucinated_answers": answers.true_positive + answers.false_negative,
            "flagged_answers": answers.true_positive + answers.false_positive,
        }

    def to_dict(self) -> dict:
        return {
            "figures": self.figures(),
            "counts": self.counts(),
            "sentence_confusion": asdict(self.claims),
            "answer_confusion": asdict(self.answers),
            "disagreements": [asdict(s) for s in self.disagreements],
        }


def verdicts(record: AnswerRecord, scorer: Scorer) -> list[tuple[Verdict, float | None]]:
    """The engine's verdict on each draft sentence of the record's reply, in order."""
    if record.raw is None:
        return []
    sources = record.rebuilt_sources()
    drafts = parse_answer(record.raw, len(sources))
    texts = [d.plain for d in drafts]
    labelled = [s.text for s in record.sentences]
    if texts != labelled:
        raise ValueError(
            f"{record.id}: the reply splits into {texts!r}, not the labelled sentences {labelled!r}; "
            "the sentence splitter changed since the labels were made"
        )
    evidence = source_documents(sources)
    shown = passage_ranges(sources)
    verify_reply(record.question, drafts, evidence, scorer, shown)
    out: list[tuple[Verdict, float | None]] = []
    for draft in drafts:
        if draft.support is None:  # states nothing to check, and is no bare answer checked as one
            out.append(("unchecked", None))
        else:
            out.append(("supported" if draft.supported else "unsupported", draft.support))
    return out


def score_records(records: Sequence[AnswerRecord], make_scorer) -> SentenceScores:
    """Score every labelled sentence; ``make_scorer(question)`` gives a fresh scorer per answer, for
    its question, as the engine does."""
    scored: list[ScoredSentence] = []
    for record in records:
        if not record.sentences:
            continue
        found = verdicts(record, MemoScorer(make_scorer(record.question)))
        for index, (sentence, (verdict, support)) in enumerate(zip(record.sentences, found, strict=True)):
            if sentence.label is None:
                raise ValueError(f"{record.id}: sentence {sentence.text!r} is not labelled")
            scored.append(
                ScoredSentence(
                    record.id, index, sentence.text, sentence.label, verdict, support, sentence.note
                )
            )
    return summarise(scored)


def summarise(sentences: Sequence[ScoredSentence]) -> SentenceScores:
    """The sentence and answer confusion counts of already scored sentences."""
    result = SentenceScores(sentences=list(sentences))
    by_answer: dict[str, list[ScoredSentence]] = {}
    for scored in sentences:
        by_answer.setdefault(scored.answer_id, []).append(scored)
        if scored.label == "no_claim":
            result.no_claim += 1
            result.no_claim_flagged += scored.flagged
            continue
        result.unchecked_claims += scored.verdict == "unchecked"
        result.claims.add(scored.label == "unsupported", scored.flagged)
    for members in by_answer.values():
        hallucinated = any(s.label == "unsupported" for s in members)
        result.answers.add(hallucinated, any(s.flagged for s in members))
    return result
