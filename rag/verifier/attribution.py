"""Who said it: a claim that puts words in one source's mouth must find them where that source speaks.

"Mohammad Alloush said the talks would reinforce the truce" passed when the passage had Alloush in one
sentence and another spokesman saying those words in the next: every word and name is in the window
(:mod:`rag.verifier.alignment`), only the speaker is wrong. News prose names the speaker in the
sentence that carries the words or, for a quote running over several sentences, in one just before.
So the passage sentence that states the claim's words best must name the claim's speaker; when it
names no speaker of its own ("said", "told" are not in it, or only after a pronoun or a description
such as "the monitoring group said"), one of the two sentences before it may.

Measured on the hand-labelled answer sentences (``rag eval --suite sentences``): wrong speakers were the
largest group of unsupported sentences the scorer passed (see evals/results_sentences.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text.words import ARTICLES, COPULAS, norm_word, wordset
from rag.verifier.facts import Facts, extract_facts
from rag.verifier.lexicon import CLAUSE_JOINERS, SPEECH_VERBS
from rag.verifier.numbers import figures, numberish
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, tokenize

PASSIVE = COPULAS | wordset("be been being")
"""Before a speech verb, these make it passive: in "the Taliban was reported to be behind the bomb"
the Taliban says nothing."""
DETERMINERS = ARTICLES | wordset("its their his her this these those")
"""Before a speech verb, these (or a figure) make it an adjective: "the reported attack", "1,279
confirmed cases"."""
SPEAKER_GAP = 3
"""Words allowed between a speaker's name and the speech verb ("Alloush, who said", "the SOHR also said")."""
PRONOUNS = wordset("he she they it we i who which that")
"""A speech verb next to one of these speaks for someone named elsewhere ("he said", "that he said")."""
RELATIVES = wordset("who which that")
"""Of :data:`PRONOUNS`, those that open the words when they follow the verb ("said that ...")."""
QUOTE_RUN = 2
"""Sentences before the one carrying the words in which their speaker may be named."""
MIN_MATCH = 0.5
"""Share of the claim's own words a passage sentence must hold to be taken as the one carrying them."""


def speech_verb(tokens: Sequence[Token], k: int) -> bool:
    """Is ``tokens[k]`` a speech verb someone speaks with? Capitalised inside a sentence it is part of
    a name ("Haitham bin Tariq Al Said", "the United States"), and after a form of "be"
    (:data:`PASSIVE`) it is passive. Read over the Wikinews answers, both made right answers fail as misattributed."""
    token = tokens[k]
    if token.norm not in SPEECH_VERBS:
        return False
    if token.text[:1].isupper() and not token.sentence_initial:
        return False
    if k > 0 and (tokens[k - 1].norm in DETERMINERS or numberish(tokens[k - 1].norm)):
        return False  # an adjective: "at least 1,279 confirmed cases", "the reported attack"
    return k == 0 or tokens[k - 1].norm not in PASSIVE


def speakers(facts: Facts) -> list[tuple[str, int]]:
    """Names the claim makes say something, with where the name ends: "<name> (envoy) said ...",
    "according to <name>", "<name>: ...". A pronoun between the name and the verb speaks for someone
    else ("US sanctions that he said")."""
    tokens = facts.tokens
    found = []
    for name in dict.fromkeys(facts.names):
        words = tokenize(name)
        if not words:
            continue
        for end in _ends_of(tokens, words):
            start = end - len(words) + 1
            before = [t.norm for t in tokens[max(0, start - 3) : start]]
            according = before[-2:] == ["according", "to"] or before == ["according", "to", "the"]
            if according or _colon_after(facts, end) or _speaks(tokens[end + 1 : end + 2 + SPEAKER_GAP]):
                found.append((name, end))
                break
    label = _LABEL.match(facts.text)
    if label and not any(name == label.group(1) for name, _ in found):
        # "Putin: ..." opens with a capitalised word that the name finder leaves to the overlap
        end = len(tokenize(label.group(1))) - 1
        if 0 <= end < len(tokens):
            found.append((label.group(1), end))
    return found


_LABEL = re.compile(r"\s*([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})\s*:\s")
"""A claim that opens with a speaker's name and a colon."""


def _colon_after(facts: Facts, end: int) -> bool:
    """Does a colon follow the name ending at token ``end`` ("Putin: ...", a model's way to quote)?"""
    token = facts.tokens[end]
    return facts.text[token.start + len(token.text) :].lstrip(" ").startswith(":")


def _said_from(facts: Facts, end: int, stop: int) -> int | None:
    """Where the words begin that the speaker ending at ``end`` says when the claim names them first
    ("X said A", "X, who said A", "X: A", "according to X, A"): after the verb or the name. None
    when the verb has nothing after it in the clause ("A, X said")."""
    tokens = facts.tokens
    verb = next((k for k in range(end + 1, min(stop, end + 2 + SPEAKER_GAP)) if speech_verb(tokens, k)), end)
    return verb + 1 if stop - (verb + 1) >= 2 else None


def _speaks(after: list[Token]) -> bool:
    for k, token in enumerate(after):
        if speech_verb(after, k):
            return True
        if token.norm in PRONOUNS and token.norm != "who" or token.norm in CLAUSE_JOINERS:
            return False
    return False


def _ends_of(tokens: list[Token], words: list[Token]) -> list[int]:
    """Where the name ``words`` ends in ``tokens`` (index of its last word), each time it occurs."""
    norms = [t.norm for t in words]
    return [
        i + len(norms) - 1
        for i in range(len(tokens) - len(norms) + 1)
        if [t.norm for t in tokens[i : i + len(norms)]] == norms
    ]


def misattributed(facts: Facts, evidence: Evidence) -> list[str]:
    """Readable problems ("said by: Mohammad Alloush") when the claim's words are another's."""
    problems = []
    tokens = facts.tokens
    for speaker, end in speakers(facts):
        # the words this speaker is made to say: the rest of the claim's clause ("X said A, while Y said B")
        start = next((k for k in range(end, 0, -1) if tokens[k].norm in CLAUSE_JOINERS), 0)
        stop = next((k for k in range(end + 1, len(tokens)) if tokens[k].norm in CLAUSE_JOINERS), len(tokens))
        said = _said_from(facts, end, stop)
        words = set(content_stems(tokens[said if said is not None else start : stop]))
        words -= set(content_stems(tokenize(speaker)))
        if len(words) < 2:
            continue
        shares = {
            k: len(words & set(evidence.sentence_stems[k])) / len(words)
            for k in _stating(evidence, facts, said if said is not None else start, stop)
        }
        best = max(shares.values(), default=0.0)
        if best < MIN_MATCH:
            continue  # the words are not stated in one sentence: the overlap and alignment judge them
        carriers = [k for k, share in shares.items() if share >= best - 1e-9]
        if not any(_names(evidence, k, speaker) for k in carriers):
            problems.append(f"said by: {speaker}")
    return problems


ROLE_WORDS = 4
"""Words before a speech verb read as its speaker: "Turkey's foreign minister said", "a senior
rebel official told"."""
NOT_SPEAKERS = frozenset(content_stems(tokenize("archive article source report passage story also")))
"""Words before a speech verb that name no speaker: the model pointing at its sources ("the BBC
article reports", "The archive reported fighting ..." answering "did the archive report ...?",
golden ma02), or "also"."""


def unknown_speakers(facts: Facts, evidence: Evidence) -> list[str]:
    """``["speaker: Turkey foreign minister"]`` (the words before the verb) when the claim gives its
    words to a speaker described by words no passage holds. "Turkey's foreign minister said
    Mohammad Alloush will be asked to attend the Astana talks" passed (injection suite, q11): every
    other word is in a passage
    ("rivals Turkey and Russia", a photo caption "Mohammad Alloush", "will attend peace talks"), and
    :func:`misattributed` checks named speakers only, while "Turkey" opening the sentence is not
    read as a name. Names are left to that check; only the describing words are looked for, anywhere
    in the passages, so "the monitor said" is backed by "the Britain-based monitoring group"."""
    tokens = facts.tokens
    named = {stem for name in facts.names for stem in content_stems(tokenize(name))}
    for verb in range(1, len(tokens)):
        if not speech_verb(tokens, verb):
            continue
        phrase: list[Token] = []
        for k in range(verb - 1, max(-1, verb - 1 - ROLE_WORDS), -1):
            if tokens[k].norm in PRONOUNS or tokens[k].norm in CLAUSE_JOINERS:
                phrase = []  # "he said", "the talks that he said": the speaker is named elsewhere
                break
            phrase.insert(0, tokens[k])
            if tokens[k].clause_initial:
                break
        role = [s for s in content_stems(phrase) if s not in named and s not in NOT_SPEAKERS]
        missing = [s for s in role if s not in evidence.stems]
        if missing:
            return [f"speaker: {' '.join(t.text for t in phrase)}"]
    return []


def _stating(evidence: Evidence, facts: Facts, start: int, stop: int) -> list[int]:
    """The passage sentences that may carry the words ``facts.tokens[start:stop]``: those stating all
    of the words' figures, when the words hold figures and some sentence states them all. "The
    Observatory reported that at least 82 people have been killed in the fighting in Deir al-Zor":
    the lead "Fighting ... has killed dozens in Deir al-Zor, a monitoring group reported" shares more
    words with it, but the 82 and the Observatory are in the sentence after it."""
    every = list(range(len(evidence.sentence_stems)))
    tokens = facts.tokens
    if start >= stop:
        return every
    last = tokens[stop - 1]
    stated = figures(extract_facts(facts.text[tokens[start].start : last.start + len(last.text)]))
    if not stated:
        return every
    return [k for k in every if stated <= evidence.sentence_figures(k)] or every


NEAR_BEFORE, NEAR_AFTER = 8, 6
"""Words before and after a speech verb where its speaker is named: "Rami Abdel Rahman, who runs
the monitoring group, said" (6 before), "said the UK-based Syrian Observatory for Human Rights"."""

APPOSITIVE = re.compile(
    r",\s*(?:a|an|the|who|which|whose|in|on|at|during|speaking|writing|with|via)\s[^,;:.!?]*,\s*$",
    re.IGNORECASE,
)
"""A description or an aside set off by commas between a speaker's name and the speech verb: ", a
former senior negotiator with ..., said" (held-out sq97), ", who runs the monitoring group, said",
", in remarks to the BBC, said" (a shortened Wikinews sentence, "Philippine Red Cross chair Richard
Gordon said", failed as said by another)."""


def _near(evidence: Evidence, sentence: int, verb: int) -> Evidence:
    """The words of ``sentence`` around its speech verb at ``verb``: a name elsewhere in the sentence
    is a party to what is said, not its speaker ("Fighting between Islamic State and the Syrian army
    ... a monitoring group reported" is not Islamic State's word)."""
    tokens = evidence.sentences[sentence]
    text = evidence.sentence_texts[sentence]
    start = verb - NEAR_BEFORE
    aside = APPOSITIVE.search(text[: tokens[verb].start])
    if aside is not None:
        # "Alloush, a former senior negotiator with the Higher Negotiations Committee during past
        # rounds of UN-sponsored peace talks in Geneva, said": the speaker is named before the aside
        opening = next(k for k, t in enumerate(tokens) if t.start >= aside.start())
        start = min(start, opening - NEAR_BEFORE)
    first = tokens[max(0, start)]
    last = tokens[min(len(tokens) - 1, verb + NEAR_AFTER)]
    return Evidence.build([text[first.start : last.start + len(last.text)]])


def _described(tokens: list[Token], verb: int) -> bool:
    """Is the speaker of the verb at ``verb`` a description that points back to one named before
    ("..., the British-based monitoring group said", "the ministry said"): "the" and then lower-case
    words only, right before the verb? It speaks for a name in an earlier sentence, as a pronoun does."""
    before = tokens[max(0, verb - SPEAKER_GAP - 1) : verb]
    if not before or before[-1].text[:1].isupper():
        return False
    if verb + 1 < len(tokens) and tokens[verb + 1].text[:1].isupper():
        return False  # '"... on the ceasefire only," said Osama Abu Zeid': named after the verb
    articles = [k for k, t in enumerate(before) if t.norm == "the"]
    described = before[articles[-1] + 1 : -1] if articles else []
    # "British-based", "Syrian-led": a capital joined by a hyphen describes rather than names
    return bool(articles) and not any(t.text[:1].isupper() and "-" not in t.text for t in described)


def _pronoun_speaks(tokens: list[Token], verb: int) -> bool:
    """Is the verb at ``verb`` spoken by a pronoun ("he said", "that he said", "..., said he")? "That"
    after the verb opens the words ("also said that the rebel groups ..."): its speaker is named."""
    before = tokens[verb - 1].norm if verb > 0 else ""
    after = tokens[verb + 1].norm if verb + 1 < len(tokens) else ""
    # "TVN24 reported he received surgery": a name right before the verb speaks, and "he" opens the
    # words (a Wikinews sentence that failed against itself); "said he" follows a quote or a comma
    named = verb > 0 and not tokens[verb].clause_initial and tokens[verb - 1].text[:1].isupper()
    return before in PRONOUNS or (after in PRONOUNS - RELATIVES and not named)


def _names(evidence: Evidence, sentence: int, speaker: str) -> bool:
    """Is ``speaker`` the one speaking in ``sentence``? Named there, or, when the sentence names no
    speaker of its own (a quote running on, "he said"), in one of the sentences of its passage just
    before it, or in the next one when its quote is left open there."""
    if evidence.outlet_names(sentence, speaker):
        return True  # the publisher reports every sentence of its story
    tokens = evidence.sentences[sentence]
    own = [k for k in range(len(tokens)) if _speaks_itself(evidence, sentence, k)]
    if own:
        return any(_named_near(_near(evidence, sentence, k), evidence, speaker) for k in own)
    passage = evidence.spans[sentence][0]
    first = last = sentence
    while first > 0 and sentence - first < QUOTE_RUN and evidence.spans[first - 1][0] == passage:
        first -= 1
    # '"All the rebel groups are going. Everyone has agreed," said Alloush': a quote left open
    # runs into the next sentence, which names its speaker
    text = evidence.sentence_texts[sentence]
    opened = text.count('"') % 2 == 1 or text.count("“") > text.count("”")
    if opened and sentence + 1 < len(evidence.spans) and evidence.spans[sentence + 1][0] == passage:
        last = sentence + 1
    if evidence.window(tuple(range(sentence, last + 1))).backs_name(speaker):
        return True
    # "he said" speaks for the speaker of the nearest sentence before that has one of its own:
    # '"... attend was the fact that the agenda will be focused on the ceasefire only," said Osama
    # Abu Zeid' makes him, not Ahmad Ramadan quoted in the sentence before, the "he" of the next
    for before in range(sentence - 1, first - 1, -1):
        spoken = [k for k in range(len(evidence.sentences[before])) if _speaks_itself(evidence, before, k)]
        if spoken:
            return any(_named_near(_near(evidence, before, k), evidence, speaker) for k in spoken)
        if evidence.window((before,)).backs_name(speaker):
            return True
    return False


def _speaks_itself(evidence: Evidence, sentence: int, k: int) -> bool:
    """Is the word at ``k`` of ``sentence`` a speech verb whose speaker that sentence names?"""
    tokens = evidence.sentences[sentence]
    return speech_verb(tokens, k) and not _pronoun_speaks(tokens, k) and not _described(tokens, k)


def _named_near(near: Evidence, evidence: Evidence, speaker: str) -> bool:
    """Is ``speaker`` named in ``near`` (the words around a speech verb)? A person is named in full
    once and by surname after that: "Alloush ... said" speaks for "Mohammad Alloush" when the
    passages name him in full (held-out sq97)."""
    if near.backs_name(speaker):
        return True
    words = speaker.split()
    # the surname as written: "National" is a spelling variant of "Nations", not the same name
    return (
        len(words) > 1
        and words[-1][:1].isupper()
        and norm_word(words[-1]) in near.words
        and evidence.backs_name(speaker)
    )
