"""SummEdits data for the eval tests: a small SummEdits-shaped set written here, and the real file.

Tests of the code's logic use the written set, so they run on a fresh clone. Tests of agreement
with the human labels need the real file, which the repository never carries: where it is absent
they are reported as not run with where to download it, unless ``RAG_REQUIRE_EVALDATA=1`` (set by
``.ci/run``, which checks the file is there) turns its absence into a failure.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from evals.summedits.data import (
    EDIT_TYPES,
    SummEditsItem,
    default_data_path,
    load_summedits,
    missing_message,
    parse_records,
)

REQUIRE_ENV = "RAG_REQUIRE_EVALDATA"

# Invented events: (town, another town, cause, people, day, who said so)
EVENTS = [
    ("Marlow Bay", "Kestrel Point", "flooding", "1,200", "Monday", "the harbour master"),
    ("Ostrava Ridge", "Pellham", "a landslide", "340", "Tuesday", "the mayor"),
    ("Quillon", "Durnford", "a chemical fire", "2,500", "Friday", "the fire chief"),
    ("Sable Creek", "Arden Vale", "a dam breach", "780", "Sunday", "the county sheriff"),
    ("Tarnby", "Westmoor", "a gas leak", "95", "Wednesday", "the police"),
    ("Vireo Falls", "Holcombe", "wildfires", "4,100", "Saturday", "the governor"),
]
EVALUATION_DOCUMENTS = 2
"""The first two events form the ``evaluation`` split, the other four ``test``."""


def summedits_records() -> list[dict]:
    """Six documents, each with two consistent summaries and one inconsistent one per edit type."""
    records = []
    for k, (town, other, cause, people, day, source) in enumerate(EVENTS):
        doc = (
            f"{cause.capitalize()} forced {people} residents of {town} from their homes on {day}, "
            f"{source} said. Emergency crews opened three shelters in the town's schools, and the "
            f"water supply was cut as a precaution. {source.capitalize()} said the danger would ease "
            "within a week and that nobody had been hurt."
        )
        summaries = [
            (f"{cause.capitalize()} forced {people} residents of {town} from their homes on {day}.", ()),
            (f"Three shelters opened in {town} after {cause} drove {people} people from their homes.", ()),
            (f"{cause.capitalize()} forced {people} residents of {other} from their homes on {day}.",
             ("entity_modification",)),
            (f"{source.capitalize()} said the danger in {town} would grow within a week.", ("antonym_swap",)),
            (f"{cause.capitalize()} did not force any residents of {town} from their homes on {day}.",
             ("negation_insertion_removal",)),
            (f"{cause.capitalize()} forced {people} residents of {town} from their homes on {day}, "
             "and 40 people died.", ("hallucinated_fact_insertion",)),
        ]  # fmt: skip
        doc_id = f"{k:02d}fa5e"
        for n, (summary, edits) in enumerate(summaries):
            records.append(
                {
                    "id": f"{doc_id}_{'og' if n == 0 else n}",
                    "doc": doc,
                    "summary": summary,
                    "label": 0 if edits else 1,
                    "original_summary": summaries[0][0],
                    "edit_types": list(edits),
                    "split": "evaluation" if k < EVALUATION_DOCUMENTS else "test",
                }
            )
    assert {t for r in records for t in r["edit_types"]} == set(EDIT_TYPES)
    return records


@pytest.fixture(scope="session")
def summedits_items() -> list[SummEditsItem]:
    return parse_records(summedits_records())


@pytest.fixture
def summedits_file(tmp_path: Path) -> tuple[Path, str]:
    """The written set as a SummEdits JSON file, and its sha256."""
    path = tmp_path / "summedits_news.json"
    path.write_text(json.dumps(summedits_records(), indent=1), encoding="utf-8")
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def evaldata_file(path: Path, missing_message: Callable[[Path], str]) -> Path:
    """``path`` when the file is there; else the test is skipped (failed where CI requires the data)."""
    if not path.is_file():
        message = missing_message(path)
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 and {message}", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def summedits_data() -> Path:
    """The real SummEdits news file (checksum verified), for tests of agreement with human labels."""
    path = evaldata_file(default_data_path(), missing_message)
    load_summedits(path)  # a different version fails here rather than being skipped
    return path
