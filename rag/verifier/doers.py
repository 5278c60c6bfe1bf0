"""Who a passage sentence makes the doer of a verb: the name just before it ("UpGuard has found"),
the names "by" gives ("were found by UpGuard", "Organised by rebel backer Turkey and ..."), a body
the story names by what it is ("the government has retained control", "government forces were
fighting back ..., carrying out 20 air strikes"), the speaker a "he" stands for right after a
speech verb, and the word classes these readings rest on.

The checks that compare these doers with a claim's are in :mod:`rag.verifier.actors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from lemminflect import getAllLemmas, getInflection

from rag.text.dates import MONTHS, WEEKDAYS
from rag.text.words import BODY_NOUNS, SUPPORT_STOPWORDS, acronym
from rag.verifier.attribution import PASSIVE, speech_verb
from rag.verifier.tokens import Token

DOER_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "who", "which", "that"})
"""Words that stand for a doer named elsewhere ("He found", "the firm, which found")."""
RELATIVES = frozenset({"who", "which"})
"""Pronouns that, after a name and its comma, stand for it: "Al-Quaety, who contributed to ..."."""
DOER_GAP = 3
"""Words looked back from the verb for its doer's name ("UpGuard has also found")."""
AUXILIARIES = frozenset({"will", "would", "shall", "should", "can", "could", "may", "might", "must"})
AUXILIARIES |= frozenset({"has", "have", "had", "did", "does", "also", "to"})
"""Words read past between the claim's doer and its verb ("will head", "has also found")."""
SPOKEN_OF = frozenset({"he", "she"})
"""Pronouns that, right after a speech verb, stand for its speaker: "Alloush said on Monday he would"."""
AGENT_WORDS = 3
"""Lower-case words read past after "by" to the name it gives ("by rebel backer Turkey")."""
AGENT_REACH = 4
"""Words after "by" (and its article) read as the name it gives: "by the Syrian Observatory for"."""
NOT_ACTIONS = frozenset({"be", "have", "do", "will", "would", "can", "could", "may", "might", "must"})
"""Bases whose forms say what a name is or has, not what it did: left to the word overlap."""


def title_noun(sentence: Sequence[Token], k: int) -> bool:
    """``sentence[k]`` is a noun before a name, not the verb: "Observatory head Rami Abdel Rahman"."""
    token = sentence[k]
    return (
        k + 1 < len(sentence)
        and name_word(sentence[k + 1])
        and plain_noun(token)
        and not past_verb(token.norm)
    )


def plain_noun(token: Token) -> bool:
    """A lower-case word that can be a noun ("rebels", "head")."""
    return token.text.isalpha() and token.text.islower() and "NOUN" in getAllLemmas(token.norm)


@lru_cache(maxsize=4096)
def action_verb(word: str) -> bool:
    """``word`` is the base of a verb that says what a doer did ("control"), not "be" or "have"."""
    lemmas = getAllLemmas(word).get("VERB", ())
    return word in lemmas and word not in NOT_ACTIONS


@lru_cache(maxsize=4096)
def past_verb(word: str) -> bool:
    """``word`` is a verb in the past tense ("organised", "found"), as no noun is."""
    lemmas = getAllLemmas(word).get("VERB", ())
    return any(word in getInflection(base, tag="VBD") for base in lemmas if base not in NOT_ACTIONS)


def agents_of(sentence: Sequence[Token], verb: int) -> set[str] | None:
    """For a passive verb or a participle followed by "by" ("were found by UpGuard", "Organised by
    rebel backer Turkey and ..."), the words of the doers "by" names (empty when none is named);
    None for a verb in the active voice."""
    passive = verb > 0 and sentence[verb - 1].norm in PASSIVE
    if not passive and not (verb + 1 < len(sentence) and sentence[verb + 1].norm == "by"):
        return None
    # a passive verb's "by" may come first: "According to a report by UpGuard, data were found"
    for k in range(0 if passive else verb + 1, len(sentence) - 1):
        agents = agents_after(sentence, k + 1) if sentence[k].norm == "by" else set()
        if agents:
            return agents
    return set()


def doer_of(sentence: Sequence[Token], verb: int) -> set[str] | None:
    """The words of the name the sentence makes the doer of the active verb ``sentence[verb]``: the
    capitalised words just before it ("UpGuard found", "UpGuard has found"); None when it names none
    or speaks of one by a pronoun."""
    if verb > 0 and sentence[verb].clause_initial and sentence[verb].norm.endswith("ing"):
        # "The HNC is the main umbrella group ..., negotiating on their behalf": the participle
        # after a comma tells more of the sentence's subject
        lead = 1 if sentence[0].norm == "the" else 0
        if lead < verb and name_word(sentence[lead]):
            return name_run(sentence, lead, 1)
        # "He said government forces were fighting back the jihadists ..., carrying out more than
        # 20 air strikes": the body before the last auxiliary is the clause's subject
        for k in range(verb - 2, 0, -1):
            if sentence[k].norm in BODY_NOUNS and sentence[k + 1].norm in AUXILIARIES | PASSIVE:
                return body_words(sentence, k)
        return None
    for k in range(verb - 1, max(-1, verb - 1 - DOER_GAP), -1):
        token = sentence[k]
        if token.norm in RELATIVES and token.clause_initial and k > 0 and name_word(sentence[k - 1]):
            return name_run(sentence, k - 1, -1)  # "Al-Quaety, who contributed": the name before the comma
        if token.norm in SPOKEN_OF:
            return speaker_of(sentence, k)
        if token.norm in BODY_NOUNS and not name_word(token):
            # "the government has retained control": a body the story names by what it is
            return body_words(sentence, k)
        if token.norm in DOER_PRONOUNS or (token.clause_initial and not name_word(token)):
            return None
        if name_word(token):
            return name_run(sentence, k, -1)
    return None


def body_words(sentence: Sequence[Token], k: int) -> set[str]:
    """The words of a body named by what it is, ending at ``sentence[k]``: the noun and the names
    or nouns of its kind before it ("the Syrian government", "government forces")."""
    words = {sentence[k].norm}
    while k > 0 and (name_word(sentence[k - 1]) or sentence[k - 1].norm in BODY_NOUNS):
        k -= 1
        words |= {part for part in sentence[k].norm.replace("-", ".").split(".") if part}
    return words


def agents_after(sentence: Sequence[Token], k: int) -> set[str]:
    """The names after "by", each with the word that describes it ("by rebel backer Turkey and regime
    allies Russia and Iran" -> turkey, backer, russia, allies, iran): up to :data:`AGENT_WORDS`
    lower-case words may come before each name, and "and" joins the next one."""
    agents: set[str] = set()
    while k < len(sentence):
        skipped = 0
        while k < len(sentence) and not name_word(sentence[k]) and skipped < AGENT_WORDS:
            k, skipped = k + 1, skipped + 1
        if k >= len(sentence) or not name_word(sentence[k]):
            return agents
        if skipped and sentence[k - 1].norm not in SUPPORT_STOPWORDS and sentence[k - 1].norm.isalpha():
            agents.add(sentence[k - 1].norm)
        run = name_run(sentence, k, 1)
        agents |= run
        while k < len(sentence) and name_word(sentence[k]):
            k += 1
        if k >= len(sentence) or sentence[k].norm != "and":
            return agents
        k += 1
    return agents


def speaker_of(sentence: Sequence[Token], pronoun: int) -> set[str] | None:
    """Who "he" or "she" is right after a speech verb: its speaker ("Mohammad Alloush said on Monday
    he would head the rebel delegation"); None where no speech verb comes just before."""
    for k in range(pronoun - 1, max(-1, pronoun - 1 - DOER_GAP), -1):
        if speech_verb(sentence, k):
            return doer_of(sentence, k)
    return None


def name_word(token: Token) -> bool:
    """A word of a name: capitalised, and no month, weekday or sentence-opening "The"."""
    norm = token.norm
    if acronym(token.text):
        return True  # an acronym, though it spells a common word: "besieged by IS"
    return (
        token.text[:1].isupper()
        and norm not in MONTHS
        and norm not in WEEKDAYS
        and norm not in SUPPORT_STOPWORDS
    )


def name_run(sentence: Sequence[Token], k: int, step: int) -> set[str]:
    """The norms of the capitalised words from ``k`` on, going ``step`` (+1 or -1)."""
    words = set()
    while 0 <= k < len(sentence) and name_word(sentence[k]):
        words |= {part for part in sentence[k].norm.replace("-", ".").split(".") if part}
        k += step
    return words


def after_by(sentence: Sequence[Token], verb: int) -> Sequence[Token]:
    """The words after the first "by" that follows ``sentence[verb]``, as far as :func:`agents_after`
    reads a name (empty when none follows)."""
    at = next((k for k in range(verb + 1, len(sentence)) if sentence[k].norm == "by"), len(sentence))
    return sentence[at + 1 : at + 1 + AGENT_WORDS + AGENT_REACH]


def pronoun_doer(sentence: Sequence[Token], verb: int, pronouns: frozenset[str]) -> bool:
    """Is the doer of ``sentence[verb]`` one of ``pronouns`` (just before it, as :func:`doer_of` reads)?"""
    for k in range(verb - 1, max(-1, verb - 1 - DOER_GAP), -1):
        token = sentence[k]
        if token.norm in pronouns:
            return True
        if token.norm in DOER_PRONOUNS or token.clause_initial or name_word(token):
            return False
    return False


def plural_noun(token: Token, any_case: bool = False) -> bool:
    """A lower-case plural noun ("groups", "rebels"), which no "it", "he" or "she" stands for; with
    ``any_case``, also one opening the sentence ("Jihadists")."""
    if not (any_case or token.text.islower()):
        return False
    if token.norm in BODY_NOUNS:
        return token.norm.endswith("s")  # "jihadists", which the word list lacks
    nouns = getAllLemmas(token.norm).get("NOUN", ())
    return bool(nouns) and token.norm not in nouns
