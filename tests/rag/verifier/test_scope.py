"""A claim limited by "only" or widened by "all" needs a passage that says so; idioms limit nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.verifier.facts import extract_facts
from rag.verifier.passages import Evidence
from rag.verifier.scope import scope_kind, unscoped
from rag.verifier.scorer import SupportScorer
from rag.verifier.tokens import tokenize

CORPUS = Path(__file__).resolve().parents[3] / "rag" / "corpus"
ASTANA = (CORPUS / "000_2dcdf8dd29bf5d80.txt").read_text(encoding="utf-8")
"""Bundled corpus: "Organised by rebel backer Turkey and regime allies Russia and Iran", "All the
rebel groups are going (to Astana)", "the agenda will be focused on the ceasefire only"."""
KOSZALIN = (
    "A fire yesterday afternoon killed five girls, all aged fifteen, at an escape room the group was "
    "visiting to celebrate a birthday in Koszalin, North Poland."
)


def _unscoped(claim: str, passage: str) -> list[str]:
    return unscoped(extract_facts(claim), Evidence.build([passage]))


@pytest.mark.unit
@pytest.mark.parametrize(
    "claim",
    [
        "Only Turkey organised the Astana talks.",
        "Turkey alone organised the Astana talks.",
        "Turkey was the sole organiser of the Astana talks.",
        "The talks were organised by Turkey only.",
        "Every meeting was organised by rebel backer Turkey.",
    ],
)
def test_a_scope_the_passage_lacks_is_caught(claim: str) -> None:
    assert _unscoped(claim, ASTANA)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        ("All the rebel groups are going to Astana.", ASTANA),
        ("The agenda will be focused only on the ceasefire.", ASTANA),
        ("Turkey, Russia and Iran organised the Astana talks.", ASTANA),
        ("The girls who died in the escape room fire in Koszalin were all fifteen years old.", KOSZALIN),
    ],
)
def test_a_scope_the_passage_has_passes(claim: str, passage: str) -> None:
    assert _unscoped(claim, passage) == []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Turkey not only organised the talks but also hosted them.", "only"),
        ("The rebels did not attend at all.", "all"),
        ("The delegations met each other in Astana.", "each"),
        ("The truce held in all but two provinces.", "all"),
        ("She was Miss Goody Two-Shoes and all that.", "all"),
        ("The party was organised by the All India Hindu Union.", "all"),
        ("The rebels will not always attend.", "always"),
    ],
)
def test_idioms_and_names_are_no_scope_words(text: str, word: str) -> None:
    tokens = tokenize(text)
    (k,) = [k for k, t in enumerate(tokens) if t.norm == word]
    assert scope_kind(tokens, k) is None


@pytest.mark.unit
def test_a_scope_word_of_the_other_kind_does_not_back_it() -> None:
    assert _unscoped(
        "Only the rebel groups are going to Astana.", "All the rebel groups are going to Astana."
    )
    assert _unscoped(
        "All the rebel groups are going to Astana.", "Only the rebel groups are going to Astana."
    )


@pytest.mark.unit
def test_the_scorer_refuses_a_claim_that_narrows_its_passage() -> None:
    scorer = SupportScorer()
    narrowed = scorer.score("Only Turkey organised the Astana talks.", [ASTANA])
    assert not narrowed.supported
    assert any(item.startswith("scope:") for item in narrowed.unbacked)
    assert scorer.score("Turkey, Russia and Iran organised the Astana talks.", [ASTANA]).supported
