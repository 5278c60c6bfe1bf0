"""Does the answer answer the question? A backed sentence that does not is not an answer.

The verifier asks whether each sentence is backed by the passage it cites; this module asks
whether any backed sentence answers what was asked. A question is read for two things
(:func:`read_question`):

* its **answer type**: "when" wants a date, a year or a time ("in 2014", "on Monday", "its
  10th year"); "how many/much/far/old" a number or an amount; "who" and "which <thing>" a name
  the question does not already hold; "where" a place name;
* its **focus**: the content words that name what is asked ("built", "troops", "outcome",
  "leader"), as opposed to its topic (the things it is about: "the Baal Shamin temple in
  Palmyra", "the Astana peace talks"). Words inside a determiner phrase ("the ... temple") are
  topic, unless the phrase is what a "what/who is the N of ..." question asks for.

A sentence answers when it holds the answer type and names a focus word (same stem, or an
irregular form of the verb). A terse reply of the right type ("In July.") answers without
restating the question. A question with no type and no focus (a yes/no question, "what is
the High Negotiations Committee?", a follow-up left unrewritten) is never refused here.

Why these rules, measured (the default model's answers in the saved golden report of 1 December,
its 56 answers): each answer the golden set counts right paired with its own question (31
positives) and every answered question paired with the answer of another question on an article it
shares (hard negatives: on topic, not answering), plus the off-question answers to un03, un07 and
un09: 991 negatives. For "does not answer": type alone, precision 1.000 and recall 0.259; focus
alone 0.999 / 0.736; both 0.999 / 0.775; both with the terse-answer rule 1.000 / 0.734 (no right
answer refused). It refuses un03, un07 and un09 and passes un08 ("The leader of the Islamic State
group is ISIS": a name and the focus; whether the passage says so is the verifier's question).
Cost: about 2 ms a check on one core, no model call.

A one-part question that places what it asks ("How many Syrian refugees live in Turkey?") is not
answered by a sentence placed somewhere else that never names its place ("around 200,000 people live
in Deir Ezzor city", un06). Measured on the 80 distinct answers of the saved golden reports and the
106 labelled answers with a supported sentence: it refuses un06 and held-out sq68 (the Idlib air
strikes answered with Deir al-Zour's population), and no right answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from lemminflect import getInflection, getLemma

from rag.text.dates import MONTHS, WEEKDAYS, month_days
from rag.text.markers import CLAIM_MARKER
from rag.text.numbers import COUNT_WORDS, DIGIT_NUMBER, NUMBER_WORDS, ORDINALS, VAGUE_QUANTITIES
from rag.text.places import place_keys, placed_elsewhere
from rag.text.words import SUPPORT_STOPWORDS, norm_word, wordset
from rag.types import Sentence
from rag.verifier.tokens import stem as porter_stem

Kind = Literal["time", "number", "name", "place"]

WH_WORDS = wordset("how what which who whom whose when where why")
AUXILIARIES = wordset(
    "is are was were be been being has have had do does did will would can could should may might"
)
COPULAS = wordset("is are was were")
DETERMINERS = wordset("the a an its his her their this that these those our my your")
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

GENERIC_WORDS = wordset(
    "say said says tell told describe described report reported reports reportedly according archive "
    "mention mentioned state stated news article articles source sources happen happened take place "
    "exactly not no never"
)
"""Words that say how a question is put, not what it asks (and negations): never its focus."""

TERSE_CONTENT_WORDS = 2
"""A sentence of the right type with at most this many content words is a terse answer ("In
July.", "185 km southwest of Deir al-Zor"): the model did not restate the question."""

CLOSE_FORMS = {
    "leader": "lead", "leaders": "lead", "leadership": "lead",
    "death": "die", "deaths": "die", "dead": "die", "kill": "die", "killed": "die", "toll": "die",
    "outcome": "result", "results": "result", "resulted": "result",
    "troop": "soldier", "troops": "soldier", "soldiers": "soldier",
    "control": "hold", "controlled": "hold", "controls": "hold",
}  # fmt: skip
"""Words that name the same thing in a question and its answer ("the death toll" / "82 were
killed", "troops" / "soldiers", "hold on territory" / "controlled"), each group to one form. Each
was added for a golden answer it would otherwise refuse, or a golden question's wording."""


def _verb_base(word: str) -> str:
    """The verb a form belongs to ("broke", "broken" -> "break"; "fled" -> "flee"; "built" ->
    "build"), else the word: English's irregular verbs, which a stemmer does not join to their base,
    from lemminflect's dictionary rather than a list of our own (one listing "built", "held" and 25
    more missed "broke", and "Fateh al-Sham broke off its ties with al-Qaeda in July" was refused as
    not answering "In which month did Fateh al-Sham break with al-Qaeda?"). A form of two verbs that
    is itself one of them stays as written ("found": find, found)."""
    bases = getLemma(word, upos="VERB", lemmatize_oov=False)
    return word if not bases or word in bases else bases[0]


def is_participle(word: str) -> bool:
    """Is ``word`` a verb's past participle ("built", "taken", "held", "deployed")?"""
    low = norm_word(word)
    base = _verb_base(low)
    return base != low and low in getInflection(base, tag="VBN")


_WORD = re.compile(
    r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’.\-]*[A-Za-z\u00c0-\u024f]|[A-Za-z]|\d[\d,.]*"
)
_YEAR = re.compile(r"\b(?:1[5-9]|2[01])\d\d\b")
_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\b\.?)", re.IGNORECASE)
_RELATIVE_TIME = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|ago|recently|(?:last|next|this|earlier this|later this|"
    r"early|late|mid)\s+(?:week|month|year|weekend|spring|summer|autumn|fall|winter|morning|night)|"
    r"(?:\d+(?:st|nd|rd|th)|" + "|".join(ORDINALS) + r")\s+(?:year|month|week|day|century))\b",
    re.IGNORECASE,
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

    @property
    def checkable(self) -> bool:
        return self.kind is not None or bool(self.focus)


@dataclass(frozen=True)
class Verdict:
    """The relevance check on one answer."""

    asked: Asked
    answering: tuple[int, ...]
    """Indexes of the sentences that answer the question."""

    @property
    def answered(self) -> bool:
        return bool(self.answering) or not self.asked.checkable

    def details(self) -> str:
        return (
            f"answer type {self.asked.kind or 'any'}, focus {list(self.asked.focus) or 'none'}: "
            f"no backed sentence has both"
        )


@dataclass(frozen=True)
class _Word:
    text: str
    low: str
    capital: bool
    possessive: bool = False


def _words(text: str) -> list[_Word]:
    out = []
    for match in _WORD.finditer(CLAIM_MARKER.sub("", text)):
        raw = re.sub(r"['’]s$", "", match.group(0)).rstrip(".")
        if raw:
            out.append(_Word(raw, norm_word(raw), raw[0].isupper(), raw != match.group(0).rstrip(".")))
    return out


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The form two words share when they name the same thing ("deployed" -> "deploy")."""
    low = norm_word(word)
    return CLOSE_FORMS.get(low) or CLOSE_FORMS.get(porter_stem(low)) or porter_stem(_verb_base(low))


def _content(word: _Word) -> bool:
    return (
        word.low.isalpha()
        and len(word.low) > 1
        and word.low not in SUPPORT_STOPWORDS
        and word.low not in WH_WORDS
        and word.low not in AUXILIARIES
        and word.low not in GENERIC_WORDS
    )


# --- reading the question ------------------------------------------------------------------------


def read_question(question: str) -> Asked:
    """The answer type and the focus words of ``question`` (see the module's docstring)."""
    words = _words(question)
    names = tuple(_names(words))
    wh = next((i for i, w in enumerate(words) if w.low in WH_WORDS), None)
    if wh is None:
        return Asked(question, None, (), names)
    head = words[wh].low
    rest = words[wh + 1 :]
    kind: Kind | None = None
    slot: list[_Word] = []  # the noun the wh-word asks about ("how many *troops*", "which *town*")
    after = 0  # where the clause after the wh-phrase starts in ``rest``
    if head == "how" and rest and rest[0].low in AMOUNT_ADJECTIVES:
        kind = "number"
        slot, after = _noun_run(rest, 1)
    elif head in ("which", "what", "whose") and rest and rest[0].low not in AUXILIARIES:
        slot, after = _noun_run(rest, 0)
        lows = {w.low for w in slot}
        if lows & TIME_NOUNS and not lows - TIME_NOUNS - {"exact"}:
            kind = "time"
        elif lows & PLACE_NOUNS:
            kind = "place"
        elif head in ("which", "whose"):
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
        focus = [w for w in slot if _content(w) and not w.capital] + _predicate(clause)
    one_part = sum(1 for w in words if w.low in WH_WORDS) == 1
    places = place_keys(question) if kind != "place" and one_part else frozenset()
    return Asked(question, kind, tuple(dict.fromkeys(w.text for w in focus)), names, places)


def _noun_run(words: Sequence[_Word], start: int) -> tuple[list[_Word], int]:
    """The words of the noun phrase from ``start`` up to an auxiliary, a preposition or a wh-word."""
    end = start
    while end < len(words) and end - start < 4:
        low = words[end].low
        if low in AUXILIARIES or low in PREPOSITIONS or low in WH_WORDS or low == "and":
            break
        end += 1
    return [w for w in words[start:end] if w.low not in NUMBER_WORDS], end


def _copula_complement(head: str, clause: Sequence[_Word]) -> tuple[list[_Word], Kind | None] | None:
    """ "What was *the outcome* of ...", "Who is *the leader* of ...", "What is X's *role*": the
    noun asked for and the type it implies ("the death toll": a number); an empty noun for "What
    is <a name>?" and "What is X's role?" (any sentence on X answers); None if not this form."""
    if head not in ("what", "who") or not clause or clause[0].low not in COPULAS:
        return None
    phrase = list(clause[1:])
    owner = next((i for i, w in enumerate(phrase) if w.possessive), None)
    if owner is not None and all(w.capital or w.low in DETERMINERS for w in phrase[:owner]):
        noun = [w for w in phrase[owner + 1 :] if _content(w)][:2]
        if {w.low for w in noun} & ROLE_NOUNS:
            return [], None
        return noun, _amount(noun)
    if phrase and phrase[0].low in DETERMINERS:
        phrase = phrase[1:]
    noun: list[_Word] = []
    for word in phrase:
        if word.low in PREPOSITIONS or word.low in AUXILIARIES or word.low in WH_WORDS:
            break
        noun.append(word)
    if len(noun) == len(phrase) or phrase[len(noun)].low in PREPOSITIONS:
        lowercase = [w for w in noun if _content(w) and not w.capital]
        return lowercase, _amount(lowercase)  # no noun: the complement is a name (a definition)
    return None  # "What are the IS fighters ... trying to cut off": a subject, not a complement


def _amount(noun: Sequence[_Word]) -> Kind | None:
    return "number" if {w.low for w in noun} & AMOUNT_NOUNS else None


def _predicate(clause: Sequence[_Word]) -> list[_Word]:
    """Content words of the clause outside its determiner phrases (those name the topic).

    A determiner phrase runs to a preposition, an auxiliary or a verb form ("the IS fighters
    *attacking*"); the noun after a possessive name in it is asked about ("the Islamic State's
    *hold* on territory").
    """
    out: list[_Word] = []
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
                if _content(word):
                    out.append(word)
                continue
            elif word.capital or not word.low.endswith(("ed", "ing")):
                owned = word.possessive and word.capital
                continue
            else:
                in_phrase = False
        if _content(word) and not word.capital:
            out.append(word)
    last = clause[-1] if clause else None
    if (
        in_phrase
        and opened == 1
        and last
        and clause[0].low in AUXILIARIES
        and _content(last)
        and not last.capital
    ):
        out.append(last)  # "When do the Astana peace talks *begin*": inverted, the verb comes last
    return out


def _names(words: Sequence[_Word]) -> list[str]:
    """Capitalised runs of the question ("Baal Shamin", "Palmyra"), first word of it excluded."""
    found: list[str] = []
    run: list[str] = []
    for i, word in enumerate([*words, _Word("", "", False)]):
        if i > 0 and (_is_name(word) or (run and word.low.startswith(("al-", "el-")))):
            run.append(word.text)
            continue
        if run:
            found.append(" ".join(run))
        run = []
    return found


# --- reading the answer --------------------------------------------------------------------------


def has_kind(sentence: str, kind: Kind | None, question: str = "") -> bool:
    """Whether ``sentence`` holds an expression of the answer type ``kind``."""
    if kind is None:
        return True
    text = CLAIM_MARKER.sub("", sentence)
    if kind == "time":
        return bool(
            _YEAR.search(text)
            or month_days(text)
            or _CLOCK.search(text)
            or _RELATIVE_TIME.search(text)
            or any(
                w.capital and (w.low in MONTHS or w.low in WEEKDAYS) and len(w.low) > 3 for w in _words(text)
            )
        )
    if kind == "number":
        lows = {part for w in _words(text) for part in w.low.split("-")}
        return bool(
            any(not _YEAR.fullmatch(m.group(0)) for m in DIGIT_NUMBER.finditer(text))
            or lows & (set(NUMBER_WORDS) | set(COUNT_WORDS) | set(ORDINALS) | VAGUE_QUANTITIES | {"dozen"})
        )
    asked = {norm_word(w.text) for w in _words(question)}
    return any(_is_name(w) and w.low not in asked for w in _words(text))


def _is_name(word: _Word) -> bool:
    return (
        word.capital
        and word.low.replace("-", "").replace("'", "").isalpha()
        and word.low not in SUPPORT_STOPWORDS
        and word.low not in WH_WORDS
        and word.low not in MONTHS
        and word.low not in WEEKDAYS
    )


def names_focus(sentence: str, focus: Sequence[str]) -> bool:
    """Whether ``sentence`` names one of the focus words (same stem or a close form)."""
    if not focus:
        return True
    wanted = {stem(part) for word in focus for part in norm_word(word).split("-") if part}
    return any(stem(part) in wanted for w in _words(sentence) for part in w.low.split("-") if part)


def terse(sentence: str) -> bool:
    """A reply that gives the answer without restating the question ("In July.")."""
    return sum(1 for w in _words(sentence) if _content(w) and not w.capital) <= TERSE_CONTENT_WORDS


def answers(sentence: str, asked: Asked) -> bool:
    """Whether ``sentence`` answers the question read into ``asked``."""
    if not has_kind(sentence, asked.kind, asked.question):
        return False
    if placed_elsewhere(asked.places, sentence):
        return False
    return names_focus(sentence, asked.focus) or (asked.kind is not None and terse(sentence))


def check(question: str, sentences: Sequence[str], reported: Sequence[str] = ()) -> Verdict:
    """Which of ``sentences`` (the backed sentences of an answer) answer ``question``.

    ``reported``: sentences the engine wrote from the sources' own figures or days for this
    question (a disagreement: "Sources differ on the date: ..."); they answer when they hold the
    answer type, whatever their wording. Their indexes follow those of ``sentences``.
    """
    asked = read_question(question)
    if not asked.checkable:
        return Verdict(asked, ())
    answering = [i for i, s in enumerate(sentences) if answers(s, asked)]
    answering += [len(sentences) + i for i, s in enumerate(reported) if has_kind(s, asked.kind, question)]
    return Verdict(asked, tuple(answering))


class StreamGate:
    """Holds the checked sentences of a streaming reply until one answers the question.

    The verifier releases sentences from the first backed one on; a reply whose backed
    sentences answer nothing is refused at the end, so none of it may be shown as checked
    before. Once a backed sentence answers, it and the sentences held before it are released.
    """

    def __init__(self, question: str) -> None:
        self.asked = read_question(question)
        self.open = not self.asked.checkable
        self._held: list[Sentence] = []

    def release(self, sentences: Sequence[Sentence]) -> list[Sentence]:
        out: list[Sentence] = []
        for sentence in sentences:
            self._held.append(sentence)
            if not self.open and sentence.supported and sentence.needs_citation:
                self.open = answers(sentence.text, self.asked)
            if self.open:
                out.extend(self._held)
                self._held.clear()
        return out
