"""What was done to whom: a passive claim's subject must meet its verb in a passage sentence.

"Iraqi refugees that fled violence in Mosul were attacked by IS fighters" was shown beside a
passage whose headline reads "Dozens dead in IS attack on Deir al-Zour" and whose next sentence is a
photo caption of "Iraqi refugees that fled violence in Mosul ... gather near the Iraqi border".
Every word is in that window, so the overlap and the alignment (:mod:`rag.verifier.alignment`)
pass it, and no check reads who the attack befell: the passages never put the refugees and an
attack in one sentence.

A claim "<subject> was|were|is|are|been <participle> by <agent>" fails here when the passages use the
verb (in any form: "attack", "attacked", "attacks") and no sentence that does also holds a word of
the claim's subject (or, when that sentence speaks of someone it does not name, "it", "they",
"the city", a word of the sentence before it). The subject is the claim's words from the opening of
its clause to the auxiliary, up to a relative pronoun ("refugees that fled ..."); a subject that is
only a pronoun is left alone, and so is a verb the passages never use: a paraphrase says nothing
against the claim here, and the overlap judges it. Only a passive with its agent ("by IS
fighters") is read: without one, SummEdits' consistent summaries "around 870 cases have been
reported across the globe" and "the funds were meant to back ..." were failed. Who heads a body
("is headed by", "is run by") is left to :mod:`rag.verifier.heads`, which reads it however it is
written: "The British-based monitoring group is headed by Rami Abdel Rahman" (golden ma01, true:
the passages say "Observatory head Rami Abdel Rahman") was failed here.

Measured: the hand-labelled answer sentences (``rag eval --suite sentences``) catch one more
unsupported sentence, "Palmyra was recaptured by the Syrian army in an unexpected advance on
January 23 in the Kazakh capital Astana" (sq44: the passages' "recaptured" befalls Palmyra only with
IS as its doer), unsupported F1 0.829 -> 0.835, no supported one failed; SummEdits news
(evaluation 73.0, test 68.8) and the edits of real news (``python -m evals.edits``) unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from lemminflect import getAllLemmas, getInflection

from rag.verifier.attribution import PASSIVE
from rag.verifier.doers import AUXILIARIES, NOT_ACTIONS
from rag.verifier.facts import Facts
from rag.verifier.lexicon import LEADING
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, stem

RELATIVE = frozenset({"that", "who", "which", "whose", "whom", "where"})
"""Where the subject's own words end: "refugees that fled violence in Mosul were attacked"."""
REFERRING = frozenset({"it", "they", "them", "its", "their", "he", "she", "him", "her", "the"})
"""Words by which a passage sentence may speak of a subject named in the sentence before it."""
ADVERB_REACH = 1
"""Words read past between the auxiliary and the participle ("were reportedly attacked")."""


def _participle(word: str) -> str | None:
    """The verb's base when ``word`` is the past participle of a verb that tells an action
    ("attacked" -> "attack"), else None ("said" is one too; "been", "had" are not actions)."""
    for base in getAllLemmas(word).get("VERB", ()):
        if base not in NOT_ACTIONS and word in getInflection(base, tag="VBN"):
            return base
    return None


def _subject(tokens: Sequence[Token], auxiliary: int) -> list[Token]:
    """The claim's words from the opening of the auxiliary's clause to it, cut at a relative pronoun."""
    start = auxiliary
    while start > 0 and not tokens[start].clause_initial:
        start -= 1
    words = list(tokens[start:auxiliary])
    for k, token in enumerate(words):
        if token.norm in RELATIVE and k > 0:
            words = words[:k]
            break
    while words and (words[-1].norm in AUXILIARIES or words[-1].norm.endswith("ly")):
        words.pop()  # "cases have been reported", "will soon be encouraged"
    return words


def unmet_patients(facts: Facts, evidence: Evidence) -> list[str]:
    """``["done to: Iraqi refugees ... attacked"]`` when the passages use the claim's passive verb but
    never with a word of its subject (see the module docstring)."""
    tokens = facts.tokens
    for k, token in enumerate(tokens[:-1]):
        if token.norm not in PASSIVE or k == 0:
            continue
        verb = next(
            (
                j
                for j in range(k + 1, min(k + 2 + ADVERB_REACH, len(tokens)))
                if _participle(tokens[j].norm) is not None
            ),
            None,
        )
        if verb is None or any(not t.norm.endswith("ly") for t in tokens[k + 1 : verb]):
            continue
        if verb + 1 >= len(tokens) or tokens[verb + 1].norm != "by" or tokens[k - 1].norm in RELATIVE:
            continue
        if tokens[verb].norm in LEADING:
            continue  # "headed by", "run by": one relation however written (rag.verifier.heads)
        subject = _subject(tokens, k)
        own = set(content_stems(subject))
        if not own:
            continue
        verb_stem = stem(tokens[verb].norm)
        using = [i for i, stems in enumerate(evidence.sentence_stems) if verb_stem in stems]
        if not using:
            continue
        if not any(_met(evidence, i, own) for i in using):
            words = " ".join(t.text for t in subject)
            return [f"done to: {words} {tokens[verb].text}"]
    return []


def _met(evidence: Evidence, index: int, own: set[str]) -> bool:
    """Does passage sentence ``index`` hold a word of the subject, or speak of one named in the
    sentence before it, within its passage?"""
    if own & set(evidence.sentence_stems[index]):
        return True
    refers = any(t.norm in REFERRING for t in evidence.sentences[index])
    return (
        refers
        and index > 0
        and evidence.spans[index - 1][0] == evidence.spans[index][0]
        and bool(own & set(evidence.sentence_stems[index - 1]))
    )
