"""Word sets and stopword lists.

The lists differ on purpose, each tuned for its job and measured there (changing one moves
that job's golden figures): keep them apart, and add a word to the list of the job that needs it.
"""

from __future__ import annotations

import re
import unicodedata


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (how the word lists below are written)."""
    return frozenset(text.split())


def strip_accents(text: str) -> str:
    """``text`` with combining accents removed: "Çavuşoğlu" -> "Cavusoglu"."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def norm_word(word: str) -> str:
    """How the verifier compares words: lower-case, accents and dots removed, curly apostrophe straight."""
    return strip_accents(word).lower().replace(".", "").replace("’", "'")


def acronym(word: str) -> bool:
    """An all-capital word of two letters or more ("IS", "UN", "ISIS"): a name, even where it spells
    a common word, so neither a stopword nor lower-case text."""
    return len(word) >= 2 and word.isalpha() and word.isupper()


def name_words(name: str) -> list[str]:
    """The words of a name as the verifier compares them (:func:`norm_word`), split at spaces and
    hyphens: "British-based" -> ["british", "based"], "al-Nusra Front" -> ["al", "nusra", "front"]."""
    return [w for w in re.split(r"[\s\-]+", norm_word(name)) if w]


RETRIEVAL_STOPWORDS = wordset(
    """
    a about above after again against al all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each el few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just let
    me more most my myself of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves s t d ll m re ve many much tell say says said according
"""
)
"""BM25 terms left out. Function words and question words. "al"/"el" (the Arabic article in "al-Assad",
"Deir al-Zor") are included because some spellings glue or assimilate it ("Ezzor").
"said"/"according" appear in almost every news passage and never distinguish one."""

SUPPORT_STOPWORDS = wordset(
    """a about above after again against all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself now of off on once only or other our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves said says say told according also s t would may might must shall
    one's whose upon via per including amid among across yes"""
)
"""Words the verifier's support score ignores: no "al"/"el" (names keep them), and modals and
reporting verbs ("may", "told") that say nothing about whether a passage backs a claim."""

FIGURE_PHRASE_STOPS = wordset(
    "and or were was have has had been are is be in on at of by from for with who which that "
    "since so as to after before during when while dead killed died wounded injured live lives "
    "living reportedly also more than said the a an its their"
)
"""Words that end the noun phrase after a figure ("28 soldiers were killed" -> soldiers): function
words and the predicates, which say what happened to the counted, not what was counted."""

EVENT_STOPWORDS = wordset(
    "that this with from have were said will would their there about after before into than them they "
    "been also which when while where what only more most some such other being next week month year "
    "monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december"
)
"""Words (4+ letters) that do not tell two dated sentences are about the same event: common
words, and the calendar words the sentences share because both are dated."""

ARTICLES = wordset("the a an")
"""The articles: what a determiner-led noun phrase opens with at least."""
STATE_BODIES = wordset(
    "government governments regime army armies military police authorities officials forces troops soldiers"
)
"""How a story names a state's side when it names no one: "the government has retained control"."""
MILITANTS = wordset("jihadists militants insurgents extremists fighters")
"""How a story names armed militants when it names none of them: one side, as :data:`STATE_BODIES`
is another; "rebels", "militias" and "the opposition" are each only themselves."""
BODY_NOUNS = STATE_BODIES | MILITANTS | wordset(
    "rebels militias militiamen opposition guerrillas group groups coalition council court ministry "
    "committee parliament prosecutors investigators residents villagers protesters"
)  # fmt: skip
"""Bodies a story may name by what they are, as the doer of what it tells."""
COPULAS = wordset("is are was were")
"""The forms of "to be" that link a subject to what it is said to be."""

DENIALS = wordset("not never")
"""Words that deny the verb right after them ("were not included"), as "n't" does."""


def denies(word: str) -> bool:
    """Does the lower-case ``word`` deny the verb after it: "not", "never", "didn't"?"""
    return word in DENIALS or word.endswith(("n't", "n’t"))


QUESTION_WORDS = wordset("how what which who whom whose when where why did does do is are was were")
"""Capitalised words that open a question without naming anything in it."""

LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


DEMONYM_ENDINGS = ("ian", "ish", "ese", "ean")
"""A one-word name ending so ("Syrian", "Turkish") qualifies a thing rather than naming one."""
DEMONYM_SUFFIXES = ("n", "an", "ian", "i", "ese")
"""Endings that make a place's adjective from its name, after its last letter or in place of it:
"Samoa" -> "Samoan", "Iran" -> "Iranian", "Iraq" -> "Iraqi", "China" -> "Chinese", "Mexico" ->
"Mexican". Irregular ones ("Turkish", "British") are aliases of their own."""


def demonym_of(word: str, place: str) -> bool:
    """Is ``word`` the adjective of ``place`` by a regular ending (both normalised, lower case)?"""
    if len(place) < 4 or len(word) <= len(place):
        return False
    return any(word in (place + end, place[:-1] + end) for end in DEMONYM_SUFFIXES)


def word_prefixes(text: str, length: int = 4) -> set[str]:
    """Lower-case first ``length`` letters of every word of 4+ Latin letters ("Deir al-Zor" -> {"deir"})."""
    return {w.lower()[:length] for w in LATIN_WORD.findall(text)}


def content_words(text: str, stopwords: frozenset[str] = EVENT_STOPWORDS) -> set[str]:
    """Lower-case words of 4+ letters not in ``stopwords`` (what two sentences on one event share)."""
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in stopwords}
