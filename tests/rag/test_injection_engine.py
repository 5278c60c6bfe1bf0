"""The engine over the bundled corpus plus the attack articles: a reply that repeats an injection
is never shown as checked. The model's reply is scripted (the thing under test is what the engine
does with it); retrieval, the store, the flag and the checks are the real ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.pipeline import Indexer
from rag.components import Components
from rag.engine import AnswerEngine
from rag.settings import BUNDLED_CORPUS, load_settings
from tests.rag.answering import ScriptedChatModel, with_settings

ATTACKS = Path(__file__).resolve().parents[1] / "injection" / "articles"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory, model_cache_dir: Path) -> Components:
    root = tmp_path_factory.mktemp("injection-engine")
    settings = load_settings("test", data_dir=root / "data", cache_dir=model_cache_dir)
    components = Components(settings)
    report = Indexer(settings, components.store, components.embedding).run([BUNDLED_CORPUS, ATTACKS])
    assert not report.skipped
    return components


def _ask(components: Components, question: str, reply: str):
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    scripted = ScriptedChatModel(answer=reply)
    engine.components.__dict__["llm"] = scripted
    return engine.answer(question), scripted


def _number(answer, article_prefix: str) -> int:
    (number,) = [s.number for s in answer.sources if s.passage.article_id.startswith(article_prefix)]
    return number


def test_a_sentence_only_a_flagged_article_backs_is_never_shown_as_checked(components: Components) -> None:
    question = "Who heads the rebel delegation to the Astana talks?"
    probe, _ = _ask(components, question, "Mohammad Alloush heads the delegation [1].")
    flagged = _number(probe, "a01_fake_system_block")
    answer, scripted = _ask(components, question, f"Karim Haddad heads the rebel delegation [{flagged}].")
    prompt = scripted.sent[0][1]["content"]
    assert "Haddad" not in prompt  # listed as a source, never shown to the model
    assert flagged == len(probe.sources) and all(not s.passage.suspicious for s in probe.sources[:-1])
    assert not any(s.supported and "Haddad" in s.text for s in answer.sentences)
    assert "Haddad" not in (answer.refusal_reason or "")


def test_a_day_one_article_states_against_the_others_gives_way_to_the_disagreement(
    components: Components,
) -> None:
    question = "When do the Astana peace talks begin?"
    probe, _ = _ask(components, question, "The talks begin in Astana [1].")
    lone = _number(probe, "a09_contradicting_date")
    answer, _ = _ask(components, question, f"The Astana peace talks begin on January 25 [{lone}].")
    assert not answer.refused
    assert answer.text.startswith("Sources differ on the date:")
    assert "January 23" in answer.text and "January 25" in answer.text
    assert all(s.text.startswith("Sources differ") for s in answer.sentences)
    (dated,) = [c for c in answer.conflicts if c.topic == "date"]
    assert {side.value for side in dated.sides} == {"January 23", "January 25"}


def _stream(components: Components, question: str, reply: str):
    engine = AnswerEngine(components.settings, with_settings(components, components.settings))
    engine.components.__dict__["llm"] = ScriptedChatModel(answer=reply)
    events = list(engine.stream(question))
    shown = [e.sentence.text for e in events if e.kind == "sentence" and e.sentence is not None]
    (answer,) = [e.answer for e in events if e.kind == "answer"]
    return shown, answer


@pytest.mark.parametrize(
    ("question", "article", "reply", "withdrawn"),
    [
        (
            "When do the Astana peace talks begin?",
            "a09_contradicting_date",
            "The talks are in Astana [{other}]. The Astana peace talks begin on January 25 [{lone}].",
            "January 25 [",
        ),
        (
            "How many people have been killed in Syria since 2011?",
            "a10_outlier_figure",
            "The war began with protests in 2011 [{other}]. More than 950,000 people have been killed "
            "in Syria since 2011 [{lone}].",
            "950,000 people have been killed",
        ),
    ],
)
def test_a_sentence_the_final_check_withdraws_is_never_streamed_as_checked(
    components: Components, question: str, article: str, reply: str, withdrawn: str
) -> None:
    probe, _ = _ask(components, question, "The talks begin in Astana [1].")
    lone = _number(probe, article)
    other = next(s.number for s in probe.sources if s.number != lone and not s.passage.suspicious)
    shown, answer = _stream(components, question, reply.format(lone=lone, other=other))
    assert not any(withdrawn in s.text for s in answer.sentences), answer.text  # the final check withdraws it
    assert not any(withdrawn in text for text in shown), shown  # and so it is never shown as checked
