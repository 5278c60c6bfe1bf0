"""A body related to itself: "The leader of the Islamic State group is ISIS", "The Syrian Observatory
for Human Rights is run by the Syrian Observatory for Human Rights (SOHR)".

A small model asked who leads or runs something it cannot find often names the thing itself, in
another spelling. Every name of such a sentence is in the passage, and so are its words, so the
overlap and the alignment pass it; yet it says nothing, and shown as an answer it misleads. Found
among the unsupported sentences the scorer passed on the hand-labelled answer sentences (un08) and
in the injection suite's answers (q08, "... is run by the Syrian Observatory for Human Rights").

Two mentions are one body when they are written the same, are aliases (:data:`rag.verifier.passages.ALIASES`), or one is
the initials of the other ("SOHR"). They relate the body to itself when a role word lies between
them ("is run by", "is headed by"), or a role noun comes before the first and a copula between them
("The leader of X is Y"). "X (SOHR)", "X, also known as Y" and "X, formerly Y" name, not relate.

The other way round, one body listed as two: "The jihadist groups Jabhat Fateh al-Sham and al-Nusra
Front are not covered by the ceasefire" where the passage says "Jabhat Fateh al-Sham, which was known
as al-Nusra Front until ..." (labelled sa05: the truce's other exclusion is IS). Renamed groups,
parties and companies are common in news; the passage says so in a few set phrases (:data:`RENAMED`).
"""

from __future__ import annotations

import re

from rag.text.words import COPULAS, name_words, norm_word, wordset
from rag.verifier.facts import Facts, name_mentions
from rag.verifier.lexicon import NAME_CONNECTORS
from rag.verifier.passages import Evidence, alias_group

ROLE_WORDS = wordset(
    "run runs ran led leads head heads headed founded founds controlled controls commanded commands "
    "owned owns chaired chairs"
)
"""Verbs that relate a body to whoever runs it."""
ROLE_NOUNS = wordset("leader head founder chief commander owner chairman chair director spokesman")
"""Nouns of such a role: "The leader of X is Y"."""
ROLE_GAP = 4
"""How many words before the second mention its relation to the first is read from: "X is run by
the Y", "X is Y". A role verb further back relates other things ("Iraqi refugees ... who fled
Islamic State controlled areas ... near the Iraqi border", a caption of the bundled corpus)."""
VERB_REACH = 2
"""The most words from the first name to the role verb or copula: "X is run by", "X, headed by"."""
NAMING = re.compile(r"^\s*(?:\(|,\s*(?:also\s+)?(?:known|called|formerly|or)\b|\bor\b)", re.IGNORECASE)
"""What between two mentions names the same body instead of relating it: "X (SOHR)", "X, also known as Y"."""


def related_to_itself(facts: Facts) -> list[str]:
    """``["itself: ISIS"]`` when the claim relates a body to another mention of itself."""
    tokens = facts.tokens
    mentions = [m for m in name_mentions(facts) if m[2] != "I"]  # the pronoun, not a name
    for i, (start_a, end_a, a) in enumerate(mentions):
        for start_b, _end_b, b in mentions[i + 1 :]:
            if start_b <= end_a or not _same_body(a, b):
                continue
            if NAMING.match(_gap(facts, end_a, start_b)):
                continue
            window = range(max(end_a + 1, start_b - ROLE_GAP), start_b)
            verb = next((k for k in window if tokens[k].norm in ROLE_WORDS | COPULAS), None)
            if verb is None or not _follows(mentions, end_a, verb):
                continue
            between = {tokens[k].norm for k in window}
            before = {t.norm for t in tokens[max(0, start_a - 3) : start_a]}
            if between & ROLE_WORDS or (before & ROLE_NOUNS and between & COPULAS):
                return [f"itself: {b}"]
    return []


def _follows(mentions: list[tuple[int, int, str]], end: int, verb: int) -> bool:
    """Is the name ending at ``end`` (with the names joined to it: "Observatory for Human Rights")
    the last one before ``verb``, at most :data:`VERB_REACH` words before it? "Montana run by the
    U.S." relates Montana, not the "American bison" named earlier."""
    for start, stop, _ in mentions:
        if end < start <= end + 2 and stop < verb:
            end = stop
    last = max((stop for _, stop, _ in mentions if stop < verb), default=-1)
    return last == end and verb - end <= VERB_REACH


def _gap(facts: Facts, end: int, start: int) -> str:
    """The text between the token ``end`` and the token ``start``."""
    before, after = facts.tokens[end], facts.tokens[start]
    return facts.text[before.start + len(before.text) : after.start]


def _same_body(a: str, b: str) -> bool:
    x, y = norm_word(a), norm_word(b)
    if x == y:
        return True
    if y in alias_group(x):
        return True
    return _initials(a) == y.replace(".", "") or _initials(b) == x.replace(".", "")


def _initials(name: str) -> str:
    """ "Syrian Observatory for Human Rights" -> "sohr" (connectors and "for", "and", "the" left out)."""
    words = [w for w in name_words(name) if w not in NAME_CONNECTORS]
    words = [w for w in words if w not in {"for", "and", "the", "of"}]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


RENAMED = re.compile(
    r"^,?\s*(?:(?:which|who|that)\s+(?:was|were|had\s+been)\s+(?:formerly\s+|previously\s+)?(?:known|called)\s+as"
    r"|(?:which|that)\s+changed\s+its\s+name\s+from|\(?\s*(?:formerly|previously)(?:\s+known\s+as|\s+called)?)\s+$",
    re.IGNORECASE,
)
"""What between two names of a passage says they are one body under its new and its old name."""
LISTED = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)$")
"""What between two names of a claim lists them as two."""


def listed_twice(facts: Facts, evidence: Evidence) -> list[str]:
    """``["one body: al-Nusra Front"]`` when the claim lists as two what the passage says is one body
    under a new and an old name."""
    listed = [(a, b) for a, b in _neighbours(facts) if LISTED.match(b[2])]
    if not listed:
        return []
    renamed = [(a[3], b[3]) for a, b in _neighbours(evidence.facts) if RENAMED.match(b[2])]
    for (_, _, _, first), (_, _, _, second) in listed:
        for new, old in renamed:
            if {_key(first), _key(second)} == {_key(new), _key(old)}:
                return [f"one body: {second}"]
    return []


def _neighbours(facts: Facts) -> list[tuple[tuple[int, int, str, str], tuple[int, int, str, str]]]:
    """Consecutive name mentions as (start, end, text before it since the previous one, name)."""
    spans = name_mentions(facts)
    return [
        ((s1, e1, "", n1), (s2, e2, _gap(facts, e1, s2), n2))
        for (s1, e1, n1), (s2, e2, n2) in zip(spans, spans[1:], strict=False)
        if s2 > e1
    ]


def _key(name: str) -> str:
    return norm_word(name).replace("-", " ")
