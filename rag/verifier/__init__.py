"""The answer verifier: whether the passages a sentence cites back it, and which of their words do.

:mod:`~rag.verifier.scorer` scores one claim against passages (the method is described there),
from the word lists (:mod:`~rag.verifier.lexicon`), tokens and sentences (:mod:`~rag.verifier.tokens`),
facts (:mod:`~rag.verifier.facts`), analysed passages (:mod:`~rag.verifier.passages`), negation and
opposites (:mod:`~rag.verifier.negation`), the features (:mod:`~rag.verifier.features`), their
combination (:mod:`~rag.verifier.combination`, :mod:`~rag.verifier.config`) and the optional model
judge (:mod:`~rag.verifier.judge`). :mod:`~rag.verifier.verify` checks a whole answer and fixes its
citations, :mod:`~rag.verifier.checked_stream` does the same sentence by sentence while the model writes.
"""
