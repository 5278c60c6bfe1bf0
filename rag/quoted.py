"""When the model's replies fail the checks: the sources' own sentence that answers, quoted.

The 1.5B model sometimes misreads a passage that holds the answer: asked which year Syria's
conflict had entered, with "... whose conflict has entered its 10th year" in the prompt, it wrote
"2011" twice (golden dd04); asked how many air strikes, it named none of the "more than 20 air
strikes" its source gives (sa06). Both replies are rightly refused, and the reader is left with
nothing while the archive holds the answer. A sentence of the sources is backed by construction,
so when it clearly answers the question it is shown instead, word for word with its citation, and
checked like any reply (:func:`rag.reply_check.check_reply`: a figure the other sources contradict
is withdrawn, the relevance check applies).

"Clearly answers": the question asks for a kind of thing (a count, a time, a name, a place:
:func:`rag.asked.read_question`), the sentence holds it and a focus word (:func:`rag.relevance.answers`,
the test every shown answer passes) and at least ``min_share`` of the question's term weight (rarer
terms weigh more, :func:`rag.focus.term_weights`). Why, measured on the saved golden report of 6
December (the top sentence of the 56 questions' own sources): at 0.6 or more one is found for sa06
and dd04 and holds their answer; none of the 10 unanswerable questions has one (the highest, un06's
"about 200,000 people live" for Syrian refugees in Turkey, covers 0.36); 16 answerable questions
have one, and each holds the expected answer. A "how many" question is answered by a quote only
when it gives a count (:func:`gives_a_count`): without that rule three more had one, true sentences
that give only "dozens" where the golden set expects the sources' tolls. On the Wikinews benchmark
(``python -m evals.wikinews --answers``) quotes turned three refusals into right answers (wn-018,
wn-026, wn-068) and one into a wrong one, asked "What cargo was the vanished ship carrying?": "In
late December, Indonesian cargo ship MV Namse Bangdzod vanished in local waters" names the ship and
its fate, and "what cargo" asks for no kind a sentence can be seen to hold, so such questions get
no quote. Costs about 1 ms (median 0.8 ms over the golden set's sources), no model call.

Also :func:`copies_its_sources`, asked of the reply the model wrote when asked to copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.asked import read_question, words_of
from rag.evidence import source_documents
from rag.focus import sentence_terms, term_weights
from rag.relevance import answers
from rag.text.dates import YEAR_WORD, with_told_days
from rag.text.numbers import COUNT_WORDS, DIGIT_NUMBER
from rag.text.terms import tokenize
from rag.types import Answer, Source
from rag.verifier.copies import is_copy

QUOTING = (
    "The model's replies are not backed by the sources; quoting the sentence of the sources that answers…"
)
"""What the ``restart`` event says while the quote is checked (:class:`~rag.types.StreamEvent`)."""


@dataclass(frozen=True)
class Quote:
    number: int
    """The number of the source the sentence is from."""
    sentence: str
    share: float
    """Its share of the question's term weight."""

    @property
    def reply(self) -> str:
        """The sentence as a reply: its own words and its citation."""
        return f"{self.sentence} [{self.number}]"


def answering_sentence(question: str, sources: Sequence[Source], min_share: float) -> Quote | None:
    """The sentence of ``sources`` that best covers ``question`` and answers it, if it covers at
    least ``min_share`` of the question's term weight; None otherwise, or when the question asks
    for no kind of thing a sentence could be seen to hold (see the module docstring)."""
    asked = read_question(question)
    wanted = set(tokenize(question))
    if asked.kind is None or not wanted:
        return None
    pool: list[tuple[int, str, frozenset[str]]] = []
    for source in sources:
        for piece, terms in sentence_terms(source.passage.text):
            pool.append((source.number, " ".join(piece.split()), terms))
    weight = term_weights(wanted, [terms for _, _, terms in pool])
    total = sum(weight.values())
    best: Quote | None = None
    for number, sentence, terms in pool:  # sources in rank order: the first of equals stays
        share = sum(weight[t] for t in wanted & terms) / total
        if share < min_share or (best is not None and share <= best.share) or not answers(sentence, asked):
            continue
        if asked.kind != "number" or gives_a_count(sentence):
            best = Quote(number, sentence, share)
    return best


def gives_a_count(sentence: str) -> bool:
    """Does ``sentence`` give a count ("more than 20", "six"), not only an order of magnitude
    ("killed dozens")? Asked how many government soldiers were killed, "Fighting ... has killed
    dozens in Deir al-Zor" answers by the relevance test but tells the reader too little to stand
    in for a reply."""
    if any(not YEAR_WORD.fullmatch(m.group(0)) for m in DIGIT_NUMBER.finditer(sentence)):
        return True
    return any(word.low in COUNT_WORDS for word in words_of(sentence))


def copies_its_sources(answer: Answer) -> bool:
    """Is each sentence of ``answer`` that states a fact a copy of a source it cites
    (:mod:`rag.verifier.copies`), as written or as the model was shown it, each day it names by
    weekday followed by its date (:func:`rag.text.dates.with_told_days`)? Asked of a reply the model
    was asked to copy: "announced on Wednesday (30 January 2019) the monarch butterfly population
    ... was 144% greater" (Wikinews wn-011) copies its source as shown."""
    texts = source_documents(answer.sources)
    shown = {
        source.number: with_told_days(texts[source.number], source.passage.date)
        for source in answer.sources
        if source.number in texts and source.passage.date is not None
    }
    return all(
        is_copy(sentence.text, [t for n in sentence.citations for t in (texts.get(n), shown.get(n)) if t])
        for sentence in answer.sentences
        if sentence.needs_citation and not sentence.reported
    )
