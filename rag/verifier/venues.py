"""An event named for its place, put somewhere else.

News names meetings for where they meet: the Astana talks, the Geneva negotiations, the Sochi
summit. Asked "Were the Astana talks held in Geneva?", the model answered "Yes, the Astana talks
were held in Geneva" (hand-labelled sq123): the story names the Astana talks and, in the same
sentence, "the UN-hosted negotiations on the conflict next month in Geneva", so every word was found
and the claim passed. Such a claim is backed only where a passage puts the event so named in that
place itself: a sentence naming it and then the place ("in Geneva") with no other meeting between
them ("the Astana-format talks held in Sochi"). Places are read as :mod:`rag.text.places` reads
them, by the first four letters of their distinctive words, so "in Kazakhstan" is the Kazakh
capital's own country, and "the Astana talks in Kazakhstan" is backed where a passage puts Astana
there ("in the Kazakh capital Astana"). A gathering named for a country ("the Syria peace talks",
where the passages speak of "Syrian" forces) is named for its subject and left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.text.places import place_keys, place_names
from rag.text.words import demonym_of
from rag.verifier.lexicon import dictionary_word
from rag.verifier.passages import Evidence

EVENTS = r"talks|meetings?|negotiations|summit|conference|process|accords?|agreement|format|forum"
"""Nouns of gatherings and what they agree, which news names for a place."""
_NAMED_EVENT = re.compile(
    rf"\b(?P<place>[A-Z][a-z]{{3,}})(?:-format|-style)?\s+(?:(?:peace|format|style)\s+)?(?:{EVENTS})\b"
)
"""A place's name before a gathering: "Astana talks", "Astana-format talks", "Geneva peace talks"."""
_EVENT = re.compile(rf"\b(?:{EVENTS})\b", re.IGNORECASE)


def misplaced_venues(claim: str, evidence: Evidence) -> list[str]:
    """``["venue: Geneva (no passage puts the Astana talks there)"]`` when the claim puts an event
    named for a place in another place no passage sentence puts it in."""
    problems = []
    words: set[str] | None = None
    for event, place, venues, written in _claimed(claim):
        words = words or set(re.findall(r"[a-z]+", f"{claim} {evidence.text}".lower()))
        if _a_country(place, words):
            continue
        if not any(_puts(sentence, place[:4], venues) for sentence in evidence.sentence_texts):
            problems.append(f"venue: {written} (no passage puts the {event} there)")
    return problems


def _claimed(claim: str) -> Iterator[tuple[str, str, frozenset[str], str]]:
    """(the event as written, the place it is named for in lower case, the keys of the other places
    the claim puts it in, those places as written) for each event of the claim named for a place and
    placed elsewhere."""
    for match in _named_events(claim):
        place = match.group("place").lower()
        named = place[:4]
        rest = _own(claim[match.end() :])
        venues = place_keys(rest) - {named}
        if venues and named not in place_keys(rest):
            written = [name for name in place_names(rest) if place_keys(f"in {name}") & venues]
            yield match.group(0), place, venues, ", ".join(written)


def _a_country(place: str, words: set[str]) -> bool:
    """Is ``place`` a land whose people the text names ("Syrian" beside "Syria")? A gathering named
    for a country is named for what it is about, not where it meets: "the Syria peace talks will be
    held in Astana" (the injection suite's q12, refused by a first form of this check)."""
    return any(demonym_of(word, place) for word in words)


def _named_events(text: str) -> Iterator[re.Match[str]]:
    """The gatherings ``text`` names for a place: a capitalised word that is no English word, so
    neither "These talks" nor a sentence's "Peace talks" names a place."""
    return (m for m in _NAMED_EVENT.finditer(text) if not dictionary_word(m.group("place").lower()))


def _own(after: str) -> str:
    """What follows an event's name up to the end of its clause or the next gathering named: "the
    Astana talks will pave the way for negotiations in Geneva" puts the negotiations there, and "the
    Astana format, three-way talks ... in the Syrian conflict" puts the format nowhere. (A passage
    is read past its commas: "The Astana-format talks, held in Sochi, ended" puts them there.)"""
    other = _EVENT.search(after)
    return re.split(r"[,;:()]", after[: other.start()] if other else after)[0]


def _puts(sentence: str, named: str, venues: frozenset[str]) -> bool:
    """Does ``sentence`` name the event of the place ``named`` and then put it in ``venues``, with no
    other gathering named between them, or put the place itself there ("in the Kazakh capital
    Astana" for "the Astana talks in Kazakhstan")?"""
    if venues | {named} <= place_keys(sentence):
        return True
    for match in _named_events(sentence):
        if match.group("place").lower()[:4] != named:
            continue
        after = sentence[match.end() :]
        other = _EVENT.search(after)
        if venues <= place_keys(after[: other.start()] if other else after):
            return True
    return False
