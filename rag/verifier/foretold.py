"""Foretold as done: a claim that tells in the past what its passages tell only as still to come.

A story written before an event says what will happen: "The talks, beginning on January 23 in the
Kazakh capital Astana, will assume a different approach" (AFP, 17 January 2017). Asked where the
talks were held, the model answered "The peace talks were held in the Kazakh capital Astana": every
word is the passage's, so the overlap and the alignment pass it, but no story in the archive says
they were held (hand-labelled sq108; ``evals/LABELLING.md``). An archive of news holds many such
announcements (a vote set for a date, a trial to open, a funeral to be held), and a reader who asks
after the event must not be told it happened on the word of its announcement.

A claim fails here when it states a deed in the past (a past verb other than a speech verb, with no
"will", "would" or expectation of its own), some passage sentence telling its event (half of the
claim's words) puts that very verb in the future ("will attend" for "attended", "will be held" for
"were held"), and none of those sentences tells anything in the past: a sentence that does ("The
talks were held on Monday; the next round will be in Geneva") may tell the deed in other words, and
is left to the other checks. A future governing another verb ("The talks, beginning on January 23,
are set to build on a truce") says nothing of the claim's.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.asked import is_past
from rag.text.words import COPULAS
from rag.verifier.days import dating_word
from rag.verifier.facts import Facts
from rag.verifier.hedges import expectation
from rag.verifier.lexicon import FUTURE, SPEECH_VERBS, verb_base
from rag.verifier.negation import holds_half
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems

FUTURE_REACH = 3
"""Words after a future word that it governs: "will be held", "would not be able"."""


def foretold(facts: Facts, evidence: Evidence) -> list[str]:
    """``["tense: held (the passage tells it as still to come: will)"]`` when the claim tells in
    the past what every passage sentence telling its event that has a tense tells in the future."""
    tokens = facts.tokens
    past = [t for k, t in enumerate(tokens) if _done(tokens, k)]
    verbs = {verb_base(t.norm) for t in past if t.norm not in COPULAS}
    if not verbs or any(_future(tokens, k) for k in range(len(tokens))):
        return []
    said = set(content_stems([t for t in tokens if not dating_word(t.norm)]))
    headers = set(evidence.headlines.values())
    cue = None
    for k, stems in enumerate(evidence.sentence_stems):
        if k in headers or not holds_half(said, stems):
            continue
        sentence = evidence.sentences[k]
        if any(_done(sentence, j) for j in range(len(sentence))):
            return []
        if cue is None:
            cue = next((t.text for j, t in enumerate(sentence) if _foretells(sentence, j, verbs)), None)
    if cue is None:
        return []
    verb = next((t for t in past if t.norm not in COPULAS), past[0])
    return [f"tense: {verb.text} (the passage tells it as still to come: {cue})"]


def _foretells(sentence: Sequence[Token], k: int, verbs: set[str]) -> bool:
    """Is ``sentence[k]`` a future word governing one of the claim's ``verbs``: "they *will* attend
    peace talks" for "attended", but not "are *set* to build on a truce" for "began"?"""
    reach = sentence[k + 1 : k + 1 + FUTURE_REACH]
    return _future(sentence, k) and any(verb_base(t.norm) in verbs for t in reach)


def _future(tokens: Sequence[Token], k: int) -> bool:
    """Is ``tokens[k]`` a word putting what follows in the future ("will", "expected to")?"""
    return tokens[k].norm in FUTURE or expectation(tokens, k)


def _done(tokens: Sequence[Token], k: int) -> bool:
    """Is ``tokens[k]`` a past verb telling a deed as done: not a speech verb ("said"), not a name
    ("United Nations"), not after a future word or a "to" ("will be held", "to be held")?"""
    word = tokens[k].norm
    token = tokens[k]
    if word in SPEECH_VERBS or not (token.text[:1].islower() or token.sentence_initial) or not is_past(word):
        return False
    before = tokens[max(0, k - FUTURE_REACH) : k]
    return not any(
        t.norm == "to" or _future(tokens, j) for j, t in enumerate(before, max(0, k - FUTURE_REACH))
    )
