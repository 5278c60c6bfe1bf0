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

A body the story names by what it is counts as a doer on both sides ("Kurdish militias control the
airport" where "the government has retained control" of it; "The jihadists control ..."), and a doer
read right before the verb in a clause of its own outweighs the claim's name in another clause of the
sentence. How a passage sentence names its doers is :mod:`rag.verifier.doers`.

A story that names the event as a thing ("the senseless killing of a courageous journalist") after
the claim's name has done something else in the sentence ("Phil Chetwynd, director of global news
for AFP, called the death ...") names no doer for it, and the claim's name is not one: "AFP killed a
courageous journalist" passed on that Wikinews sentence. Labelled sentences, SummEdits, the
Wikinews edits and the golden answers unchanged (``evals/results_wikinews.md``, 7 December).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas, getInflection

from rag.text.words import (
    ARTICLES,
    BODY_NOUNS,
    COPULAS,
    MILITANTS,
    STATE_BODIES,
    SUPPORT_STOPWORDS,
    norm_word,
)
from rag.verifier.attribution import speech_verb
from rag.verifier.doers import (
    AGENT_REACH,
    AUXILIARIES,
    DOER_GAP,
    DOER_PRONOUNS,
    NOT_ACTIONS,
    action_verb,
    after_by,
    agents_of,
    doer_of,
    name_word,
    past_verb,
    plain_noun,
    plural_noun,
    pronoun_doer,
    title_noun,
)
from rag.verifier.facts import Facts, name_mentions
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, stem, tokenize

EVENT_SHARE = 0.5
"""Share of the claim's other words (not the doer's name, not the verb) a sentence using the verb must
hold to be telling the claim's event: "Her brother was banned for playing against ..." is another
event than "Dorsa Derakhshani played at the Tradewise Gibraltar Chess Festival without a hijab"."""
AUXILIARY_REACH = 2
SINGULAR = frozenset({"it", "he", "she"})
"""Pronouns that stand for one doer: none of them is the claim's "rebel groups" (:func:`rag.verifier.doers.plural_noun`)."""
PERSONAL = SINGULAR | frozenset({"they", "we", "i"})
"""Pronouns that stand for a doer named in another sentence, never for a name after the verb."""
QUALIFIED_NOUNS = 2
"""Lower-case nouns read with the claim's opening name as its doer ("Syria rebels organised")."""


@lru_cache(maxsize=4096)
def _forms(
    word: str, after_auxiliary: bool = False, plural: bool = False, progressive: bool = False
) -> frozenset[str]:
    """Every form of the verb ``word`` is a finite form of ("found" -> find, finds, finding, found
    ...), or after "will" or "has" its base or participle ("head" -> head, heads, headed, heading),
    or after a plural doer its base ("militias control"), or after "is" or "are" its "-ing" form
    ("forces are trying"); empty when it is no such form ("police", "data", "was", "Amazon", "been")."""
    lemmas = getAllLemmas(word)
    if "VERB" not in lemmas or "AUX" in lemmas:
        return frozenset()
    forms: set[str] = set()
    for base in lemmas["VERB"]:
        if base in NOT_ACTIONS:
            return frozenset()
        if after_auxiliary:
            written = {base, *getInflection(base, tag="VBN")}
        else:
            written = {*getInflection(base, tag="VBD"), *getInflection(base, tag="VBZ")}
            written |= {base} if plural else set()
        written |= set(getInflection(base, tag="VBG")) if progressive else set()
        if word in written:
            forms |= {form for group in getAllInflections(base, upos="VERB").values() for form in group}
            forms.add(base)
    return frozenset(norm_word(form) for form in forms)


def _opening_doer(facts: Facts) -> tuple[str, str, str, frozenset[str]] | None:
    """The name the claim opens with, the words it opens with as the doer (the name, or the name and
    the nouns it qualifies: "Syria rebels"), the verb right after them and that verb's forms, if
    the claim is "<name> <verb> ..." or "<name> <noun> <past verb> ..."."""
    tokens = facts.tokens
    # a one-word name opening the sentence is not among the claim's names ("UpGuard found ...")
    opening = (
        [tokens[0].text] if tokens and name_word(tokens[0]) and tokens[0].norm not in DOER_PRONOUNS else []
    )
    # "The United States brokered ...": the article before a name is no word of it
    lead = 1 if len(tokens) > 1 and tokens[0].norm == "the" else 0
    if len(tokens) > lead and tokens[lead].norm in BODY_NOUNS and not opening:
        opening = [tokens[lead].text]  # "The jihadists control ...": a body named by what it is
    for name in [*dict.fromkeys(facts.names), *opening]:
        words = tokenize(name)
        if not words or len(tokens) <= lead + len(words):
            continue
        if [t.norm for t in tokens[lead : lead + len(words)]] != [w.norm for w in words]:
            continue
        at = lead + len(words) + _qualified_nouns(tokens, lead + len(words))
        subject = " ".join(t.text for t in tokens[lead:at])
        k = at
        while k + 1 < len(tokens) and k - at < AUXILIARY_REACH and tokens[k].norm in AUXILIARIES:
            k += 1  # "Ahmad Ramadan will head ...", "UpGuard has also found ..."
        progressive = _progressive(tokens, k)
        k += progressive  # "Government forces are trying ..."
        verb = tokens[k]
        if verb.text[:1].isupper() or speech_verb(tokens, k):
            return None
        # a plural doer's verb in the present is its base, read as a verb only before its object
        # ("Kurdish militias control the airport")
        plural = k == at and plural_noun(tokens[at - 1], any_case=True) and _object_follows(tokens, k)
        forms = _forms(
            verb.norm, after_auxiliary=k > at and not progressive, plural=plural, progressive=progressive
        )
        return (name, subject, verb.text, forms) if forms else None
    return None


def _qualified_nouns(tokens: Sequence[Token], start: int) -> int:
    """How many lower-case nouns after the opening name it qualifies, read as part of the doer: one
    or two nouns followed by a verb in the past tense or by "will", "has" ... ("Syria rebels
    organised", "UpGuard security researchers found", "Marnia rebels will attend"), by "are" and an
    "-ing" form ("Syrian rebels are trying"), or, after a plural noun, by a verb's base before its
    object ("Kurdish militias control the airport"); 0 otherwise ("Russia backs rebels": "rebels" is
    no past tense)."""
    for count in range(1, QUALIFIED_NOUNS + 1):
        nouns, after = tokens[start : start + count], start + count
        if after >= len(tokens) or not all(plain_noun(t) for t in nouns):
            return 0
        verb = tokens[after]
        present = plural_noun(nouns[-1]) and _object_follows(tokens, after) and action_verb(verb.norm)
        if (
            past_verb(verb.norm)
            or present
            or _progressive(tokens, after)
            or verb.norm in AUXILIARIES - {"to"}
        ) and not verb.text[:1].isupper():
            return count
    return 0


def _progressive(tokens: Sequence[Token], k: int) -> bool:
    """``tokens[k]`` is "is", "are", "was" or "were" before a verb's "-ing" form ("are trying"); a
    passive ("were killed") makes its subject no doer, so only this form of the copula is read past."""
    return tokens[k].norm in COPULAS and k + 1 < len(tokens) and tokens[k + 1].norm.endswith("ing")


def _object_follows(tokens: Sequence[Token], k: int) -> bool:
    """An article or a name comes right after ``tokens[k]``, as after a verb before its object."""
    return k + 1 < len(tokens) and (tokens[k + 1].norm in ARTICLES or name_word(tokens[k + 1]))


def misplaced_doers(facts: Facts, evidence: Evidence) -> list[str]:
    """Readable problems ("doer: Cultura Colectiva found") when every passage sentence using the
    claim's verb names someone else doing it (see the module docstring)."""
    opening = _opening_doer(facts)
    if opening is None:
        return []
    name, subject, verb_text, forms = opening
    written = tokenize(subject)
    plural = bool(written) and plural_noun(written[-1])
    # the name's own words, by which a story names it again ("Kosgei"); "the" or "of" name nobody
    name_words = {
        t.norm
        for t in tokenize(name)
        if (t.text[:1].isupper() or t.norm in BODY_NOUNS)
        and len(t.norm) >= 3
        and t.norm not in SUPPORT_STOPWORDS
    }
    claim_words = {part for t in facts.tokens for part in t.norm.replace("-", ".").split(".") if part}
    using = []
    said = set(content_stems(facts.tokens)) - set(content_stems(tokenize(subject))) - {stem(f) for f in forms}
    need = EVENT_SHARE * len(said)
    for index, sentence in enumerate(evidence.sentences):
        at = [k for k, token in enumerate(sentence) if token.norm in forms and not title_noun(sentence, k)]
        if not at:
            continue
        # each use of the verb: "I ask voters ... Wikinews asked" is one sentence where the text
        # failed to split two
        if len(said & set(evidence.sentence_stems[index])) >= need:
            for k in at:
                agents = agents_of(sentence, k)
                nominal = agents is None and _acts_before_nominal(sentence, k, name_words)
                using.append((index, sentence, k, agents, nominal))
            continue
        agents = agents_of(sentence, at[0])
        if agents and len(said & _told_with(evidence, index)) >= need:
            # a neighbour names the event only where "by" names the doer outright: read so for any
            # verb, "Her brother was banned for playing against ..." would tell every event near it
            using.append((index, sentence, at[0], agents, False))
            continue
        acting = [k for k in at if _acts_before_nominal(sentence, k, name_words)]
        if acting and len(said & _told_with(evidence, index)) >= need:
            # so does one naming the event as a thing after the claim's name did something else:
            # whom it befell may be in the next sentence ("Chetwynd also praised the quality of
            # al-Quaety's work" after "... the senseless killing of a courageous journalist")
            using.extend((index, sentence, k, None, True) for k in acting)
    if not using:
        return []
    # what the claim's verb acts on: a use of the verb in another clause tells the claim's event only
    # where it acts on some of it too ("retained control of the airport" is not "controls most of
    # Deir al-Zor", whose doer is named in the clause before)
    at_verb = next((k for k, t in enumerate(facts.tokens) if t.text == verb_text), len(facts.tokens))
    acting_on = set(content_stems(facts.tokens[at_verb + 1 :]))
    for index, sentence, verb, agents, nominal in using:
        # a doer named right before the verb, in its own clause, is the one: the claim's name in
        # another clause is not ("Fighting between IS and the Syrian army has killed dozens, where
        # the militant group has launched an assault" for "The army launched an assault")
        doer = doer_of(sentence, verb) if agents is None else None
        claims_doer = doer is not None and bool(doer & claim_words or _same_side(doer, claim_words))
        other = doer is not None and not claims_doer and bool(acting_on & _object_stems(sentence, verb))
        start = _clause_start(sentence, verb) if other else 0
        participle = start == verb and sentence[verb].norm.endswith("ing")
        if sentence[start].norm not in CLAUSE_OPENERS and not participle:
            other, start = False, 0  # "Nickey Iyambo, the Vice President, died": an aside, no clause
        if nominal:
            continue  # the sentence names the event as a thing after the claim's name did something else
        if name_words & {t.norm for t in sentence[start:verb]}:
            return []
        if agents is not None:
            # "by" names the doer outright: the claim's name elsewhere in the sentence is not it
            if not agents or agents & claim_words or _names_as(after_by(sentence, verb), name):
                return []
            continue
        # the claim's name after the verb is what the sentence's doer acts on: the names have traded
        # places ("Al-Quaety, who contributed to Agence France-Presse" for "Agence France-Presse
        # contributed to ..."); anywhere else, it may be the doer after all
        # ("government-held parts" holds the government, "proto-state" no state)
        acted_on = bool(name_words & {w for t in sentence[verb:] for w in (t.norm, t.norm.split("-")[0])})
        if not other and not acted_on and evidence.window((index,)).backs_name(name):
            return []
        if doer is None and plural and pronoun_doer(sentence, verb, SINGULAR):
            continue  # "Last month it recaptured the city" is not "Syrian rebel groups recaptured"
        if doer is None and acted_on and pronoun_doer(sentence, verb, PERSONAL):
            continue  # "it recaptured the city ... from the government" is not "the government recaptured"
        if doer is None or (claims_doer and not acted_on):
            return []
        if not acted_on and _names_as(sentence[max(0, verb - DOER_GAP - 1) : verb], name):
            return []  # "ISIS declared" for "The Islamic State declared"
    return [f"doer: {subject} {verb_text}"]


def _acts_before_nominal(sentence: Sequence[Token], verb: int, name_words: set[str]) -> bool:
    """Does the sentence name the event as a thing ("the senseless killing of a courageous
    journalist") after the claim's name has done something else? "Phil Chetwynd, director of global
    news for AFP, called the death the senseless killing of a courageous journalist" names no killer:
    AFP and Chetwynd call it, and "AFP killed a courageous journalist" passed on it (a Wikinews
    story). Only "by" (read before this) or the name right before the thing ("Houthi shelling of")
    would make the name its doer."""
    if not (
        sentence[verb].norm.endswith("ing")
        and verb + 1 < len(sentence)
        and sentence[verb + 1].norm == "of"
        and verb > 0
        and sentence[verb - 1].norm not in COPULAS | AUXILIARIES
    ):
        return False
    named = [k for k in range(verb) if sentence[k].norm in name_words]
    return bool(named) and any(
        past_verb(token.norm) and not token.text[:1].isupper() and sentence[k - 1].norm not in ARTICLES
        for k, token in enumerate(sentence[named[-1] + 1 : verb], start=named[-1] + 1)
    )


CLAUSE_OPENERS = frozenset(
    {"where", "while", "whereas", "but", "and", "as", "after", "when", "although", "though", "because"}
)
"""Words that open a clause with a doer of its own ("..., where the militant group has launched");
a clause after a name and its comma that opens otherwise is an aside about the name."""


def _object_stems(sentence: Sequence[Token], verb: int) -> set[str]:
    """The content stems after ``sentence[verb]`` up to the end of its clause."""
    end = next((k for k in range(verb + 1, len(sentence)) if sentence[k].clause_initial), len(sentence))
    return set(content_stems(sentence[verb + 1 : end]))


def _clause_start(sentence: Sequence[Token], verb: int) -> int:
    """Where the clause of ``sentence[verb]`` opens: after the last comma, semicolon or dash before
    it (the verb itself, a participle after a comma: ", carrying out 20 air strikes"), or at the
    sentence's start."""
    return next((k for k in range(verb, -1, -1) if sentence[k].clause_initial), 0)


def _same_side(doer: set[str], claim_words: set[str]) -> bool:
    """Both name a state's side, or both armed militants, by what they are: "the Syrian army" may be
    the story's "the government"; "Kurdish militias" are not."""
    return any(doer & side and claim_words & side for side in (STATE_BODIES, MILITANTS))


def _names_as(words: Sequence[Token], name: str) -> bool:
    """Do ``words`` give ``name`` by another of its names ("besieged by Daesh" for "the Islamic State
    group"), as the passages' own name check reads aliases?"""
    return bool(words) and Evidence.build([" ".join(t.text for t in words)]).backs_name(name)


def _told_with(evidence: Evidence, index: int) -> set[str]:
    """The stems of sentence ``index`` and of its neighbours in the same passage, where a story
    often names the event the sentence tells in other words: the one before ("The talks, beginning
    on January 23 in ... Astana ... Organised by rebel backer Turkey and regime allies Russia and
    Iran, the meetings ...") or after ("a continuing ceasefire, brokered by Russia and Turkey ...
    But the truce does not cover IS")."""
    held = set(evidence.sentence_stems[index])
    spans = evidence.spans
    if index >= len(spans):
        return held
    for other in (index - 1, index + 1):
        if 0 <= other < len(spans) and spans[other][0] == spans[index][0]:
            held |= set(evidence.sentence_stems[other])
    return held


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
                if own & {t.norm for t in sentence[m : m + AGENT_REACH]} or _names_as(
                    sentence[m : m + AGENT_REACH], name
                ):
                    return []
                # a capital after "by" names someone, whatever word it spells ("IS")
                others = others or (m < len(sentence) and sentence[m].text[:1].isupper())
        if others:
            problems.append(f"agent: {tokens[k - 1].text} by {name}")
    return problems
