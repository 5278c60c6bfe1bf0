"""Counted figures in news text: how many of what, and what happened to them.

"Twelve government soldiers ... were killed" reads as 12 of *government forces*, *killed*;
"at least 28 regime forces dead" as 28 of the same. :mod:`rag.conflicts` compares such
figures across sources, :mod:`rag.contradictions` between a claim and its passage. A rule-based
reader rather than a model: it is fast, testable and never invents a figure.

Each figure also carries what tells its event from another's: the places of its scene and the
words of its clause (what a sum of crowns belongs to). Read over the 293 Wikinews articles
(2019-2020), times ("0930 UTC"), speeds ("120 mph") and labels ("a Category 3 hurricane") were
counted as figures and set against each other; they are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.text.dates import MONTH_ALTERNATION, YEAR_WORD
from rag.text.numbers import COUNT_SCALES, COUNT_WORDS, QUALIFIERS, count_value
from rag.text.places import place_keys
from rag.text.sentences import rough_sentences
from rag.text.words import EVENT_STOPWORDS, FIGURE_PHRASE_STOPS, wordset

_QUALIFIERS_RE = QUALIFIERS.replace(" ", r"\s+")
_COUNT_WORDS_RE = "|".join(COUNT_WORDS).replace(" ", r"\s+")
_NUMBER = re.compile(
    rf"""
    (?P<qual>\b(?:{_QUALIFIERS_RE})\s+)?
    (?P<num>\b\d{{1,3}}(?:,\d{{3}})+\b|\b\d+(?:\.\d+)?\b|\b(?:{_COUNT_WORDS_RE})\b)
    (?:\s+(?P<scale>{"|".join(COUNT_SCALES)})\b)?
    (?=(?P<after>[^.;:!?\n]{{0,80}}))
    """,
    re.IGNORECASE | re.VERBOSE,
)
_UNITS = re.compile(
    r"^\s*(?:%|per ?cent|km|kilomet|mile|metre|meter|year|month|week|day|hour|minute|second|"
    r"am\b|pm\b|a\.m|p\.m|th\b|st\b|nd\b|rd\b|times|-|mph\b|kph\b|km/h|knots\b|"
    r"(?:UTC|GMT|BST|CET|EST|EDT|PST|PDT)\b|local time)",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"(?:\b(?:category|level|phase|stage|grade|number|no\.|round|flight|route|class|type|article|section|"
    r"chapter|page|line|gate|channel)|:)\s*$",
    re.IGNORECASE,
)
"""What makes a number a name, not a count: "a Category 3 hurricane", "flight 302", "12:05:19"."""
KILLED = re.compile(
    r"\b(?:kill(?:ed|ing|s)?|dead|died|deaths?|death toll|toll|lives of|casualt(?:y|ies)|slain)\b",
    re.IGNORECASE,
)
WOUNDED = re.compile(r"\b(?:wounded|injured|injuries|hurt)\b", re.IGNORECASE)
LIVE = re.compile(r"\b(?:live|living|population|inhabitants|residents)\b", re.IGNORECASE)
CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "government forces",
        re.compile(r"\b(?:soldiers?|troops|army|regime|government|pro-government|loyalists?)\b", re.I),
    ),
    ("IS fighters", re.compile(r"\b(?:IS|ISIS|ISIL|Islamic State|Daesh|jihadists?|militants?)\b")),
    ("civilians", re.compile(r"\bcivilians?\b", re.I)),
    ("people", re.compile(r"\b(?:people|persons|residents|inhabitants)\b", re.I)),
)
"""What a figure counts, by the words of its noun phrase; anything else is named by its head noun."""
PEOPLE_CATEGORIES = frozenset(name for name, _ in CATEGORIES)
"""Categories that name who was counted: with a predicate ("killed") they say what the figure is,
and only the event (place, time) can still differ. Any other noun ("crowns") needs its owner."""
RUNNING_TOTAL = re.compile(
    r"\bsince\b[^.]{0,40}(?:"
    + YEAR_WORD.pattern
    + r"|\bstart|\bbegan|\bbegin|\berupt|\boutbreak)|\bto date\b",
    re.IGNORECASE,
)
"""A count kept over a long span ("since protests erupted in 2011", "to date"): it grows from
report to report, so two such counts far apart in time are successive values, not rivals."""
OWNER_STOPWORDS = EVENT_STOPWORDS | wordset(
    "according reported reports report told says announced added officials official total least "
    "nearly almost around about over some"
)
"""Words of a figure's clause that never say what the figure belongs to."""
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s")


@dataclass(frozen=True)
class Figure:
    """One figure in a passage: how many of what, and what happened to them."""

    value: float
    phrase: str
    """The figure as written, e.g. ``at least 28 regime forces``."""
    category: str
    predicate: str
    sentence: str
    scene: frozenset[str] = frozenset()
    """Where it happened (:func:`rag.text.places.place_keys`): the places its sentence names, else
    those of the nearest earlier sentence (or the title) that names one, the scene a report sets
    before "The dead comprised 28 from the army ..."."""
    owner: frozenset[str] = frozenset()
    """What the figure belongs to: the word stems of its clause, the figure and places left out
    ("Prague airport will spend 2.4 billion crowns on a new terminal" -> airp, spen, term)."""

    @property
    def key(self) -> tuple[str, str]:
        return self.category, self.predicate

    @property
    def running(self) -> bool:
        """A running total (:data:`RUNNING_TOTAL`): its place is the one its own sentence names."""
        return bool(RUNNING_TOTAL.search(self.sentence))

    @property
    def places(self) -> frozenset[str]:
        """The places the figure is compared by: its own sentence's for a running total (a war's
        toll is not the toll of the battle the article reports), else its :attr:`scene`."""
        return place_keys(self.sentence) if self.running else self.scene


def _noun_phrase(after: str) -> tuple[list[str], int]:
    """The words right after a number that say what it counts ("28 from the army" -> army),
    and where they end in ``after``. The phrase ends with its clause: in "25 civilians, officials
    said" the officials are not counted."""
    clause = _CLAUSE_BREAK.split(after, maxsplit=1)[0]
    words = list(re.finditer(r"[A-Za-z][A-Za-z'’\-]*", clause))
    if words and words[0].group(0).lower() == "from":
        words = [w for w in words[1:4] if w.group(0).lower() not in ("the", "a", "an")]
    phrase: list[str] = []
    end = 0
    for match in words:
        word = match.group(0)
        if word.lower() in FIGURE_PHRASE_STOPS and not (word == "IS" and not phrase):
            break
        phrase.append(word)
        end = match.end()
        if len(phrase) == 4:
            break
    return phrase, end


def _category(words: Sequence[str]) -> str | None:
    if not words:
        return None
    text = " ".join(words)
    for name, pattern in CATEGORIES:
        if pattern.search(text):
            return name
    head = words[-1].lower()
    return head[:-1] if head.endswith("s") and len(head) > 3 else head


def predicates(text: str) -> list[str]:
    """What happens to the counted in ``text``, in order of precedence: killed, wounded, live."""
    found = []
    if KILLED.search(text):
        found.append("killed")
    if WOUNDED.search(text):
        found.append("wounded")
    if LIVE.search(text):
        found.append("live")
    return found


OTHER_FATES = re.compile(
    r"\b(?:infected|arrested|detained|rescued|evacuated|displaced|missing|hospitali[sz]ed)\b", re.IGNORECASE
)
"""What else a news sentence says befell the counted: "infected over 200 people ... and killed three"."""
_FATES = (("killed", KILLED), ("wounded", WOUNDED), ("live", LIVE), ("", OTHER_FATES))


def fate(sentence: str, start: int, end: int, reach: int | None = None) -> str:
    """What happened to the figure at ``sentence[start:end]``: the predicate word nearest to it
    (:func:`predicates`' order on a tie), so "killed 3 and wounded 12" reads 3 killed, 12 wounded,
    and "infected over 200 people ... and killed three people" does not count 200 dead (Wikinews,
    January 2020: the 200 infected were set against a later 1,000 dead). With ``reach``, only a
    word at most that many characters away counts."""
    nearest: tuple[int, int, str] | None = None
    for rank, (name, pattern) in enumerate(_FATES):
        for match in pattern.finditer(sentence):
            gap = max(start - match.end(), match.start() - end, 0)
            if reach is not None and gap > reach:
                continue
            name_ = name or match.group(0).lower()
            if nearest is None or (gap, rank) < nearest[:2]:
                nearest = (gap, rank, name_)
    return nearest[2] if nearest else ""


def _owner(sentence: str, start: int, end: int, places: frozenset[str]) -> frozenset[str]:
    """Word stems of the clause around ``sentence[start:end]`` (the figure), places left out."""
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(sentence)]
    left = max((b for b in breaks if b < start), default=-1) + 1
    right = min((b for b in breaks if b >= end), default=len(sentence))
    clause = sentence[left:start] + " " + sentence[end:right]
    words = {w for w in re.findall(r"[a-z]{4,}", clause.lower()) if w not in OWNER_STOPWORDS}
    words -= set(COUNT_WORDS) | set(COUNT_SCALES)
    return frozenset(w[:4] for w in words) - places


def extract_figures(text: str, title: str = "") -> list[Figure]:
    """Every counted figure in ``text`` (dates, years, distances and ordinals left out).

    ``title`` (the article's) sets the scene for the figures before the text names a place.
    """
    facts: list[Figure] = []
    scene = place_keys(title)
    for sentence in rough_sentences(text):
        scene = place_keys(sentence) or scene
        for match in _NUMBER.finditer(sentence):
            raw, after = match.group("num"), match.group("after")
            before = sentence[: match.start("num")]
            if _UNITS.match(after) or _LABEL.search(before):
                continue
            if re.search(rf"\b(?:{MONTH_ALTERNATION})\.?\s*$", before, re.I):
                continue
            if re.fullmatch(r"(?:1[89]|20)\d\d", raw) or re.match(
                rf"\s*(?:{MONTH_ALTERNATION})\b", after, re.I
            ):
                continue
            if before.endswith(("-", "/", "$", "£", "€")) or re.match(r"[A-Za-z]", after):
                continue
            value = count_value(raw, match.group("scale"))
            words, np_end = _noun_phrase(after)
            category = _category(words)
            if value is None or category is None:
                continue
            phrase = sentence[match.start() : match.start("after") + np_end].strip()
            end = match.start("after") + np_end
            owner = _owner(sentence, match.start(), end, scene)
            predicate = fate(sentence, match.start(), end)
            facts.append(Figure(value, phrase, category, predicate, sentence.strip(), scene, owner))
    return facts


def asked_categories(question: str) -> set[str]:
    """Categories a "how many soldiers ..." question narrows the figures to.

    Only "how many soldiers ..." narrows the figures; "how many people" asks about every kind
    of victim, and a name in the question ("the IS attack") says nothing about what is counted.
    """
    asked = re.search(r"\bhow many\s+((?:[\w'-]+\s+){0,2}[\w'-]+)", question, re.IGNORECASE)
    categories = set()
    if asked:
        categories = {name for name, pattern in CATEGORIES if pattern.search(asked.group(1))}
    categories.discard("people")
    return categories
