"""Reports of an eval run: a console table, ``report.json``, ``report.md`` and ``metrics_by_kind.png``.

``report.json`` is the complete record (every answer, source, sentence, score and timing) and the
one to diff between runs; the Markdown and the chart are views of it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from evals.gate import GateResult
from evals.runner import COST_METRICS, LOWER_IS_BETTER, QUALITY_METRICS, SYSTEMS, EvalResult

LABELS = {
    "answer_accuracy": "answer accuracy (all facts)",
    "fact_recall": "fact recall",
    "hit_at_k": "retrieval hit@k",
    "recall_at_k": "retrieval recall@k",
    "mrr": "retrieval MRR@k",
    "citation_recall": "citation recall (ALCE)",
    "citation_precision": "citation precision (ALCE)",
    "faithfulness": "faithfulness",
    "refusal_accuracy": "refusal accuracy",
    "refusal_rate": "refused when unanswerable",
    "false_refusal_rate": "refused when answerable",
    "mean_prompt_tokens": "prompt tokens / question",
    "mean_answer_s": "seconds / answer",
    "mean_first_token_s": "seconds to first token",
    "max_answer_s": "slowest answer (s)",
    "errors": "questions that raised",
}


def label(metric: str) -> str:
    if metric in LABELS:
        return LABELS[metric]
    return metric.replace("_", " ").replace("auroc", "AUROC")


CHART_METRICS = ("fact_recall", "citation_recall", "faithfulness", "refusal_accuracy")


class ReportPaths(BaseModel):
    directory: Path
    json_path: Path
    markdown_path: Path
    chart_path: Path


def fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric in QUALITY_METRICS:
        return f"{value:.3f}"
    if metric in ("mean_prompt_tokens", "errors"):
        return f"{value:.0f}"
    if metric in COST_METRICS:
        return f"{value:.1f}"
    return f"{value:.3f}"


def _systems(result: EvalResult) -> list[str]:
    return [s for s in SYSTEMS if s in result.summaries] + [s for s in result.summaries if s not in SYSTEMS]


def _gate_cells(gate: GateResult | None, metric: str) -> tuple[str, str]:
    if gate is None:
        return "", ""
    for check in gate.checks:
        if check.metric == metric:
            bound = f"{'≥' if check.bound == 'min' else '≤'} {check.threshold:g}"
            status = "not measured" if check.value is None else ("ok" if check.passed else "FAIL")
            return bound, status
    return "", ""


def metric_order(result: EvalResult) -> list[str]:
    """The golden metrics in their usual order, then any other metric a suite reports."""
    present = list(dict.fromkeys(m for summary in result.summaries.values() for m in summary.overall))
    known = [m for m in (*QUALITY_METRICS, *COST_METRICS) if m in present]
    return known + [m for m in present if m not in known]


def overall_rows(result: EvalResult) -> list[list[str]]:
    systems = _systems(result)
    rows = []
    for metric in metric_order(result):
        values = [fmt(metric, result.summaries[s].overall.get(metric)) for s in systems]
        rows.append([label(metric), *values, *_gate_cells(result.gate, metric)])
    return rows


def kind_metrics(result: EvalResult) -> list[str]:
    """Metrics broken down by kind: the golden chart metrics, or whatever a suite breaks down."""
    present = list(
        dict.fromkeys(
            m for summary in result.summaries.values() for kind in summary.by_kind.values() for m in kind
        )
    )
    return [m for m in CHART_METRICS if m in present] or present


def kinds_of(result: EvalResult) -> list[str]:
    return list(dict.fromkeys(k for s in _systems(result) for k in result.summaries[s].by_kind))


def kind_rows(result: EvalResult) -> list[list[str]]:
    systems = _systems(result)
    metrics = kind_metrics(result)
    rows = []
    for kind in kinds_of(result):
        n = sum(1 for q in result.questions if q.item.kind == kind)
        cells = [f"{kind} ({n})" if n else kind]
        for metric in metrics:
            cells.append(
                " / ".join(
                    fmt(metric, result.summaries[s].by_kind.get(kind, {}).get(metric)) for s in systems
                )
            )
        rows.append(cells)
    return rows


def print_report(result: EvalResult, console: Console | None = None) -> None:
    console = console or Console()
    systems = _systems(result)
    table = Table(title=f"rag eval --suite {result.suite} · model {result.model}", title_justify="left")
    table.add_column("metric")
    for system in systems:
        table.add_column(system, justify="right")
    if result.gate is not None:
        table.add_column(f"threshold ({result.gated})", justify="right")
        table.add_column("gate")
    for row in overall_rows(result):
        table.add_row(*row[: 1 + len(systems) + (2 if result.gate is not None else 0)])
    console.print(table)
    if kinds_of(result):
        by_kind = Table(title=f"by kind ({' / '.join(systems)})", title_justify="left")
        by_kind.add_column("kind", no_wrap=True)
        for metric in kind_metrics(result):
            by_kind.add_column(label(metric), justify="right")
        for row in kind_rows(result):
            by_kind.add_row(*row)
        console.print(by_kind)
    parts = [f"indexing {result.index_s:.0f} s"] if result.index_s else []
    parts += [f"{s} {result.summaries[s].wall_s:.0f} s" for s in systems]
    console.print(f"Wall time {result.wall_s:.0f} s ({'; '.join(parts)}).")
    if result.gate is not None:
        if result.gate.passed:
            console.print(f"[green]Gate passed[/green]: every {result.gated} metric meets the thresholds.")
        else:
            failed = ", ".join(
                f"{c.metric} {fmt(c.metric, c.value)} {'<' if c.bound == 'min' else '>'} {c.threshold:g}"
                for c in result.gate.failures
            )
            console.print(f"[red]Gate failed[/red]: {failed}")
    elif result.gate_note:
        console.print(f"Gate not applied: {result.gate_note}.", soft_wrap=True)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row) + " |" for row in rows
    ]
    return "\n".join(lines)


def markdown(result: EvalResult) -> str:
    systems = _systems(result)
    out = [
        f"# rag eval: {result.suite}",
        "",
        f"Run {result.created} on {result.host}; model {result.model} (backend {result.backend}); "
        f"support scorer {'with the model as judge' if result.judge else 'deterministic checks only'}; "
        f"retrieval metrics over the first {result.retrieval_k} sources; "
        f"{len(result.questions)} questions"
        + (f" (--limit {result.limit})" if result.limit else "")
        + f"; wall time {result.wall_s:.0f} s.",
        "",
    ]
    header = ["metric", *systems] + ([f"threshold ({result.gated})", "gate"] if result.gate else [])
    rows = [row[: len(header)] for row in overall_rows(result)]
    out += ["## Overall", "", _md_table(header, rows), ""]
    if result.gate is not None:
        out += [f"Gate: **{'passed' if result.gate.passed else 'FAILED'}** ({result.gated} only).", ""]
    elif result.gate_note:
        out += [f"Gate: not applied, {result.gate_note}.", ""]
    if kinds_of(result):
        out += [
            "## By kind",
            "",
            f"Values are {' / '.join(systems)}.",
            "",
            _md_table(["kind", *(label(m) for m in kind_metrics(result))], kind_rows(result)),
            "",
        ]
    if result.questions:
        out += ["## Questions", ""]
        q_rows = []
        for record in result.questions:
            row = [record.item.id, record.item.kind]
            for system in systems:
                answer = record.systems.get(system)
                if answer is None:
                    row.append("")
                    continue
                scores = answer.scores
                verdict = (
                    "error"
                    if answer.error
                    else "refused"
                    if scores.refusal.refused
                    else ("correct" if scores.correctness and scores.correctness.correct else "")
                )
                if scores.correctness and not scores.correctness.correct and not scores.refusal.refused:
                    verdict = f"missing {', '.join(scores.correctness.missing)}"
                if not record.item.answerable and not scores.refusal.refused:
                    verdict = "answered (should refuse)"
                text = answer.answer.text if answer.answer else (answer.error or "")
                row.append(f"{verdict}: {text[:160]}" if verdict else text[:160])
            q_rows.append(row)
        out += [_md_table(["id", "kind", *systems], q_rows), ""]
    if result.extra:
        details = {key: value for key, value in result.extra.items() if key != "item_scores"}
        out += ["## Details", "", "```json", json.dumps(details, indent=2, default=str), "```", ""]
    return "\n".join(out)


def chart(result: EvalResult, path: Path) -> None:
    import matplotlib  # lazy: an optional figure that takes about a second to import

    matplotlib.use("Agg")  # files only: no display on servers or in CI
    import matplotlib.pyplot as plt

    systems = _systems(result)
    kinds = kinds_of(result) or ["(none)"]
    metrics = kind_metrics(result) or ["(none)"]
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(max(5.0, 4.2 * len(metrics)), 4.2), sharey=True, squeeze=False
    )
    axes = axes[0]
    width = 0.8 / max(1, len(systems))
    for ax, metric in zip(axes, metrics, strict=True):
        for position, system in enumerate(systems):
            by_kind = result.summaries[system].by_kind
            values = [by_kind.get(kind, {}).get(metric) for kind in kinds]
            xs = [i + (position - (len(systems) - 1) / 2) * width for i in range(len(kinds))]
            ax.bar(xs, [v if v is not None else 0.0 for v in values], width, label=system)
            for x, v in zip(xs, values, strict=True):
                if v is None:
                    ax.text(x, 0.02, "n/a", ha="center", va="bottom", fontsize=7, rotation=90)
        ax.set_title(label(metric))
        ax.set_xticks(range(len(kinds)))
        ax.set_xticklabels([k.replace("_", "\n") for k in kinds], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("score")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", fontsize=8)
    fig.suptitle(f"rag eval {result.suite} by kind · {result.model}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(result: EvalResult, out: Path | str, *, stamp: str | None = None) -> ReportPaths:
    """Write the three files into ``<out>/<timestamp>/`` and return their paths."""
    stamp = stamp or dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    directory = Path(out) / stamp
    suffix = 1
    while directory.exists():  # two runs in the same second keep both reports
        suffix += 1
        directory = Path(out) / f"{stamp}-{suffix}"
    directory.mkdir(parents=True)
    paths = ReportPaths(
        directory=directory,
        json_path=directory / "report.json",
        markdown_path=directory / "report.md",
        chart_path=directory / "metrics_by_kind.png",
    )
    payload = result.model_dump(mode="json")
    payload["lower_is_better"] = sorted(LOWER_IS_BETTER)
    paths.json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    paths.markdown_path.write_text(markdown(result), encoding="utf-8")
    chart(result, paths.chart_path)
    return paths
