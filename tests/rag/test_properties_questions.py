"""Property tests on the question path: any text as a question, a model reply or an article.

Every question gets an answer, a refusal or a one-line :class:`QuestionError`; the chunker,
the citation parser and the support checks return on any text; each within a time bound
(generous: two shared cores; a catastrophic regex takes minutes, not seconds).
"""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunking import Chunker
from rag import relevance
from rag.citations import parse_answer
from rag.components import Components
from rag.engine import AnswerEngine
from rag.questions import MAX_QUESTION_CHARS, QuestionError, clean_question
from rag.types import Article
from rag.verifier.config import SupportConfig
from rag.verifier.facts import extract_facts, needs_support
from rag.verifier.scorer import SupportScorer
from rag.verifier.tokens import split_claims
from rag.verifier.verify import verify
from tests.rag.answering import ScriptedChatModel, indexed_components

PROPERTY = settings(
    max_examples=150,
    deadline=None,  # the bound is asserted per example, with room for a loaded machine
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Pieces that reach the deeper paths: markers, metacharacters, numbers, names, scripts, controls.
FRAGMENTS = [
    "[1]", "[2, 3]", "[Source 4]", "【1】", "[", "]", "[1-40]", "[^2]", "Sources:\n",
    ".*+?()[]{}|\\^$", "' OR 1=1; --", "%_", '"', "'", "(a+)+$", "\\d{1,3}",
    "310,000", "1.5", "2017", "Jan. 17", "Deir al-Zor", "U.S.", "Mr.", "IS", "not", "no",
    "killed", "said", ". ", "! ", "? ", "...", "…", "\n", "\n\n", "\t", "\x00", "\x1b[31m",
    "\u202e", "\u200b", "\u200d", "دير الزور", "阿斯塔纳", "Астана", "👩\u200d👩\u200d👧", "Tennessee-East",
    "How many", "Who", "What",
    "How old was the", " engineer", " that", " who", " charged with", " going", " to a", "A child",
    " survived", "the ", "and ", "'s",
]  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80).map("".join),
    st.builds(lambda piece, n: piece * n, st.sampled_from(FRAGMENTS), st.integers(1, 400)),
)
EVIDENCE = {
    1: "Deir al-Zor had about 300,000 residents before the war, the governor said on Jan. 17, 2017.",
    2: "Islamic State (IS) fighters killed 20 soldiers; the army did not confirm the figure.",
    3: "Rebels said they would attend the talks in Astana. The U.S. was not invited.",
    4: "",
}


def bounded(seconds: float, call, *args):
    started = time.perf_counter()
    result = call(*args)
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"{call.__name__} took {elapsed:.1f} s"
    return result


@pytest.mark.unit
@PROPERTY
@given(TEXT)
def test_any_question_is_cleaned_or_refused_in_one_line(question: str) -> None:
    try:
        cleaned = bounded(1.0, clean_question, question)
    except QuestionError as error:
        assert "\n" not in str(error) and str(error).endswith(".")
        return
    assert cleaned and cleaned == cleaned.strip() and len(cleaned) <= MAX_QUESTION_CHARS
    invisible = {"Cc", "Cf", "Co", "Cs"}
    assert all(unicodedata.category(ch) not in invisible or ch in "\u200c\u200d" for ch in cleaned)
    assert cleaned == " ".join(cleaned.split())


@pytest.mark.unit
@PROPERTY
@given(TEXT, TEXT)
def test_the_relevance_check_returns_on_any_question_and_reply(question: str, reply: str) -> None:
    verdict = bounded(1.0, relevance.check, question, [reply])
    assert all(index == 0 for index in verdict.answering)
    assert isinstance(
        bounded(1.0, SupportScorer(question=question).score, reply, [EVIDENCE[1]]).supported, bool
    )


@pytest.mark.unit
@PROPERTY
@given(TEXT)
def test_the_citation_parser_and_support_checks_return_on_any_reply(reply: str) -> None:
    scorer = SupportScorer(None, SupportConfig.load())

    def check(text: str):
        drafts = parse_answer(text, len(EVIDENCE))
        for draft in drafts:
            assert all(1 <= n <= len(EVIDENCE) for n in draft.citations)
        return verify(drafts, EVIDENCE, scorer, needs_support)

    # A bound against runaway backtracking, not a speed target: the worst reply found so far (the
    # pattern "\\d{1,3}" 183 times) takes about 1 s on an idle machine; in one CI run its first call
    # took 3.2 s and the repeat passed. So the bound is wide and the scorer is warmed first, untimed.
    check(EVIDENCE[1] + " [1]")
    bounded(10.0, check, reply)
    bounded(10.0, split_claims, reply)
    bounded(10.0, extract_facts, reply)


@pytest.mark.unit
@PROPERTY
@given(TEXT)
def test_the_chunker_returns_spans_of_the_text_on_any_article(text: str) -> None:
    article = Article(article_id="a", text=text, path="a.txt", content_hash="h")
    chunks = bounded(3.0, Chunker(160, 32).chunk, article)
    for chunk in chunks:
        assert 0 <= chunk.start < chunk.end <= len(text)
        assert chunk.text == text[chunk.start : chunk.end]


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Components:
    return indexed_components(tmp_path_factory.mktemp("properties"), model_cache_dir)


@pytest.mark.integration
@settings(PROPERTY, max_examples=40)
@given(question=TEXT, reply=TEXT)
def test_every_question_gets_an_answer_a_refusal_or_a_one_line_error(
    components: Components, question: str, reply: str
) -> None:
    """Real retrieval over the indexed corpus and the real checks; the model's reply is any text
    (echoing the question, as small models do), so the path after generation sees it all."""
    components.__dict__["llm"] = ScriptedChatModel(f"{question} {reply} [1].")
    engine = AnswerEngine(components.settings, components)
    try:
        answer = bounded(20.0, engine.answer, question)
    except QuestionError as error:
        assert "\n" not in str(error)
        return
    assert answer.refused or answer.sentences
    assert answer.refused == (answer.refusal_reason is not None)
