"""``rag ask`` and ``rag chat`` from the command line (test profile, temporary data folder)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.commands import chat_command, format_answer, register
from rag.types import Answer, Conflict, ConflictSide, Passage, Sentence, Source, Timings
from tests.rag.answering import indexed_components

REPO = Path(__file__).resolve().parents[2]


def run_rag(args: list[str], data_dir: Path, cache_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_CACHE_DIR": str(cache_dir)}
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", "--profile", "test", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path):
    return indexed_components(tmp_path_factory.mktemp("cli"), model_cache_dir)


@pytest.mark.unit
def test_parser_accepts_the_documented_options():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    register(sub)
    args = parser.parse_args(
        ["ask", "Who?", "--json", "--since", "2017-01-01", "--until", "2017-12-31", "--source", "AFP",
         "--source", "BBC News", "--llm", "small", "--no-stream"]
    )  # fmt: skip
    assert args.question == "Who?" and args.json and args.no_stream
    assert args.since == dt.date(2017, 1, 1) and args.until == dt.date(2017, 12, 31)
    assert args.source == ["AFP", "BBC News"] and args.llm == "small"
    with pytest.raises(SystemExit):
        parser.parse_args(["ask", "Who?", "--since", "last year"])


def _answer() -> Answer:
    passage = Passage(
        chunk_id="c", article_id="001", text="Twelve government soldiers were killed.", start=0, end=39,
        title="Syria war", source="BBC News", date=dt.date(2017, 1, 15),
    )  # fmt: skip
    other = passage.model_copy(update={"text": "At least 28 regime forces dead.", "source": "AFP"})
    text = "Twelve soldiers were killed [1]. Sources differ: BBC News [1] reports twelve, while AFP [2] reports 28."
    first, second = text.split(" Sources differ")
    return Answer(
        question="q", standalone_question="q", text=text,
        sentences=[
            Sentence(text=first, start=0, end=len(first), citations=[1], support=0.9),
            Sentence(text="Sources differ" + second, start=len(first) + 1, end=len(text), citations=[1, 2]),
            Sentence(text="Made up [1].", start=0, end=0, citations=[1], supported=False, support=0.1),
        ],
        sources=[Source(number=1, passage=passage), Source(number=2, passage=other)],
        conflicts=[Conflict(topic="government forces killed", sides=[
            ConflictSide(value="Twelve government soldiers", source_number=1, source="BBC News"),
            ConflictSide(value="at least 28 regime forces", source_number=2, source="AFP", date=dt.date(2017, 1, 16)),
        ])],
        timings=Timings(retrieval_s=0.1, first_token_s=1.5, total_s=3.0), prompt_tokens=500,
        completion_tokens=30, model="m",
    )  # fmt: skip


@pytest.mark.unit
def test_printed_answer_marks_unsupported_sentences_and_shows_sources_conflicts_timings():
    printed = format_answer(_answer(), streamed=None)
    assert "Made up [1].   <- not supported by the cited sources" in printed
    assert "Sources differ on government forces killed" in printed
    assert "at least 28 regime forces [2] (AFP, 2017-01-16)" in printed
    assert "[1] Syria war — BBC News, 2017-01-15" in printed
    assert "Twelve government soldiers were killed." in printed  # the cited passage
    assert "first token 1.5 s" in printed and "500 prompt" in printed


@pytest.mark.integration
def test_ask_json_in_a_subprocess(indexed):
    settings = indexed.settings
    result = run_rag(["ask", "--json", "How many people live in Deir al-Zor city?"], settings.data_dir,
                     settings.cache_dir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    answer = Answer.model_validate(json.loads(result.stdout))
    assert answer.question == "How many people live in Deir al-Zor city?"
    assert answer.sources
    assert answer.refused or answer.sentences
    assert answer.model == "smollm2-135m-instruct-q4_1" or answer.refused


@pytest.mark.integration
def test_ask_streams_then_prints_sources(indexed):
    settings = indexed.settings
    result = run_rag(["ask", "Which group said it would not attend the Astana talks?"], settings.data_dir,
                     settings.cache_dir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Sources:" in result.stdout and "[retrieval" in result.stdout


@pytest.mark.integration
def test_unanswerable_question_from_the_command_line(indexed):
    settings = indexed.settings
    result = run_rag(["ask", "--json", "What is the population of Kazakhstan?"], settings.data_dir,
                     settings.cache_dir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["refused"] is True
    assert answer["text"] == "The archive does not hold the answer to this question."


@pytest.mark.integration
def test_empty_index_says_to_run_rag_index(tmp_path: Path, model_cache_dir: Path):
    result = run_rag(["ask", "Who?"], tmp_path / "empty", model_cache_dir)
    assert result.returncode == 1
    assert "rag index" in result.stderr


@pytest.mark.integration
def test_chat_loop_answers_follow_ups_and_handles_commands(indexed, monkeypatch: pytest.MonkeyPatch):
    lines = iter(["How many people live in Deir al-Zor city?", "/sources", "/new", "/help", "/quit"])
    out = io.StringIO()
    args = argparse.Namespace(profile="test", llm=None, since=None, until=None, source=[])
    monkeypatch.setenv("RAG_DATA_DIR", str(indexed.settings.data_dir))
    monkeypatch.setenv("RAG_CACHE_DIR", str(indexed.settings.cache_dir))
    code = chat_command(args, input_fn=lambda prompt: next(lines), out=out)
    text = out.getvalue()
    assert code == 0
    assert "[retrieval" in text  # an answer was printed
    assert text.count("Sources:") >= 1 and "[1]" in text
    assert "New conversation." in text
    assert "/quit leaves" in text
