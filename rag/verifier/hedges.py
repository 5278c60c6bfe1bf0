"""Hedges dropped: a claim that states as done what its passage only expects, hopes or guesses.

"The talks were face-to-face" where the passage says they "would probably be face-to-face"; "the
High Negotiations Committee stated that it would reinforce the truce" where it "expressed hope that
the meeting would reinforce the truce". Every word and name of such a claim is in the passage, so
the overlap and the alignment pass it; only the hedge is gone. Found among the unsupported sentences
the scorer passed on the hand-labelled answer sentences (``rag eval --suite sentences``).

A claim with a hedge of its own is left alone (it may hedge differently, which the overlap judges);
a plain one fails when every passage sentence that states it best hedges the words it states, as
:func:`rag.verifier.negation.check_negation` treats a negation.

An expectation its own sentence overturns is such a hedge of the verb it expects: "The state of
emergency was expected to end on December 15, but on December 14 it was extended" does not back
"The state of emergency ended on December 15" (a Wikinews story; the day question's wrong "December
15" passed on that sentence, see :mod:`rag.verifier.days`). Labelled sentences, SummEdits and the
Wikinews edits unchanged (``evals/results_wikinews.md``, 7 December, later).

So are a condition and an aim: "*If* the Astana meetings are successful, they could augur well ..."
does not back "The Astana meetings were successful", nor "the latest *bid* to put an end to the war"
"The war in Syria ended" (:data:`rag.verifier.lexicon.AIMS`). A claim with an "if" or an aim of its
own makes the passage's condition or aim no cue, and what a claim says something is for ("to
prevent ...") is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rag.text.words import ARTICLES, wordset
from rag.verifier.facts import Facts
from rag.verifier.lexicon import AIMS, CLAUSE_JOINERS, EXPECTATIONS, FUTURE, HEDGES, OVERTURNING
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, stem

MATCH = 0.5
"""Share of the claim's content words a passage sentence must hold to be taken as stating it."""
BEFORE, AFTER = 3, 8
"""Words a hedge governs: a few before it ("would probably be"), more after it ("hope, that the
meeting would reinforce the truce"), across commas but not past "but", "while" and the like."""
AIM_REACH = 6
"""Words between an aim and the "to" it governs: "efforts by rivals Turkey and Russia to put an end"."""
AIMED_WORDS = 3
"""Words after a claim's own "to" or "will" that say what it is for or foresees: "to prevent future
Court packing", "would isolate"."""
LIGHT_VERBS = wordset("put bring make take give")
"""Verbs whose noun says the deed: "to put an end", "to bring an end", "to make peace"."""
AIM_SPAN = 1 + AIM_REACH + 3
"""Words from an aim to the end of its deed: the aim, the words before its "to", the "to", a light
verb, an article and the noun ("bid to put an end")."""


def _scope(tokens: Sequence[Token], k: int) -> list[str]:
    lo = k
    while lo > 0 and k - lo < BEFORE and tokens[lo - 1].norm not in CLAUSE_JOINERS:
        lo -= 1
    hi = k + 1
    while hi < len(tokens) and hi - k <= AFTER and tokens[hi].norm not in CLAUSE_JOINERS:
        hi += 1
    return content_stems([t for j, t in enumerate(tokens[lo:hi], lo) if j != k])


def dropped_hedges(claim: Facts, evidence: Evidence) -> list[str]:
    """``["hedge: probably"]`` when the claim states flatly what its best-matching passage sentences
    hedge, the claim whole or one of its clauses joined by ", and": in "The talks were face-to-face,
    and several rounds of UN talks have failed", the second clause's sentence matches the whole best."""
    own = _own_hedges(claim.tokens)
    if "hedge" in own:
        return []
    for clause in _clauses(claim.tokens):
        found = _dropped(clause, evidence, own)
        if found:
            return found
    return []


OwnHedge = Literal["hedge", "if", "aim"]
"""What a claim hedges of its own (:func:`_own_hedges`); a literal type, so a misspelt one is caught."""


def _own_hedges(tokens: Sequence[Token]) -> set[OwnHedge]:
    """The hedges the claim makes of its own: ``"hedge"`` for a hedge word or an expectation
    ("probably", "expected to"), which may hedge otherwise than its passage, so the check leaves the
    claim to the overlap; ``"if"`` and ``"aim"`` ("tried to") for a condition or an aim, which only
    make the passage's own condition or aim no cue: "If the talks succeed, the truce will hold" is
    still held to a passage that says it "will probably hold". An expectation word governing no verb
    hedges nothing: "set fire to the building" states a deed."""
    own: set[OwnHedge] = set()
    if any(t.norm in HEDGES or expectation(tokens, k) for k, t in enumerate(tokens)):
        own.add("hedge")
    if any(t.norm == "if" for t in tokens):
        own.add("if")
    if sought_words(tokens):
        own.add("aim")
    return own


def expectation(tokens: Sequence[Token], k: int) -> bool:
    """Is ``tokens[k]`` an expectation word governing what follows its "to" ("expected to end")?"""
    return tokens[k].norm in EXPECTATIONS and k + 1 < len(tokens) and tokens[k + 1].norm == "to"


_JOINS = frozenset({"and", "but", "while"})
"""After a comma or semicolon, words that open a clause of their own."""


def _clauses(tokens: Sequence[Token]) -> list[Sequence[Token]]:
    """The claim, then its clauses when it has more than one: split before a clause-opening
    "and", "but" or "while" (after a comma or semicolon)."""
    cuts = [k for k, t in enumerate(tokens) if k and t.clause_initial and t.norm in _JOINS]
    if not cuts:
        return [tokens]
    bounds = [0, *cuts, len(tokens)]
    return [tokens, *(tokens[a:b] for a, b in zip(bounds, bounds[1:], strict=False))]


def _dropped(tokens: Sequence[Token], evidence: Evidence, own: set[OwnHedge]) -> list[str]:
    stems = set(content_stems(tokens))
    if len(stems) < 2:
        return []
    # What the claim states as done, not what it says something is for: "set at 13 ... to prevent
    # future Court packing" states no prevention (a quote of its own Wikinews passage failed).
    done = set(content_stems([t for j, t in enumerate(tokens) if not _purpose(tokens, j)]))
    share, _ = evidence.best_sentences(stems)
    if share < MATCH:
        return []
    # The sentences stating the claim are those holding its rarer words: "the talks would
    # "probably" be face-to-face" states "the Astana talks would be held face-to-face", though
    # "The Astana talks will assume a different approach" holds as many of its words (held-out sq96).
    _, carriers = evidence.best_sentences(stems, rare_first=True)
    cues = []
    for index in carriers:
        sentence = evidence.sentences[index]
        cue = next(
            (
                t.text
                for k, t in enumerate(sentence)
                if (t.norm in HEDGES and stems & set(_scope(sentence, k)))
                or _overturned(sentence, k, stems)
                or ("if" not in own and _conditioned(sentence, k, stems))
                or ("aim" not in own and _sought(sentence, k, done))
            ),
            None,
        )
        if cue is None:
            return []
        cues.append(cue)
    return [f"hedge: {cues[0]}"] if cues else []


def _conditioned(sentence: Sequence[Token], k: int, stems: set[str]) -> bool:
    """Is ``sentence[k]`` an "if" whose condition holds the claim's words: "*If* the Astana meetings
    are successful, they could augur well for fresh negotiations" does not say they were successful.
    The condition runs to the end of its clause; a claim holding more of the rest of the sentence than
    of the condition states what follows it ("they could augur well ..."), left to the other checks."""
    if sentence[k].norm != "if":
        return False
    end = next((j for j in range(k + 1, len(sentence)) if sentence[j].clause_initial), len(sentence))
    condition = stems & set(content_stems(sentence[k + 1 : end]))
    rest = stems & set(content_stems([*sentence[:k], *sentence[end:]]))
    return len(condition) >= 2 and len(condition) > len(rest)


def _purpose(tokens: Sequence[Token], j: int) -> bool:
    """Is ``tokens[j]`` among the few words after a "to" or a "will" ("to prevent future Court
    packing", "said he would isolate for ten days")?"""
    return any(t.norm == "to" or t.norm in FUTURE for t in tokens[max(0, j - AIMED_WORDS) : j])


def _sought(sentence: Sequence[Token], k: int, stems: set[str]) -> bool:
    """Is ``sentence[k]`` an aim whose sought deed the claim states as done: "the latest *bid* to put
    an end to the war" for "The war in Syria ended in March 2011"?"""
    if sentence[k].norm not in AIMS:
        return False
    return bool(stems & set(content_stems(sought_words(sentence[k : k + AIM_SPAN]))))


def _overturned(sentence: Sequence[Token], k: int, stems: set[str]) -> bool:
    """Is ``sentence[k]`` an expectation its own sentence overturns, of the verb the claim states:
    "The state of emergency was *expected* to end on December 15, but on December 14 it was extended
    by two weeks" for "The state of emergency ended on December 15"? What was expected did not
    happen; "expected" alone is no hedge (:data:`rag.verifier.lexicon.EXPECTATIONS`). The claim that tells what happened
    instead ("... was extended on December 14") states another verb and is left alone."""
    return _overturning(sentence, k) is not None and stem(sentence[k + 2].norm) in stems


def _overturning(sentence: Sequence[Token], k: int) -> int | None:
    """Where the clause overturning the expectation ``sentence[k]`` opens ("..., *but* on December
    14 it was extended"), or None when ``sentence[k]`` is no expectation so overturned."""
    if not expectation(sentence, k) or k + 2 >= len(sentence):
        return None
    return next(
        (
            j
            for j in range(k + 3, len(sentence))
            if sentence[j].clause_initial and sentence[j].norm in OVERTURNING
        ),
        None,
    )


def overturned_spans(sentence: Sequence[Token]) -> list[tuple[int, int]]:
    """Where ``sentence`` tells what was expected and did not happen, as offsets in its text: from
    "expected" up to the "but" that overturns it. A day written there ("expected to end on December
    15") is no day the event happened on (:mod:`rag.verifier.days`)."""
    spans = []
    for k in range(len(sentence)):
        end = _overturning(sentence, k)
        if end is not None:
            spans.append((sentence[k].start, sentence[end].start))
    return spans


def sought_words(tokens: Sequence[Token]) -> list[Token]:
    """The deed an aim (:data:`rag.verifier.lexicon.AIMS`) seeks: the verb after the first "to"
    that follows it, or the noun a light verb takes ("end" in "the latest bid to put an end to the
    war", and in "a boost to efforts by rivals Turkey and Russia to put an end to the conflict").
    The deed only: "a jackal died trying to eat a bomb" seeks no bomb."""
    deeds: list[Token] = []
    for k, token in enumerate(tokens):
        if token.norm not in AIMS:
            continue
        to = next(
            (j for j in range(k + 1, min(len(tokens), k + 2 + AIM_REACH)) if tokens[j].norm == "to"), None
        )
        if to is None or to + 1 >= len(tokens):
            continue
        deed = to + 1
        if tokens[deed].norm in LIGHT_VERBS:
            deed = next(
                (j for j in range(deed + 1, min(len(tokens), deed + 3)) if tokens[j].norm not in ARTICLES),
                deed,
            )
        deeds.append(tokens[deed])
    return deeds
