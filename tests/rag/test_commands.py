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

from rag.commands import EXIT_REFUSED, ask_command, chat_command, register
from rag.engine import REFUSAL_TEXT, AnswerEngine
from rag.terminal import UNSUPPORTED_FLAG, render_stream
from rag.types import QUOTED_NOTE, UNCHECKED_TEXT, Answer
from tests.rag.answering import ScriptedChatModel, indexed_components, with_settings
from tests.rag.test_terminal import Terminal

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


@pytest.mark.integration
def test_ask_json_in_a_subprocess(indexed):
    settings = indexed.settings
    result = run_rag(["ask", "--json", "How many people live in Deir al-Zor city?"], settings.data_dir,
                     settings.cache_dir)  # fmt: skip
    answer = Answer.model_validate(json.loads(result.stdout))
    assert result.returncode == (EXIT_REFUSED if answer.refused else 0), result.stderr
    assert answer.question == "How many people live in Deir al-Zor city?"
    assert answer.sources
    assert answer.refused or answer.sentences
    assert answer.model == "smollm2-135m-instruct-q4_1" or answer.refused


@pytest.mark.unit
def test_help_documents_the_exit_codes():
    parser = argparse.ArgumentParser(prog="rag")
    sub = parser.add_subparsers()
    register(sub)
    ask_help = sub.choices["ask"].format_help()
    assert "exit codes:" in ask_help
    assert "\n  0  answered" in ask_help and "\n  3  refused" in ask_help and "\n  2  usage" in ask_help
    assert "exit codes:" in sub.choices["chat"].format_help()


@pytest.mark.unit
def test_since_after_until_is_a_usage_error(capsys: pytest.CaptureFixture[str]):
    args = argparse.Namespace(
        profile="test", llm=None, since=dt.date(2017, 2, 1), until=dt.date(2017, 1, 1), source=[],
        question="Who?", json=False, no_stream=False, local=False,
    )  # fmt: skip
    assert ask_command(args) == 2
    assert "swap them" in capsys.readouterr().err


@pytest.mark.integration
def test_an_invented_answer_is_never_printed(indexed):
    """The reported case: a made-up reply was streamed, then withdrawn, with exit code 0."""
    invented = "The restaurant opened in 2016 [1]. Its chef is Amira Holt [2]."
    settings = indexed.settings.with_overrides(**{"answer.quote_sources": False})
    engine = AnswerEngine(settings, with_settings(indexed, settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=invented)
    out, err = Terminal(), Terminal()
    answer = render_stream(engine.stream("How many people live in Deir al-Zor city?"), out, err=err)
    assert answer.refused
    shown = out.getvalue() + err.getvalue()
    assert "Amira Holt" not in shown and "restaurant" not in shown
    assert out.getvalue().startswith(
        UNCHECKED_TEXT + "\n  The reply the model wrote is not backed by the articles"
    )
    assert "closest articles are" in " ".join(out.getvalue().split())


@pytest.mark.integration
def test_in_place_of_an_invented_answer_the_sources_own_sentence_is_printed_as_a_quote(indexed):
    invented = "The restaurant opened in 2016 [1]. Its chef is Amira Holt [2]."
    engine = AnswerEngine(indexed.settings, with_settings(indexed, indexed.settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=invented)
    out, err = Terminal(), Terminal()
    answer = render_stream(engine.stream("How many people live in Deir al-Zor city?"), out, err=err)
    assert not answer.refused and answer.quoted
    shown = out.getvalue() + err.getvalue()
    assert "Amira Holt" not in shown and "restaurant" not in shown
    printed = out.getvalue()
    assert "200,000 people live in Deir Ezzor city" in printed and QUOTED_NOTE in printed


@pytest.mark.integration
def test_a_backed_reply_is_printed_sentence_by_sentence(indexed):
    reply = "Around 200,000 people live in Deir Ezzor city [1]. Its mayor is Amira Holt [1]."
    engine = AnswerEngine(indexed.settings, with_settings(indexed, indexed.settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=reply)
    out = io.StringIO()
    answer = render_stream(engine.stream("How many people live in Deir al-Zor city?"), out, err=io.StringIO())
    assert not answer.refused
    lines = out.getvalue().splitlines()
    held = next(s.number for s in answer.sources if "200,000" in s.passage.text)  # re-cited to it
    assert lines[:2] == [
        f"  Around 200,000 people live in Deir Ezzor city [{held}].",
        "  Its mayor is Amira Holt [1]." + UNSUPPORTED_FLAG,
    ]
    assert "Sources:" in lines and out.getvalue().count("Amira Holt") == 1


@pytest.mark.integration
def test_ask_prints_checked_sentences_and_exit_code_tells_answered_from_refused(indexed):
    settings = indexed.settings
    result = run_rag(["ask", "Which group said it would not attend the Astana talks?"], settings.data_dir,
                     settings.cache_dir)  # fmt: skip
    assert result.returncode in (0, EXIT_REFUSED), result.stderr
    assert "[retrieval" in result.stdout
    if result.returncode == 0:  # the small model's reply was backed
        assert "Sources:" in result.stdout and result.stdout.startswith("  ")
        assert REFUSAL_TEXT not in result.stdout and UNCHECKED_TEXT not in result.stdout
    else:  # the archive covers the question, so only the reply can have been refused
        assert result.stdout.startswith(UNCHECKED_TEXT + "\n")
        assert "Sources:" not in result.stdout


@pytest.mark.integration
def test_unanswerable_question_from_the_command_line(indexed):
    settings = indexed.settings
    question = "What is the population of Kazakhstan?"
    result = run_rag(["ask", question], settings.data_dir, settings.cache_dir)
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert result.stdout.startswith(REFUSAL_TEXT + "\n  No article in the archive covers")
    assert "closest articles are" in " ".join(result.stdout.split()) and "threshold" not in result.stdout
    result = run_rag(["ask", "--json", question], settings.data_dir, settings.cache_dir)
    assert result.returncode == EXIT_REFUSED, result.stderr
    answer = json.loads(result.stdout)
    assert answer["refused"] is True
    assert answer["text"] == REFUSAL_TEXT
    assert "No article in the archive covers" in answer["refusal_reason"]
    assert "threshold" in answer["refusal_details"]


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
    # The small model's reply is about the army's toll, not the population: the relevance check
    # refuses it. This test is about the chat loop, so it shows the reply as before.
    monkeypatch.setenv("RAG_ANSWER__RELEVANCE", "false")
    # Reading only the question's sentences, the 135M model writes seven words no source backs (the
    # default model answers it); whole passages give it text to copy, and the loop a cited answer.
    monkeypatch.setenv("RAG_RETRIEVAL__FOCUS_TOKENS", "0")
    code = chat_command(args, input_fn=lambda prompt: next(lines), out=out)
    text = out.getvalue()
    assert code == 0
    assert "[retrieval" in text  # an answer was printed
    assert text.count("Sources:") >= 1 and "[1]" in text
    assert "New conversation." in text
    assert "/quit leaves" in text
