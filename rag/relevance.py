"""Does the answer answer the question? A backed sentence that does not is not an answer.

The verifier asks whether each sentence is backed by the passage it cites; this module asks
whether any backed sentence answers what was asked: its answer type and its focus words, as
:func:`rag.asked.read_question` reads them.

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

A "what N" question is not answered by a sentence that puts N itself where the answer belongs
(:func:`names_slot_as_answer`): "The vanished ... ship was carrying cargo from Sampit ..." for "What
cargo was the ship carrying?" (Wikinews wn-004, shown and wrong). Over the 96 distinct sentences of
the saved golden and Wikinews answers and the labelled answers whose question asks "what/which N",
it flags that one and no other.

A one-part question whose focus words all lie in its description of the noun it asks about ("How
old was the engineer *killed working on a moving walkway at Waterloo station*?") is answered by a
sentence of its type that names that noun and each word the question puts before it ("The engineer
was 44 years old.", :func:`names_referent`). "Where were the children going?" is answered by a
destination that names no place ("going to a dance competition", :func:`_destination`), and "Who
survived ...?" by a person the story does not name ("A child survived ...", :func:`_person`). Over
the 504 distinct question-sentence pairs of the saved golden, Wikinews and labelled answers, the
three accept four more: Wikinews wn-035, wn-097, wn-098 and wn-122, right replies refused before;
over every sentence paired with every other question (132,462 pairs) they accept none.

A question asking for a figure, name, day or place is not answered by a sentence that uses its verb
only denied ("19 stores, which were not included in this package" for "How many stores are
included ...?", Wikinews wn-069, shown and wrong; :func:`negates_asked`). Over the 665 distinct
question-sentence pairs of the saved golden, Wikinews and labelled answers it refuses that one and
no other; over every sentence paired with every other question (194,600 pairs), 10 more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag import described
from rag.asked import (
    AUXILIARIES,
    DETERMINERS,
    Asked,
    Kind,
    Word,
    is_content,
    is_name,
    read_question,
    stem,
    verb_base,
    words_of,
)
from rag.text.dates import MONTHS, WEEKDAYS, YEAR_WORD, month_days
from rag.text.markers import CLAIM_MARKER
from rag.text.numbers import COUNT_WORDS, DIGIT_NUMBER, NUMBER_WORDS, ORDINALS, VAGUE_QUANTITIES
from rag.text.places import placed_elsewhere
from rag.text.words import BODY_NOUNS, denies, norm_word, wordset
from rag.types import Sentence

TERSE_CONTENT_WORDS = 2
"""A sentence of the right type with at most this many content words is a terse answer ("In
July.", "185 km southwest of Deir al-Zor"): the model did not restate the question."""

_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\b\.?)", re.IGNORECASE)
HOW_LONG_UNITS = wordset(
    "second seconds minute minutes hour hours day days week weeks fortnight month months year years "
    "decade decades century centuries km kilometre kilometres kilometer kilometers mile miles metre "
    "metres meter meters m ft foot feet yard yards cm mm inch inches lifetime"
)
"""What answers "how long ...?" besides a time ("since early 2015"): a duration or a length, with or
without a number ("22 minutes", "for weeks", "2 km"). A bare number is no answer: "Franky Zapata took
over 100 mph to fly across the English Channel" was shown for "How long did Franky Zapata take ...?"
(Wikinews wn-027, wrong: it is his speed)."""
_SPEED = re.compile(
    r"\b(?:km|kms|kilomet(?:re|er)s?|mi|miles?|m|metres?|meters?|ft|feet)\s*(?:/|per\s+)\s*(?:h|hr|hour|s|sec|second)\b",
    re.IGNORECASE,
)
"""A speed is no length: "161 km/h" holds "km", and "Franky Zapata took over 100 mph (161 km/h) to fly
across the English Channel" answered "How long did Franky Zapata take ...?" with it (wn-027)."""

_RELATIVE_TIME = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|ago|recently|(?:last|next|this|earlier this|later this|"
    r"early|late|mid)\s+(?:week|month|year|weekend|spring|summer|autumn|fall|winter|morning|night)|"
    r"(?:\d+(?:st|nd|rd|th)|" + "|".join(ORDINALS) + r")\s+(?:year|month|week|day|century))\b",
    re.IGNORECASE,
)


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


# --- reading the answer --------------------------------------------------------------------------


def has_kind(sentence: str, kind: Kind | None, question: str = "") -> bool:
    """Whether ``sentence`` holds an expression of the answer type ``kind``."""
    if kind is None:
        return True
    text = CLAIM_MARKER.sub("", sentence)
    if kind == "duration":
        units = {w.low for w in words_of(_SPEED.sub(" ", text))} & HOW_LONG_UNITS
        return has_kind(sentence, "time") or bool(units)
    if kind == "time":
        return bool(
            YEAR_WORD.search(text)
            or month_days(text)
            or _CLOCK.search(text)
            or _RELATIVE_TIME.search(text)
            or any(
                w.capital and (w.low in MONTHS or w.low in WEEKDAYS) and len(w.low) > 3
                for w in words_of(text)
            )
        )
    if kind == "number":
        lows = {part for w in words_of(text) for part in w.low.split("-")}
        return bool(
            any(not YEAR_WORD.fullmatch(m.group(0)) for m in DIGIT_NUMBER.finditer(text))
            or lows & (set(NUMBER_WORDS) | set(COUNT_WORDS) | set(ORDINALS) | VAGUE_QUANTITIES | {"dozen"})
        )
    asked = {norm_word(w.text) for w in words_of(question)}
    return (
        any(is_name(w) and w.low not in asked for w in words_of(text))
        or (kind == "place" and bool(_destination(text, asked)))
        or (kind == "name" and _who(question) and _person(text, asked))
    )


PERSON_NOUNS = wordset(
    "child children boy boys girl girls man men woman women baby teenager teenagers driver drivers "
    "passenger passengers pilot pilots officer officers firefighter firefighters soldier soldiers "
    "worker workers student students doctor doctors nurse nurses"
)
"""People a news story may not name: "Who survived ...?" -- "A child survived ..." (Wikinews wn-097)."""


def _who(question: str) -> bool:
    """A "Who <did something>?" question (not "Who is ...?", which asks who someone is; "Who is
    trying to ...?" asks who does something)."""
    words = words_of(question)
    if len(words) < 2 or words[0].low != "who":
        return False
    return words[1].low not in AUXILIARIES or (len(words) > 2 and words[2].low.endswith("ing"))


def _person(text: str, asked: set[str]) -> bool:
    """A person or body the question does not name, as the sentence's subject: "A child survived
    ...", "The government controls ..."."""
    words = words_of(text)
    k = 1 if words and (words[0].low in DETERMINERS or words[0].low in NUMBER_WORDS) else 0
    # "The government has retained control of the airport" answers "Who controls the airport?"
    return len(words) > k and words[k].low in PERSON_NOUNS | BODY_NOUNS and words[k].low not in asked


MOTION_VERBS = wordset("going heading travelling traveling bound returning flying sailing driving")
"""Verbs of a trip: "Where were the children going?" asks for a destination, which need not be
named ("to a dance competition", Wikinews wn-098)."""
_DESTINATION = re.compile(
    r"\b(" + "|".join(sorted(MOTION_VERBS)) + r")\s+(?:back\s+)?to\s+(?:a|an|the|their|his|her|its)\s+\w+",
    re.IGNORECASE,
)


def _destination(text: str, asked: set[str]) -> re.Match[str] | None:
    """A destination ("going to a dance competition") after the verb the question asks with."""
    match = _DESTINATION.search(text)
    return match if match and match.group(1).lower() in asked else None


def names_focus(sentence: str, focus: Sequence[str], verbs: Sequence[str] = ()) -> bool:
    """Whether ``sentence`` names one of the focus words (same stem or a close form). A part of a
    hyphenated word names a name's part ("al-Qaeda") but not one of the question's ``verbs``: in
    "the *state-run* Sana news agency reported" nothing runs, and that sentence was shown as the
    answer to "Who runs the Syrian Observatory for Human Rights?" (injection suite q08)."""
    if not focus:
        return True
    wanted = {stem(part) for word in focus for part in norm_word(word).split("-") if part}
    acted = {stem(verb) for verb in verbs}
    for w in words_of(sentence):
        parts = [part for part in w.low.split("-") if part]
        if any(stem(part) in wanted and (len(parts) == 1 or stem(part) not in acted) for part in parts):
            return True
    return False


SLOT_FILLERS = wordset("of such including like named called")
"""Words after the asked noun that go on to name it ("carrying cargo *of* crude palm oil")."""


def names_slot_as_answer(sentence: str, asked: Asked) -> bool:
    """Does ``sentence`` put the noun asked about where its answer belongs, after the question's
    verb ("What cargo was the ship carrying?" -- "The ship was carrying cargo from Sampit, a port
    town on a river in Borneo, to Jakarta": Wikinews wn-004, shown as the answer while the story
    says the cargo was crude palm oil)? A determiner may come between ("used a weapon"); a word
    that goes on to name the noun ("cargo of crude palm oil") fills the place."""
    words = words_of(sentence)
    slot = stem(asked.slot)
    verbs = set(asked.verbs)
    for k, word in enumerate(words[:-1]):
        if word.capital or verb_base(word.low) not in verbs:
            continue
        at = k + 1 + (words[k + 1].low in DETERMINERS)
        if at < len(words) and stem(words[at].low) == slot:
            after = words[at + 1].low if at + 1 < len(words) else ""
            if after not in SLOT_FILLERS:
                return True
    return False


NEGATION_REACH = 2
"""Auxiliaries read past between a verb and its negation ("hasn't been included")."""
PASSIVE_AUXILIARIES = wordset("be been being")
"""Words between a denial and its verb: "has not *been* included"."""


def negates_asked(sentence: str, asked: Asked) -> bool:
    """Does ``sentence`` use the question's verbs only denied, where the question does not deny
    them? "Tesco continues to run 19 stores, which were not included in this package" was shown as
    the answer to "How many stores are included in Tesco's sale of its Polish business ...?"
    (Wikinews wn-069; the story's answer is 301): it counts what the question does not ask about.
    Only a question asking for a figure, name, day or place is read so: "What did Cavusoglu say,
    and did the United States accept?" is answered by "The United States did not accept"."""
    if asked.kind is None or not asked.verbs or asked.denied:
        return False
    words = words_of(sentence)
    uses = [k for k, w in enumerate(words) if not w.capital and verb_base(w.low) in asked.verbs]
    return bool(uses) and all(_denied(words, k) for k in uses)


def _denied(words: Sequence[Word], k: int) -> bool:
    """Is the verb ``words[k]`` denied by the word before it, or before its auxiliaries?"""
    j = k - 1
    while j >= 0 and k - j <= NEGATION_REACH and words[j].low in PASSIVE_AUXILIARIES:
        j -= 1
    return j >= 0 and denies(words[j].low)


def terse(sentence: str) -> bool:
    """A reply that gives the answer without restating the question ("In July.")."""
    return sum(1 for w in words_of(sentence) if is_content(w) and not w.capital) <= TERSE_CONTENT_WORDS


def answers(sentence: str, asked: Asked) -> bool:
    """Whether ``sentence`` answers the question read into ``asked``."""
    if not has_kind(sentence, asked.kind, asked.question):
        return False
    if placed_elsewhere(asked.places, sentence):
        return False
    if asked.slot and names_slot_as_answer(sentence, asked):
        return False
    if negates_asked(sentence, asked):
        return False
    if asked.owned and not names_focus(sentence, asked.owned):
        # "Which governor's deputy chief of staff ...?" is not answered by "Bridget Anne Kelly had
        # her conviction overturned" (Wikinews wn-121): it names neither a governor nor a deputy
        return False
    return (
        names_focus(sentence, asked.focus, asked.verbs)
        or (asked.kind is not None and terse(sentence))
        or names_referent(sentence, asked)
    )


def names_referent(sentence: str, asked: Asked) -> bool:
    """Does ``sentence`` name what a question asks about when every focus word lies in the question's
    description of it ("How old was the engineer killed working on a moving walkway at Waterloo
    station?" -- "The engineer was 44 years old.", Wikinews wn-035)? It must name each word the
    question puts before the description and the described noun (:func:`rag.described.referent`)."""
    referent = described.referent(asked.question)
    if referent is None or asked.kind is None or not asked.focus:
        return False
    if not all(stem(word) in referent.described for word in asked.focus):
        return False
    named = {stem(part) for w in words_of(sentence) for part in w.low.split("-") if part}
    return len(referent.units) >= 2 and all(unit & named for unit in referent.units)


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
