"""A SummEdits run's figures: the report itself, a plain-text table and a Markdown table."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from evals.summedits.data import EDIT_TYPES
from evals.summedits.metrics import ScorerMetrics
from evals.summedits.scoring import ItemScore

PUBLISHED = {
    "GPT-4": 83.3,
    "Claude 2.1": 77.2,
    "QAFactEval": 74.4,
    "SummaC-Conv": 61.9,
    "Llama-2-13B": 59.3,
}
"""Published balanced accuracy on SummEdits news (Laban et al. 2023), for comparison."""


@dataclass
class SummEditsReport:
    split: str
    items: int
    consistent: int
    inconsistent: int
    subset: str
    """"all" or how the stratified subset was drawn."""
    use_judge: bool
    model: str | None
    config_fitted_on: str
    scorers: dict[str, ScorerMetrics]
    """"combined" (deterministic + judge, when judged), "deterministic", and "judge" (p(Yes) at 0.5)."""
    seconds: float
    seconds_per_item: float
    judge_tokens: int | None = None
    """Prompt tokens the judge evaluated over the run (a load-independent measure of its cost)."""
    judge_cached_items: int = 0
    """Items whose p(Yes) came from the judge cache file rather than the model."""
    available: int = 0
    """Items in the split before any subset was drawn (``items`` of ``available`` were scored)."""
    item_scores: list[ItemScore] = field(default_factory=list, repr=False)

    @property
    def primary(self) -> str:
        return "combined" if "combined" in self.scorers else "deterministic"

    @property
    def balanced_accuracy(self) -> float | None:
        return self.scorers[self.primary].balanced_accuracy

    def to_dict(self, include_items: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "suite": "summedits",
            "split": self.split,
            "items": self.items,
            "available": self.available,
            "consistent": self.consistent,
            "inconsistent": self.inconsistent,
            "subset": self.subset,
            "use_judge": self.use_judge,
            "model": self.model,
            "config_fitted_on": self.config_fitted_on,
            "primary": self.primary,
            "balanced_accuracy": self.balanced_accuracy,
            "scorers": {name: asdict(metrics) for name, metrics in self.scorers.items()},
            "seconds": round(self.seconds, 2),
            "seconds_per_item": round(self.seconds_per_item, 3),
            "judge_tokens": self.judge_tokens,
            "judge_cached_items": self.judge_cached_items,
            "published_balanced_accuracy": PUBLISHED,
        }
        if include_items:
            data["item_scores"] = [asdict(s) for s in self.item_scores]
        return data

    def format_table(self) -> str:
        """A plain-text table: one row per scorer, one column per edit type."""

        def pct(value: float | None) -> str:
            return "  -  " if value is None else f"{100 * value:5.1f}"

        head = f"{'scorer':<14}{'thresh':>7}{'BAcc':>7}{'AUROC':>7}" + "".join(
            f"{kind[:12]:>14}" for kind in EDIT_TYPES
        )
        lines = [
            f"SummEdits news, split {self.split}: {self.items} items ({self.consistent} consistent, "
            f"{self.inconsistent} inconsistent; {self.subset}); judge: {self.model if self.use_judge else 'off'}",
            head,
        ]
        for name, m in self.scorers.items():
            cells = "".join(
                f"{pct(m.per_edit_type.get(k, {}).get('balanced_accuracy')):>14}" for k in EDIT_TYPES
            )
            thresh = "  -  " if m.threshold is None else f"{m.threshold:.3f}"
            lines.append(f"{name:<14}{thresh:>7}{pct(m.balanced_accuracy):>7}{pct(m.auroc):>7}{cells}")
        counts = next(iter(self.scorers.values())).per_edit_type
        if counts:
            lines.append(
                f"{'(inconsistent)':<35}" + "".join(f"{counts[k]['n_inconsistent']:>14}" for k in EDIT_TYPES)
            )
        cost = ""
        if self.judge_tokens is not None:
            cost = f", judge evaluated {self.judge_tokens} prompt tokens"
            if self.judge_cached_items:
                cost += f" ({self.judge_cached_items} items from the judge cache)"
        lines.append(
            f"time: {self.seconds:.1f} s, {self.seconds_per_item:.2f} s/item{cost}. Published balanced accuracy: "
            + ", ".join(f"{k} {v}" for k, v in PUBLISHED.items())
        )
        return "\n".join(lines)


def _markdown_rows(report: SummEditsReport) -> list[str]:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f}"

    rows = []
    for name, m in report.scorers.items():
        cells = " | ".join(pct(m.per_edit_type.get(k, {}).get("balanced_accuracy")) for k in EDIT_TYPES)
        thresh = "-" if m.threshold is None else f"{m.threshold:.3f}"
        rows.append(f"| {name} | {thresh} | {pct(m.balanced_accuracy)} | {pct(m.auroc)} | {cells} |")
    return rows


def to_markdown(report: SummEditsReport) -> str:
    """A Markdown table of one report (scorers as rows, edit types as columns)."""
    counts = next(iter(report.scorers.values())).per_edit_type
    header = " | ".join(f"{k} ({counts[k]['n_inconsistent']})" if counts else k for k in EDIT_TYPES)
    lines = [
        f"Split `{report.split}`: {report.items} items ({report.consistent} consistent, "
        f"{report.inconsistent} inconsistent; {report.subset}); judge: "
        f"{report.model if report.use_judge else 'off'}; {report.seconds:.0f} s, "
        f"{report.seconds_per_item:.2f} s/item"
        + (
            f", {report.judge_tokens} judge prompt tokens evaluated"
            if report.judge_tokens is not None
            else ""
        ),
        "",
        f"| scorer | threshold | balanced acc. | AUROC | {header} |",
        "|---|---|---|---|" + "---|" * len(EDIT_TYPES),
        *_markdown_rows(report),
    ]
    return "\n".join(lines)
