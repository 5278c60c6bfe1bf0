"""Reading a JSON-lines file of validated records, one rule for every evaluation data file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import BaseModel, ValidationError


class _Identified(Protocol):
    id: str


Record = TypeVar("Record", bound=BaseModel)


def read_records(source: Path, model: type[Record], what: str) -> list[Record]:
    """Every non-blank line of ``source`` as a ``model``; errors name the file, the line and the field.

    ``what`` names one record in the messages ("golden item"). Ids must be unique.
    """
    records: list[Record] = []
    seen: set[str] = set()
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = model.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}:{number}: not valid JSON ({exc})") from exc
        except ValidationError as exc:
            raise ValueError(f"{source}:{number}: invalid {what}: {exc}") from exc
        identifier = getattr(record, "id")  # noqa: B009 - every evaluation record has an id
        if identifier in seen:
            raise ValueError(f"{source}:{number}: duplicate id {identifier!r}")
        seen.add(identifier)
        records.append(record)
    return records
