"""TEMPORARY: the names evals/ imports, until its imports point at :mod:`rag.verifier` (then delete)."""

from rag.text.sentences import claim_sentences as split_sentences
from rag.verifier.combination import FEATURES, JUDGE_FEATURE, combine, logit
from rag.verifier.config import SupportConfig
from rag.verifier.facts import needs_support
from rag.verifier.scorer import SupportResult, SupportScorer
from rag.verifier.tokens import split_claims

__all__ = [
    "FEATURES",
    "JUDGE_FEATURE",
    "SupportConfig",
    "SupportResult",
    "SupportScorer",
    "combine",
    "logit",
    "needs_support",
    "split_claims",
    "split_sentences",
]
