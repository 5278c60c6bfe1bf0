"""What a question asks for: the type of its answer and the words that name what is asked.

:func:`read_question` reads two things (:mod:`rag.relevance` checks answers against them, and
:mod:`rag.refusals` words a refusal from the same reading):

* its **answer type**: "when" wants a date, a year or a time ("in 2014", "on Monday", "its
  10th year"); "how many/much/far/old" a number or an amount, "how long" a duration, a length or
  a time ("for two years", "since early 2015"); "who" and "which <thing>" a name
  the question does not already hold; "where" a place name;
* its **focus**: the content words that name what is asked ("built", "troops", "outcome",
  "leader"), as opposed to its topic (the things it is about: "the Baal Shamin temple in
  Palmyra", "the Astana peace talks"). Words inside a determiner phrase ("the ... temple") are
  topic, unless the phrase is what a "what/who is the N of ..." question asks for.

A question with no type and no focus (a yes/no question, "what is the High Negotiations
Committee?", a follow-up left unrewritten) is not :attr:`Asked.checkable`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from lemminflect import getInflection, getLemma

from rag.text.dates import MONTHS, WEEKDAYS
from rag.text.markers import CLAIM_MARKER
from rag.text.numbers import NUMBER_WORDS
from rag.text.places import place_keys
from rag.text.words import ARTICLES, COPULAS, DENIALS, SUPPORT_STOPWORDS, acronym, denies, norm_word, wordset
from rag.verifier.lexicon import verb_base
from rag.verifier.tokens import stem as porter_stem

Kind = Literal["time", "number", "duration", "name", "place"]
"""What the answer must hold. "duration" ("how long ...?") is a time, a duration or a length: "since
early 2015" (which a number alone refused), "for two years", "2 km"; not a bare number."""

WH_WORDS = wordset("how what which who whom whose when where why")
AUXILIARIES = wordset(
    "is are was were be been being has have had do does did will would can could should may might"
)
DETERMINERS = ARTICLES | wordset("its his her their this that these those our my your")
PREPOSITIONS = wordset(
    "of in on at from to with about for by into near since during over under against between after before"
)

TIME_NOUNS = wordset("date day days year years month months time week decade century")
"""After "what/which/in which": the question asks for a time."""
PLACE_NOUNS = wordset(
    "town towns city cities village villages country countries province provinces region regions place "
    "places desert area areas capital"
)
"""After "which/what": the question asks for a place."""
AMOUNT_ADJECTIVES = wordset("many much far long old big large high tall often")
"""After "how": the question asks for a number or an amount."""
AMOUNT_NOUNS = wordset("toll population number total amount figure count percentage share size")
"""What "what is the N of ..." asks for when it asks for a number ("the death toll of ...")."""
ROLE_NOUNS = wordset("role job position title post occupation profession")
""""What is X's role?" is answered by what X is ("X is a legal adviser"): any sentence on X."""

SORT_NOUNS = wordset("species kind kinds type types sort sorts breed variety genus")
"""Nouns of a "which" question that asks for a sort of thing, not a name: "Which prehistoric shark
species moved into False Bay?" is answered by "The sevengill shark ..." (a right Wikinews answer
refused, wn-015)."""
NAME_NOUNS = wordset("name names")
""""What was the name of the lodge ...", "What was Doris Day's name at birth?": a name is asked for,
and the focus is what is named (the lodge; at birth). Read as the noun asked about, "name" was the
focus, and right answers on the Wikinews questions ("... was Mahala View Lion Lodge") were refused
for not saying "name"."""

GENERIC_WORDS = (
    wordset(
        "say said says tell told describe described report reported reports reportedly according archive "
        "mention mentioned state stated news article articles source sources happen happened take place "
        "exactly no"
    )
    | DENIALS
)
"""Words that say how a question is put, not what it asks (and negations): never its focus."""

CLOSE_FORMS = {
    "leader": "lead", "leaders": "lead", "leadership": "lead",
    "death": "die", "deaths": "die", "dead": "die", "kill": "die", "killed": "die", "toll": "die",
    "outcome": "result", "results": "result", "resulted": "result",
    "troop": "soldier", "troops": "soldier", "soldiers": "soldier",
    "control": "hold", "controlled": "hold", "controls": "hold",
    "born": "birth", "births": "birth",
}  # fmt: skip
"""Words that name the same thing in a question and its answer ("the death toll" / "82 were
killed", "troops" / "soldiers", "hold on territory" / "controlled"), each group to one form. Each
was added for a golden answer it would otherwise refuse, or a golden question's wording."""


def is_participle(word: str) -> bool:
    """Is ``word`` a verb's past participle ("built", "taken", "held", "deployed")?"""
    return _is_form(word, ("VBN",))


def is_past(word: str) -> bool:
    """Is ``word`` a verb's past tense or past participle ("started", "began", "held")?"""
    return _is_form(word, ("VBD", "VBN"))


def _is_form(word: str, tags: tuple[str, ...]) -> bool:
    """Is ``word`` an inflection of a verb other than its base, under one of the Penn ``tags``?"""
    low = norm_word(word)
    base = verb_base(low)
    return base != low and any(low in getInflection(base, tag=tag) for tag in tags)


_WORD = re.compile(
    r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’.\-]*[A-Za-z\u00c0-\u024f]|[A-Za-z]|\d[\d,.]*"
)


@dataclass(frozen=True)
class Asked:
    """What a question asks for: the answer's type and the words that name what is asked."""

    question: str
    kind: Kind | None
    focus: tuple[str, ...]
    """Focus words as written in the question ("built"), in question order."""
    names: tuple[str, ...] = field(default=())
    """The capitalised names in the question: what it is about."""
    places: frozenset[str] = frozenset()
    """Where a one-part question that does not ask "where" places what it asks ("in Turkey"), as
    :func:`rag.text.places.place_keys`: an answer about another place does not answer it."""
    owned: tuple[str, ...] = ()
    """For "Which X's Y ...?", X and the first word of Y: an answer names one of them ("the Utah Jazz
    player", "a Walmart store", "Governor Chris Christie"), or it speaks of something else."""
    slot: str = ""
    """The noun a "what/which N" question asks about ("cargo"), lower-case; empty for other questions."""
    verbs: tuple[str, ...] = ()
    """The base forms of the question's words after the wh-phrase that may be verbs ("carry")."""
    denied: bool = False
    """The question denies a verb ("Which countries did not attend?"): a sentence denying that verb
    may answer it."""

    @property
    def checkable(self) -> bool:
        return self.kind is not None or bool(self.focus)


@dataclass(frozen=True)
class Word:
    """A word of a question or an answer, as the two are compared (citation markers left out)."""

    text: str
    low: str
    capital: bool
    possessive: bool = False


def words_of(text: str) -> list[Word]:
    """The words of ``text``, a possessive "'s" taken off (and remembered) and citations ignored."""
    out = []
    for match in _WORD.finditer(CLAIM_MARKER.sub("", text)):
        raw = re.sub(r"['’]s$", "", match.group(0)).rstrip(".")
        if raw:
            out.append(Word(raw, norm_word(raw), raw[0].isupper(), raw != match.group(0).rstrip(".")))
    return out


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The form two words share when they name the same thing ("deployed" -> "deploy")."""
    low = norm_word(word)
    # porter_stem reads an irregular verb as its base itself ("began" -> "begin")
    return CLOSE_FORMS.get(low) or CLOSE_FORMS.get(porter_stem(low)) or porter_stem(low)


def is_content(word: Word) -> bool:
    """Whether ``word`` can name what is asked: not a stopword, wh-word, auxiliary or framing word."""
    return (
        word.low.isalpha()
        and len(word.low) > 1
        and word.low not in SUPPORT_STOPWORDS
        and word.low not in WH_WORDS
        and word.low not in AUXILIARIES
        and word.low not in GENERIC_WORDS
    )


def is_name(word: Word) -> bool:
    """Whether ``word`` is capitalised as a name is (month and weekday names are not names here); an
    acronym is one though it spells a common word ("IS jihadists pressed their offensive")."""
    if acronym(word.text):
        return True
    return (
        word.capital
        and word.low.replace("-", "").replace("'", "").isalpha()
        and word.low not in SUPPORT_STOPWORDS
        and word.low not in WH_WORDS
        and word.low not in MONTHS
        and word.low not in WEEKDAYS
    )


_TIME_ASKED = re.compile(
    r"\b(?:(?:on|in|at|by|from|until)\s+)?(?:what|which)\s+(?:exact\s+)?(?:"
    + "|".join(sorted(TIME_NOUNS))
    + r")\b|\bwhen\b",
    re.IGNORECASE,
)
"""The words that ask for a day or a time: "On what date", "In which year", "When"."""


def completed(question: str, answer: str) -> str:
    """``question`` as the statement ``answer`` completes: "Which journal published the study
    Nature." A day or time takes the place of the words that ask for it: "did Samoa's state of
    emergency ... end January 4." is read by the checks of a day (:mod:`rag.verifier.days`), where
    "On what date did ..." added "date" to the event's words that the story's sentences must hold."""
    stated = question.strip().rstrip("?").strip()
    if read_question(question).kind == "time":
        stated = " ".join(_TIME_ASKED.sub(" ", stated).split()) or stated
    return f"{stated} {answer.rstrip('.')}"


# --- reading the question ------------------------------------------------------------------------


def read_question(question: str) -> Asked:
    """The answer type and the focus words of ``question`` (see the module's docstring)."""
    words = words_of(question)
    names = tuple(_names(words))
    wh = next((i for i, w in enumerate(words) if w.low in WH_WORDS), None)
    if wh is None:
        return Asked(question, None, (), names)
    head = words[wh].low
    rest = words[wh + 1 :]
    kind: Kind | None = None
    owned: tuple[str, ...] = ()
    slot: list[Word] = []  # the noun the wh-word asks about ("how many *troops*", "which *town*")
    after = 0  # where the clause after the wh-phrase starts in ``rest``
    if head == "how" and rest and rest[0].low in AMOUNT_ADJECTIVES:
        kind = "duration" if rest[0].low == "long" else "number"
        slot, after = _noun_run(rest, 1)
    elif head in ("which", "what", "whose") and rest and rest[0].low not in AUXILIARIES:
        slot, after = _noun_run(rest, 0)
        if head == "which" and len(slot) > 1 and slot[0].possessive:
            owned = (slot[0].text, slot[1].text)
        lows = {w.low for w in slot}
        if lows & TIME_NOUNS and not lows - TIME_NOUNS - {"exact"}:
            kind = "time"
        elif lows & PLACE_NOUNS:
            kind = "place"
        elif head in ("which", "whose") and not lows & SORT_NOUNS:
            kind = "name"
        slot = [w for w in slot if w.low not in TIME_NOUNS and w.low not in PLACE_NOUNS]
    elif head == "when":
        kind = "time"
    elif head == "where":
        kind = "place"
    elif head in ("who", "whom"):
        kind = "name"
    clause = rest[after:]
    complement = _copula_complement(head, clause)
    if complement is not None:
        focus, implied = complement
        kind = implied or (kind if focus else None)  # "Who is Mohammad Alloush?": any sentence on him
    else:
        focus = [w for w in slot if is_content(w) and not w.capital] + _predicate(clause)
    one_part = sum(1 for w in words if w.low in WH_WORDS) == 1
    places = place_keys(question) if kind != "place" and one_part else frozenset()
    nouns = [w.low for w in slot if is_content(w) and not w.capital]
    if head not in ("which", "what") or any(w.possessive for w in slot):
        nouns = []  # "Which animal's glue ...?" asks for the animal, not the glue (Wikinews wn-103)
    return Asked(
        question,
        kind,
        tuple(dict.fromkeys(w.text for w in focus)),
        names,
        places,
        owned,
        slot=nouns[-1] if nouns else "",
        verbs=tuple(dict.fromkeys(verb_base(w.low) for w in clause if is_verb(w))),
        denied=any(denies(w.low) for w in words),
    )


def is_verb(word: Word) -> bool:
    """May ``word`` be a verb ("carrying", "use")? Auxiliaries and capitalised words are not counted."""
    return (
        not word.capital
        and word.low not in AUXILIARIES
        and bool(getLemma(word.low, upos="VERB", lemmatize_oov=False))
    )


def _noun_run(words: Sequence[Word], start: int) -> tuple[list[Word], int]:
    """The words of the noun phrase from ``start`` up to an auxiliary, a preposition or a wh-word."""
    end = start
    while end < len(words) and end - start < 4:
        low = words[end].low
        if low in AUXILIARIES or low in PREPOSITIONS or low in WH_WORDS or low == "and":
            break
        end += 1
    return [w for w in words[start:end] if w.low not in NUMBER_WORDS], end


def _copula_complement(head: str, clause: Sequence[Word]) -> tuple[list[Word], Kind | None] | None:
    """ "What was *the outcome* of ...", "Who is *the leader* of ...", "What is X's *role*": the
    noun asked for and the type it implies ("the death toll": a number); an empty noun for "What
    is <a name>?" and "What is X's role?" (any sentence on X answers); None if not this form."""
    if head not in ("what", "who") or not clause or clause[0].low not in COPULAS:
        return None
    phrase = list(clause[1:])
    owner = next((i for i, w in enumerate(phrase) if w.possessive), None)
    if owner is not None and all(w.capital or w.low in DETERMINERS for w in phrase[:owner]):
        noun = [w for w in phrase[owner + 1 :] if is_content(w)][:2]
        if {w.low for w in noun} & ROLE_NOUNS:
            return [], None
        if {w.low for w in noun} & NAME_NOUNS:
            return [w for w in noun if w.low not in NAME_NOUNS], "name"
        return noun, _amount(noun)
    if phrase and phrase[0].low in DETERMINERS:
        phrase = phrase[1:]
    noun: list[Word] = []
    for word in phrase:
        if word.low in PREPOSITIONS or word.low in AUXILIARIES or word.low in WH_WORDS:
            break
        noun.append(word)
    if (
        noun
        and {w.low for w in noun} <= NAME_NOUNS
        and phrase[len(noun) :][:1]
        and phrase[len(noun)].low == "of"
    ):
        named, _ = _noun_run(phrase, len(noun) + 1)  # "the name of *the dive boat* that ..."
        return [w for w in named if is_content(w) and not w.capital and w.low not in DETERMINERS], "name"
    if len(noun) == len(phrase) or phrase[len(noun)].low in PREPOSITIONS:
        lowercase = [w for w in noun if is_content(w) and not w.capital]
        return lowercase, _amount(lowercase)  # no noun: the complement is a name (a definition)
    return None  # "What are the IS fighters ... trying to cut off": a subject, not a complement


def _amount(noun: Sequence[Word]) -> Kind | None:
    return "number" if {w.low for w in noun} & AMOUNT_NOUNS else None


def _predicate(clause: Sequence[Word]) -> list[Word]:
    """Content words of the clause outside its determiner phrases (those name the topic).

    A determiner phrase runs to a preposition, an auxiliary or a verb form ("the IS fighters
    *attacking*"); the noun after a possessive name in it is asked about ("the Islamic State's
    *hold* on territory").
    """
    out: list[Word] = []
    in_phrase = False
    owned = False
    opened = -1  # where the last determiner phrase began
    for i, word in enumerate(clause):
        if word.low in DETERMINERS:
            in_phrase, owned, opened = True, False, i
            continue
        if in_phrase:
            if word.low in PREPOSITIONS or word.low in AUXILIARIES or word.low in WH_WORDS:
                in_phrase = False
            elif owned and not word.capital:
                owned = False
                if is_content(word):
                    out.append(word)
                continue
            elif word.capital or not word.low.endswith(("ed", "ing")):
                owned = word.possessive and word.capital
                continue
            else:
                in_phrase = False
        if is_content(word) and not word.capital:
            out.append(word)
    last = clause[-1] if clause else None
    if (
        in_phrase
        and opened == 1
        and last
        and clause[0].low in AUXILIARIES
        and is_content(last)
        and not last.capital
    ):
        out.append(last)  # "When do the Astana peace talks *begin*": inverted, the verb comes last
    return out


def _names(words: Sequence[Word]) -> list[str]:
    """Capitalised runs of the question ("Baal Shamin", "Palmyra"), first word of it excluded."""
    found: list[str] = []
    run: list[str] = []
    for i, word in enumerate([*words, Word("", "", False)]):
        if i > 0 and (is_name(word) or (run and word.low.startswith(("al-", "el-")))):
            run.append(word.text)
            continue
        if run:
            found.append(" ".join(run))
        run = []
    return found
