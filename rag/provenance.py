"""Who reported the answer before: the sentence of its sources that says so, quoted.

A follow-up such as "Who reported that?" asks where the previous answer comes from, and the
engine already knows: the verifier kept, for each sentence of that answer, the passage sentence
that backs it (:attr:`rag.types.Sentence.evidence`). When that sentence names who said it ("The
Syrian Observatory for Human Rights (SOHR) said the city ... had been hit by at least six
explosions"), it is the answer, word for word with its citation. The model often misses it: asked
"Which group reported that?" after the six explosions, it may name the wrong group, and asked "Who
reported that?" after "Around 200,000 live in Deir Ezzor city [2]" it wrote "The monitoring group
reported that [1]" (the figure is not the monitoring group's); both are rightly refused.

So when the model's reply to such a follow-up is refused, the engine quotes the backing sentence
that names its speaker, checked like any reply (:func:`rag.reply_check.check_reply`), as it quotes
an answering sentence for a new question (:mod:`rag.quoted`). A backing sentence that names no one
("Around 200,000 people live in Deir Ezzor city") leaves the refusal standing, and the refusal
says which article the answer comes from (:func:`rag.refusals.reported_in`). A reply to such a
follow-up that names no one who said anything is no answer to it (:func:`unattributed`).

Read as such a follow-up: "who" or "which <noun>" with a verb of reporting and "that", "this",
"it", "so", or words the previous answer holds ("Who reported the strikes?" after an answer about
air strikes); "Who reported the death toll?" after an answer about a town asks something new.
"""

from __future__ import annotations

import re

from rag import refusals
from rag.quoted import Quote
from rag.relevance import terse
from rag.text.terms import tokenize
from rag.types import UNCHECKED_TEXT, Answer, Source
from rag.verifier.attribution import speakers
from rag.verifier.facts import extract_facts

_ASKS = re.compile(
    r"^\s*(?:and\s+)?(?:who|which\s+[a-z]+(?:\s+[a-z]+)?)\s+(?:first\s+)?"
    r"(?:reported|reports|said|says|stated|claimed|wrote|announced|gave|told)\s+(?P<what>[^?.!]*?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
POINTERS = frozenset({"that", "this", "it", "so", "these", "those", "them", "the figure", "the number"})
"""What a follow-up asking who reported the previous answer calls it."""
_UNNAMED_SPEAKER = re.compile(
    r"\b(?:source|sources|officials?|monitor|group|spokes(?:man|woman|person)|ministry|agency|media|"
    r"television|observatory)\s+(?:said|says|reported|reports|told|added)\b",
    re.IGNORECASE,
)
"""A speaker a sentence names by what it is: "a military source said", "the war monitor reported"."""
_APPOSED_SPEAKER = re.compile(
    r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*,\s[^,]{1,80},\s(?:said|says|told|reported|added)\b"
)
"""A name with what it is between commas before its speech verb: "Abu Zeid, a legal adviser to rebel
groups, said so"."""


def asks_who_reported(question: str, previous: Answer) -> bool:
    """Does ``question`` ask who reported the ``previous`` answer (see the module docstring)?"""
    match = _ASKS.match(question)
    if match is None:
        return False
    what = " ".join(match.group("what").lower().split())
    if what in POINTERS:
        return True
    said = set(tokenize(previous.text))
    wanted = set(tokenize(what))
    return bool(wanted) and wanted <= said


def in_reply(answer: Answer, previous: Answer) -> tuple[Answer, Quote | None]:
    """The checked ``answer`` to a follow-up asking who reported ``previous``, refused when it names
    no speaker (:func:`unattributed`), and, when it is refused, the backing sentence to quote in its
    place (:func:`reporting_sentence`); without one, the refusal says which articles ``previous``
    comes from (:func:`rag.refusals.reported_in`)."""
    answer = unattributed(answer)
    if not answer.refused:
        return answer, None
    found = reporting_sentence(previous)
    if found is None:
        answer = answer.model_copy(update={"refusal_reason": refusals.reported_in(cited_sources(previous))})
    return answer, found


def unattributed(answer: Answer) -> Answer:
    """``answer`` to a follow-up asking who reported the previous one, refused when none of its
    sentences names who said it or is a bare name: asked "Who reported the strikes?", the model
    restated the previous answer, "Government forces carried out more than 20 air strikes on IS
    positions on Monday [1]", backed and on topic, and it was shown as the answer."""
    if answer.refused or any(names_its_speaker(s.text) or terse(s.text) for s in answer.sentences):
        return answer
    return answer.model_copy(
        update={
            "text": UNCHECKED_TEXT,
            "sentences": [],
            "conflicts": [],
            "refused": True,
            "refusal_reason": "No checked sentence of the reply says who reported the answer above.",
            "refusal_details": f"No sentence of the reply says who reported the answer: {answer.text}",
        }
    )


def reporting_sentence(previous: Answer) -> Quote | None:
    """The first passage sentence backing ``previous`` that names who said it, as a quote of its
    source; None when no backing sentence names a speaker."""
    texts = {source.number: source.passage.text for source in previous.sources}
    for sentence in previous.sentences:
        for span in sentence.evidence:
            text = texts.get(span.source, "")[span.start : span.end]
            if text and names_its_speaker(text):
                return Quote(span.source, " ".join(text.split()), 1.0)
    return None


def names_its_speaker(sentence: str) -> bool:
    """Does ``sentence`` say who says it: a name that speaks ("..., the Syrian Observatory for
    Human Rights said"; "According to Reuters") or a speaker named by what it is ("a military source
    said")? "..., it added" does not."""
    return (
        bool(speakers(extract_facts(sentence)))
        or bool(_UNNAMED_SPEAKER.search(sentence))
        or bool(_APPOSED_SPEAKER.search(sentence))
    )


def cited_sources(answer: Answer) -> list[Source]:
    """The sources ``answer`` cites, in the order it first cites them."""
    numbers = dict.fromkeys(n for sentence in answer.sentences for n in sentence.citations)
    by_number = {source.number: source for source in answer.sources}
    return [by_number[n] for n in numbers if n in by_number]
