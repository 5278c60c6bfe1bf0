"""Metric components of ``rag eval``: each scores one answer and returns a typed result."""

from evals.metrics.citations import CitationQuality, CitationResult
from evals.metrics.correctness import AnswerCorrectness, CorrectnessResult, fact_present, normalize
from evals.metrics.faithfulness import Faithfulness, FaithfulnessResult
from evals.metrics.refusal import RefusalAccuracy, RefusalOutcome, RefusalResult, looks_like_refusal
from evals.metrics.retrieval import RetrievalMetric, RetrievalScore

__all__ = [
    "AnswerCorrectness",
    "CitationQuality",
    "CitationResult",
    "CorrectnessResult",
    "Faithfulness",
    "FaithfulnessResult",
    "RefusalAccuracy",
    "RefusalOutcome",
    "RefusalResult",
    "RetrievalMetric",
    "RetrievalScore",
    "fact_present",
    "looks_like_refusal",
    "normalize",
]
