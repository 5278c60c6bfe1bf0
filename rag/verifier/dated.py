"""A date given to another event of the story: "entered in 2011" where the passage "started in 2011".

"The conflict had entered in 2011" was shown for golden dd04 ("Which year of conflict had Syria
entered ...?"): the story says the war "started in 2011" and, in the next sentence, that the
conflict "has entered its 10th year". Each word is in one stretch, so the alignment passes it; only
the date belongs to another verb. A sentence that dates a verb ("entered in 2011") fails where every
passage sentence giving that date gives it to another verb ("started in 2011") and the passages use
the sentence's own verb elsewhere, for something else. A paraphrase ("began in 2011" for "started
in 2011") is left alone: its verb is nowhere in the passages, so nothing says the date is another
event's.

Measured: golden dd04 refused instead of shown wrong, no other golden answer changed; the 132
Wikinews questions give the same outcome and the same shown text for every question; the labelled
sentences, SummEdits (73.0 / 68.1) and the Wikinews edits (``python -m evals.edits``) are unchanged.
A first form took any inflected word for a verb and flagged labelled supported sq49 ("protests in 2011").

"The Syrian war started in 2014" passed beside "Syria's war has killed more than 380,000 people since
it started in 2011" and "ISIS declared a ... caliphate in ... Iraq in 2014": the 2014 is given to no
verb, so it might have been the claim's. A verb the claim dates also fails where the passage
sentences telling its event (half of its other words) date that same verb, and only with other
years. Labelled sentences, SummEdits and the Wikinews edits unchanged.

"The Astana talks began in March 2011" passed beside "The talks, beginning on January 23 in the
Kazakh capital Astana, ..." and, in the next sentence, "the war raging in Syria since March 2011".
So the sentences telling the claim's event are read for a day or a month too, and for the verb's
"-ing" form: the claim fails where each date they give its verb cannot be the claim's ("March
2011" and "January 23" differ in the month; "January 23" and "January 23, 2017" can be one day).
Labelled sentences, SummEdits, the Wikinews edits and the golden answers unchanged
(``evals/results_wikinews.md``, 7 December).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.asked import AUXILIARIES, is_past
from rag.text.dates import MONTHS, YEAR_WORD
from rag.text.words import wordset
from rag.verifier.facts import Facts
from rag.verifier.lexicon import verb_base
from rag.verifier.negation import holds_half
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, stem

DATING = wordset("in on since by during until")
"""Prepositions that date the verb before them."""


def _dated(tokens: Sequence[Token]) -> list[tuple[str, str, int]]:
    """(verb, year, index of the year's token) for each "<verb> <in|on|since|...> [month] <year>" of
    a sentence, the verb as its base form ("started in 2011", "entered in March 2011")."""
    out = []
    for k in range(1, len(tokens) - 1):
        if tokens[k].norm not in DATING:
            continue
        verb = tokens[k - 1]
        if verb.text[:1].isupper() or verb.norm in AUXILIARIES or not is_past(verb.norm):
            continue  # not a verb in the past ("protests in 2011", "the war in 2011")
        at = k + 1 + (tokens[k + 1].norm in MONTHS and k + 2 < len(tokens))
        if YEAR_WORD.fullmatch(tokens[at].norm):
            out.append((verb_base(verb.norm), tokens[at].norm, at))
    return out


def misdated_events(facts: Facts, evidence: Evidence) -> list[str]:
    """``["dated: enter 2011"]`` for a verb the claim dates that the passages date otherwise: every
    passage sentence with that year gives it to another verb, and the passages use the claim's verb
    without it; or the sentences telling the claim's event date its verb only with other dates."""
    problems = []
    for verb, year, _ in _dated(facts.tokens):
        others = set()
        verb_used = False
        for sentence in evidence.sentences:
            years = [k for k, t in enumerate(sentence) if t.norm == year]
            dated = {at: v for v, value, at in _dated(sentence) if value == year}
            if any(k not in dated for k in years):
                others = set()
                break  # a mention of the year given to no verb: it may be the claim's
            others.update(dated.values())
            verb_used = verb_used or any(verb_base(t.norm) == verb for t in sentence)
        if bool(others) and verb not in others and verb_used:
            problems.append(f"dated: {verb} {year}")
    for verb, when, words in _day_dated(facts.tokens):
        problem = f"dated: {verb} {' '.join(words)}"
        if problem not in problems and _dated_otherwise(facts, evidence, verb, when, words):
            problems.append(problem)
    return problems


Day = tuple[int | None, int | None, int | None]
"""A date as written: (month, day, year), each None where the text leaves it out."""


def _day_dated(tokens: Sequence[Token]) -> list[tuple[str, Day, list[str]]]:
    """(verb, date, the date's words) for each "<verb> <in|on|since|...> <date>" of a sentence, the
    verb in the past or its "-ing" form ("started in 2011", "beginning on January 23", "began in
    March 2011"), the verb as its base form."""
    out = []
    for k in range(1, len(tokens) - 1):
        if tokens[k].norm not in DATING:
            continue
        verb = tokens[k - 1]
        if verb.text[:1].isupper() or verb.norm in AUXILIARIES:
            continue
        if not (is_past(verb.norm) or (verb.norm.endswith("ing") and verb_base(verb.norm) != verb.norm)):
            continue  # not a verb ("protests in 2011", "the war in 2011")
        when, end = _date_at(tokens, k + 1)
        if when != (None, None, None):
            out.append((verb_base(verb.norm), when, [t.norm for t in tokens[k + 1 : end]]))
    return out


def _date_at(tokens: Sequence[Token], k: int) -> tuple[Day, int]:
    """The date written from ``tokens[k]`` ("March 2011", "January 23, 2017", "23 January", "2011")
    and where it ends."""
    month = day = year = None
    at = k
    if _day_number(tokens, at) and at + 1 < len(tokens) and tokens[at + 1].norm in MONTHS:
        day, at = int(tokens[at].norm), at + 1  # "23 January"
    if at < len(tokens) and tokens[at].norm in MONTHS:
        month, at = MONTHS[tokens[at].norm], at + 1
        if day is None and _day_number(tokens, at):
            day, at = int(tokens[at].norm), at + 1  # "January 23"
    elif day is not None:
        return (None, None, None), k
    if at < len(tokens) and YEAR_WORD.fullmatch(tokens[at].norm):
        year, at = int(tokens[at].norm), at + 1
    return (month, day, year), at


def _day_number(tokens: Sequence[Token], k: int) -> bool:
    """Is ``tokens[k]`` a day of the month (1 to 31)?"""
    return k < len(tokens) and tokens[k].norm.isdigit() and 1 <= int(tokens[k].norm) <= 31


def _agree(one: Day, other: Day) -> bool:
    """Can both be the same date: no part that both give differs ("January 23" and "January 23,
    2017" can, "March 2011" and "January 23" cannot)."""
    return all(a is None or b is None or a == b for a, b in zip(one, other, strict=True))


def _dated_otherwise(facts: Facts, evidence: Evidence, verb: str, when: Day, words: list[str]) -> bool:
    """Do the passages date the claim's verb, in sentences telling its event, only with other dates?
    "The Syrian war started in 2014" where the story says the war "started in 2011" (and 2014 is the
    year of another event, given to no verb: "... in large parts of Syria and Iraq in 2014"); "The
    Astana talks began in March 2011" where the story says "The talks, beginning on January 23 in
    the Kazakh capital Astana" (March 2011 is when the war began, in the next sentence: every word
    was in one stretch, and it passed).

    A sentence tells the claim's event when it holds half of the claim's other words: "Syria's war
    has killed more than 380,000 people since it started in 2011" tells "The Syrian war started in
    2014" (war, Syria), not "Protests started in 2014"."""
    said = set(content_stems(facts.tokens)) - {stem(verb)} - {stem(word) for word in words}
    if not said:
        return False
    other_dates = False
    for sentence, stems in zip(evidence.sentences, evidence.sentence_stems, strict=True):
        dates = [day for v, day, _ in _day_dated(sentence) if v == verb]
        if not dates or not holds_half(said, stems):
            continue
        if any(_agree(when, day) for day in dates):
            return False
        other_dates = True
    return other_dates
