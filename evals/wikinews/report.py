"""The benchmark's results as Markdown tables: all questions, then each question style."""

from __future__ import annotations

from evals.wikinews.data import DAYS_AFTER, DAYS_BEFORE
from evals.wikinews.ranking import FILTERS, METHODS

LABELS = {
    "bm25": "BM25 over whole articles (bm25s)",
    "dense": "MiniLM on one title+lead passage per article",
    "rrf": "reciprocal rank fusion of those two (k=60)",
    "product_no_dates": "product's retrieval, without the time the question names",
    "product": "product's hybrid chunk retrieval (fused candidates)",
}


def _table(results: dict, heading: str, max_sources: int) -> list[str]:
    def cell(figures: dict[str, float]) -> str:
        return f"{figures['hit@1']:.3f} / {figures['hit@10']:.3f} / {figures['mrr@10']:.3f}"

    lines = [
        f"| {heading}: hit@1 / hit@10 / MRR@10 | no date filter | date window [date -{DAYS_BEFORE} d, +{DAYS_AFTER} d] |",
        "|---|---|---|",
    ]
    lines += [f"| {LABELS[m]} | {cell(results['none'][m])} | {cell(results['window'][m])} |" for m in METHODS]
    prompt = [results[name]["prompt"]["in_sources"] for name in FILTERS]
    lines.append(
        f"| product's prompt sources (the <= {max_sources} the model sees) "
        f"| answering article among them {prompt[0]:.3f} | {prompt[1]:.3f} |"
    )
    return lines


def render_markdown(report: dict) -> str:
    """The results table over all questions, then one per question style."""
    max_sources = report["settings"]["max_sources"]
    lines = [
        f"Wikinews retrieval benchmark: {report['questions']} questions over {report['question_articles']} "
        f"answering articles; {report['data']['articles']} articles indexed as {report['index']['chunks']} chunks.",
        "",
        *_table(report["results"], f"all {report['questions']} questions", max_sources),
    ]
    for style, figures in report.get("by_style", {}).items():
        group = f"questions {style}" if style.startswith("naming") else f"{style} questions"
        lines += ["", *_table(figures, f"{figures['questions']} {group}", max_sources)]
    seconds = report["seconds"]
    lines += [
        "",
        f"Time: indexing {seconds['index']} s, baselines {seconds['baselines']} s, "
        f"questions {seconds['questions']} s, total {seconds['total']} s.",
    ]
    return "\n".join(lines) + "\n"
