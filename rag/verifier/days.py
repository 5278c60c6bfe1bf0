"""The day of an event, not the day the story was published.

News writes the day of an event by its name: "On Wednesday, the United States House of
Representatives impeached President Donald Trump", in a Wikinews story published on Saturday 21
December 2019. Asked "Was Trump impeached?", the model answered "Yes, Trump was impeached ... on
December 21, 2019": the day of the story's header, which every stretch of the passage is read
with, so it was shown as checked; the right "December 18" failed, since no passage writes it.
Likewise "Biden announced Harris on August 12, 2020" (the story: "Yesterday, Joe Biden ...
announced", published 12 August) and "Notre Dame caught fire on April 16" ("caught fire
yesterday", published 16 April).

The days a passage names by "yesterday", "today", "tomorrow" or a weekday are counted from its
header date (:func:`rag.text.dates.told_days`, kept per sentence in :attr:`Evidence.told`), so they
back a claim's day as a written date does (and a claim's other day of that month contradicts
them, :mod:`rag.contradictions`); the prompt shows the model the same dates
(:func:`rag.text.dates.with_told_days`). And a claim's day fails where the passage sentences
telling its event (half of the claim's other words, header lines aside) name days, by date or by
weekday, and none of them names the claim's: the header's date is the day the story appeared, not
the day it tells of, and a day another sentence names is another event's ("On March 2, 2019, the
SpaceX Crew Dragon capsule successfully docked with the International Space Station", from "On
Sunday, the SpaceX Crew Dragon capsule successfully docked ..." and "... on Saturday morning, the
Crew Dragon was launched", in a story of Tuesday 5 March). Sentences that name no day leave the
claim alone: the story may have happened the day it was published. The check reads every source
given to the model, not only the cited one (:func:`rag.verifier.features.role_problems`): "Biden
announced Harris on August 12, 2020 [2]" cited a later passage of the story, which names no day,
while its lead says "Yesterday".

A day the story gives only to what was expected and did not happen is not told either: "did Samoa's
state of emergency ... end December 15" (wd-025) passed beside "The state of emergency was expected
to end on December 15, but on December 14 it was extended by two weeks"
(:func:`rag.verifier.hedges.overturned_spans`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.text.dates import MONTHS, WEEKDAYS, month_day_name, month_days
from rag.verifier.facts import Facts
from rag.verifier.hedges import overturned_spans
from rag.verifier.negation import holds_half
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems


def misdated_days(facts: Facts, evidence: Evidence) -> list[str]:
    """``["day: December 21 (the story tells December 18)"]`` for each day of the claim ("December
    21", "21 Dec") that no passage sentence telling the claim's event names, while some of them name
    other days; empty otherwise."""
    claimed = month_days(_happened(facts.text, facts.tokens))
    if not claimed:
        return []
    said = set(content_stems([t for t in facts.tokens if not dating_word(t.norm)]))
    if not said:
        return []
    headers = set(evidence.headlines.values())
    told: set[tuple[int, int]] = set()
    for k, stems in enumerate(evidence.sentence_stems):
        if k in headers or not holds_half(said, stems):
            continue
        told |= month_days(_happened(evidence.sentence_texts[k], evidence.sentences[k]))
        told |= {(d.month, d.day) for d in evidence.told[k]}
    if not told:
        return []
    others = ", ".join(month_day_name(m, d) for m, d in sorted(told))
    return [
        f"day: {month_day_name(month, day)} (the story tells {others})"
        for month, day in sorted(claimed - told)
    ]


def _happened(text: str, tokens: Sequence[Token]) -> str:
    """``text`` without what it says was expected and did not happen ("expected to end on December
    15, but ..."): a day written there is no day of the event, in a passage or in the claim that
    quotes it."""
    for start, end in overturned_spans(tokens):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def dating_word(word: str) -> bool:
    """A word that says when, not what: a month, a weekday, a number."""
    return word in MONTHS or word in WEEKDAYS or word.isdigit()
