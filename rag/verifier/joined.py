"""Two events joined by "when": the passage must tell them together.

"Dozens of Syrian soldiers were killed when the Islamic State recaptured Palmyra in December 2016"
joins two facts of one window: "fighting ... has killed dozens" (this week) and "last month it
recaptured the city of Palmyra". Every word is there, so the overlap and the alignment
(:mod:`rag.verifier.alignment`) pass it; only "when" is false. A hand-labelled answer sentence
(held-out sq109), caught before only because "last month" was not read as a date.

The words of each side (not its names: those may be shared by any two sentences of a story) must
meet in one passage sentence ("Two people died when a wall collapsed"), or in two consecutive ones of
which the second goes on with the first (:func:`_continues`). An age is left to the other checks (:func:`_age`): "Walter Munk was 101 years old when he died"
is told by a story that gives the age and the death in sentences of their own.
"""

from __future__ import annotations

from rag.text.dates import shifts_time
from rag.verifier.facts import Facts
from rag.verifier.numbers import numberish
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, tokenize


def _said(tokens: list[Token], names: set[str]) -> set[str]:
    """The content stems and figures of ``tokens``, names left out."""
    figures = {t.norm.replace(",", "") for t in tokens if t.norm[:1].isdigit()}
    words = {t.norm for t in tokens if numberish(t.norm) and not t.norm[:1].isdigit()}
    return (set(content_stems(tokens)) - names) | figures | words


def _age(tokens: list[Token]) -> bool:
    """Does the side state an age ("was 82 years old", "aged 16")? A story gives its subject's age
    apart from the event it dates ("Conway was 82 years old." after "Conway died on Saturday"), so
    "John Horton Conway was 82 years old when he died" is told by the story, if not by one sentence."""
    norms = [t.norm for t in tokens]
    return "aged" in norms or any(
        norms[k : k + 2] in (["years", "old"], ["year", "old"]) or norms[k].endswith("-year-old")
        for k in range(len(norms))
    )


def joined_events(facts: Facts, evidence: Evidence) -> list[str]:
    """``["when: ..."]`` when no passage sentence holds words of both sides of the claim's "when"."""
    tokens = facts.tokens
    at = next((k for k, t in enumerate(tokens) if t.norm == "when" and k > 0 and not t.clause_initial), None)
    if at is None:
        return []
    if _age(tokens[:at]):
        return []
    names = set(content_stems(tokenize(" ".join(facts.names))))
    main, sub = _said(tokens[:at], names), _said(tokens[at + 1 :], names)
    main, sub = main - sub, sub - main
    if not main or not sub:
        return []
    said = [
        set(stems) | evidence.sentence_figures(k) | {t.norm for t in evidence.sentences[k]}
        for k, stems in enumerate(evidence.sentence_stems)
    ]
    for k, words in enumerate(said):
        if main & words and sub & words:
            return []
        if k + 1 < len(said) and _continues(evidence, k + 1):
            after = said[k + 1]
            if (main & words and sub & after) or (sub & words and main & after):
                return []
    return [f"when: {' '.join(t.text for t in tokens[at : at + 4])}"]


def _continues(evidence: Evidence, k: int) -> bool:
    """Does sentence ``k`` go on with the event of the one before it: same passage, and no time of its
    own? "Gupta set himself on fire near the White House" then "Gupta was transported to a hospital
    ... with burns over 85% of his body" tell one event (a right Wikinews answer, wn-105); "Last
    month it recaptured the city of Palmyra" moves to another."""
    if evidence.spans[k][0] != evidence.spans[k - 1][0]:
        return False
    return not shifts_time(evidence.sentence_texts[k]) and not evidence.window((k,)).dates
