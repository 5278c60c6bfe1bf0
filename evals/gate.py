"""The CI gate: metric floors and ceilings from ``evals/thresholds.toml``.

Only the answer engine is gated; the baseline's figures are informational. A metric that a run
could not measure (``--limit 3`` asks no unanswerable question, so it has no refusal rate) is
reported as not measured and does not fail the gate.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.toml"


class SuiteThresholds(BaseModel):
    min: dict[str, float] = Field(default_factory=dict)
    """Metric must be at least this."""
    max: dict[str, float] = Field(default_factory=dict)
    """Metric must be at most this (rates where lower is better)."""


class Thresholds(BaseModel):
    suites: dict[str, SuiteThresholds] = Field(default_factory=dict)

    def for_suite(self, suite: str) -> SuiteThresholds:
        return self.suites.get(suite, SuiteThresholds())


def load_thresholds(path: Path | str = THRESHOLDS_PATH) -> Thresholds:
    """``[<suite>.min]`` / ``[<suite>.max]`` tables of metric = bound."""
    source = Path(path)
    if not source.exists():
        raise FileNotFoundError(f"Thresholds file {source} does not exist (pass --thresholds FILE)")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"Thresholds file {source} is not valid TOML: {exc}") from exc
    try:
        return Thresholds(
            suites={name: SuiteThresholds.model_validate(table) for name, table in data.items()}
        )
    except ValidationError as exc:
        raise ValueError(
            f"Thresholds file {source}: each suite holds [<suite>.min] and [<suite>.max] tables of "
            f"metric = number: {exc}"
        ) from exc


class GateCheck(BaseModel):
    metric: str
    bound: Literal["min", "max"]
    threshold: float
    value: float | None
    passed: bool
    """True also when the metric was not measured (``value`` is None)."""


class GateResult(BaseModel):
    passed: bool
    checks: list[GateCheck]

    @property
    def failures(self) -> list[GateCheck]:
        return [check for check in self.checks if not check.passed]

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def check_gate(metrics: Mapping[str, float | None], thresholds: SuiteThresholds) -> GateResult:
    checks: list[GateCheck] = []
    for bound, table in (("min", thresholds.min), ("max", thresholds.max)):
        for metric, threshold in table.items():
            if metric not in metrics:
                raise ValueError(
                    f"Threshold for unknown metric {metric!r}; known metrics: {', '.join(sorted(metrics))}"
                )
            value = metrics[metric]
            if value is None:
                passed = True
            elif bound == "min":
                passed = value >= threshold
            else:
                passed = value <= threshold
            checks.append(
                GateCheck(metric=metric, bound=bound, threshold=threshold, value=value, passed=passed)
            )
    return GateResult(passed=all(check.passed for check in checks), checks=checks)
