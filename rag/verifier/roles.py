"""Two names that trade places around the same words: "The exiting governor Pierluisi appointed
Rosselló as secretary of state" where the passage has "The exiting governor Rosselló appointed
Pierluisi as secretary of state".

Every name and word of such a claim is in the passage sentence, in the same window, so the overlap
and the alignment (:mod:`rag.verifier.alignment`) pass it; only who did what to whom is false. The
words between the two names must be the passage's own, word for word, with the names the other way
round, and nowhere in the passages the claim's way: a paraphrase ("Pierluisi was appointed by
Rosselló") has other words between them and is left alone, and so are names joined only by words
that relate them both ways ("Warren and Sanders", "talks between Russia and Turkey").

Measured on edits of real news (``python -m evals.edits``): of 566 Wikinews sentences with two names
swapped, the checks caught 21 before this one and 299 with it; most of the rest are swaps with other
words between the names, or of a name with an ordinary word ("Trump": "trump" is in the dictionary).
"""

from __future__ import annotations

from rag.text.words import SUPPORT_STOPWORDS, wordset
from rag.verifier.facts import Facts, name_mentions
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, tokenize

BOTH_WAYS = wordset("and or with between versus vs met meet meets meeting talks against")
"""Words that relate two names the same way in either order."""
MAX_BETWEEN = 25
"""The most words between the two names: further apart they are two facts, not one relation."""


def swapped_roles(facts: Facts, evidence: Evidence) -> list[str]:
    """``["roles: Pierluisi, Rosselló"]`` when a passage sentence has the claim's words between its two
    names with the names the other way round, and none has them the claim's way."""
    tokens = facts.tokens
    mentions = name_mentions(facts)
    for k, (_, end_a, a) in enumerate(mentions):
        for start_b, _, b in mentions[k + 1 :]:
            between = [t.norm for t in tokens[end_a + 1 : start_b]]
            if a == b or not between or len(between) > MAX_BETWEEN:
                continue
            if all(word in BOTH_WAYS or word in SUPPORT_STOPWORDS for word in between):
                continue
            if _told(evidence, b, a, between) and not _told(evidence, a, b, between):
                return [f"roles: {a}, {b}"]
    return []


def _told(evidence: Evidence, first: str, second: str, between: list[str]) -> bool:
    """Does a passage sentence write ``first``, then exactly the words ``between``, then ``second``?"""
    head = [t.text for t in tokenize(first)]
    tail = [t.text for t in tokenize(second)]
    return any(_in_sentence(sentence, head, between, tail) for sentence in evidence.sentences)


def _in_sentence(sentence: list[Token], head: list[str], between: list[str], tail: list[str]) -> bool:
    texts = [t.text for t in sentence]
    norms = [t.norm for t in sentence]
    size = len(head) + len(between) + len(tail)
    for i in range(len(sentence) - size + 1):
        j = i + len(head)
        k = j + len(between)
        if texts[i:j] == head and norms[j:k] == between and texts[k : k + len(tail)] == tail:
            return True
    return False
