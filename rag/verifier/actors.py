"""Who did it: a claim that makes a name the doer of its verb fails where the passages use that verb
with a doer of their own.

"Cultura Colectiva found Facebook user data on publicly readable Amazon servers" was shown as the answer
to "Which cybersecurity company found ...?" (a Wikinews question, wn-018): the passage says the data
"were found" in a report by UpGuard, and names Cultura Colectiva in the next sentence as the owner of
one database. Every word is in the window (:mod:`rag.verifier.alignment`); only the doer is wrong.
:mod:`rag.verifier.attribution` asks the same of speech verbs; this module asks it of the other verbs.

A claim that opens with a name followed by a verb in the past or present tense ("found", "hires") is
checked against the passage sentences that hold that verb, in any form, and most of the claim's other
words (those telling the claim's event). It fails only when each of them names a doer that is not in
the claim: the name right before the verb ("UpGuard found"), or after "by" when the verb is passive
("were found ... by UpGuard"), and none names the claim's doer. A sentence whose doer is unnamed
("were found"), a pronoun ("it found") or another name of the claim leaves the claim to the other
checks: "Qaboos became Sultan in 1970" is another event than "Haitham became Sultan after Qaboos
died", which the story tells as "his successor, Haitham".
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas, getInflection

from rag.text.dates import MONTHS, WEEKDAYS
from rag.text.words import ARTICLES, SUPPORT_STOPWORDS, norm_word
from rag.verifier.attribution import PASSIVE, speech_verb
from rag.verifier.facts import Facts, name_mentions
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, stem, tokenize

DOER_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "who", "which", "that"})
"""Words that stand for a doer named elsewhere ("He found", "the firm, which found")."""
RELATIVES = frozenset({"who", "which"})
"""Pronouns that, after a name and its comma, stand for it: "Al-Quaety, who contributed to ..."."""
DOER_GAP = 3
"""Words looked back from the verb for its doer's name ("UpGuard has also found")."""
EVENT_SHARE = 0.5
"""Share of the claim's other words (not the doer's name, not the verb) a sentence using the verb must
hold to be telling the claim's event: "Her brother was banned for playing against ..." is another
event than "Dorsa Derakhshani played at the Tradewise Gibraltar Chess Festival without a hijab"."""
NOT_ACTIONS = frozenset({"be", "have", "do", "will", "would", "can", "could", "may", "might", "must"})
"""Bases whose forms say what a name is or has, not what it did: left to the word overlap."""


@lru_cache(maxsize=4096)
def _forms(word: str) -> frozenset[str]:
    """Every form of the verb ``word`` is a finite form of ("found" -> find, finds, finding, found ...);
    empty when it is no such form ("police", "data", "was", "Amazon")."""
    lemmas = getAllLemmas(word)
    if "VERB" not in lemmas or "AUX" in lemmas:
        return frozenset()
    forms: set[str] = set()
    for base in lemmas["VERB"]:
        if base in NOT_ACTIONS:
            return frozenset()
        finite = {*getInflection(base, tag="VBD"), *getInflection(base, tag="VBZ")}
        if word in finite:
            forms |= {form for group in getAllInflections(base, upos="VERB").values() for form in group}
            forms.add(base)
    return frozenset(norm_word(form) for form in forms)


def _opening_doer(facts: Facts) -> tuple[str, str, frozenset[str]] | None:
    """The name the claim opens with, the verb right after it and that verb's forms, if the claim
    is "<name> <verb> ..."."""
    tokens = facts.tokens
    # a one-word name opening the sentence is not among the claim's names ("UpGuard found ...")
    opening = (
        [tokens[0].text] if tokens and _capital(tokens[0]) and tokens[0].norm not in DOER_PRONOUNS else []
    )
    for name in [*dict.fromkeys(facts.names), *opening]:
        words = tokenize(name)
        if not words or len(tokens) <= len(words):
            continue
        if [t.norm for t in tokens[: len(words)]] != [w.norm for w in words]:
            continue
        verb = tokens[len(words)]
        if verb.text[:1].isupper() or speech_verb(tokens, len(words)):
            return None
        forms = _forms(verb.norm)
        return (name, verb.text, forms) if forms else None
    return None


def _doer(sentence: Sequence[Token], verb: int) -> set[str] | None:
    """The words of the name the sentence makes the doer of ``sentence[verb]``: the capitalised words
    just before it ("UpGuard found", "UpGuard has found"), or after "by" for a passive verb; None when
    it names none or speaks of one by a pronoun."""
    if verb > 0 and sentence[verb - 1].norm in PASSIVE:
        for k, token in enumerate(sentence[:-1]):
            if token.norm == "by" and _capital(sentence[k + 1]):
                return _run(sentence, k + 1, 1)
        return None
    for k in range(verb - 1, max(-1, verb - 1 - DOER_GAP), -1):
        token = sentence[k]
        if token.norm in RELATIVES and token.clause_initial and k > 0 and _capital(sentence[k - 1]):
            return _run(sentence, k - 1, -1)  # "Al-Quaety, who contributed": the name before the comma
        if token.norm in DOER_PRONOUNS or (token.clause_initial and not _capital(token)):
            return None
        if _capital(token):
            return _run(sentence, k, -1)
    return None


def _capital(token: Token) -> bool:
    """A word of a name: capitalised, and no month, weekday or sentence-opening "The"."""
    norm = token.norm
    return (
        token.text[:1].isupper()
        and norm not in MONTHS
        and norm not in WEEKDAYS
        and norm not in SUPPORT_STOPWORDS
    )


def _run(sentence: Sequence[Token], k: int, step: int) -> set[str]:
    """The norms of the capitalised words from ``k`` on, going ``step`` (+1 or -1)."""
    words = set()
    while 0 <= k < len(sentence) and _capital(sentence[k]):
        words |= {part for part in sentence[k].norm.replace("-", ".").split(".") if part}
        k += step
    return words


def misplaced_doers(facts: Facts, evidence: Evidence) -> list[str]:
    """Readable problems ("doer: Cultura Colectiva found") when every passage sentence using the
    claim's verb names someone else doing it (see the module docstring)."""
    opening = _opening_doer(facts)
    if opening is None:
        return []
    name, verb_text, forms = opening
    # the name's own words, by which a story names it again ("Kosgei"); "the" or "of" name nobody
    name_words = {
        t.norm
        for t in tokenize(name)
        if t.text[:1].isupper() and len(t.norm) >= 3 and t.norm not in SUPPORT_STOPWORDS
    }
    claim_words = {part for t in facts.tokens for part in t.norm.replace("-", ".").split(".") if part}
    using = []
    said = set(content_stems(facts.tokens)) - set(content_stems(tokenize(name))) - {stem(f) for f in forms}
    for index, sentence in enumerate(evidence.sentences):
        at = [k for k, token in enumerate(sentence) if token.norm in forms]
        shared = said & set(evidence.sentence_stems[index])
        if at and len(shared) >= EVENT_SHARE * len(said):
            using.append((index, sentence, at[0]))
    if not using:
        return []
    for index, sentence, verb in using:
        # the claim's name after the verb is what the sentence's doer acts on: the names have traded
        # places ("Al-Quaety, who contributed to Agence France-Presse" for "Agence France-Presse
        # contributed to ..."); anywhere else, it may be the doer after all
        acted_on = bool(name_words & {t.norm for t in sentence[verb:]})
        if name_words & {t.norm for t in sentence[:verb]}:
            return []
        if not acted_on and evidence.window((index,)).backs_name(name):
            return []
        doer = _doer(sentence, verb)
        if doer is None or (doer & claim_words and not acted_on):
            return []
    return [f"doer: {name} {verb_text}"]


AGENT_REACH = 4
"""Words after "by" (and its article) read as the name it gives: "by the Syrian Observatory for"."""


def misnamed_agents(facts: Facts, evidence: Evidence) -> list[str]:
    """``["agent: attack by Syrian"]`` when the claim writes "<word> by <name>" ("Saturday's
    attack by the Syrian army") and the passages write that word with "by" only before other names
    ("Saturday's attack by IS"): the doer of a noun or passive verb, as :func:`misplaced_doers` reads
    the doer of a verb. Every word of such a claim may be in the window, the swapped-in name too.

    Measured on edits of real news (``python -m evals.edits``): 3 more of 566 swapped roles caught,
    none of the articles' own sentences failed; SummEdits and the labelled sentences unchanged."""
    tokens = facts.tokens
    problems = []
    for start, _, name in name_mentions(facts):
        k = start - 1
        while k >= 0 and tokens[k].norm in ARTICLES:
            k -= 1
        if k < 1 or tokens[k].norm != "by":
            continue
        word = tokens[k - 1].norm
        if word in SUPPORT_STOPWORDS or not word.isalpha():
            continue
        written = {t.norm for t in tokenize(name)}
        own = written - SUPPORT_STOPWORDS or written  # "IS" is a name here, not the verb
        others = False
        for sentence in evidence.sentences:
            for j in range(len(sentence) - 2):
                if stem(sentence[j].norm) != stem(word) or sentence[j + 1].norm != "by":
                    continue
                m = j + 2
                while m < len(sentence) and sentence[m].norm in ARTICLES:
                    m += 1
                if own & {t.norm for t in sentence[m : m + AGENT_REACH]}:
                    return []
                # a capital after "by" names someone: "IS" too, which _capital takes for the verb
                others = others or (m < len(sentence) and sentence[m].text[:1].isupper())
        if others:
            problems.append(f"agent: {tokens[k - 1].text} by {name}")
    return problems
