"""Hybrid retrieval on the bundled corpus, indexed into a real Chroma store with the real embedding."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.pipeline import Indexer
from index.store import ChunkStore
from rag.models.embedding import build_embedding
from rag.retrieval import HybridRetriever, RetrievalResult
from rag.retrieval.budget import format_context
from rag.settings import BUNDLED_CORPUS, Settings, load_settings
from rag.tokens import count_tokens
from rag.types import Filters, Source

pytestmark = pytest.mark.integration

ARTICLE_000 = "000_2dcdf8dd29bf5d80"
ARTICLE_002 = "002_3598194b84453929"
ARTICLE_003 = "003_45ef8bfc82b231bc"
ARTICLE_004 = "004_7dbd45bfcd338f02"

QUESTIONS = [
    "How many people live in Deir al-Zor city?",
    "Which group said it would not attend the Astana talks?",
    "How many people were killed in the fighting in Deir al-Zor according to the Syrian Observatory?",
    "When do the Astana talks begin?",
    "Who organised the Astana meetings?",
    "What did Mohammad Alloush say about Astana?",
    "Who is Osama Abu Zeid?",
    "How many people have been killed in the Syrian war?",
    "What did Rouhani say about a military solution in Syria?",
    "Where is the town of Al-Sukhna?",
    "What did Vladimir Putin say about US sanctions?",
    "When did Islamic State recapture Palmyra?",
    "How far is Palmyra from Deir al-Zour?",
    "Which jihadist groups are not covered by the ceasefire?",
    "What are IS fighters trying to cut off in Deir Ezzor?",
    "Was Donald Trump's transition team invited to the talks?",
    "What is the High Negotiations Committee?",
    "How many air strikes did government forces carry out on Monday?",
    "Which country hosted the political discussions in February?",
    "What is the weather forecast for London tomorrow?",
]


@dataclass
class Indexed:
    settings: Settings
    store: ChunkStore
    retriever: HybridRetriever
    corpus: Path


def copy_corpus(target: Path) -> Path:
    """The bundled corpus, with a date for 004 (it states none; the story is from July 2020)
    unless a sidecar already gives one, so date filters have both periods to separate."""
    shutil.copytree(BUNDLED_CORPUS, target)
    sidecar = target / f"{ARTICLE_004}.txt.meta.json"
    if not sidecar.exists():
        sidecar.write_text(json.dumps({"date": "2020-07-04"}), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def embedding(model_cache_dir: Path):
    return build_embedding(load_settings("test", cache_dir=model_cache_dir))


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path, embedding) -> Indexed:
    root = tmp_path_factory.mktemp("hybrid")
    settings = load_settings("test", data_dir=root / "data", cache_dir=model_cache_dir)
    corpus = copy_corpus(root / "corpus")
    store = ChunkStore.open(settings, embedding)
    report = Indexer(settings, store, embedding).run([corpus])
    assert len(report.added) == 5 and not report.skipped
    return Indexed(settings, store, HybridRetriever(settings, store, embedding), corpus)


def all_passages(result: RetrievalResult):
    for source in result.sources:
        yield source.passage
        yield from source.corroborating


def texts(result: RetrievalResult) -> list[str]:
    return [p.text for p in all_passages(result)]


def articles(source: Source) -> list[str]:
    return [source.passage.article_id, *(p.article_id for p in source.corroborating)]


def test_population_of_deir_al_zor(indexed: Indexed, no_network) -> None:
    result = indexed.retriever.run("How many people live in Deir al-Zor city?")
    assert any("200,000" in p.text for p in (s.passage for s in result.sources))
    assert result.best_dense > 0.3 and result.keyword_hits > 0
    assert result.candidates and result.seconds > 0


def test_group_that_would_not_attend_astana(indexed: Indexed) -> None:
    result = indexed.retriever.run("Which group said it would not attend the Astana talks?")
    assert any("Fateh al-Sham Front" in text and "would not attend" in text for text in texts(result))


def test_spelling_variant_of_the_city_reaches_every_spelling(indexed: Indexed) -> None:
    result = indexed.retriever.run("Deir Ezzor")
    keyword_hits = [p for p in result.candidates if p.chunk_id in result.keyword_scores]
    spelled = {
        spelling
        for passage in keyword_hits
        for spelling in ("Deir al-Zor", "Deir al-Zour", "Deir Ezzor")
        if spelling in passage.text
    }
    assert spelled == {"Deir al-Zor", "Deir al-Zour", "Deir Ezzor"}


def test_shared_wire_paragraph_is_one_source_with_two_corroborating(indexed: Indexed) -> None:
    result = indexed.retriever.run("Have UN peace talks produced a political solution?")
    shared = [
        s
        for s in result.sources
        if "Several rounds of peace talks held by the United Nations" in s.passage.text
    ]
    # The paragraph opens one chunk of each of the three articles: one source, two copies.
    # (The chunk before it may carry it too, as its overlap: a different group, shown apart.)
    wire = [s for s in shared if sorted(articles(s)) == sorted([ARTICLE_000, ARTICLE_002, ARTICLE_003])]
    assert wire
    for source in wire:  # the same copies the store lists for that duplicate group
        group = source.passage.group_id
        stored = indexed.store.group_members([group])[group]
        assert {p.chunk_id for p in source.corroborating} <= {p.chunk_id for p in stored}
    # No duplicate group is shown twice.
    groups = [s.passage.group_id for s in result.sources]
    assert len(groups) == len(set(groups))


@pytest.mark.parametrize("question", QUESTIONS)
def test_sources_are_collapsed_numbered_and_within_budget(indexed: Indexed, question: str) -> None:
    config = indexed.settings.retrieval
    result = indexed.retriever.run(question)
    assert [s.number for s in result.sources] == list(range(1, len(result.sources) + 1))
    assert len(result.sources) <= config.max_sources
    assert result.context_tokens == count_tokens(format_context(result.sources)) <= config.context_tokens
    groups = [s.passage.group_id for s in result.sources]
    assert len(groups) == len(set(groups)), "a duplicate group is shown twice"
    for source in result.sources:
        ids = articles(source)
        assert len(ids) == len(set(ids)), "an article appears twice in one source"
        article = indexed.store.get_article(source.passage.article_id)
        assert article is not None
        assert article.text[source.passage.start : source.passage.end] == source.passage.text


def test_date_filters(indexed: Indexed) -> None:
    question = "What have Iran, Russia and Turkey said about peace talks on Syria?"
    unfiltered = indexed.retriever.run(question)
    assert {p.date.year for p in unfiltered.candidates if p.date} == {2017, 2020}

    old = indexed.retriever.run(question, Filters(until=dt.date(2017, 12, 31)))
    assert old.sources
    assert all(p.date is not None and p.date.year <= 2017 for p in [*old.candidates, *all_passages(old)])

    new = indexed.retriever.run(question, Filters(since=dt.date(2020, 1, 1)))
    assert new.sources
    assert all(p.date is not None and p.date.year >= 2020 for p in [*new.candidates, *all_passages(new)])
    assert {p.article_id for p in new.candidates} == {ARTICLE_004}


def test_undated_articles_are_left_out_by_a_date_filter(indexed: Indexed) -> None:
    undated = {p.article_id for p in indexed.store.all_passages() if p.date is None}
    assert undated, "the bundled corpus has undated articles (001, 002)"
    result = indexed.retriever.run("Deir al-Zour", Filters(since=dt.date(2000, 1, 1)))
    assert result.candidates
    assert not undated & {p.article_id for p in result.candidates}


@pytest.mark.parametrize(
    ("when", "first", "last"),
    [
        ("in July 2020", dt.date(2020, 6, 30), dt.date(2020, 8, 14)),
        ("in January 2017", dt.date(2016, 12, 31), dt.date(2017, 2, 14)),
    ],
)
def test_a_question_naming_a_time_puts_stories_from_then_first(
    indexed: Indexed, when: str, first: dt.date, last: dt.date
) -> None:
    question = f"How many were killed in clashes between IS fighters and government forces {when}?"
    result = indexed.retriever.run(question)
    assert result.period is not None
    assert first <= result.sources[0].passage.date <= last
    assert any(p.date and not first <= p.date <= last for p in result.candidates), "others still compete"
    plain = indexed.retriever.run(question.removesuffix(f" {when}?") + "?")
    assert plain.period is None


def test_a_date_filter_overrides_the_time_a_question_names(indexed: Indexed) -> None:
    filters = Filters(since=dt.date(2017, 1, 1), until=dt.date(2017, 12, 31))
    result = indexed.retriever.run("How many were killed in clashes with IS in July 2020?", filters)
    assert result.period is None
    assert result.sources and all(s.passage.date.year == 2017 for s in result.sources)


def test_source_filter_is_case_insensitive_on_both_rankings(indexed: Indexed) -> None:
    result = indexed.retriever.run("How many people live in Deir al-Zor city?", Filters(sources=["afp"]))
    assert result.sources and result.dense_scores and result.keyword_scores
    assert {p.source for p in [*result.candidates, *all_passages(result)]} == {"AFP"}
    bbc = indexed.retriever.run("How many people live in Deir al-Zor city?", Filters(sources=["BBC NEWS"]))
    assert {p.source for p in bbc.candidates} == {"BBC News"}
    nobody = indexed.retriever.run("How many people live in Deir al-Zor city?", Filters(sources=["Reuters"]))
    assert nobody.sources == [] and nobody.candidates == [] and nobody.keyword_hits == 0


def test_article_filter(indexed: Indexed) -> None:
    result = indexed.retriever.run("Astana talks", Filters(article_ids=[ARTICLE_003]))
    assert result.sources
    assert {p.article_id for p in [*result.candidates, *all_passages(result)]} == {ARTICLE_003}


def test_nothing_relevant_gives_low_signals(indexed: Indexed) -> None:
    relevant = indexed.retriever.run("How many people live in Deir al-Zor city?")
    unrelated = indexed.retriever.run("Quarterly earnings of semiconductor manufacturers")
    assert unrelated.keyword_hits == 0
    assert unrelated.best_dense < relevant.best_dense


def test_empty_query_returns_nothing(indexed: Indexed) -> None:
    result = indexed.retriever.run("   ")
    assert result.sources == [] and result.candidates == [] and result.context_tokens == 0


NEW_ARTICLE = """Dam on the Euphrates reopened, engineers say

RAQQA - Engineers reopened the Tabqa dam on the Euphrates on Tuesday after repairs to its
spillway gates, the local water authority said. Around 3,400 households downstream had been
told to prepare for flooding while the repairs were under way.
"""


@pytest.fixture
def small_index(tmp_path: Path, model_cache_dir: Path, embedding) -> Iterator[Indexed]:
    settings = load_settings("test", data_dir=tmp_path / "data", cache_dir=model_cache_dir)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(BUNDLED_CORPUS / "001_aba8e4193e5ca6f2.txt", corpus)
    store = ChunkStore.open(settings, embedding)
    Indexer(settings, store, embedding).run([corpus])
    yield Indexed(settings, store, HybridRetriever(settings, store, embedding), corpus)


def test_newly_indexed_article_is_found_at_once(small_index: Indexed, embedding) -> None:
    retriever = small_index.retriever
    question = "How many households were told to prepare for flooding near the Tabqa dam?"
    before = retriever.run(question)
    revision = retriever.keyword_index().revision
    assert not any("Tabqa" in text for text in texts(before))

    path = small_index.corpus / "tabqa.txt"
    path.write_text(NEW_ARTICLE, encoding="utf-8")
    Indexer(small_index.settings, small_index.store, embedding).run([path])

    after = retriever.run(question)  # same retriever: its cached keyword index must notice
    assert retriever.keyword_index().revision != revision
    assert after.sources[0].passage.article_id == "tabqa"
    assert "tabqa" in {indexed.article_id for indexed in retriever.keyword_index().passages}
    assert any(p.article_id == "tabqa" for p in after.candidates if p.chunk_id in after.keyword_scores)


TITLE_ONLY_ARTICLE = {
    "title": "Volcano erupts on the Reykjanes peninsula; Grindavik evacuated overnight",
    "date": "2024-01-14",
    "source": "Example Wire",
    "text": "The pictures in this gallery were taken on Sunday night. Residents watched the glow from "
    "a distance as emergency crews worked through the night.",
}


def test_an_article_whose_story_is_only_in_its_title_is_found(small_index: Indexed, embedding) -> None:
    """A photo gallery whose caption never names the place carries its story in the title alone:
    both rankings search a chunk with its article's title, so the question still reaches it."""
    path = small_index.corpus / "reykjanes.json"
    path.write_text(json.dumps(TITLE_ONLY_ARTICLE), encoding="utf-8")
    Indexer(small_index.settings, small_index.store, embedding).run([path])

    result = small_index.retriever.run("Which town was evacuated when the volcano on Reykjanes erupted?")
    first = result.sources[0].passage
    assert first.article_id == "reykjanes"
    assert first.chunk_id in result.keyword_scores and first.chunk_id in result.dense_scores
    assert "Reykjanes" not in first.text, "the passage shown is still the article's own text"


def test_concurrent_questions_get_the_same_results_as_sequential(indexed: Indexed) -> None:
    questions = QUESTIONS[:8]
    expected = [[s.passage.chunk_id for s in indexed.retriever.run(q).sources] for q in questions]
    fresh = HybridRetriever(indexed.settings, indexed.store, indexed.retriever.embedding)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(fresh.run, questions * 2))
    got = [[s.passage.chunk_id for s in r.sources] for r in results]
    assert got == expected * 2
