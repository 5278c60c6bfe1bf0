"""The question's own description of what it asks about, restated in an answer.

"Which company ran the tourist bus that overturned in eastern Cuba on its way to the capital?" is
answered "Viazul ran the tourist bus that overturned in eastern Cuba on its way to the capital."
The story says "A bus operated by Viazul ... crashed" in its first sentence and "The bus overturned
in wet conditions" three sentences on, so no stretch of it states the whole sentence and the
alignment (:mod:`rag.verifier.alignment`) refused a right answer. The description ("that overturned
in eastern Cuba ...") is the reader's: it says which bus is meant, and news tells the event first
and its details after. So when a sentence fails and copies such a description from the question
word for word, the sentence without it ("Viazul ran the tourist bus.") is checked as any claim, and
the passage that backs it must tell the story described: the description's names, numbers and dates
in its title or lead (which say what the story is) or in the backing stretch, and one of its other
words anywhere in it. The description identifies the story; it is not the answer.

Only a description after a noun with its determiner is read so (:mod:`rag.described`: "the man
charged with murder over ...", "the fire in the Stavanger airport car park", "the bus that
overturned ..."): the question's own relation ("Who runs the Syrian Observatory?") is the answer's and stays checked in its stretch,
and a sentence without a fact of its own (a number, date or name the question does not give) is
never checked this way.

Measured on the 132 Wikinews questions (``python -m evals.wikinews --answers``): two right replies
refused before are shown (wn-049, wn-092), no other outcome changed; the golden, injection and
labelled-sentence figures are unchanged (``evals/results_wikinews.md``). A first form read any verb
after a noun as a description and passed held-out labelled sq109.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.described import descriptions
from rag.verifier.facts import Facts, extract_facts
from rag.verifier.numbers import number_backed
from rag.verifier.passages import Evidence
from rag.verifier.tokens import content_stems, tokenize

MIN_COPIED = 3
"""Words a description must copy from the question, in order, to be read as the question's."""
LEAD = 2
"""Opening sentences of a passage that say what its story is: its title and date line, and its lead."""


@dataclass(frozen=True)
class Restated:
    """A sentence split into the question's description and the rest."""

    rest: str
    """The sentence without the description ("Viazul ran the tourist bus.")."""
    described: str
    """The description as the sentence words it ("that overturned in eastern Cuba ...")."""


def restated(question: str, sentence: str) -> Restated | None:
    """The longest description of ``question`` that ``sentence`` copies after the same noun, or None."""
    tokens = tokenize(sentence)
    best: tuple[int, int] | None = None  # token range of the copied description
    for head, words in descriptions(question):
        for k in range(1, len(tokens)):
            if tokens[k - 1].norm != head:
                continue
            n = 0
            while n < len(words) and k + n < len(tokens) and tokens[k + n].norm == words[n]:
                n += 1
            if n >= MIN_COPIED and (best is None or n > best[1] - best[0]):
                best = (k, k + n)
    if best is None:
        return None
    first, last = tokens[best[0]], tokens[best[1] - 1]
    start, end = first.start, last.start + len(last.text)
    described = sentence[start:end]
    if not content_stems(tokenize(described)):
        return None
    rest = sentence[:start].rstrip() + sentence[end:]
    return Restated(rest=rest, described=described)


def own_facts(facts: Facts, question: str) -> bool:
    """Does the sentence state a number, date or name that ``question`` does not give?"""
    asked = extract_facts(question)
    return bool(
        {v for v, _ in facts.numbers} - {v for v, _ in asked.numbers}
        or {v for v, _ in facts.dates} - {v for v, _ in asked.dates}
        or {n.lower() for n in facts.names} - {n.lower() for n in asked.names}
    )


def story_backs(described: str, told: Evidence, story: Evidence) -> bool:
    """Does the passage tell the story ``described``? Its names, numbers and dates must be in
    ``told`` (the passage's title and lead, which say what the story is, and the stretch backing
    the answer) and one of its other words in ``story`` (the whole passage)."""
    facts = extract_facts(described)
    if not (
        all(number_backed(value, told.numbers) for value, _ in facts.numbers)
        and all(told.backs_date(value) for value, _ in facts.dates)
        and all(told.backs_name(name) for name in facts.names)
    ):
        return False
    named = set(content_stems(tokenize(" ".join(facts.names))))
    words = [s for s in content_stems(facts.tokens) if s not in named]
    return not words or any(s in story.stems for s in words)
