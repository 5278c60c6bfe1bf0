"""The optional model judge: its prompt, and the passage window it is shown."""

from __future__ import annotations

from rag.text.sentences import claim_sentences
from rag.tokens import count_tokens, encoding
from rag.verifier.tokens import content_stems, tokenize

JUDGE_SYSTEM = "You check facts. Answer with one word: Yes or No."
JUDGE_QUESTION = "Is the claim supported by the passage? Answer Yes or No."


def best_window(claim: str, passage: str, max_tokens: int) -> str:
    """The run of whole sentences within ``max_tokens`` that shares most content words with the claim.

    Only used for passages over budget, so the usual case keeps the whole passage (and its cached prefix).
    """
    if count_tokens(passage) <= max_tokens:
        return passage
    sentences = claim_sentences(passage)
    lengths = [count_tokens(s) + 1 for s in sentences]
    wanted = set(content_stems(tokenize(claim)))
    hits = [len(wanted & set(content_stems(tokenize(s)))) for s in sentences]
    best, best_span = -1, (0, 1)
    for lo in range(len(sentences)):
        total, gain, hi = 0, 0, lo
        while hi < len(sentences) and total + lengths[hi] <= max_tokens:
            total += lengths[hi]
            gain += hits[hi]
            hi += 1
        if hi == lo:  # one sentence alone is over budget: keep it, cut below
            hi, gain = lo + 1, hits[lo]
        if gain > best:
            best, best_span = gain, (lo, hi)
    text = " ".join(sentences[best_span[0] : best_span[1]])
    if count_tokens(text) > max_tokens:
        text = encoding().decode(encoding().encode(text, disallowed_special=())[:max_tokens])
    return text


def judge_messages(claim: str, passage: str) -> list[dict[str, str]]:
    """Passage first, question last: claims about the same passage share the longest possible prefix."""
    return [
        {"role": "system", "content": JUDGE_SYSTEM},
        {"role": "user", "content": f"Passage:\n{passage}\n\nClaim: {claim}\n\n{JUDGE_QUESTION}"},
    ]
