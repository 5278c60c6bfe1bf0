"""A sentence copied from a passage is backed by that passage: the checks must never fail a quote.

Each check reads a relation (who speaks, what a number counts, what a negation governs); when it
misreads one, the quote of the very sentence fails with it. Over the 293 Wikinews articles of
``../shared/evaldata/wikinews-en-2019-2020`` this found a role verb read across a whole sentence
("Iraqi refugees ... who fled Islamic State controlled areas ... near the Iraqi border"), "No."
taken for a number sign, "TVN24 reported he received surgery" given to "he", "confirmed cases" read
as a speech verb, and "75 miles (120 kilometers)" taken for a swap of "120 miles". Here the same
invariant holds over the bundled articles, each cut into passages as the indexer does.
"""

from __future__ import annotations

import pytest

from rag.settings import BUNDLED_CORPUS
from rag.text.sentences import sentence_spans
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit


def _passages() -> list[str]:
    """Three paragraphs at a time, as a passage of the index holds a few."""
    passages = []
    for path in sorted(BUNDLED_CORPUS.glob("*.txt")):
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        passages += ["\n".join(paragraphs[i : i + 3]) for i in range(0, len(paragraphs), 3)]
    return passages


def _quotes(passage: str) -> list[str]:
    """The passage's sentences that state something: five words or more, not an all-capitals credit line."""
    sentences = [passage[span.start : span.end].strip() for span in sentence_spans(passage)]
    return [s for s in sentences if len(s.split()) >= 5 and any(c.islower() for c in s)]


def test_every_sentence_of_the_bundled_articles_is_backed_by_its_own_passage() -> None:
    scorer = SupportScorer()
    quoted = [(quote, passage) for passage in _passages() for quote in _quotes(passage)]
    assert len(quoted) > 100  # the whole corpus was read
    failed = [
        (quote, r.unbacked)
        for quote, passage in quoted
        if not (r := scorer.score(quote, [passage])).supported
    ]
    assert failed == []


@pytest.mark.parametrize(
    ("quote", "passage"),
    [
        (  # a number sign only before a figure
            "Eight hours, their shift changes.",
            "So it is not that in remote areas they have to drive.  No.  Eight hours, their shift changes.",
        ),
        (  # a name right before the verb speaks; the pronoun after it opens the words
            "TVN24 reported he received surgery.",
            'Brudzinski said Adamowicz was in a "serious" condition; TVN24 reported he received surgery.',
        ),
        (  # "confirmed cases" is no speech verb
            "According to Johns Hopkins University, as of Wednesday, there were at least 1,279 confirmed "
            "cases of COVID-19 in the United States.",
            "According to Johns Hopkins University, as of Wednesday, there were at least 1,279 confirmed "
            "cases of COVID-19 in the United States. CNBC reported there were at least 118,381 cases worldwide.",
        ),
        (  # another sentence counts miles with 120; this one counts kilometers with it
            "The advisory placed Humberto 75 miles (120 kilometers) north of Bermuda.",
            "The advisory placed Humberto 75 miles (120 kilometers) north of Bermuda. At the time, Humberto "
            "had maximum sustained winds of 120 miles per hour (195 kilometers per hour).",
        ),
    ],
)
def test_a_quote_is_backed_where_a_check_misread_a_relation(quote: str, passage: str) -> None:
    result = SupportScorer().score(quote, [passage])
    assert result.supported, result.unbacked
