"""Telling a question's language by its function words: seven languages, and every English question
of the evaluation sets read as English or left undecided, never as another language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.text.languages import language_of

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Combien de personnes ont été tuées à Deir al-Zor ?", "French"),
        ("Qui dirige l'Observatoire syrien?", "French"),
        ("Wer leitet die Syrische Beobachtungsstelle für Menschenrechte?", "German"),
        ("¿Cuántas personas murieron en Deir al-Zor?", "Spanish"),
        ("Quanti morti ci sono stati a Deir al-Zor?", "Italian"),
        ("Quantas pessoas morreram em Deir al-Zor?", "Portuguese"),
        ("Hoeveel mensen zijn er gedood in Deir al-Zor?", "Dutch"),
        ("How many people were killed in Deir al-Zor?", "English"),
        ("When did the Astana talks begin?", "English"),
        ("Palmyra?", None),  # no function word
        ("Did Iran attend?", None),  # one
        ("", None),
    ],
)
def test_language_of_a_question(question: str, language: str | None) -> None:
    assert language_of(question) == language


def test_no_english_question_of_the_evaluation_sets_reads_as_another_language() -> None:
    files = (
        "evals/golden.jsonl",
        "evals/data/wikinews_questions.jsonl",
        "evals/data/sentence_questions.jsonl",
    )
    questions = [
        json.loads(line)["question"]
        for name in files
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(questions) > 300
    assert {language_of(question) for question in questions} <= {"English", None}
