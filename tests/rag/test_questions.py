"""Any question gets an answer, a refusal or a one-line message: never a traceback, never a hang."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from rag import cli
from rag.commands import EXIT_FAILED, EXIT_REFUSED, EXIT_USAGE, chat_command
from rag.questions import MAX_QUESTION_TOKENS, QuestionError, clean_question
from tests.rag.answering import indexed_components

METACHARACTERS = ".*+?()[]{}|\\^$' \" ; -- %_"
HUGE = "How many people live in Deir al-Zor? " * 2_800  # ~100,000 characters


@pytest.mark.unit
@pytest.mark.parametrize("question", ["", " ", "\t\n \r", "\x00\x01\x1b", "\u202e\u200b\ufeff"])
def test_an_empty_question_is_refused_in_one_line(question: str) -> None:
    with pytest.raises(QuestionError) as error:
        clean_question(question)
    assert str(error.value) == "The question is empty; type a question about the indexed articles."


@pytest.mark.unit
def test_a_huge_question_is_refused_in_plain_words() -> None:
    assert len(HUGE) > 100_000
    started = time.perf_counter()
    with pytest.raises(QuestionError) as error:
        clean_question(HUGE)
    assert time.perf_counter() - started < 1.0
    message = str(error.value)
    assert "\n" not in message and "too long" in message and "one or two sentences" in message
    assert "passages" not in message  # not the context-overflow advice meant for developers


@pytest.mark.unit
def test_the_limit_counts_tokens_so_every_script_is_treated_alike() -> None:
    assert clean_question("Кто возглавлял переговоры в Астане?") == "Кто возглавлял переговоры в Астане?"
    assert clean_question("阿斯塔纳和谈由谁主持？") == "阿斯塔纳和谈由谁主持？"
    assert clean_question("کی\u200cها در آستانه بودند؟") == "کی\u200cها در آستانه بودند؟"  # ZWNJ kept
    assert clean_question("👩\u200d👩\u200d👧 who?") == "👩\u200d👩\u200d👧 who?"
    with pytest.raises(QuestionError, match="too long"):
        clean_question("谁" * (MAX_QUESTION_TOKENS * 2))


@pytest.mark.unit
def test_metacharacters_are_kept() -> None:
    assert clean_question(f"  {METACHARACTERS}  ") == METACHARACTERS


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("questions")
    indexed_components(root, model_cache_dir)
    return root / "data"


@pytest.fixture
def rag_env(data_dir: Path, model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RAG_CACHE_DIR", str(model_cache_dir))
    monkeypatch.setenv("RAG_PROFILE", "test")


@pytest.mark.integration
@pytest.mark.parametrize("question", ["", "   ", "\x00\x07", HUGE])
def test_rag_ask_reports_a_bad_question_in_one_line_with_exit_2(
    question: str, rag_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ask", question]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


@pytest.mark.integration
@pytest.mark.parametrize(
    "question",
    [
        METACHARACTERS,
        f"How many people live in Deir al-Zor? {METACHARACTERS}",
        "'; DROP TABLE articles; -- SELECT * FROM news WHERE title LIKE '%Syria_%'",
        "(a+)+$ [^\\]]*? \\d{1,3} Deir al-Zor (?=x)(?!y) .* $$ ^^",
    ],
)
def test_metacharacters_are_answered_or_refused_in_the_normal_time(
    question: str, rag_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    code = cli.main(["ask", question, "--no-stream"])
    elapsed = time.perf_counter() - started
    captured = capsys.readouterr()
    assert code in (0, EXIT_REFUSED), captured.err
    assert "Traceback" not in captured.err
    # The small model on two shared cores answers in 10-35 s; a hang would run to the limit.
    assert elapsed < 150, elapsed


@pytest.mark.integration
def test_chat_reports_bad_questions_and_goes_on(rag_env: None) -> None:
    lines = iter(["\x00\x1b\x07", HUGE, "/quit"])
    out = io.StringIO()
    code = chat_command(
        cli.build_parser().parse_args(["chat"]), input_fn=lambda _prompt: next(lines), out=out
    )
    assert code == 0
    text = out.getvalue()
    assert "Cannot answer: The question is empty" in text
    assert "Cannot answer: The question is too long" in text
    assert "Traceback" not in text


@pytest.mark.integration
def test_an_unopenable_index_is_a_message_not_a_traceback(
    tmp_path: Path, model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A store path that is a file: the store cannot be created there."""
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RAG_DATA_DIR", str(blocker))
    monkeypatch.setenv("RAG_CACHE_DIR", str(model_cache_dir))
    monkeypatch.setenv("RAG_PROFILE", "test")
    assert cli.main(["ask", "Who attended the Astana talks?"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"The index cannot be kept at {blocker / 'chroma'}: {blocker} is a file, not a folder" in err
    assert "Point RAG_DATA_DIR" in err
