"""The labelled answer sentences (``evals/data/answer_sentences.jsonl``) and ``rag eval --suite sentences``."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.sentences.collect import RecordingModel, main
from evals.sentences.data import LABELS, SENTENCES_PATH, AnswerRecord, DraftRecord, load_records
from evals.sentences.score import score_records, verdicts
from rag.citations import parse_answer
from rag.settings import BUNDLED_CORPUS
from rag.types import Passage, Source
from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

REPO = Path(__file__).resolve().parents[2]
AFP_ARTICLE = BUNDLED_CORPUS / "000_2dcdf8dd29bf5d80.txt"


def _deterministic(question: str = "") -> SupportScorer:
    return SupportScorer(None, SupportConfig.load(), question)


def _corpus_source(number: int, paragraph_start: str) -> Source:
    """Source ``number`` holding the corpus paragraph that starts with ``paragraph_start``."""
    text = AFP_ARTICLE.read_text(encoding="utf-8")
    start = text.index(paragraph_start)
    end = text.index("\n", start)
    passage = Passage(
        chunk_id=f"{AFP_ARTICLE.stem}:0000",
        article_id=AFP_ARTICLE.stem,
        text=text[start:end],
        start=start,
        end=end,
        title="Dozens killed in Deir al-Zor",
        date=dt.date(2017, 1, 17),
        source="Reuters",
    )
    return Source(number=number, passage=passage)


def _record(raw: str, labels: list[str], sources: list[Source]) -> AnswerRecord:
    drafts = parse_answer(raw, len(sources))
    sentences = [
        DraftRecord(
            text=d.plain,
            citations=d.citations,
            label=label,
            backed_by=d.citations if label == "supported" else [],
            note="changed detail" if label == "unsupported" else "",
        )
        for d, label in zip(drafts, labels, strict=True)
    ]
    return AnswerRecord(
        id="t1",
        question="How many people were killed?",
        origin="sentences",
        kind="answerable",
        raw=raw,
        sources=[s.model_dump(mode="json") for s in sources],
        sentences=sentences,
    )


FAITHFUL = (
    "At least 82 people have been killed in the fighting, which is the heaviest in the city for a year, "
    "the Syrian Observatory for Human Rights said [1]."
)
CHANGED_NUMBER = FAITHFUL.replace("82", "95")
ALLOUSH = "Mohammad Alloush, a leading figure in the Jaish al-Islam rebel group, said all the rebel groups are going to Astana"
SWAPPED = ALLOUSH.replace("Mohammad Alloush", "Ahmad Ramadan")


# ---------------------------------------------------------------- the data file


@pytest.mark.unit
def test_data_file_is_labelled_and_consistent():
    records = load_records(SENTENCES_PATH)  # validates citations, backing and notes against each answer
    sentences = [s for r in records for s in r.sentences]
    assert all(s.label in LABELS for s in sentences)
    claims = [s for s in sentences if s.label != "no_claim"]
    assert len(claims) >= 150
    unsupported = [s for s in claims if s.label == "unsupported"]
    assert len(unsupported) >= 25
    assert all(s.note.strip() for s in unsupported)
    for record in records:
        numbers = {source["number"] for source in record.sources}
        for sentence in record.sentences:
            assert set(sentence.citations) <= numbers and set(sentence.backed_by) <= numbers
            assert (sentence.label == "supported") == bool(sentence.backed_by)
        if record.raw is not None:  # the stored sentences are the reply's own split, in order
            assert [d.plain for d in parse_answer(record.raw, len(record.sources))] == [
                s.text for s in record.sentences
            ]
    golden = {json.loads(line)["id"] for line in (REPO / "evals" / "golden.jsonl").read_text().splitlines()}
    assert golden <= {r.id for r in records}


@pytest.mark.unit
def test_data_file_holds_no_verifier_verdict():
    for line in SENTENCES_PATH.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for sentence in record["sentences"]:
            assert not {"supported", "support", "verdict", "evidence"} & set(sentence)


@pytest.mark.unit
def test_an_unsupported_sentence_needs_a_note():
    source = _corpus_source(1, "At least 82 people")
    record = _record(CHANGED_NUMBER, ["unsupported"], [source]).model_dump()
    record["sentences"][0]["note"] = ""
    with pytest.raises(ValueError, match="no note"):
        AnswerRecord.model_validate(record)


# ---------------------------------------------------------------- scoring


@pytest.mark.unit
def test_faithful_and_changed_number_give_one_true_negative_and_one_true_positive():
    source = _corpus_source(1, "At least 82 people")
    record = _record(f"{FAITHFUL} {CHANGED_NUMBER}", ["supported", "unsupported"], [source])
    scores = score_records([record], _deterministic)
    assert [s.verdict for s in scores.sentences] == ["supported", "unsupported"]
    claims = scores.claims
    assert (claims.true_positive, claims.false_positive, claims.false_negative, claims.true_negative) == (
        1,
        0,
        0,
        1,
    )
    assert claims.precision == 1.0 and claims.recall == 1.0 and claims.balanced_accuracy == 1.0
    assert claims.accept_rate == 0.5
    assert scores.answers.true_positive == 1 and scores.answers.total == 1


@pytest.mark.unit
def test_swapped_name_is_flagged_and_wrong_labels_count_as_errors():
    source = _corpus_source(1, "If the Astana meetings are successful")
    # Labels that disagree with the passage on purpose: the faithful sentence called unsupported (a
    # false positive of the scorer, by these labels) and the swapped one called supported (a miss).
    record = _record(f"{ALLOUSH} [1]. {SWAPPED} [1].", ["unsupported", "supported"], [source])
    scores = score_records([record], _deterministic)
    assert [s.verdict for s in scores.sentences] == ["supported", "unsupported"]
    claims = scores.claims
    assert (claims.true_positive, claims.false_positive, claims.false_negative, claims.true_negative) == (
        0,
        1,
        1,
        0,
    )
    assert claims.precision == 0.0 and claims.recall == 0.0
    assert len(scores.disagreements) == 2


@pytest.mark.unit
def test_no_claim_sentences_stay_out_of_the_claim_figures():
    source = _corpus_source(1, "At least 82 people")
    record = _record(f"The sources differ. {FAITHFUL}", ["no_claim", "supported"], [source])
    scores = score_records([record], _deterministic)
    assert scores.no_claim == 1 and scores.claims.total == 1
    assert scores.sentences[0].verdict == "unchecked"
    assert scores.answers.true_negative == 1


@pytest.mark.unit
def test_a_reply_that_no_longer_splits_as_labelled_is_an_error():
    source = _corpus_source(1, "At least 82 people")
    record = _record(FAITHFUL, ["supported"], [source])
    record.sentences[0].text = "Something else."
    with pytest.raises(ValueError, match="sentence splitter"):
        score_records([record], _deterministic)


# ---------------------------------------------------------------- collector and command


class _EchoModel:
    """A stand-in chat model for the recorder's own test: it only replays fixed pieces."""

    name = "echo"
    context_window = 100

    def stream_chat(self, messages, **options):
        from rag.models.llm import ChatStream, Usage

        def pieces():
            yield from ["At least 82 ", "people died", " [1]."]

        return ChatStream(pieces(), Usage(prompt_tokens=3))


@pytest.mark.unit
def test_recorder_passes_the_reply_through_unchanged_and_keeps_it():
    recorder = RecordingModel(_EchoModel())  # type: ignore[arg-type]
    stream = recorder.stream_chat([{"role": "user", "content": "q"}])
    assert "".join(stream) == "At least 82 people died [1]."
    assert stream.usage.prompt_tokens == 3
    assert recorder.replies == ["At least 82 people died [1]."]
    assert recorder.name == "echo"


@pytest.mark.unit
def test_collector_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "raw model reply" in " ".join(capsys.readouterr().out.split())


@pytest.mark.integration
def test_sentences_suite_runs_end_to_end_and_writes_its_report(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(REPO),
    }
    out = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "rag.cli", "eval", "--suite", "sentences", "--no-judge", "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    assert "unsupported f1" in done.stdout and "held out" in done.stdout
    [folder] = list(out.iterdir())
    report = json.loads((folder / "report.json").read_text())
    assert report["suite"] == "sentences"
    figures = report["summaries"]["support scorer"]["overall"]
    counts = report["extra"]["counts"]
    assert counts["claims"] >= 150
    assert 0.0 <= figures["unsupported_recall"] <= 1.0
    assert report["gate"] is not None and report["gate"]["passed"]
    assert "# rag eval: sentences" in (folder / "report.md").read_text()
    assert not (tmp_path / "data" / "chroma").exists()  # nothing indexed: the replies are in the file


@pytest.mark.unit
def test_the_held_out_answers_are_scored_apart(tmp_path):
    from evals.sentences.data import save_records
    from evals.sentences.run import HELD_OUT, SYSTEM, run_sentences
    from rag.settings import load_settings

    source = _corpus_source(1, "At least 82 people")
    tuned = _record(FAITHFUL, ["supported"], [source])
    held = _record(CHANGED_NUMBER, ["unsupported"], [source]).model_copy(
        update={"id": "t2", "held_out": True}
    )
    path = save_records([tuned, held], tmp_path / "answers.jsonl")
    result = run_sentences(load_settings(), judge=False, path=path)
    assert result.extra["held_out_answers"] == 1
    assert result.extra["held_out_confusion"] == {
        "true_positive": 1, "false_positive": 0, "false_negative": 0, "true_negative": 0,
    }  # fmt: skip
    assert result.extra["sentence_confusion"]["true_negative"] == 1  # the tuned answer counts overall only
    assert result.summaries[HELD_OUT].overall["unsupported_recall"] == 1.0
    assert result.summaries[SYSTEM].overall["balanced_accuracy"] == 1.0


@pytest.mark.unit
def test_saving_writes_held_out_only_where_it_is_true_and_reads_back_the_same(tmp_path):
    from evals.sentences.data import load_records, save_records

    source = _corpus_source(1, "At least 82 people")
    tuned = _record(FAITHFUL, ["supported"], [source])
    held = tuned.model_copy(update={"id": "t2", "held_out": True})
    path = save_records([tuned, held], tmp_path / "answers.jsonl")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert "held_out" not in lines[0] and lines[1]["held_out"] is True
    assert load_records(path) == [tuned, held]


@pytest.mark.unit
def test_the_labeller_s_listing_shows_the_sources_as_checked_and_no_label(tmp_path, capsys):
    from evals.sentences.data import save_records
    from evals.sentences.listing import listing
    from evals.sentences.listing import main as list_main
    from rag.evidence import source_document

    source = _corpus_source(1, "At least 82 people")
    source = source.model_copy(update={"passage": source.passage.model_copy(update={"dateline": "BEIRUT"})})
    record = _record(CHANGED_NUMBER, ["unsupported"], [source])
    text = listing([record])
    assert source_document(source) in text
    assert "BEIRUT" not in text  # neither the model nor the verifier is shown the dateline
    assert "S0 cites [1]: " + record.sentences[0].text in text
    assert "unsupported" not in text and "changed detail" not in text  # neither label nor note
    other = record.model_copy(update={"id": "t2"})
    path = save_records([record, other], tmp_path / "answers.jsonl")
    assert list_main(["--data", str(path), "--ids", "t2"]) == 0
    shown = capsys.readouterr().out
    assert "t2 answerable" in shown and "t1 answerable" not in shown


@pytest.mark.parametrize(
    ("answer_id", "index"),
    [
        ("sq18", 0),  # "Iran, Russia, and Turkey were staunch supporters of President Bashar Al Assad."
        ("ma02", 0),  # "... in two Syrian provinces: Homs and Badia." (Badia is a desert)
        ("sa05", 0),  # "Jabhat Fateh al-Sham and al-Nusra Front are not covered ..."
    ],
)
def test_a_wrong_list_stays_flagged_when_read_one_name_at_a_time(answer_id, index):
    """Each of these labelled unsupported sentences lists names that one source names together:
    read one name at a time (rag/verifier/lists.py) each name finds some backing, so a list is
    split only across sources that do not name its other names."""
    record = next(r for r in load_records() if r.id == answer_id)
    assert record.sentences[index].label == "unsupported"

    assert verdicts(record, _deterministic())[index][0] == "unsupported"
