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

"The Astana talks *started* in March 2011" still passed there: "started" is nowhere in the story,
"beginning" is. A verb telling the same moment of an event ("start", "begin", "commence";
:data:`rag.verifier.lexicon.EVENT_VERB_KIN`) is read as the claim's own in those sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rag.asked import AUXILIARIES, is_past
from rag.text.dates import NO_DATE, WrittenDate, date_in_words, may_be_one_date
from rag.text.words import wordset
from rag.verifier.facts import Facts
from rag.verifier.lexicon import event_kin, verb_base
from rag.verifier.negation import holds_half
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, stem

DATING = wordset("in on since by during until")
"""Prepositions that date the verb before them."""


class DatedVerb(NamedTuple):
    """A verb a sentence dates: "started in 2011", "beginning on January 23"."""

    verb: str
    """Its base form ("start")."""
    date: WrittenDate
    words: list[str]
    """The date's words ("march", "2011")."""
    end: int
    """The index of the token after the date."""
    past: bool
    """Written in the past ("started"), not as its "-ing" form ("beginning")."""

    @property
    def year_only(self) -> str | None:
        """The year of a past verb dated by a year or a month of a year, no day: "2011"."""
        month, day, year = self.date
        return str(year) if self.past and day is None and year is not None else None


def dated_verbs(tokens: Sequence[Token]) -> list[DatedVerb]:
    """Each "<verb> <in|on|since|...> <date>" of a sentence, the verb in the past or its "-ing" form
    ("started in 2011", "beginning on January 23", "began in March 2011")."""
    out = []
    words = [t.norm for t in tokens]
    for k in range(1, len(tokens) - 1):
        if words[k] not in DATING:
            continue
        verb = tokens[k - 1]
        if verb.text[:1].isupper() or verb.norm in AUXILIARIES:
            continue
        past = is_past(verb.norm)
        if not (past or (verb.norm.endswith("ing") and verb_base(verb.norm) != verb.norm)):
            continue  # not a verb ("protests in 2011", "the war in 2011")
        when, end = date_in_words(words, k + 1)
        if when != NO_DATE:
            out.append(DatedVerb(verb_base(verb.norm), when, words[k + 1 : end], end, past))
    return out


def misdated_events(facts: Facts, evidence: Evidence) -> list[str]:
    """``["dated: enter 2011"]`` for a verb the claim dates that the passages date otherwise: every
    passage sentence with that year gives it to another verb, and the passages use the claim's verb
    without it; or the sentences telling the claim's event date its verb only with other dates."""
    problems = []
    for dated in dated_verbs(facts.tokens):
        year = dated.year_only
        if year is not None and _year_given_elsewhere(evidence, dated.verb, year):
            problems.append(f"dated: {dated.verb} {year}")
        elif _dated_otherwise(facts, evidence, dated):
            problems.append(f"dated: {dated.verb} {' '.join(dated.words)}")
    return list(dict.fromkeys(problems))


def _year_given_elsewhere(evidence: Evidence, verb: str, year: str) -> bool:
    """Does every passage sentence with ``year`` give it to another verb, while the passages use
    ``verb`` without it ("started in 2011" and "has entered its 10th year" for "entered in 2011")?"""
    others: set[str] = set()
    verb_used = False
    for sentence in evidence.sentences:
        years = [k for k, t in enumerate(sentence) if t.norm == year]
        dated = {d.end - 1: d.verb for d in dated_verbs(sentence) if d.year_only == year}
        if any(k not in dated for k in years):
            return False  # a mention of the year given to no verb: it may be the claim's
        others.update(dated.values())
        verb_used = verb_used or any(verb_base(t.norm) == verb for t in sentence)
    return bool(others) and verb not in others and verb_used


def _dated_otherwise(facts: Facts, evidence: Evidence, dated: DatedVerb) -> bool:
    """Do the passages date the claim's verb, in sentences telling its event, only with other dates?
    "The Syrian war started in 2014" where the story says the war "started in 2011" (and 2014 is the
    year of another event, given to no verb: "... in large parts of Syria and Iraq in 2014"); "The
    Astana talks began in March 2011" where the story says "The talks, beginning on January 23 in
    the Kazakh capital Astana" (March 2011 is when the war began, in the next sentence: every word
    was in one stretch, and it passed).

    A sentence tells the claim's event when it holds half of the claim's other words: "Syria's war
    has killed more than 380,000 people since it started in 2011" tells "The Syrian war started in
    2014" (war, Syria), not "Protests started in 2014"."""
    kin = event_kin(dated.verb)
    said = (
        set(content_stems(facts.tokens)) - {stem(verb) for verb in kin} - {stem(word) for word in dated.words}
    )
    if not said:
        return False
    other_dates = False
    for sentence, stems in zip(evidence.sentences, evidence.sentence_stems, strict=True):
        dates = [d.date for d in dated_verbs(sentence) if d.verb in kin]
        if not dates or not holds_half(said, stems):
            continue
        if any(may_be_one_date(dated.date, day) for day in dates):
            return False
        other_dates = True
    return other_dates
