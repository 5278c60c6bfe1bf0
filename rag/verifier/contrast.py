"""Lists merged across a contrast: names the passage sets against each other, joined in the claim.

"Iran, Russia, and Turkey were staunch supporters of President Bashar Al Assad" where the passage
says "Iran and Russia have been staunch supporters of President Bashar Al Assad, while Turkey has
called for the ouster of his regime": every name and word is in one passage sentence, so the overlap
and the alignment (:mod:`rag.verifier.alignment`) pass it. Small models often fold the other side
of a "while" or "but" into a list. Found among the unsupported sentences the scorer passed on the
hand-labelled answer sentences (``rag eval --suite sentences``).

Only names the claim lists together ("A, B and C") and the name it opens with are compared: a claim
may well name someone from the other clause in another role ("Turkey called for the ouster of Assad,
whom Iran backs"), but who it is about must be where its relation is: "the Islamic State group has
retained control of the airport" fails where the passage gives IS the city "but" the government the
airport.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.verifier.facts import Facts
from rag.verifier.lexicon import CLAUSE_JOINERS
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, tokenize

MATCH = 0.5
"""Share of the claim's content words a passage sentence must hold to be taken as stating it."""


def merged_across_contrast(claim: str, facts: Facts, evidence: Evidence) -> list[str]:
    """``["contrast: Turkey"]`` when the claim lists a name with others that the passage sentence
    stating the claim puts on the other side of a "while" or "but"."""
    tokens = facts.tokens
    if any(t.norm in CLAUSE_JOINERS for t in tokens):
        return []
    lists = _lists(claim)
    subject = _subject(facts)
    if not lists and subject is None:
        return []
    names = {name for group in lists for name in group} | set(facts.names)
    stems = set(content_stems(tokens))
    relation = stems - set(content_stems(tokenize(" ".join(names))))
    if not relation:
        return []
    best, carriers = evidence.best_sentences(stems)
    if best < MATCH:
        return []
    clauses = _clauses(evidence.sentences[carriers[0]])
    if len(clauses) < 2:
        return []
    main = max(clauses, key=lambda clause: len(relation & set(content_stems(clause))))
    others = [clause for clause in clauses if clause is not main]
    problems = []
    for group in lists:
        if not any(_holds(main, name) for name in group):
            continue  # no name of the list is where the claim's relation is
        problems.extend(
            f"contrast: {name}"
            for name in group
            if not _holds(main, name) and any(_holds(clause, name) for clause in others)
        )
    if subject and not _holds(main, subject) and any(_holds(clause, subject) for clause in others):
        problems.append(f"contrast: {subject}")
    return list(dict.fromkeys(problems))


def _subject(facts: Facts) -> str | None:
    """The name the claim opens with (after "The", or past an opening "According to X,"), taken as
    who it is about: "the Islamic State group has retained control of the airport" where the passage
    says "Islamic State has held most of Deir al-Zor ..., but the government has retained control of
    the airport". None when the claim does not open with a name."""
    tokens = facts.tokens
    start = 0
    if len(tokens) > 2 and [t.norm for t in tokens[:2]] == ["according", "to"]:
        start = next((k for k, t in enumerate(tokens) if k > 2 and t.clause_initial), len(tokens))
    if start < len(tokens) and tokens[start].norm == "the":
        start += 1
    opening = [t.norm for t in tokens[start:]]
    for name in facts.names:
        words = [t.norm for t in tokenize(name)]
        if words and opening[: len(words)] == words:
            return name
    return None


_CAPS = r"[A-Z][\w'-]*(?:\s+(?:al-|of\s+)?[A-Z][\w'-]*)*"
_LIST = re.compile(rf"{_CAPS}(?:\s*,\s*{_CAPS})*\s*,?\s+(?:and|or)\s+{_CAPS}")
_SEPARATORS = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")


def _lists(claim: str) -> list[list[str]]:
    """Names the claim writes as one list ("Iran, Russia, and Turkey"), each list in order."""
    groups = []
    for match in _LIST.finditer(claim):
        items = [item.strip() for item in _SEPARATORS.split(match.group(0)) if item.strip()]
        if len(items) > 1:
            groups.append(items)
    return groups


def _clauses(sentence: Sequence[Token]) -> list[list[Token]]:
    """The sentence cut before each "while", "but" and the like. One set off by commas is an aside:
    "Barr and Ross, however, refused to hand over the documents" is one clause (a shortened Wikinews
    sentence, "Barr and Ross refused ...", failed as merged across a contrast)."""
    clauses: list[list[Token]] = [[]]
    for k, token in enumerate(sentence):
        aside = k + 1 < len(sentence) and sentence[k + 1].clause_initial
        if token.norm in CLAUSE_JOINERS and clauses[-1] and not aside:
            clauses.append([])
        clauses[-1].append(token)
    return clauses


def _holds(clause: Sequence[Token], name: str) -> bool:
    words = [t.norm for t in tokenize(name)]
    norms = [t.norm for t in clause]
    return bool(words) and any(norms[i : i + len(words)] == words for i in range(len(norms) - len(words) + 1))
