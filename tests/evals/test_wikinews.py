"""The Wikinews retrieval benchmark: its metrics, its questions file, and one run end to end.

The metric tests use hand-made rankings. The questions file is checked on its own (schema,
spread) and against the real articles, which the repository never carries: they are read
from ``$RAG_WIKINEWS_PATH`` or ``../shared/evaldata/wikinews-en-2019-2020/articles.jsonl``, as
the benchmark reads them. The end-to-end run indexes three articles written here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from evals.wikinews.__main__ import main
from evals.wikinews.data import (
    DAYS_PATH,
    SOURCE_COMMIT,
    DataError,
    WikinewsArticle,
    WikinewsQuestion,
    answer_found,
    date_window,
    default_data_path,
    load_articles,
    load_questions,
    missing_message,
)
from evals.wikinews.ranking import (
    first_occurrence,
    hit_at,
    rank_of,
    reciprocal_rank,
    reciprocal_rank_fusion,
    summarise,
)
from evals.wikinews.report import render_markdown
from evals.wikinews.run import run_benchmark
from tests.evals.conftest import evaldata_file


def question(**fields) -> WikinewsQuestion:
    base = {
        "id": "q1",
        "question": "Who won?",
        "article_id": "a",
        "answer": "Jane Doe",
        "date": "2020-03-10",
        "kind": "who",
    }
    return WikinewsQuestion.model_validate({**base, **fields})


# -- metrics -------------------------------------------------------------------------------
@pytest.mark.unit
def test_rank_hit_and_reciprocal_rank_on_hand_made_rankings() -> None:
    ranking = ["x", "y", "a", "z"]
    assert rank_of(ranking, {"a"}) == 3
    assert hit_at(ranking, {"a"}, 3) and not hit_at(ranking, {"a"}, 2)
    assert reciprocal_rank(ranking, {"a"}) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranking, {"a"}, k=2) == 0.0
    # with several answering articles, the first one found counts
    assert rank_of(ranking, {"z", "y"}) == 2
    assert rank_of([], {"a"}) is None
    assert reciprocal_rank(["b"] * 10 + ["a"], {"a"}) == 0.0  # rank 11 is outside MRR@10


@pytest.mark.unit
def test_summarise_averages_over_all_questions() -> None:
    figures = summarise([1, 2, None, 10, 11])
    assert figures["hit@1"] == pytest.approx(1 / 5)
    assert figures["hit@10"] == pytest.approx(3 / 5)
    assert figures["mrr@10"] == pytest.approx((1 + 1 / 2 + 1 / 10) / 5)


@pytest.mark.unit
def test_reciprocal_rank_fusion_scores_and_order() -> None:
    bm25 = ["a", "b", "c"]
    dense = ["c", "a", "d"]
    fused = reciprocal_rank_fusion([bm25, dense], k=60)
    # a: 1/61 + 1/62, c: 1/63 + 1/61, b: 1/62, d: 1/63
    assert fused == ["a", "c", "b", "d"]
    # k decides how much a first place outweighs agreement: b is second and third in the two lists
    assert reciprocal_rank_fusion([["a", "b"], ["c", "d", "b"]], k=60) == ["b", "a", "c", "d"]
    assert reciprocal_rank_fusion([["a", "b"], ["c", "d", "b"]], k=0) == ["a", "c", "b", "d"]
    # one list alone keeps its order; a repeated item counts once, at its best rank
    assert reciprocal_rank_fusion([["b", "a", "b"]]) == ["b", "a"]
    # equal scores keep first-seen order
    assert reciprocal_rank_fusion([["p", "q"], ["q", "p"]]) == ["p", "q"]


@pytest.mark.unit
def test_chunk_ranking_becomes_article_ranking_by_first_occurrence() -> None:
    assert first_occurrence(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


@pytest.mark.unit
def test_date_window_is_two_weeks_before_to_one_day_after() -> None:
    assert date_window(dt.date(2020, 3, 1)) == (dt.date(2020, 2, 16), dt.date(2020, 3, 2))


@pytest.mark.unit
def test_answer_found_uses_the_pattern_where_given() -> None:
    text = "The toilet, an artwork, was stolen from Blenheim Palace. A 44-year-old was held."
    assert answer_found(question(answer="blenheim palace"), text)
    assert not answer_found(question(answer="Buckingham Palace"), text)
    assert answer_found(question(answer="44", answer_pattern=r"44-year-old"), text)
    assert not answer_found(question(answer="44", answer_pattern=r"45-year-old"), text)


@pytest.mark.unit
def test_a_bad_question_record_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    good = question().model_dump_json()
    path.write_text(good + "\n" + good.replace('"who"', '"why"') + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 2"):
        load_questions(path)
    path.write_text(good + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="used twice"):
        load_questions(path)


# -- the questions file ----------------------------------------------------------------------
@pytest.mark.unit
def test_questions_file_schema_and_spread() -> None:
    questions = load_questions()
    assert len(questions) >= 60
    articles = {q.article_id for q in questions}
    assert len(articles) >= 50
    assert len({q.id for q in questions}) == len(questions)
    years = Counter(q.date.year for q in questions)
    assert set(years) == {2019, 2020} and min(years.values()) >= 20
    kinds = Counter(q.kind for q in questions)
    assert set(kinds) == {"fact", "number", "date", "who", "where"}
    assert all(q.article_id.startswith("enwikinews:") for q in questions)
    assert all(q.article_id in q.relevant for q in questions)
    timed = [q for q in questions if re.search(r"\b(19|20)\d\d\b", q.question)]
    assert 5 <= len(timed) < len(questions) / 2  # some name a time, most do not
    styles = Counter(q.style for q in questions)
    assert styles["named"] >= 30 and styles["descriptive"] >= 30
    # the questions are our own words: none carries its answer, nor its answer pattern's wording
    for q in questions:
        assert q.question.endswith("?"), q.id
        assert q.answer.casefold() not in q.question.casefold(), q.id
        if q.answer_pattern:
            assert not re.search(q.answer_pattern, q.question, flags=re.IGNORECASE), q.id


@pytest.fixture(scope="module")
def wikinews_articles() -> dict[str, WikinewsArticle]:
    """The real articles, read from where the benchmark reads them."""
    path = evaldata_file(default_data_path(), missing_message)
    return {a.id: a for a in load_articles(path)}


@pytest.mark.unit
def test_each_answer_is_in_its_article_with_the_articles_date(
    wikinews_articles: dict[str, WikinewsArticle],
) -> None:
    questions = load_questions()
    assert len(wikinews_articles) == 293
    for q in questions:
        assert q.relevant <= set(wikinews_articles), q.id
        article = wikinews_articles[q.article_id]
        assert q.date == article.date, q.id
        assert answer_found(q, article.text), f"{q.id}: {q.answer!r} not found in {q.article_id}"


@pytest.mark.unit
def test_each_day_question_asks_a_day_its_story_names_only_by_weekday_or_yesterday(
    wikinews_articles: dict[str, WikinewsArticle],
) -> None:
    questions = load_questions(DAYS_PATH)
    assert len(questions) >= 30 and len({q.article_id for q in questions}) == len(questions)
    for q in questions:
        article = wikinews_articles[q.article_id]
        assert q.date == article.date and q.kind == "date", q.id
        assert not answer_found(q, q.question), q.id
        # the day asked for is nowhere written as a date: the story tells it by its name
        assert not answer_found(q, article.text), q.id
        assert answer_found(q, f"It happened on {q.answer}."), q.id
    assert any(q.answer == f"{q.date.day} {q.date:%B %Y}" for q in questions)  # "today" too
    assert sum(q.answer != f"{q.date.day} {q.date:%B %Y}" for q in questions) >= 25


@pytest.mark.unit
def test_missing_data_says_where_to_get_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    absent = tmp_path / "nowhere" / "articles.jsonl"
    assert main(["--articles", str(absent), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    for part in (str(absent), "vanatteveldt/wikinews", SOURCE_COMMIT, "data/wikinews_2019.csv",
                 "data/wikinews_2020.csv", "build.py", "RAG_WIKINEWS_PATH"):  # fmt: skip
        assert part in err
    assert not (tmp_path / "out").exists()


# -- one run end to end ---------------------------------------------------------------------
ARTICLES = [
    {
        "id": "enwikinews:Harbour_flood",
        "title": "Flood closes Marlow Bay harbour",
        "date": "2020-03-02",
        "url": "https://example.org/wiki/Harbour_flood",
        "text": "Flooding closed the harbour of Marlow Bay on Monday. The harbour master, Ellen Quist, said "
        "1,200 residents left their homes and three shelters opened in the town's schools.",
    },
    {
        "id": "enwikinews:Chess_festival",
        "title": "Kestrel Point chess festival draws record field",
        "date": "2020-03-05",
        "url": "https://example.org/wiki/Chess_festival",
        "text": "The Kestrel Point chess festival drew 340 players this year. Grandmaster Ivo Tarn won the "
        "open section with seven points from nine games.",
    },
    {
        "id": "enwikinews:Harbour_reopens",
        "title": "Marlow Bay harbour reopens after repairs",
        "date": "2020-06-20",
        "url": "https://example.org/wiki/Harbour_reopens",
        "text": "Three months after the flood, the Marlow Bay harbour reopened to fishing boats. Repairs to "
        "the sea wall cost 4 million dollars, the council said.",
    },
]


@pytest.mark.integration
def test_benchmark_runs_end_to_end_on_a_small_archive(
    tmp_path: Path, model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    questions = [
        question(id="q1", question="Who won the open section of the Kestrel Point chess festival?",
                 article_id="enwikinews:Chess_festival", answer="Ivo Tarn", date="2020-03-05"),
        question(id="q2", question="How much did the sea wall repairs in Marlow Bay cost?",
                 article_id="enwikinews:Harbour_reopens", answer="4 million dollars", date="2020-06-20",
                 kind="number"),
    ]  # fmt: skip
    monkeypatch.setenv("RAG_CACHE_DIR", str(model_cache_dir))
    data_dir_before = os.environ.get("RAG_DATA_DIR")
    report = run_benchmark(path, questions, tmp_path / "work")

    assert report["index"]["articles"] == 3 and report["index"]["chunks"] >= 3
    assert report["questions"] == 2
    rows = {row["id"]: row for row in report["per_question"]}
    # each question names its article plainly, so every method finds it first
    for method in ("bm25", "dense", "rrf", "product_no_dates", "product"):
        assert rows["q1"][f"{method}/none"] == 1, method
        assert rows["q2"][f"{method}/window"] == 1, method
    # the window of q1 (2020-02-20 .. 03-06) leaves out the June article for every method
    assert report["results"]["window"]["prompt"]["in_sources"] == 1.0
    markdown = render_markdown(report)
    assert "| product's hybrid chunk retrieval (fused candidates) | 1.000 / 1.000 / 1.000 |" in markdown
    assert rows["q1"]["names_time"] is False and "questions naming a time" not in markdown
    assert (tmp_path / "work" / "data" / "chroma").is_dir()  # the store went where it was told
    assert os.environ.get("RAG_DATA_DIR") == data_dir_before  # and that setting did not outlive the run
