"""A passage sentence with one word turned: an opposite in its place, or a negation added or removed.

"... continued to cool the structure before the fire was gone" where the passage says "after";
"As of Thursday, police were not investigating the conditions leading up to his death" where it says
"police were investigating"; "the Senate did." where it says "the Senate did not". Every other word
is the passage's, so the overlap and the alignment pass such a claim, and the word checks miss it:
:func:`rag.verifier.negation.check_antonyms` passes "before", "more" and "first" over as stopwords
and reads words, not places (a claim word used elsewhere in the best sentences hides its opposite),
and :func:`rag.verifier.negation.check_negation` takes any negation in the best sentence as the
claim's ("no cause of death confirmed yet" backed "police were not investigating").

Here the place decides: the words on each side of the turned word (two on each side; at an edge
of the sentence the edge counts as one and the other side gives more; three in all at least) must be
the passage's, in the passage's order, and no passage sentence may have the claim's own form there.
Measured on edits of Wikinews sentences (``python -m evals.edits``): opposites caught 104 of 237
before, 213 with this; negations 727 of 852 before, 848 with this; the articles' own sentences
quoted against their passage pass as before.

"Over", "under", "above", "below", "before" and "after" are also read from the two words after them
alone, one of them a word of its own: "Yes, the bridge repair went over budget" was shown beside "the
repair had come in 6 million euros under budget", whose words before "under" are not the claim's. On
the same edits and quotes, and on the labelled answer sentences, no verdict changed; SummEdits news
test 68.7 -> 68.8.
"""

from __future__ import annotations

from functools import lru_cache

from rag.text.words import SUPPORT_STOPWORDS
from rag.verifier.facts import Facts
from rag.verifier.negation import antonyms
from rag.verifier.passages import EDGES, Evidence, padded
from rag.verifier.tokens import stem

FUNCTION_OPPOSITES = """before:after more:fewer more:less most:fewest most:least first:last up:down above:below
over:under earlier:later largest:smallest older:younger warmer:cooler"""
"""Opposites among words the antonym check passes over as stopwords; here they count only in place."""
PREPOSED = "over:under above:below before:after"
"""Opposites read from the two words after them alone ("went over budget" where the passage says "came
in 6 million euros under budget"): the words before differ as often as a paraphrase words them."""
CONTEXT = 2
"""Words on each side of the turned word that must be the passage's own, in place."""
NEGATIONS = frozenset({"not", "no", "never"})
"""Negations added or removed as one word ("were not investigating"); "n't" is read inside its word."""


@lru_cache(maxsize=1)
def _opposites() -> dict[str, frozenset[str]]:
    table = {word: set(opposite) for word, opposite in antonyms().items()}
    for pair in FUNCTION_OPPOSITES.split():
        a, b = (stem(w) for w in pair.split(":"))
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in table.items()}


def swapped_in_place(claim: Facts, evidence: Evidence) -> list[str]:
    """``["antonym: before (...)"]`` when a passage sentence has the word's opposite in its place."""
    table = _opposites()
    norms = padded(claim.tokens)
    problems = []
    for i, word in enumerate(norms):
        opposites = table.get(stem(word)) if word not in EDGES else None
        if not opposites:
            continue
        own = frozenset({stem(word)})
        left, right = _sides(norms, i, i + 1)
        if (
            left is not None
            and _placed(evidence, left, right, opposites)
            and not _placed(evidence, left, right, own)
        ):
            problems.append(
                f"antonym: {claim.tokens[i - 1].text} (in its place the passage has its opposite)"
            )
            continue
        ahead = norms[i + 1 : i + 1 + CONTEXT]
        if (
            stem(word) in _preposed()
            and len(ahead) == CONTEXT
            and any(w not in EDGES and w not in SUPPORT_STOPWORDS for w in ahead)
            and _placed(evidence, [], ahead, opposites)
            and not _placed(evidence, [], ahead, own)
        ):
            problems.append(
                f"antonym: {claim.tokens[i - 1].text} {claim.tokens[i].text} (the passage has its opposite before it)"
            )
    return problems


@lru_cache(maxsize=1)
def _preposed() -> frozenset[str]:
    """Stems of the function words whose opposite is read from the words after them alone."""
    return frozenset(stem(w) for pair in PREPOSED.split() for w in pair.split(":"))


def negated_in_place(claim: Facts, evidence: Evidence) -> list[str]:
    """``["negation: not investigating (...)"]`` when the claim adds a negation to a passage sentence,
    or leaves out one the passage has, between the same words."""
    norms = padded(claim.tokens)
    problems = []
    for i, word in enumerate(norms):
        if word not in NEGATIONS:
            continue
        left, right = _sides(norms, i, i + 1)
        if (
            left is not None
            and _joined(evidence, left, right)
            and not _placed(evidence, left, right, NEGATIONS)
        ):
            problems.append(
                f"negation: {' '.join(w for w in norms[i : i + 2] if w not in EDGES)} "
                "(the passage says it without the negation)"
            )
    for i in range(1, len(norms)):
        left, right = _sides(norms, i, i)
        if left is None or (left and left[-1] in NEGATIONS) or (right and right[0] in NEGATIONS):
            continue
        if _placed(evidence, left, right, NEGATIONS) and not _joined(evidence, left, right):
            around = " ".join(w for w in left[-1:] + right[:1] if w not in EDGES)
            problems.append(f"negation: {around} (the passage negates it)")
            break
    return problems


def _sides(norms: list[str], start: int, end: int) -> tuple[list[str] | None, list[str]]:
    """The words before ``start`` and from ``end`` on in ``norms`` (padded with :data:`EDGES`),
    :data:`CONTEXT` each, more on one side at an edge of the sentence; None when they hold fewer than
    two words, or three with an edge."""
    left = norms[max(0, start - CONTEXT) : start]
    right = norms[end : end + CONTEXT]
    need = CONTEXT + 1
    if len(left) + len(right) < need:
        left = norms[max(0, start - (need - len(right))) : start]
        right = norms[end : end + need - len(left)]
    words = [w for w in left + right if w not in EDGES]
    if len(left) + len(right) < need or len(words) < CONTEXT:
        return None, right
    return left, right


def _placed(evidence: Evidence, left: list[str], right: list[str], stems: frozenset[str]) -> bool:
    """Does a passage sentence have a word of ``stems`` (or, for negations, the word itself) between
    ``left`` and ``right``?"""
    return any(_in_sentence(norms, left, right, stems) for norms in evidence.padded_sentences())


def _in_sentence(norms: list[str], left: list[str], right: list[str], stems: frozenset[str]) -> bool:
    for j in range(len(left), len(norms) - len(right)):
        word = norms[j]
        if (
            (word in stems or stem(word) in stems)
            and norms[j - len(left) : j] == left
            and norms[j + 1 : j + 1 + len(right)] == right
        ):
            return True
    return False


def _joined(evidence: Evidence, left: list[str], right: list[str]) -> bool:
    """Does a passage sentence write ``left`` and ``right`` with nothing between them?"""
    joined = left + right
    size = len(joined)
    return any(
        norms[j : j + size] == joined
        for norms in evidence.padded_sentences()
        for j in range(len(norms) - size + 1)
    )
