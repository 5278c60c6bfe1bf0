"""The verifier's own word lists: negations, words that open sentences, name connectors.

The lists it shares with other jobs (stopwords, months, number words, abbreviations) are in
:mod:`rag.text`. Kept apart from the code that reads them: the golden-set figures rest on these
exact lists.
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllLemmas, getLemma

from rag.text.words import DENIALS, wordset

NEGATION_WORDS = DENIALS | wordset(
    "no without denied deny denies none nobody nothing neither nor cannot nowhere"
)

SENTENCE_STARTERS = wordset(
    """a an the this that these those it its he she they we i you his her their our my your there here
    in on at by for from with after before during when while as if but and or so yet however although
    though because since until meanwhile also still then now today yesterday tomorrow earlier later
    last next some many most several few all both each every no not never according officials police
    what who where why how which one two three four five six seven eight nine ten what's it's
    further furthermore moreover instead despite amid among about around over under into onto upon"""
)

NAME_CONNECTORS = wordset("of de da del della di du van von der den la le bin ibn al el")

CLAUSE_JOINERS = wordset("but while whereas although though however yet")
"""Words that open a clause of their own: "attend the talks, but did not say who" negates the saying,
and in "X said A, while Y said B" the words A are X's."""

LEADING = wordset(
    "run runs ran running head heads headed heading lead leads led leading leader leaders chief "
    "chairs chaired chairman chairwoman direct directs directed director command commands commanded "
    "commander"
)
"""Words that say who is at the head of a body, one relation however it is written: "X is run by
Y", "Y, who runs X", "X head Y", "Y leads X". A claim that writes it one way is backed by a passage
that writes it another (the alignment's relation words, :mod:`rag.verifier.alignment`)."""

HEDGES = wordset("probably possibly perhaps hope hopes hoped hoping")
"""Words that say a thing may happen or is wished for, not that it happened ("would probably be
face-to-face", "expressed hope that the meeting would reinforce the truce"). Only these: with
"could", "might", "may", "likely", "expected" and "plans" as well, SummEdits news test balanced
accuracy fell from 0.661 to 0.646 (paraphrases that drop them) and no more labelled answer
sentences were caught."""
EXPECTATIONS = wordset("expected scheduled set supposed planned slated")
"""Words that put what follows "to" in the future as it was foreseen ("was expected to end on December
15"). Not hedges by themselves (:data:`HEDGES` says why); a hedge where the
sentence then says it went otherwise (:data:`OVERTURNING`; :mod:`rag.verifier.hedges`)."""
OVERTURNING = wordset("but however instead")
"""Words opening a clause that says the foreseen did not happen: "..., *but* on December 14 it was
extended"."""
FUTURE = wordset("will would shall")
"""Words that put the verb after them in the future: "will assume", "would head"
(:mod:`rag.verifier.foretold`)."""
SPEECH_VERBS = wordset(
    "said says say told tells stated states reported reports announced announces added adds "
    "claimed claims warned warns insisted insists confirmed confirms denied denies"
)
"""Verbs that put the words of a sentence in someone's mouth (:mod:`rag.verifier.attribution`); a
speech verb is not the event a claim tells (:mod:`rag.verifier.foretold`)."""
AIMS = wordset(
    """bid bids effort efforts attempt attempts aim aims aimed aiming seek seeks seeking sought try tries
    tried trying campaign vow vows vowed pledge pledges pledged promise
    promises promised intend intends intended want wants wanted"""
)
"""Words that say what follows "to" is sought, not done: "the latest bid to put an end to the war
raging in Syria since March 2011" says nothing of the war's end (:mod:`rag.verifier.negation`)."""


@lru_cache(maxsize=8192)
def dictionary_word(word: str) -> bool:
    """Is ``word`` (lower case) an English noun, verb, adjective or adverb in lemminflect's dictionary?
    Names are not ("michael", "kimura", "syria"), and neither are function words ("the", "during")."""
    return bool(getAllLemmas(word))


@lru_cache(maxsize=8192)
def verb_only(word: str) -> bool:
    """Is ``word`` (lower case) a form of a verb other than "be", "have" or "do", and no noun:
    "talked", "fought", "spends" (not "were", "people", "killing")? From lemminflect's dictionary."""
    lemmas = getAllLemmas(word)
    return "VERB" in lemmas and "AUX" not in lemmas and "NOUN" not in lemmas


@lru_cache(maxsize=16384)
def verb_base(word: str) -> str:
    """The verb a form belongs to ("broke", "broken" -> "break"; "fled" -> "flee"; "built" ->
    "build"), else the word: English's irregular verbs, which a stemmer does not join to their base,
    from lemminflect's dictionary rather than a list of our own (one listing "built", "held" and 25
    more missed "broke", and "Fateh al-Sham broke off its ties with al-Qaeda in July" was refused as
    not answering "In which month did Fateh al-Sham break with al-Qaeda?"). A form of two verbs that
    is itself one of them stays as written ("found": find, found). Cached: the verifier asks it of
    every word it stems (:func:`rag.verifier.tokens.stem`) and of every passage word when a claim
    dates a verb (:mod:`rag.verifier.dated`)."""
    bases = getLemma(word, upos="VERB", lemmatize_oov=False)
    return word if not bases or word in bases else bases[0]


EVENT_VERB_KIN = (wordset("start begin commence"), wordset("end finish conclude"))
"""Verbs that tell the same moment of an event: a date given to "began" in a story is the date of
"started" in a claim ("The Astana talks started in March 2011" beside "The talks, beginning on January
23", :mod:`rag.verifier.dated`). Only these: "open" and "launch" also tell other events ("a shop
opened", "a rocket launched")."""


def event_kin(verb: str) -> frozenset[str]:
    """The base forms that tell the same moment of an event as ``verb`` (a base form), itself included."""
    return next((kin for kin in EVENT_VERB_KIN if verb in kin), frozenset({verb}))
