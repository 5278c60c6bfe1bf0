"""A sentence that lists names gathered from several sources, read one name at a time.

Asked "In which two Syrian provinces did the archive report fighting between IS and government
forces?", the model answered "The archive reported fighting between IS and government forces in two
Syrian provinces: Homs and Deir Ezzor." (golden ma02): right, and refused, because one source reports
the fighting in Homs and another the fighting in Deir al-Zor, and a sentence is backed only where one
stretch of one passage states all its names (:mod:`rag.verifier.alignment`). Read as a list, it says
the same of each name: "... fighting ... in Syrian provinces: Homs." and "... in Syrian provinces:
Deir Ezzor.", each of which one source backs.

So a sentence that several passages do not back together is backed when each of its variants, one
per listed name, is backed by one of them that names none of the list's other names
(:meth:`rag.verifier.scorer.SupportScorer.score`; :func:`rag.verifier.verify.verify` cites each).
A passage that names them all and does not back the sentence relates them otherwise: "Iran, Russia,
and Turkey were staunch supporters of President Bashar Al Assad" (labelled unsupported: the passage
has Turkey back the rebels) is not read one name at a time, nor is "Homs and Badia" given as two
provinces where one passage names the province of Homs and the Badia desert (labelled sentences
``sq18``, ``ma02``). Everything else in the sentence is checked with every name, and in the same way
as any sentence: only the list is split.

A number in front of the list that counts it ("two provinces: A and B") is the sentence's own count
and is left out of the variants; no source needs to say "two". A pair after "between" ("fighting
between IS and government forces") is one relation, not a list, and is never split.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text.numbers import NUMBER_WORDS
from rag.verifier.facts import extract_facts, name_mentions
from rag.verifier.tokens import Token

Mention = tuple[int, int, str]
"""A name as written in the claim: (first token, last token, name)."""

JOINER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|(?:and|or)\s+)", re.IGNORECASE)
"""What stands between two listed names: a comma, "and" or "or", or ", and" (the serial comma)."""
PAIRING = frozenset({"between", "both"})
"""Words before a pair that make it one relation ("talks between Russia and Turkey")."""


def list_variants(claim: str) -> list[tuple[str, str]]:
    """(sentence, name) for each name of the claim's first list of names (two or more): the claim
    with the list's other names and a number counting it left out; ``[]`` when it lists no names."""
    facts = extract_facts(claim)
    tokens = facts.tokens
    mentions = _at_commas(claim, tokens, _longest(name_mentions(facts)))
    runs: list[list[Mention]] = []
    for mention in mentions:
        if runs and _joined(claim, tokens, runs[-1][-1][1], mention[0]):
            runs[-1].append(mention)
        else:
            runs.append([mention])
    found = next((run for run in runs if _listing(claim, tokens, run)), None)
    if found is None:
        return []
    first, last = found[0][0], found[-1][1]
    start = tokens[first].start
    end = tokens[last].start + len(tokens[last].text)
    head = _without_count(claim[:start], tokens, first, len(found))
    names = [claim[tokens[i].start : tokens[j].start + len(tokens[j].text)] for i, j, _ in found]
    return [(head + name + claim[end:], name) for name in names]


def _longest(mentions: list[Mention]) -> list[Mention]:
    """Mentions that no longer mention covers ("Deir Ezzor", not also "Ezzor")."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m[0], -(m[1] - m[0]))):
        if kept and mention[0] <= kept[-1][1]:
            continue
        kept.append(mention)
    return kept


def _at_commas(claim: str, tokens: Sequence[Token], mentions: list[Mention]) -> list[Mention]:
    """Mentions cut where a comma stands inside them: names are read across commas ("Turkey, Russia
    and Iran" holds the name "Turkey Russia"), a list is not."""
    out = []
    for first, last, name in mentions:
        start = first
        for k in range(first, last):
            if "," in claim[tokens[k].start + len(tokens[k].text) : tokens[k + 1].start]:
                out.append((start, k, name))
                start = k + 1
        out.append((start, last, name))
    return out


def _joined(claim: str, tokens: Sequence[Token], left_end: int, right_start: int) -> bool:
    """Is the text between two mentions only a list joiner?"""
    if right_start != left_end + 1 and not (
        right_start == left_end + 2 and tokens[left_end + 1].norm in ("and", "or")
    ):
        return False
    gap = claim[tokens[left_end].start + len(tokens[left_end].text) : tokens[right_start].start]
    return bool(JOINER.fullmatch(gap))


def _listing(claim: str, tokens: Sequence[Token], run: list[Mention]) -> bool:
    """Is a run of joined names a list: two names or more, an "and" or "or" among its joiners
    ("Homs, Syria" is a place and its country), and no "between" before it?"""
    if len(run) < 2 or (run[0][0] > 0 and tokens[run[0][0] - 1].norm in PAIRING):
        return False
    joiners = " ".join(
        claim[tokens[a[1]].start + len(tokens[a[1]].text) : tokens[b[0]].start]
        for a, b in zip(run, run[1:], strict=False)
    )
    return bool(re.search(r"\b(?:and|or)\b", joiners, re.IGNORECASE))


COUNT_REACH = 4
"""Words at most between a count and the list it counts ("two Syrian provinces: ...")."""
INTRODUCERS = re.compile(r"(?::|\b(?:are|were|is|was|namely))\s*$", re.IGNORECASE)
"""What ends the words between a count and its list: "two provinces: A and B", "the three countries
were A, B and C". Without it the number counts something else ("Two people were killed in A and B")."""


def _without_count(head: str, tokens: Sequence[Token], first: int, size: int) -> str:
    """``head`` (the claim before the list) with the number that counts the list left out: one equal
    to the list's length, at most :data:`COUNT_REACH` words before it, the list introduced by a
    colon or a copula."""
    for k in range(first - 1, max(-1, first - 2 - COUNT_REACH), -1):
        token = tokens[k]
        value = NUMBER_WORDS.get(token.norm, int(token.norm) if token.norm.isdigit() else None)
        if value is None:
            continue
        if value == size and INTRODUCERS.search(head[token.start + len(token.text) :]):
            return head[: token.start] + head[token.start + len(token.text) :].lstrip()
        break
    return head
