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
    without it."""
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
        given_another = bool(others) and verb not in others and verb_used
        if given_another or _dated_otherwise(facts, evidence, verb, year):
            problems.append(f"dated: {verb} {year}")
    return problems


def _dated_otherwise(facts: Facts, evidence: Evidence, verb: str, year: str) -> bool:
    """Do the passages date the claim's verb, in sentences telling its event, only with other years?
    "The Syrian war started in 2014" where the story says the war "started in 2011" (and 2014 is the
    year of another event, given to no verb: "... in large parts of Syria and Iraq in 2014").

    A sentence tells the claim's event when it holds half of the claim's other words: "Syria's war
    has killed more than 380,000 people since it started in 2011" tells "The Syrian war started in
    2014" (war, Syria), not "Protests started in 2014"."""
    said = set(content_stems(facts.tokens)) - {stem(verb)} - {year}
    if not said:
        return False
    other_years = False
    for sentence, stems in zip(evidence.sentences, evidence.sentence_stems, strict=True):
        years = {value for v, value, _ in _dated(sentence) if v == verb}
        if not years or not holds_half(said, stems):
            continue
        if year in years:
            return False
        other_years = True
    return other_years
