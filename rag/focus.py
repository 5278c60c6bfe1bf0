"""What of each source the model reads: the sentences that bear on the question, not whole passages.

Prompt processing is most of the wait for an answer on two cores (~130 prompt tokens/s: the 4
passages of ~160 tokens each took ~5 of the ~7 s to the first text), and a question is most often
answered by one or two sentences of one passage. So the prompt carries, for each source, its
header and the sentences that share the question's rarer words or hold the kind of thing it asks
for (a number for "how many", a date for "when", :mod:`rag.relevance`), with a neighbour where
the budget allows, and "…" where sentences were left out. Every source keeps at least its best
sentence: it is numbered and may be cited.

What the model reads is a subset of the passage, so the verifier still checks each sentence
against the whole passage (:func:`rag.evidence.source_document`) and the reader still sees the
whole passage on the source card: nothing the model can copy is hidden from either.

Selection is global: all sentences of all sources compete for one token budget
(``retrieval.focus_tokens``), so a source that says nothing on the question shrinks to one
sentence and a source that answers it keeps its context. Scores are the question terms a
sentence shares (:func:`rag.text.terms.tokenize`, weighted by how few of the sources' sentences
hold them), plus a bonus for the asked kind. Measured on the golden set in ``rag bench answers``
and ``rag eval --suite golden`` (figures in the setting's docstring).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rag.asked import read_question
from rag.relevance import has_kind
from rag.text.sentences import sentence_spans
from rag.text.terms import tokenize
from rag.tokens import count_tokens
from rag.types import Source

GAP = "…"
"""Written where sentences of the passage were left out."""

KIND_BONUS = 0.5
"""A sentence holding the asked kind (a number for "how many") scores as if it shared this share
of the question's mean term weight more."""

RANK_PENALTY = 0.01
"""Between equal scores, the better-ranked source's sentence is taken first."""


@dataclass(frozen=True)
class _Sentence:
    source: int
    """Index of the source in the list given."""
    index: int
    """Position of the sentence in its passage."""
    text: str
    tokens: int
    terms: frozenset[str]


def excerpts(question: str, sources: Sequence[Source], budget: int) -> list[str]:
    """For each source, the text the model reads: whole when everything fits ``budget`` tokens,
    else the question's sentences (see the module docstring), in passage order, joined by gaps."""
    split = [_sentences(i, source.passage.text) for i, source in enumerate(sources)]
    pool = [sentence for sentences in split for sentence in sentences]
    if sum(s.tokens for s in pool) <= budget:
        return [source.passage.text for source in sources]
    scores = _scores(question, pool)
    chosen: set[tuple[int, int]] = set()
    spent = 0

    def take(sentence: _Sentence) -> None:
        nonlocal spent
        chosen.add((sentence.source, sentence.index))
        spent += sentence.tokens

    # Every source shows its best sentence, so each number the model may cite has text behind it.
    for sentences in split:
        if sentences:
            take(max(sentences, key=lambda s: (scores[s], -s.index)))
    ranked = sorted((s for s in pool if scores[s] > 0), key=lambda s: (-scores[s], s.source, s.index))
    for sentence in ranked:
        if (sentence.source, sentence.index) not in chosen and spent + sentence.tokens <= budget:
            take(sentence)
    # Then the neighbours of what was chosen, best first: the sentence before resolves a "he" or
    # "the group", the one after often carries the figure's context.
    for sentence in sorted(pool, key=lambda s: (-scores[s], s.source, s.index)):
        if (sentence.source, sentence.index) not in chosen:
            continue
        for step in (-1, 1):
            index = sentence.index + step
            sentences = split[sentence.source]
            if (
                0 <= index < len(sentences)
                and (sentence.source, index) not in chosen
                and spent + sentences[index].tokens <= budget
            ):
                take(sentences[index])
    return [_join(sentences, chosen) for sentences in split]


def sentence_terms(text: str) -> list[tuple[str, frozenset[str]]]:
    """Each sentence of ``text`` as written, with its terms (:func:`rag.text.terms.tokenize`): what
    the prompt's selection here and the quote of the sources (:mod:`rag.quoted`) weigh."""
    out = []
    for span in sentence_spans(text):
        piece = text[span.start : span.end]
        out.append((piece, frozenset(tokenize(piece))))
    return out


def _sentences(source: int, text: str) -> list[_Sentence]:
    return [
        _Sentence(source, index, piece, count_tokens(piece) + 1, terms)
        for index, (piece, terms) in enumerate(sentence_terms(text))
    ]


def _scores(question: str, pool: Sequence[_Sentence]) -> dict[_Sentence, float]:
    """Each sentence's share of the question: the inverse sentence frequency of the question terms
    it holds, plus :data:`KIND_BONUS` when it holds the asked kind, minus a little per rank."""
    wanted = set(tokenize(question))
    weight = term_weights(wanted, [s.terms for s in pool])
    mean = sum(weight.values()) / len(weight) if weight else 0.0
    asked = read_question(question)
    scores = {}
    for sentence in pool:
        score = sum(weight[t] for t in wanted & sentence.terms)
        if score > 0 and asked.kind is not None and has_kind(sentence.text, asked.kind, question):
            score += KIND_BONUS * mean
        scores[sentence] = score - RANK_PENALTY * sentence.source if score > 0 else 0.0
    return scores


def term_weights(wanted: set[str], sentences: Sequence[frozenset[str]]) -> dict[str, float]:
    """Each question term's weight among ``sentences`` (their term sets): the rarer, the heavier
    (inverse sentence frequency, smoothed so a term no sentence holds still weighs)."""
    n = len(sentences)
    return {term: math.log(1 + n / (1 + sum(term in terms for terms in sentences))) for term in wanted}


def _join(sentences: Sequence[_Sentence], chosen: set[tuple[int, int]]) -> str:
    parts: list[str] = []
    last = -1
    for sentence in sentences:
        if (sentence.source, sentence.index) not in chosen:
            continue
        if sentence.index != last + 1:
            parts.append(GAP)
        parts.append(sentence.text)
        last = sentence.index
    if sentences and last != len(sentences) - 1:
        parts.append(GAP)
    return " ".join(parts)
