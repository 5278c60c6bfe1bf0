"""``python -m evals.edits``: quotes and rule-made edits of real news, scored by the support scorer.

The logic runs on articles written here; the floors run on the Wikinews articles, which the
repository never carries (``$RAG_WIKINEWS_PATH`` or ``../shared/evaldata/wikinews-en-2019-2020``).
The floors sit a little under what the checks reach (``evals/results_edits.md``): a change that
stops a check from reading its relation fails here, not only in a figure nobody re-reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.edits import main, measure, passages, quotes, render
from evals.wikinews.data import default_data_path, missing_message
from tests.evals.conftest import evaldata_file

ARTICLE = (
    "The exiting governor Rossello appointed Pierluisi as secretary of state on Friday.\n"
    "Police were investigating the conditions leading up to his death, officials said.\n"
    "The airline was the first in private hands, and it flew 12 routes to Europe.\n"
    "AFP PHOTO / HO / WELAYAT HOMS\n"
    "Shortly after the release, the lawyers posted a photo showing the two men smiling.\n"
    "The company said 40 workers would lose their jobs when the plant closes in March.\n"
    "Neighbours said the area is usually quiet, and the motive remains unknown.\n"
)


@pytest.mark.unit
def test_passages_and_quotes_are_cut_as_the_index_holds_them() -> None:
    assert len(passages(ARTICLE)) == 3  # seven paragraphs, three to a passage
    first, second, _ = passages(ARTICLE)
    assert "The airline was the first in private hands, and it flew 12 routes to Europe." in quotes(first)
    assert "AFP PHOTO / HO / WELAYAT HOMS" in second
    assert len(quotes(second)) == 2  # a credit line states nothing


@pytest.mark.unit
def test_every_quote_passes_and_each_kind_is_counted() -> None:
    result = measure([ARTICLE, ARTICLE.replace("Pierluisi", "Vazquez")], per_article=6)
    assert result.quotes >= 10 and result.failed_quotes == []
    counted = set(result.right) | set(result.wrong)
    assert counted & {"copy", "short"} and counted - {"copy", "short"}  # supported and edited claims
    report = render(result, Path("articles.jsonl"))
    assert "| quotes of their own passage (supported) |" in report


@pytest.mark.unit
def test_the_command_names_a_bad_archive(tmp_path, capsys) -> None:
    bad = tmp_path / "export.jsonl"
    bad.write_text(json.dumps({"title": "no text"}) + "\n", encoding="utf-8")
    assert main(["--archive", str(bad)]) == 2
    assert "line 1" in capsys.readouterr().err
    assert main(["--archive", str(tmp_path / "absent.jsonl")]) == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.integration
def test_the_checks_read_their_relations_on_real_news() -> None:
    path = evaldata_file(default_data_path(), missing_message)
    texts = [
        json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    result = measure(texts)
    assert 1 - len(result.failed_quotes) / result.quotes >= 0.99
    floors = {
        "copy": 0.99,
        "short": 0.98,
        "bound": 0.97,
        "date": 0.99,
        "day": 0.9,
        "elsewhere": 0.98,
        "name": 0.75,
        "negation": 0.97,
        "number": 0.94,
        "opposite": 0.85,
        "roles": 0.5,
        "scope": 0.95,
    }
    assert {kind: round(result.rate(kind), 3) for kind in floors if result.rate(kind) < floors[kind]} == {}
