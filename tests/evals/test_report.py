"""Report files and the threshold gate, on a synthetic run scored by the real metric components."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from evals.gate import THRESHOLDS_PATH, SuiteThresholds, check_gate, load_thresholds
from evals.golden import GoldenItem
from evals.report import print_report, write_report
from evals.runner import (
    QUALITY_METRICS,
    AnswerScorer,
    EvalResult,
    QuestionRecord,
    SystemAnswer,
    select_items,
    summarize,
    summarize_system,
)
from rag.types import Answer, Passage, Sentence, Source, Timings
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

BBC = "001_aba8e4193e5ca6f2"
TOLL = (
    "Twelve government soldiers and 20 IS fighters were killed, said the Syrian Observatory for Human Rights."
)

ITEMS = [
    GoldenItem(
        id="t1",
        question="How many soldiers were killed?",
        kind="single_article",
        expected_facts=["12"],
        supporting_articles=[BBC],
    ),
    GoldenItem(
        id="t2",
        question="How many IS fighters were killed?",
        kind="conflict",
        expected_facts=["20", "40"],
        supporting_articles=[BBC],
    ),
    GoldenItem(id="t3", question="What is the population of Kazakhstan?", kind="unanswerable"),
]


def _answer(question: str, text: str, *, refused: bool = False, cited: bool = True) -> Answer:
    source = Source(
        number=1,
        passage=Passage(chunk_id=f"{BBC}:0000", article_id=BBC, text=TOLL, start=0, end=len(TOLL)),
    )
    return Answer(
        question=question,
        standalone_question=question,
        text=text,
        sentences=[Sentence(text=text, start=0, end=len(text), citations=[1] if cited else [])],
        sources=[source],
        refused=refused,
        timings=Timings(retrieval_s=0.1, first_token_s=1.0, total_s=2.0),
        prompt_tokens=300,
    )


def synthetic_result() -> EvalResult:
    scorer = AnswerScorer(SupportScorer(llm=None))
    engine = {
        "t1": _answer(ITEMS[0].question, "Twelve government soldiers were killed [1]."),
        "t2": _answer(ITEMS[1].question, "20 IS fighters were killed [1]."),
        "t3": _answer(
            ITEMS[2].question, "The archive does not hold the answer to this question.", refused=True
        ),
    }
    baseline = {
        "t1": _answer(ITEMS[0].question, "Twelve government soldiers were killed.", cited=False),
        "t2": _answer(ITEMS[1].question, "40 IS fighters were killed [1]."),
        "t3": _answer(ITEMS[2].question, "Kazakhstan has 19 million people [1]."),
    }
    records = []
    for item in ITEMS:
        record = QuestionRecord(item=item)
        for name, answers in (("engine", engine), ("baseline", baseline)):
            answer = answers[item.id]
            record.systems[name] = SystemAnswer(answer=answer, seconds=2.0, scores=scorer.score(item, answer))
        records.append(record)
    return EvalResult(
        created="2025-01-01T00:00:00+00:00",
        model="test-model",
        backend="small",
        judge=False,
        questions=records,
        summaries={name: summarize_system(records, name, wall_s=6.0) for name in ("engine", "baseline")},
    )


def test_summary_values_on_synthetic_run():
    result = synthetic_result()
    engine = result.summaries["engine"].overall
    baseline = result.summaries["baseline"].overall
    assert engine["answer_accuracy"] == pytest.approx(0.5)  # t2 lacks the other side (40)
    assert engine["fact_recall"] == pytest.approx(0.75)
    assert engine["refusal_rate"] == 1.0 and engine["false_refusal_rate"] == 0.0
    assert engine["citation_recall"] == 1.0 and engine["faithfulness"] == 1.0
    assert baseline["refusal_rate"] == 0.0  # made up Kazakhstan's population
    assert baseline["citation_recall"] == pytest.approx(0.0)  # uncited, unsupported, made up
    assert baseline["faithfulness"] == pytest.approx(1 / 3)
    assert engine["hit_at_k"] == 1.0 and engine["mrr"] == 1.0
    assert engine["mean_prompt_tokens"] == 300
    assert set(result.summaries["engine"].by_kind) == {"single_article", "conflict", "unanswerable"}
    assert result.summaries["engine"].by_kind["unanswerable"]["fact_recall"] is None


def test_failed_question_scores_as_wrong():
    scorer = AnswerScorer(SupportScorer(llm=None))
    failed = SystemAnswer(error="RuntimeError: boom", scores=scorer.score(ITEMS[0], None))
    summary = summarize([failed])
    assert summary["answer_accuracy"] == 0.0 and summary["hit_at_k"] == 0.0
    assert summary["errors"] == 1.0 and summary["mean_answer_s"] is None


def test_write_report_files(tmp_path: Path):
    result = synthetic_result()
    result.gate = check_gate(
        result.summaries["engine"].overall, SuiteThresholds(min={"answer_accuracy": 0.9})
    )
    paths = write_report(result, tmp_path, stamp="20250101-000000")
    assert paths.directory == tmp_path / "20250101-000000"

    data = json.loads(paths.json_path.read_text(encoding="utf-8"))
    assert data["summaries"]["engine"]["overall"]["fact_recall"] == pytest.approx(0.75)
    assert data["gate"]["passed"] is False
    first = data["questions"][0]
    assert first["item"]["id"] == "t1"
    details = first["systems"]["engine"]
    assert details["answer"]["text"].startswith("Twelve")
    assert details["answer"]["sources"][0]["passage"]["article_id"] == BBC
    assert details["answer"]["sentences"][0]["citations"] == [1]
    assert details["answer"]["timings"]["total_s"] == 2.0
    assert details["scores"]["correctness"]["correct"] is True
    assert details["scores"]["citations"]["sentences"][0]["supported"] is True

    md = paths.markdown_path.read_text(encoding="utf-8")
    assert "| fact recall | 0.750 | 0.750 |" in md
    assert "| answer accuracy (all facts) | 0.500 | 0.500 | ≥ 0.9 | FAIL |" in md
    assert "Gate: **FAILED**" in md
    assert "answered (should refuse)" in md  # the baseline's made-up answer to t3

    import matplotlib.image

    image = matplotlib.image.imread(paths.chart_path)
    assert image.shape[0] > 100 and image.shape[1] > 300

    again = write_report(result, tmp_path, stamp="20250101-000000")
    assert again.directory != paths.directory and again.json_path.exists()


def test_console_report_names_failed_metrics():
    result = synthetic_result()
    result.gate = check_gate(
        result.summaries["engine"].overall, SuiteThresholds(min={"answer_accuracy": 0.9})
    )
    console = Console(record=True, width=160)
    print_report(result, console)
    text = console.export_text()
    assert "engine" in text and "baseline" in text
    assert "Gate failed" in text and "answer_accuracy 0.500 < 0.9" in text


# ----------------------------------------------------------------------------- gate


def test_gate_bounds_and_exit_codes():
    metrics = {"fact_recall": 0.8, "false_refusal_rate": 0.2, "refusal_rate": None}
    ok = check_gate(
        metrics,
        SuiteThresholds(min={"fact_recall": 0.8, "refusal_rate": 0.9}, max={"false_refusal_rate": 0.2}),
    )
    assert ok.passed and ok.exit_code == 0
    assert [c.value for c in ok.checks if c.metric == "refusal_rate"] == [None]  # not measured: no failure

    low = check_gate(metrics, SuiteThresholds(min={"fact_recall": 0.81}))
    assert not low.passed and low.exit_code == 1
    assert [c.metric for c in low.failures] == ["fact_recall"]

    high = check_gate(metrics, SuiteThresholds(max={"false_refusal_rate": 0.1}))
    assert high.exit_code == 1

    with pytest.raises(ValueError, match="unknown metric 'fact_recal'"):
        check_gate(metrics, SuiteThresholds(min={"fact_recal": 0.5}))


def test_committed_thresholds_name_real_metrics():
    thresholds = load_thresholds(THRESHOLDS_PATH)
    golden = thresholds.for_suite("golden")
    assert golden.min, "the golden suite must gate on something"
    assert set(golden.min) | set(golden.max) <= set(QUALITY_METRICS)
    assert all(0.0 <= v <= 1.0 for v in [*golden.min.values(), *golden.max.values()])


def test_thresholds_file_errors(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_thresholds(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[golden.min]\nfact_recall = 'high'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="metric = number"):
        load_thresholds(bad)
    bad.write_text("[golden.min\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_thresholds(bad)


def test_limit_takes_questions_across_kinds():
    items = [
        GoldenItem(
            id=f"{kind}{i}",
            question="q",
            kind=kind,
            expected_facts=[] if kind == "unanswerable" else ["x"],
            supporting_articles=[] if kind == "unanswerable" else ["a"],
        )
        for kind in ("single_article", "conflict", "unanswerable")
        for i in range(3)
    ]
    chosen = select_items(items, 4)
    assert [i.id for i in chosen] == ["single_article0", "conflict0", "unanswerable0", "single_article1"]
    assert select_items(items, None) == items
