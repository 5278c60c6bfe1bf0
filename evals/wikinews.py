"""Real-news retrieval benchmark: our own questions over 293 Wikinews articles (2019-2020).

    python -m evals.wikinews [--articles PATH] [--out DIR]

Each question (``evals/data/wikinews_questions.jsonl``, see ``WIKINEWS_QUESTIONS.md``) names
the article that answers it. The articles are indexed into a temporary store by ``rag index``
itself (a subprocess, so chunking, duplicate grouping and embedding are exactly what a user
gets), and article-level hit@1 / hit@10 / MRR@10 are reported in one run for:

* ``bm25``: BM25 (bm25s, Lucene variant, English stopwords) over title + whole text;
* ``dense``: the product's MiniLM on one title + lead passage per article;
* ``rrf``: reciprocal rank fusion (k=60) of those two article rankings;
* ``product``: the product's hybrid retrieval (``HybridRetriever.run``), its fused chunk
  candidates turned into an article ranking by first occurrence;
* ``prompt``: whether an answering article is among the <= 4 sources the model would see
  (the passages, not their corroborating copies, which the prompt does not carry);

each without a date filter and with the window [question date - 14 days, + 1 day]: the
product gets it as its own :class:`~rag.types.Filters`, the baselines rank only the
articles dated inside it. The question date is its article's publication date.

The store is removed at the end; the user's own index is never touched (the data folder and
the store location are forced to the temporary folder, in embedded mode).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.retrieval import HybridRetriever

REPO_ROOT = Path(__file__).resolve().parents[1]
QUESTIONS_PATH = Path(__file__).resolve().parent / "data" / "wikinews_questions.jsonl"
DATA_ENV = "RAG_WIKINEWS_PATH"
SOURCE_REPO = "vanatteveldt/wikinews"
SOURCE_COMMIT = "347254178bf343f3801aac1d03c41cc09c35decb"
SOURCE_FILES = ("data/wikinews_2019.csv", "data/wikinews_2020.csv")
DAYS_BEFORE = 14
DAYS_AFTER = 1
RRF_K = 60
TOP_K = 10
LEAD_CHARS = 1200
"""Characters of text after the title for the dense baseline's passage; MiniLM reads at most
256 word pieces (~1,000 characters of news), so more would be cut off anyway."""
METHODS = ("bm25", "dense", "rrf", "product")
FILTERS = ("none", "window")
EXIT_ERROR = 2


class WikinewsQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    article_id: str
    answer: str
    answer_pattern: str | None = None
    """Regex (case-insensitive) matching the article's wording where ``answer`` paraphrases it."""
    date: dt.date
    kind: Literal["fact", "number", "date", "who", "where"]
    style: Literal["named", "descriptive"] = "named"
    """named: the question names the story's people, places or organisations; descriptive: it
    describes the event without the names in the article's title (harder for keyword search)."""
    article_ids: list[str] = []
    """Every article that answers the question equally, where there is more than one."""

    @field_validator("answer_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value

    @property
    def relevant(self) -> frozenset[str]:
        return frozenset([self.article_id, *self.article_ids])


class WikinewsArticle(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    title: str
    date: dt.date
    url: str
    text: str


class DataError(RuntimeError):
    """The articles or questions are missing or do not fit together; the message says what to do."""


# -- data ----------------------------------------------------------------------------------
def default_data_path() -> Path:
    """``$RAG_WIKINEWS_PATH``, else the shared evaluation data beside the repository."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    return (REPO_ROOT.parent / "shared" / "evaldata" / "wikinews-en-2019-2020" / "articles.jsonl").resolve()


def missing_message(path: Path) -> str:
    return (
        f"Wikinews articles not found at {path}: get {' and '.join(SOURCE_FILES)} from GitHub "
        f"{SOURCE_REPO} at commit {SOURCE_COMMIT} (CC BY 2.5) and build articles.jsonl with build.py "
        f"(see SOURCE.md in shared/evaldata/wikinews-en-2019-2020), then save it there or set {DATA_ENV}."
    )


def _read_jsonl(path: Path, model: type[BaseModel]) -> list:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(model.model_validate_json(line))
        except ValidationError as error:
            raise DataError(f"{path}, line {number}: {error}") from None
    return records


def load_articles(path: Path) -> list[WikinewsArticle]:
    if not path.is_file():
        raise DataError(missing_message(path))
    return _read_jsonl(path, WikinewsArticle)


def load_questions(path: Path = QUESTIONS_PATH) -> list[WikinewsQuestion]:
    questions = _read_jsonl(path, WikinewsQuestion)
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise DataError(f"{path}: question id {question.id!r} is used twice")
        seen.add(question.id)
    return questions


def answer_found(question: WikinewsQuestion, text: str) -> bool:
    """The answer is in ``text``: its pattern matches, or (without one) the answer occurs, ignoring case."""
    if question.answer_pattern:
        return re.search(question.answer_pattern, text, flags=re.IGNORECASE) is not None
    return question.answer.casefold() in text.casefold()


def date_window(day: dt.date) -> tuple[dt.date, dt.date]:
    return day - dt.timedelta(days=DAYS_BEFORE), day + dt.timedelta(days=DAYS_AFTER)


# -- metrics -------------------------------------------------------------------------------
def rank_of(ranking: Sequence[str], relevant: frozenset[str] | set[str], k: int = TOP_K) -> int | None:
    """1-based rank of the first relevant article within the top ``k`` (None: not there)."""
    for rank, article in enumerate(ranking[:k], start=1):
        if article in relevant:
            return rank
    return None


def hit_at(ranking: Sequence[str], relevant: frozenset[str] | set[str], k: int) -> bool:
    return rank_of(ranking, relevant, k) is not None


def reciprocal_rank(ranking: Sequence[str], relevant: frozenset[str] | set[str], k: int = TOP_K) -> float:
    rank = rank_of(ranking, relevant, k)
    return 0.0 if rank is None else 1.0 / rank


def summarise(ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@10 and MRR@10 from each question's rank (None: not in the top 10)."""
    n = max(len(ranks), 1)
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@10": sum(r is not None and r <= TOP_K for r in ranks) / n,
        "mrr@10": sum(1.0 / r for r in ranks if r is not None and r <= TOP_K) / n,
    }


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[str]:
    """Cormack et al. (2009): score ``sum(1 / (k + rank))``, ranks from 1; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(dict.fromkeys(ranking), start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])  # sorted() is stable: ties stay in first-seen order


def first_occurrence(article_ids: Sequence[str]) -> list[str]:
    """A chunk ranking as an article ranking: each article at the rank of its best chunk."""
    return list(dict.fromkeys(article_ids))


# -- baselines -----------------------------------------------------------------------------
class Baselines:
    """BM25 over whole articles and MiniLM over one title + lead passage per article."""

    def __init__(self, articles: Sequence[WikinewsArticle], embedding: BaseEmbedding) -> None:
        import bm25s

        self.ids = [a.id for a in articles]
        self.dates = np.array([a.date.toordinal() for a in articles])
        self.embedding = embedding
        corpus = bm25s.tokenize(
            [f"{a.title}\n\n{a.text}" for a in articles], stopwords="en", show_progress=False
        )
        self.bm25 = bm25s.BM25(method="lucene")
        self.bm25.index(corpus, show_progress=False)
        leads = [f"{a.title}\n\n{a.text[:LEAD_CHARS]}" for a in articles]
        self.vectors = np.array(embedding.get_text_embedding_batch(leads), dtype=np.float32)

    def allowed(self, window: tuple[dt.date, dt.date] | None) -> np.ndarray:
        if window is None:
            return np.ones(len(self.ids), dtype=bool)
        return (self.dates >= window[0].toordinal()) & (self.dates <= window[1].toordinal())

    def bm25_ranking(self, query: str, allowed: np.ndarray) -> list[str]:
        import bm25s

        tokens = bm25s.tokenize(query, stopwords="en", show_progress=False, return_ids=False)[0]
        if not tokens:
            return []
        scores = np.asarray(self.bm25.get_scores(tokens))
        return self._ranking(scores, allowed & (scores > 0))

    def dense_ranking(self, query_vector: Sequence[float], allowed: np.ndarray) -> list[str]:
        return self._ranking(self.vectors @ np.asarray(query_vector, dtype=np.float32), allowed)

    def _ranking(self, scores: np.ndarray, allowed: np.ndarray) -> list[str]:
        order = np.argsort(-scores, kind="stable")
        return [self.ids[i] for i in order if allowed[i]]


# -- the product ---------------------------------------------------------------------------
@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def index_with_cli(articles_path: Path) -> dict:
    """``rag index PATH --json`` into the store the current environment names; its report."""
    command = [sys.executable, "-m", "rag.cli", "index", str(articles_path), "--json"]
    done = subprocess.run(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode not in (0, 3):  # 3: indexed, some records skipped (reported below)
        raise DataError(
            f"rag index {articles_path} failed (exit status {done.returncode}); see its message above"
        )
    return json.loads(done.stdout)


def product_rankings(
    retriever: HybridRetriever, question: str, filters, to_dataset: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """(article ranking from the fused candidates, articles of the prompt sources)."""
    result = retriever.run(question, filters)
    ranking = first_occurrence([to_dataset.get(p.article_id, p.article_id) for p in result.candidates])
    sources = [to_dataset.get(s.passage.article_id, s.passage.article_id) for s in result.sources]
    return ranking, sources


# -- the run -------------------------------------------------------------------------------
def run_benchmark(articles_path: Path, questions: Sequence[WikinewsQuestion], work_dir: Path) -> dict:
    """Index into ``work_dir``, rank every question by every method, with and without the window."""
    from rag.components import Components
    from rag.retrieval import HybridRetriever
    from rag.settings import load_settings
    from rag.types import Filters

    started = time.perf_counter()
    articles = load_articles(articles_path)
    known = {a.id for a in articles}
    unknown = sorted({i for q in questions for i in q.relevant} - known)
    if unknown:
        raise DataError(
            f"{len(unknown)} answering articles are not in {articles_path} (a different version?), "
            f"e.g. {unknown[0]!r}. {missing_message(articles_path)}"
        )
    store_env = {
        "RAG_DATA_DIR": str(work_dir / "data"),
        "RAG_STORE__MODE": "embedded",
        "RAG_STORE__PATH": str(work_dir / "data" / "chroma"),
    }
    with _environment(store_env):
        mark = time.perf_counter()
        index_report = index_with_cli(articles_path)
        index_s = time.perf_counter() - mark
        settings = load_settings()
        components = Components(settings)
        retriever = HybridRetriever(settings, components.store, components.embedding)
        by_url = {a.url: a.id for a in articles}
        passages = components.store.all_passages()
        to_dataset = {p.article_id: by_url.get(p.url or "", p.article_id) for p in passages}
        mark = time.perf_counter()
        baselines = Baselines(articles, components.embedding)
        baseline_s = time.perf_counter() - mark

        per_question = []
        mark = time.perf_counter()
        for question in questions:
            vector = components.embedding.get_query_embedding(question.question)
            row: dict[str, object] = {"id": question.id, "kind": question.kind, "style": question.style}
            for name in FILTERS:
                window = date_window(question.date) if name == "window" else None
                allowed = baselines.allowed(window)
                filters = Filters(since=window[0], until=window[1]) if window else None
                bm25 = baselines.bm25_ranking(question.question, allowed)
                dense = baselines.dense_ranking(vector, allowed)
                product, sources = product_rankings(retriever, question.question, filters, to_dataset)
                rankings = {
                    "bm25": bm25,
                    "dense": dense,
                    "rrf": reciprocal_rank_fusion([bm25, dense]),
                    "product": product,
                }
                for method, ranking in rankings.items():
                    row[f"{method}/{name}"] = rank_of(ranking, question.relevant)
                row[f"prompt/{name}"] = any(a in question.relevant for a in sources)
            per_question.append(row)
        questions_s = time.perf_counter() - mark

    config = settings.retrieval
    return {
        "data": {"path": str(articles_path), "articles": len(articles)},
        "questions": len(questions),
        "question_articles": len({q.article_id for q in questions}),
        "index": {
            "articles": index_report.get("articles_total"),
            "chunks": len(passages),
            "skipped": len(index_report.get("skipped", [])),
            "seconds": round(index_s, 1),
        },
        "settings": {
            "dense_top_k": config.dense_top_k,
            "keyword_top_k": config.keyword_top_k,
            "rrf_k": config.rrf_k,
            "max_sources": config.max_sources,
            "chunk_tokens": settings.chunking.chunk_tokens,
            "window_days": [-DAYS_BEFORE, DAYS_AFTER],
        },
        "results": results_of(per_question),
        "by_style": {
            style: {"questions": len(rows), **results_of(rows)}
            for style in ("named", "descriptive")
            if (rows := [row for row in per_question if row["style"] == style])
        },
        "seconds": {
            "index": round(index_s, 1),
            "baselines": round(baseline_s, 1),
            "questions": round(questions_s, 1),
            "total": round(time.perf_counter() - started, 1),
        },
        "per_question": per_question,
    }


def results_of(rows: Sequence[Mapping[str, object]]) -> dict[str, dict]:
    """Per filter: each method's hit@1 / hit@10 / MRR@10 and the prompt-source hit rate over ``rows``."""
    return {
        name: {
            **{method: summarise([row[f"{method}/{name}"] for row in rows]) for method in METHODS},
            "prompt": {"in_sources": sum(bool(row[f"prompt/{name}"]) for row in rows) / max(len(rows), 1)},
        }
        for name in FILTERS
    }


LABELS = {
    "bm25": "BM25 over whole articles (bm25s)",
    "dense": "MiniLM on one title+lead passage per article",
    "rrf": "reciprocal rank fusion of those two (k=60)",
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
        lines += ["", *_table(figures, f"{figures['questions']} {style} questions", max_sources)]
    seconds = report["seconds"]
    lines += [
        "",
        f"Time: indexing {seconds['index']} s, baselines {seconds['baselines']} s, "
        f"questions {seconds['questions']} s, total {seconds['total']} s.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.wikinews",
        description="Find the answering article for our own questions over 293 real Wikinews articles: "
        "the product's retrieval against BM25, MiniLM and their fusion, with and without a date window.",
    )
    parser.add_argument(
        "--articles",
        type=Path,
        default=None,
        help=f"the articles.jsonl (default: ${DATA_ENV} or ../shared/evaldata/wikinews-en-2019-2020/articles.jsonl)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for report.json and report.md (default: a new temporary folder)",
    )
    args = parser.parse_args(argv)
    articles_path = args.articles or default_data_path()
    if not articles_path.is_file():
        print(missing_message(articles_path), file=sys.stderr)
        return EXIT_ERROR
    out = args.out or Path(tempfile.mkdtemp(prefix="wikinews-bench-"))
    try:
        questions = load_questions()
        with tempfile.TemporaryDirectory(prefix="wikinews-store-") as work:
            report = run_benchmark(articles_path, questions, Path(work))
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    markdown = render_markdown(report)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (out / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"Reports written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
