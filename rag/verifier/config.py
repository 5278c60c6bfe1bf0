"""Tuned weights and thresholds of the support score, read from and written to TOML."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from rag.verifier.combination import VETO_BAR, combine, veto_score

CONFIG_PATH = Path(__file__).resolve().parents[2] / "evals" / "support_config.toml"

_DEFAULT_WEIGHTS = {
    "bias": -5.0,
    "overlap": 5.0,
    "bigrams": 0.5,
    "numbers": 1.0,
    "dates": 1.0,
    "names": 1.0,
    "negation": 1.0,
    "unbacked": -5.0,
}
"""Untuned weights of the deterministic features, for when no configuration file exists."""


class SupportConfig(BaseModel):
    """Tuned weights and thresholds of the support score (``evals/support_config.toml``).

    Two combinations are kept because the judge is optional: ``deterministic_weights``/
    ``deterministic_threshold`` score the checks alone; with a judge probability, ``judge_rule`` says
    how it joins them (``weights``/``threshold`` are the fitted logistic combination it may use).
    Weights map feature names (``FEATURES`` and ``judge``) to logistic-regression coefficients;
    ``bias`` is the intercept.
    """

    threshold: float = 0.5
    weights: dict[str, float] = Field(default_factory=lambda: {**_DEFAULT_WEIGHTS, "judge": 1.0})
    deterministic_threshold: float = 0.5
    deterministic_weights: dict[str, float] = Field(default_factory=lambda: dict(_DEFAULT_WEIGHTS))
    judge: bool = True
    """Ask the model when one is given; False keeps the scorer deterministic even with a model."""
    judge_rule: Literal["logistic", "veto"] = "logistic"
    """How a judge probability joins the deterministic checks. ``logistic``: one fitted combination
    (``weights``/``threshold``). ``veto``: a claim is supported when the deterministic checks pass
    *and* p(Yes) reaches ``judge_threshold``; nothing is fitted for the judge, so its verdict does not
    depend on p(Yes) levels seen on a handful of training documents (see evals/results_summedits.md)."""
    judge_threshold: float = 0.5
    """p(Yes) a claim needs under the ``veto`` rule: the judge's own even odds, not a fitted value."""
    max_passage_tokens: int = 1500
    """Passage text shown to the judge; longer passages are cut to the window that best matches the claim."""
    fitted_on: str = ""
    """Where the weights came from (data set, split, items), for the record."""

    @classmethod
    def load(cls, path: Path | str | None = None) -> SupportConfig:
        """Read the tuned configuration; the built-in defaults apply when the file does not exist."""
        source = Path(path) if path is not None else CONFIG_PATH
        if not source.exists():
            if path is not None:
                raise FileNotFoundError(f"Support configuration {source} does not exist")
            return cls()
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"Support configuration {source} is not valid TOML: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValueError as exc:
            raise ValueError(f"Support configuration {source} has an invalid field: {exc}") from exc

    @property
    def judged_threshold(self) -> float:
        """The bar of the score produced when a judge probability is available."""
        return VETO_BAR if self.judge_rule == "veto" else self.threshold

    def judged_score(self, features: dict[str, float], judge: float) -> float:
        """Support of one sentence from its deterministic features and the judge's p(Yes)."""
        if self.judge_rule == "veto":
            deterministic = combine(self.deterministic_weights, features)
            return veto_score(deterministic, self.deterministic_threshold, judge, self.judge_threshold)
        return combine(self.weights, features, judge)

    def save(self, path: Path | str | None = None) -> Path:
        target = Path(path) if path is not None else CONFIG_PATH
        target.write_text(self.to_toml(), encoding="utf-8")
        return target

    def to_toml(self) -> str:
        """TOML by hand: the standard library reads TOML but cannot write it."""

        def table(name: str, weights: dict[str, float]) -> list[str]:
            return [f"[{name}]", *(f"{key} = {value!r}" for key, value in weights.items()), ""]

        lines = [
            "# Support scorer calibration (rag/verifier/config.py). Written by `python -m evals.summedits --fit`.",
            f"fitted_on = {_toml_string(self.fitted_on)}",
            f"judge = {'true' if self.judge else 'false'}",
            f"max_passage_tokens = {self.max_passage_tokens}",
            f"judge_rule = {_toml_string(self.judge_rule)}",
            f"judge_threshold = {self.judge_threshold!r}",
            f"threshold = {self.threshold!r}",
            f"deterministic_threshold = {self.deterministic_threshold!r}",
            "",
            *table("weights", self.weights),
            *table("deterministic_weights", self.deterministic_weights),
        ]
        return "\n".join(lines)


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
