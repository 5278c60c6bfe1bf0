"""Metric components on hand-made answers whose right scores are known."""

from __future__ import annotations

import pytest

from evals.metrics import (
    AnswerCorrectness,
    CitationQuality,
    Faithfulness,
    RefusalAccuracy,
    RetrievalMetric,
    fact_present,
    looks_like_refusal,
    normalize,
)
from evals.metrics.citations import answer_sentences, citations_in
from rag.types import Answer, Passage, Sentence, Source
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

BBC = "001_aba8e4193e5ca6f2"
AFP = "002_3598194b84453929"
REWRITE = "003_45ef8bfc82b231bc"
RECENT = "004_7dbd45bfcd338f02"

TOLL_BBC = (
    "Twelve government soldiers and 20 IS fighters were killed, said the UK-based Syrian Observatory "
    "for Human Rights. At least two civilians were also killed in IS rocket fire."
)
POPULATION = (
    "Around 200,000 people live in Deir Ezzor city, which has been besieged by IS since early 2015 "
    "and is the capital of the oil-rich province of the same name."
)
ASTANA = (
    "The talks, beginning on January 23 in the Kazakh capital Astana, are set to build on a nationwide truce."
)


def passage(article_id: str, text: str, chunk: int = 0, **extra) -> Passage:
    return Passage(
        chunk_id=f"{article_id}:{chunk}", article_id=article_id, text=text, start=0, end=len(text), **extra
    )


def source(number: int, main: Passage, *copies: Passage) -> Source:
    return Source(number=number, passage=main, corroborating=list(copies))


# ----------------------------------------------------------------------------- correctness


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("200,000", "About 200000 people live there."),
        ("200,000", "About 200 000 people live there."),
        ("200000", "About 200,000 people live there."),
        ("12", "Twelve government soldiers were killed."),
        ("2", "At least two civilians died."),
        ("Cavusoglu", "Foreign Minister Mevlüt Çavuşoğlu said so."),
        ("al-Nusra", "formerly the al Nusra Front"),
        ("Fateh al-Sham", "FATEH AL SHAM said"),
        ("January 23", "from january 23,"),
        ("185", "185km (115 miles) southwest"),
        ("10th", "its 10th year"),
        ("IS", "The truce does not cover IS."),
        (["Fateh al-Sham", "al-Nusra"], "Al-Nusra Front will not attend."),
        ("Russia", "Russia's air force"),
    ],
)
def test_fact_present_after_normalisation(fact, text):
    assert fact_present(fact, text)


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("12", "120 soldiers"),  # whole numbers only
        ("200,000", "20,000 people"),
        ("IS", "This is what the report says."),  # an acronym does not match the word "is"
        ("Geneva", "Genevan talks"),
        (["Fateh al-Sham", "al-Nusra"], "Jaish al-Islam"),
        ("28", "The toll was 28.5 percent."),
    ],
)
def test_fact_absent(fact, text):
    assert not fact_present(fact, text)


def test_normalize_keeps_decimals_and_splits_units():
    assert normalize("3.5 million, 185km.") == " 3.5 million 185 km "
    assert normalize("In 2011, 1,200,000 fled.") == " in 2011 1200000 fled "


def test_correctness_counts_facts_and_ignores_citation_numbers():
    metric = AnswerCorrectness()
    result = metric.run("Twelve soldiers [2] and 20 fighters died [1].", ["12", "20", "2"])
    assert result is not None
    assert result.found == ["12", "20"]
    assert result.missing == ["2"]  # the "[2]" marker is not the fact "2"
    assert result.fact_recall == pytest.approx(2 / 3)
    assert not result.correct
    full = metric.run("Sultan Murad [1].", [["Sultan Murad", "Murad"]])
    assert full is not None and full.correct and full.fact_recall == 1.0
    assert metric.run("Anything.", []) is None


# ----------------------------------------------------------------------------- retrieval


def test_retrieval_counts_corroborating_copies_and_ranks():
    sources = [
        source(1, passage(RECENT, "x")),
        source(2, passage(AFP, POPULATION), passage(REWRITE, POPULATION)),
        source(3, passage(BBC, TOLL_BBC)),
    ]
    metric = RetrievalMetric(k=4)
    result = metric.run(sources, [REWRITE, BBC, "000_2dcdf8dd29bf5d80"])
    assert result is not None
    assert result.hit
    assert result.ranks == {REWRITE: 2, BBC: 3, "000_2dcdf8dd29bf5d80": None}
    assert result.recall == pytest.approx(2 / 3)
    assert result.reciprocal_rank == pytest.approx(1 / 2)

    at_one = RetrievalMetric(k=1).run(sources, [REWRITE, BBC])
    assert at_one is not None
    assert not at_one.hit and at_one.recall == 0.0 and at_one.reciprocal_rank == 0.0
    assert metric.run(sources, []) is None


def test_retrieval_matches_article_by_file_stem_and_record_suffix():
    record = passage("feed#7", "x", path="/data/archive/feed.jsonl")
    by_path = passage("other-id", "y", path=f"/corpus/{BBC}.txt")
    result = RetrievalMetric(k=3).run([source(1, record), source(2, by_path)], ["feed", BBC])
    assert result is not None
    assert result.ranks == {"feed": 1, BBC: 2}
    assert result.recall == 1.0 and result.reciprocal_rank == 1.0


def test_retrieval_rejects_bad_k():
    with pytest.raises(ValueError, match="k must be at least 1"):
        RetrievalMetric(k=0)


# ----------------------------------------------------------------------------- citations (ALCE)


@pytest.fixture
def scorer() -> SupportScorer:
    return SupportScorer(llm=None)  # deterministic checks only: fast, and exact on numbers


@pytest.fixture
def sources() -> list[Source]:
    return [
        source(1, passage(BBC, TOLL_BBC)),
        source(2, passage(AFP, POPULATION)),
        source(3, passage(AFP, ASTANA, chunk=1)),
    ]


def test_citations_parse_markers():
    assert citations_in("Twelve died [1][3], and [1, 2] later [2-4].") == [1, 3, 2, 4]
    # the forms a model copies from llama-index's "Source 1:" labels
    assert citations_in("Six explosions hit [Source 3]. (Source 2) said so.") == [3, 2]
    assert citations_in("According to Source 1, 20 air strikes [Sources 2, 4].") == [1, 2, 4]
    assert citations_in("Source 2:\nThe temple was destroyed.") == [2]
    assert citations_in("A source said 20 air strikes (115 miles) in 2017.") == []


def test_trailing_marker_belongs_to_the_sentence_before():
    text = "Six explosions hit the city. [Source 3] About 200,000 live there. [2]"
    sentences = answer_sentences(Answer(question="q", standalone_question="q", text=text))
    assert [(s.text, s.citations) for s in sentences] == [
        ("Six explosions hit the city. [Source 3]", [3]),
        ("About 200,000 live there. [2]", [2]),
    ]
    assert text[sentences[1].start : sentences[1].end] == sentences[1].text


def test_citation_numbers_are_not_facts():
    metric = AnswerCorrectness()
    for text in (
        "Civilians died [Source 2].",
        "According to Source 2, civilians died.",
        "(Source 2) civilians died.",
    ):
        result = metric.run(text, ["2"])
        assert result is not None and not result.correct, text
    answer = Answer(
        question="q", standalone_question="q", text="Twelve died [1]. About 200,000 live there [2]."
    )
    sentences = answer_sentences(answer)
    assert [s.citations for s in sentences] == [[1], [2]]
    assert answer.text[sentences[1].start : sentences[1].end] == sentences[1].text


def test_citation_recall_and_precision_on_known_answer(scorer, sources):
    sentences = [
        Sentence(text="Twelve government soldiers were killed [1].", start=0, end=0, citations=[1]),
        # right fact, wrong citation: the population is in source 2, not 1
        Sentence(text="About 200,000 people live in Deir Ezzor [1].", start=0, end=0, citations=[1]),
        # supported jointly, but source 3 is irrelevant to it: over-citation
        Sentence(
            text="About 200,000 people live in Deir Ezzor city [2][3].", start=0, end=0, citations=[2, 3]
        ),
        # no citation at all
        Sentence(text="The talks begin on January 23 in Astana.", start=0, end=0, citations=[]),
        # states nothing: not counted
        Sentence(text="The sources differ.", start=0, end=0, citations=[]),
    ]
    result = CitationQuality(scorer).run(sentences, sources)
    assert [s.supported for s in result.sentences] == [True, False, True, False, None]
    assert [s.precise for s in result.sentences[:4]] == [[True], [False], [True, False], []]
    assert result.recall == pytest.approx(2 / 4)
    assert result.n_citations == 4
    assert result.precision == pytest.approx(2 / 4)


def test_the_engines_own_disagreement_notices_are_not_scored_as_the_models_claims(scorer, sources):
    """An update notice states two sources' figures in one sentence, which no single passage backs;
    the model did not write it, so neither citation recall nor faithfulness counts it. A sentence
    of the same words written by the model is scored."""
    notice = (
        "The figure changed over time: AFP [1] reported 12 soldiers killed; a later report [2] gives "
        "200,000 people."
    )
    answer = f"Twelve government soldiers were killed [1]. {notice}"
    engine = [
        Sentence(text="Twelve government soldiers were killed [1].", start=0, end=0, citations=[1]),
        Sentence(text=notice, start=0, end=0, citations=[1, 2], reported=True),
    ]
    scored = CitationQuality(scorer).run(engine, sources)
    assert [s.needs_support for s in scored.sentences] == [True, False] and scored.recall == 1.0
    assert Faithfulness(scorer).run(answer, sources, [notice]).faithfulness == 1.0

    written = [engine[0], engine[1].model_copy(update={"reported": False})]
    assert CitationQuality(scorer).run(written, sources).sentences[1].needs_support
    assert len(Faithfulness(scorer).run(answer, sources).claims) == 2


def test_citation_of_missing_source_fails_the_sentence(scorer, sources):
    sentences = [
        Sentence(text="Twelve government soldiers were killed [1][9].", start=0, end=0, citations=[1, 9])
    ]
    result = CitationQuality(scorer).run(sentences, sources)
    assert result.recall == 0.0 and result.precision == 0.0


def test_citation_metrics_undefined_without_claims(scorer, sources):
    refusal = [Sentence(text="The archive does not hold the answer to this question.", start=0, end=0)]
    result = CitationQuality(scorer).run(refusal, sources)
    assert result.recall is None and result.precision is None


# ----------------------------------------------------------------------------- faithfulness


def test_faithfulness_is_share_of_supported_claims(scorer, sources):
    text = (
        "Twelve government soldiers were killed [2]. "  # supported by a retrieved passage, whatever it cites
        "About 300,000 people live in Deir Ezzor [2]. "  # wrong number: unsupported
        "The sources differ."  # states nothing: not a claim
    )
    result = Faithfulness(scorer).run(text, sources)
    assert [c.supported for c in result.claims] == [True, False]
    assert result.faithfulness == pytest.approx(0.5)
    assert any("300,000" in item for item in result.claims[1].unbacked)


def test_faithfulness_undefined_for_refusal(scorer, sources):
    result = Faithfulness(scorer).run("The archive does not hold the answer to this question.", sources)
    assert result.faithfulness is None and result.claims == []


# ----------------------------------------------------------------------------- refusal


@pytest.mark.parametrize(
    "text",
    [
        "I don't know.",
        "The sources do not mention the population of Kazakhstan.",
        "None of the sources are helpful for this question.",
        "The provided sources don't contain that information [1].",
        "There is no information about the UN envoy in the sources.",
        "The archive does not hold the answer to this question.",
        "No answer backed by the archive was found for this question.",
        "",
    ],
)
def test_looks_like_refusal(text):
    assert looks_like_refusal(text)


@pytest.mark.parametrize(
    "text",
    [
        "About 200,000 people live in Deir al-Zour [1].",
        "Twelve soldiers died [1]. Twenty IS fighters were killed [1]. The sources do not say more.",
        "The truce does not cover IS nor Jabhat Fateh al-Sham [1].",
    ],
)
def test_answers_do_not_look_like_refusals(text):
    assert not looks_like_refusal(text)


def test_refusal_rates():
    metric = RefusalAccuracy()
    outcomes = [
        metric.run(should_refuse=True, refused=True),
        metric.run(should_refuse=True, refused=False),  # made an answer up
        metric.run(should_refuse=False, refused=False),
        metric.run(should_refuse=False, refused=False),
        metric.run(should_refuse=False, refused=True),  # gave up on an answerable question
    ]
    assert [o.correct for o in outcomes] == [True, False, True, True, False]
    result = RefusalAccuracy.aggregate(outcomes)
    assert result.refusal_rate == pytest.approx(0.5)
    assert result.false_refusal_rate == pytest.approx(1 / 3)
    assert result.accuracy == pytest.approx(3 / 5)
    assert (result.n_unanswerable, result.n_answerable) == (2, 3)
    assert RefusalAccuracy.aggregate([]).accuracy is None


def test_citation_may_rest_on_a_corroborating_copy(scorer):
    """A collapsed source stands for every outlet's copy: a detail only one copy words is backed."""
    primary = passage(AFP, "IS already controls more than half the city.")
    copy = passage(REWRITE, "Around 200,000 people live in Deir Ezzor city.")
    sentences = [
        Sentence(text="About 200,000 people live in Deir Ezzor city [1].", start=0, end=0, citations=[1])
    ]
    with_copy = CitationQuality(scorer).run(sentences, [source(1, primary, copy)])
    without = CitationQuality(scorer).run(sentences, [source(1, primary)])
    assert with_copy.recall == 1.0 and without.recall == 0.0
