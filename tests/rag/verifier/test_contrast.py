"""Lists merged across a contrast: a name the passage puts on the other side of "while" fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.contrast import _lists
from rag.verifier.scorer import SupportScorer

pytestmark = pytest.mark.unit

REPORT_2020 = (Path(__file__).resolve().parents[3] / "rag" / "corpus" / "004_7dbd45bfcd338f02.txt").read_text(
    encoding="utf-8"
)
"""'Iran and Russia have been staunch supporters of President Bashar Al Assad, while Turkey has called
for the ouster of his regime and backed opposition fighters.'"""


@pytest.fixture(scope="module")
def scorer() -> SupportScorer:
    return SupportScorer(None, SupportConfig.load())


def test_a_name_from_the_other_side_of_while_folded_into_the_list_fails(scorer: SupportScorer) -> None:
    merged = scorer.score(
        "Iran, Russia, and Turkey were staunch supporters of President Bashar Al Assad.", [REPORT_2020]
    )
    assert not merged.supported
    assert "contrast: Turkey" in merged.unbacked


def test_the_list_as_the_passage_has_it_passes(scorer: SupportScorer) -> None:
    result = scorer.score(
        "Iran and Russia were staunch supporters of President Bashar Al Assad.", [REPORT_2020]
    )
    assert result.supported, result.unbacked
    both = (
        "Iran and Russia backed President Bashar Al Assad, while Turkey called for the ouster of his regime."
    )
    assert scorer.score(both, [REPORT_2020]).supported


def test_a_name_of_the_other_clause_in_another_role_is_not_a_merged_list(scorer: SupportScorer) -> None:
    result = scorer.score(
        "Turkey has called for the ouster of the regime of President Bashar Al Assad and backed opposition fighters.",
        [REPORT_2020],
    )
    assert not any(item.startswith("contrast:") for item in result.unbacked)


def test_lists_are_names_joined_by_commas_and_and() -> None:
    assert _lists("Iran, Russia, and Turkey were supporters.") == [["Iran", "Russia", "Turkey"]]
    assert _lists("He met Ahmad al-Othman and Osama Abu Zeid.") == [["Ahmad al-Othman", "Osama Abu Zeid"]]
    assert _lists("Russia backed the government in the war.") == []


def test_the_subject_taken_from_the_other_side_of_but_fails(scorer: SupportScorer) -> None:
    # labelled sq14: the airport is the government's, on the other side of "but"
    reuters = (Path(__file__).resolve().parents[3] / "rag" / "corpus" / "000_2dcdf8dd29bf5d80.txt").read_text(
        encoding="utf-8"
    )
    moved = scorer.score(
        "According to the January 2017 reports, the Islamic State group has retained control of the airport "
        "and neighbouring districts in the city of Deir al-Zor.",
        [reuters],
    )
    assert not moved.supported
    assert "contrast: Islamic State" in moved.unbacked
    kept = scorer.score(
        "Islamic State has held most of Deir al-Zor since 2015, but the government has retained control of "
        "the airport and neighbouring districts in the city.",
        [reuters],
    )
    assert kept.supported, kept.unbacked


def test_a_however_set_off_by_commas_is_an_aside_not_another_side(scorer: SupportScorer) -> None:
    """A shortened Wikinews sentence (``python -m evals.edits``) failed as merged across a contrast."""
    passage = (
        "Barr and Ross, however, refused to hand over the documents. On June 12, Trump claimed privilege."
    )
    assert scorer.score("Barr and Ross refused to hand over the documents.", [passage]).supported
