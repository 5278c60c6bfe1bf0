"""A "Yes" to a yes/no question states the question: it is backed only when the question is.

"Did the ferry strike last two weeks?" answered "Yes, the ferry workers ended a strike on Tuesday
[1]" (the strike lasted nine days), "Is Ulf Kämpfer the mayor of Rostock?" answered "Yes, Ulf
Kämpfer is the mayor [1]" (of Kiel), "Did the bridge reopen on Monday?" answered "Yes, the bridge
reopened after a two-year repair [1]" (on Thursday): the words after "Yes" are the passage's, so
every check passed the sentence, and the "Yes", which is the answer, was shown unchecked. A reader
takes it as the archive's word that the ferry strike lasted two weeks.

So a sentence that opens with "Yes" answering a yes/no question is backed only when the question,
read as a statement ("the ferry strike last two weeks."), has its facts in the same passages: its
numbers, dates and names backed and stated together, and no passage saying it the other way (a
negation or an opposite in its place), as for any claim (:class:`rag.verifier.scorer.SupportScorer`).
Its other words are not asked for: they are the reader's wording. "Was the Fateh al-Sham Front
formerly called al-Nusra Front?" is rightly answered "Yes, the Fateh al-Sham Front was known as
al-Nusra Front until it broke off formal ties with al-Qaeda" from "which changed its name from
Al-Nusra Front" (the whole question read as a claim fails: "formerly" and "called" are not there).

Only a plain yes/no question is read so: one that opens with an auxiliary ("Did", "Is", "Has",
"Will", ...), without a negation ("Didn't ...?", "Is it not ...?": "Yes" is then either way) and
without "or" ("Did it open on Monday or Thursday?" is not answered by "Yes"). A question that
goes on to ask more ("Would the talks be face-to-face, and who would mediate?") is read up to
where the second question starts.

A "No" is left to the rest of its sentence: a denial is rarely the passage's words ("came in 6
million euros under budget" denies "went over budget"). It is the answer, not a negation of what
follows it: "No, the talks began on January 23 [1]" to "Did the talks begin on January 30?" was
refused because the passage says "beginning on January 23" without a "no". So the words after an
opening "Yes" or "No" (and its comma, dash or stop: "No one was hurt" keeps its "No") are checked
as the sentence's claim. A "No" ending with the question's own words denied ("No, the truce was
brokered by Russia and Turkey, not the United States." to "Was the truce brokered by the United
States?") repeats its "No" there: the sentence is checked without that ending, which no passage
writes, and its "not" is no negation a passage must back.

Measured (``evals/results_sentences.md``, "Yes and no"): on 24 replies written to the engine's
final check over the bundled corpus, each a "Yes" or "No" with other words than the question's,
10 of 12 false "Yes" answers were shown before and 2 after; right "Yes" answers shown 7 of 8
before and after; right "No" answers 2 of 4 before, 4 after. The default model repeats the question
after its "Yes" ("Yes, the Astana talks were held in Geneva."), so on its own answers to 24 yes/no
questions (sq111-sq134 of ``evals/data/answer_sentences.jsonl``, labelled by two readers) the "Yes"
rule changes no verdict; the whole question read as a claim refused the right sq121 above, and
the denied ending passes the right sq128.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.asked import AUXILIARIES, WH_WORDS
from rag.text.markers import CLAIM_MARKER
from rag.text.words import norm_word, wordset
from rag.verifier.facts import extract_facts
from rag.verifier.lexicon import NEGATION_WORDS

OPENERS = AUXILIARIES - wordset("be been being")
"""A question that opens with one of these asks yes or no ("Did ...", "Is ...", "Has ...")."""
YES = re.compile(r"\s*yes\b[\s,.;:!\u2014\u2013-]*", re.IGNORECASE)
"""A sentence's opening "Yes" ("Yes, ...", "Yes - ...", "Yes.")."""
NO = re.compile(r"\s*no\s*[,.;:!\u2014\u2013-][\s,.;:!\u2014\u2013-]*", re.IGNORECASE)
"""A sentence's opening "No" as an answer: with its comma, dash or stop ("No one was hurt" is no answer)."""
_DENIED = re.compile(
    r",\s*(?:and\s+|but\s+)?not\s+(?P<denied>[^,.;:!?]+?)\s*(?P<end>[.!]?)\s*$", re.IGNORECASE
)
"""A sentence's closing ", not the United States"."""
_OPENING = re.compile(r"\s*([A-Za-z]+)\s+(.+)", re.DOTALL)
_SECOND_QUESTION = re.compile(
    r"\?|[,;]?\s+(?:and|but)\s+(?=(?:" + "|".join(sorted(WH_WORDS)) + r")\b)", re.IGNORECASE
)


def statement(question: str) -> str | None:
    """The proposition a "Yes" to ``question`` states ("the ferry strike last two weeks."), or None
    when the question is no plain yes/no question (see the module's docstring)."""
    opening = _OPENING.match(CLAIM_MARKER.sub("", question))
    if opening is None or norm_word(opening.group(1)) not in OPENERS:
        return None
    asked = _SECOND_QUESTION.split(opening.group(2), maxsplit=1)[0].strip(" ,;:.")
    words = [norm_word(word.strip(",.;:")) for word in asked.split()]
    if len(words) < 2 or "or" in words or NEGATION_WORDS & set(words[:2]):
        return None
    return asked + "."


@dataclass(frozen=True)
class Reply:
    """A sentence that opens with "Yes" or "No" answering a yes/no question."""

    rest: str
    """The sentence after its "Yes" or "No": what it claims of its own ("The talks began ...")."""
    affirms: str | None
    """For a "Yes", the statement it makes of the question ("the talks begin on January 30.")."""


AFFIRMED_FACTS = ("number:", "date:", "name:", "negation:", "antonym:")
"""What a "Yes" must not leave unbacked of the question (:func:`rag.verifier.features.analyse` names them)."""
APART = "apart: "
"""The alignment's finding (:func:`rag.verifier.alignment.unaligned`): what no window states together."""


def affirmed_wrongly(asked: str, unbacked: list[str]) -> list[str]:
    """What the checks found unbacked of the question read as a claim (``asked``) that a "Yes"
    may not leave so: its numbers, dates and names, backed nowhere or not together ("Is Raqa the
    capital of the Jaish al-Islam group?" where Jaish al-Islam is named in another sentence), and
    its negations or opposites. Its other words are the reader's, and are not asked for."""
    facts = extract_facts(asked)
    written = {*facts.names, *(text for _, text in facts.numbers), *(text for _, text in facts.dates)}
    return [
        item
        for item in unbacked
        if item.startswith(AFFIRMED_FACTS)
        or (item.startswith(APART) and any(part in written for part in item[len(APART) :].split(", ")))
    ]


def read_reply(asked: str | None, claim: str) -> Reply | None:
    """``claim`` read as the answer to a yes/no question whose :func:`statement` is ``asked``, or
    None when it opens with neither word, has nothing after it, or the question asks no plain yes
    or no (``asked`` None)."""
    yes = YES.match(claim) if asked else None
    opening = (yes or NO.match(claim)) if asked else None
    rest = claim[opening.end() :].strip() if opening else ""
    if asked is None or opening is None or not any(character.isalnum() for character in rest):
        return None
    if yes is None:
        rest = _without_denial(rest, asked)
    return Reply(rest[:1].upper() + rest[1:], asked if yes else None)


def _without_denial(rest: str, asked: str) -> str:
    """``rest`` without a closing ", not X" whose words are all the question's (its "No" again)."""
    denial = _DENIED.search(rest)
    if denial is None:
        return rest
    question = {norm_word(word.strip(",.;:'")) for word in asked.split()}
    denied = {norm_word(word.strip(",.;:'")) for word in denial.group("denied").split()}
    if not denied or denied - question:
        return rest
    return rest[: denial.start()] + (denial.group("end") or ".")
