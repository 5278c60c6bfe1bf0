"""Okapi BM25 and the news tokenizer: scores checked by hand and against bm25s."""

from __future__ import annotations

import math

import bm25s
import numpy as np
import pytest

from rag.retrieval.bm25 import BM25Index, NameVariants
from rag.text.terms import edit_distance, skeleton, stem, tokenize

pytestmark = pytest.mark.unit


def test_tokenizer_normalises_news_text() -> None:
    text = "More than 310,000 people; Syria\u2019s war \u2014 \u201cIS\u201d is here. Çavuşoğlu 1.5 don't"
    assert tokenize(text) == ["310000", "people", "syria", "war", "is", "cavusoglu", "1.5", "dont"]


def test_thousands_separator_and_plain_number_are_one_token() -> None:
    assert tokenize("310,000") == tokenize("310000") == ["310000"]
    assert tokenize("2,500,000 dead") == ["2500000", "dead"]
    # A comma between numbers that is not a thousands separator keeps them apart.
    assert tokenize("in 2011,2012") == ["2011", "2012"]


def test_decomposed_and_fullwidth_unicode_match_plain_ascii() -> None:
    assert tokenize("Cavus\u0327oglu") == tokenize("Çavuşoğlu") == ["cavusoglu"]
    assert tokenize("\uff21\uff33\uff34\uff21\uff2e\uff21") == tokenize("ASTANA")


def test_stopwords_dropped_but_negations_and_acronyms_kept() -> None:
    assert tokenize("Which group said it would not attend?") == ["group", "not", "attend"]
    assert tokenize("what is it") == []
    assert tokenize("IS and US forces") == ["is", "us", "force"]


def test_plural_folding_only() -> None:
    assert [
        stem(w) for w in ["talks", "groups", "casualties", "forces", "news", "crisis", "killed", "us"]
    ] == [
        "talk",
        "group",
        "casualty",
        "force",
        "news",
        "crisis",
        "killed",
        "us",
    ]


def test_scores_match_lucene_bm25_formula_by_hand() -> None:
    texts = ["rebels attack city", "city city siege", "army retreat"]
    index = BM25Index.build(texts, k1=1.2, b=0.75)
    # Terms after plural folding: [rebel, attack, city], [city, city, siege], [army, retreat].
    lengths = [3, 3, 2]
    average = sum(lengths) / 3
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))  # "city" is in 2 of 3 documents

    def part(tf: int, length: int) -> float:
        return tf / (tf + 1.2 * (1 - 0.75 + 0.75 * length / average))

    expected = [idf * part(1, 3), idf * part(2, 3), 0.0]
    np.testing.assert_allclose(index.scores("city"), expected)


def test_scores_agree_with_bm25s_lucene_variant() -> None:
    texts = [
        "Islamic State fighters attacked the government enclave in the city",
        "Rebel groups will attend peace talks in Astana next week",
        "The talks in Astana are set to build on a nationwide truce",
        "Russia and Turkey brokered the truce between government and rebel forces",
        "Aircraft carried out air drops on the besieged area",
    ]
    ours = BM25Index.build(texts, k1=1.5, b=0.75)
    reference = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    reference.index([tokenize(text) for text in texts], show_progress=False)
    for query in ["rebel talks Astana", "government truce", "air drops besieged area"]:
        np.testing.assert_allclose(ours.scores(query), reference.get_scores(tokenize(query)), rtol=1e-6)


def test_empty_corpus() -> None:
    index = BM25Index.build([])
    assert len(index) == 0
    assert index.scores("anything").shape == (0,)
    assert index.top_k("anything", 5) == []


def test_empty_and_stopword_only_and_unknown_queries_match_nothing() -> None:
    index = BM25Index.build(["rebels attack city", "army retreat"])
    for query in ["", "   ", "what is the", "zebra xylophone"]:
        assert not index.scores(query).any()
        assert index.top_k(query, 3) == []


def test_duplicate_query_terms_count_once() -> None:
    index = BM25Index.build(["Astana talks begin", "talks in Geneva", "Astana weather"])
    np.testing.assert_allclose(index.scores("Astana Astana talks"), index.scores("Astana talks"))


def test_single_document_still_scores_positive() -> None:
    index = BM25Index.build(["Around 200,000 people live in Deir Ezzor city"])
    (position, score), *rest = index.top_k("How many people live in Deir Ezzor?", 5)
    assert position == 0 and score > 0 and rest == []


def test_long_document_is_normalised_by_length() -> None:
    short = "Astana talks"
    long = "Astana talks " + " ".join(f"filler{i}" for i in range(5000))
    index = BM25Index.build([long, short, "unrelated text"])
    ranking = [position for position, _ in index.top_k("Astana talks", 3)]
    assert ranking == [1, 0]


def test_top_k_orders_breaks_ties_by_position_and_respects_k() -> None:
    index = BM25Index.build(["truce holds", "truce truce truce holds", "truce holds", "nothing here"])
    assert [p for p, _ in index.top_k("truce", 10)] == [1, 0, 2]
    assert [p for p, _ in index.top_k("truce", 2)] == [1, 0]
    assert index.top_k("truce", 0) == []


def test_mask_filters_before_the_cut() -> None:
    index = BM25Index.build(["truce truce truce", "truce truce", "truce", "other"])
    mask = np.array([False, False, True, True])
    assert [p for p, _ in index.top_k("truce", 1, mask=mask)] == [2]
    with pytest.raises(ValueError, match="mask has 2 entries"):
        index.top_k("truce", 1, mask=np.array([True, False]))


def test_bad_parameters_are_rejected() -> None:
    with pytest.raises(ValueError, match="k1"):
        BM25Index.build(["x"], k1=-1)
    with pytest.raises(ValueError, match="b="):
        BM25Index.build(["x"], b=1.5)


def test_transliteration_variants_find_each_other() -> None:
    texts = [
        "Fighting in Deir al-Zor killed dozens.",
        "IS attacked Deir al-Zour on Saturday.",
        "Around 200,000 people live in Deir Ezzor city.",
        "Talks in Astana. The Dor river.",
    ]
    index = BM25Index.build(texts)
    for spelling in ["Deir al-Zor", "Deir al-Zour", "Deir Ezzor", "deir ezzor", "Deir Alzor"]:
        hits = {position for position, _ in index.top_k(spelling, 10)}
        assert hits == {0, 1, 2}, spelling
    # The variants score as one term: every spelling gives the same scores.
    np.testing.assert_allclose(index.scores("Ezzor"), index.scores("Zor"))


def test_name_variants_need_both_skeleton_and_small_edit_distance() -> None:
    variants = NameVariants(["iraq", "raqa", "raqqa", "qaeda", "assad", "zor", "ezzor"])
    assert variants.of("raqa") == {"raqqa"}
    assert "raqa" not in variants.of("iraq")  # same skeleton "rq", but too far apart
    assert variants.of("qaida") == {"qaeda"}
    assert variants.of("asad") == {"assad"}
    assert variants.of("zour") == {"zor", "ezzor"}
    assert skeleton("zour") == skeleton("zor") == "zr"
    assert edit_distance("kitten", "sitting") == 3


def test_common_words_are_not_widened_to_names() -> None:
    index = BM25Index.build(["Bashar al-Assad spoke.", "The crowd was sad."])
    assert index.query_terms("sad") == [frozenset({"sad"})]
    assert [p for p, _ in index.top_k("sad", 5)] == [1]
    # A spelling absent from the corpus is widened: "Asad" finds "Assad".
    assert [p for p, _ in index.top_k("Asad", 5)] == [0]
