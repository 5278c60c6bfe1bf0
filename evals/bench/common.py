"""What every benchmark shares: percentiles, the machine line, timing, peak memory, the synthetic
news corpus, and writing results as Markdown + JSON (+ a PNG chart where there is a series).

Figures are printed and written, never asserted: the machine a benchmark runs on is usually
shared, so the load average at the start and the end goes beside them.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from index.loaders import load_paths
from rag.settings import BUNDLED_CORPUS
from rag.text.sentences import sentence_spans

T = TypeVar("T")


def percentile(values: list[float], q: float, *, nearest_rank: bool = False) -> float:
    """The ``q``-th percentile (0-100) of ``values``; NaN when there are none.

    Linear interpolation between samples by default (numpy's, the same as
    ``statistics.quantiles(method="inclusive")``). ``nearest_rank``: no interpolation, so with
    ~70 samples the p95 is a real sample (the retrieval benchmark's per-stage timings).
    """
    if not values:
        return float("nan")
    if nearest_rank:
        ordered = sorted(values)
        return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]
    return float(np.percentile(values, q))


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


def machine_line() -> str:
    """What the figures were measured on: CPUs, load average now, Python and platform."""
    return (
        f"{os.cpu_count()} CPUs, load average {load_average()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}"
    )


def peak_rss_bytes() -> int:
    """This process's peak resident memory so far (``ru_maxrss``: KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``action`` took, and what it returned."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


# The synthetic news corpus: sentences of the bundled articles with other numbers, places and names.
PLACES = [
    "Aleppo",
    "Homs",
    "Idlib",
    "Raqqa",
    "Hama",
    "Daraa",
    "Latakia",
    "Tartus",
    "Mosul",
    "Kirkuk",
    "Beirut",
    "Amman",
    "Ankara",
    "Gaziantep",
    "Erbil",
    "Tripoli",
    "Sanaa",
    "Aden",
    "Cairo",
    "Baghdad",
]
PEOPLE = [
    "Mohammad Alloush",
    "Ahmad Ramadan",
    "Osama Abu Zeid",
    "Rami Abdel Rahman",
    "Layla Haddad",
    "Omar Khalil",
    "Sara Nasser",
    "Yusuf Demir",
    "Hana Saleh",
    "Karim Aziz",
    "Nadia Fares",
    "Tariq Mansour",
]
SOURCES = ["AFP", "Reuters", "AP", "Anadolu Agency", "The National", "BBC News", "Al Jazeera", "Arab News"]
PLACE_PATTERN = re.compile(
    r"\b(Deir (?:al-Zor|al-Zour|Ezzor)|Palmyra|Astana|Geneva|Raqa|Raqqa|Homs|Damascus|Beirut|Amman)\b"
)
PERSON_PATTERN = re.compile(r"\b(" + "|".join(re.escape(p) for p in PEOPLE[:4]) + r")\b")
NUMBER_PATTERN = re.compile(r"\b\d{1,3}(?:,\d{3})*\b")


def corpus_sentences() -> list[str]:
    """The bundled articles' sentences of six words or more, datelines left out."""
    sentences = []
    for article in load_paths([BUNDLED_CORPUS], max_file_mb=20).articles:
        for span in sentence_spans(article.text):
            sentence = article.text[span.start : span.end]
            if len(sentence.split()) >= 6 and not sentence.startswith("date "):
                sentences.append(sentence)
    return sentences


def _vary(sentence: str, rng: random.Random) -> str:
    sentence = NUMBER_PATTERN.sub(
        lambda m: f"{rng.randint(2, 400):,}" if len(m.group()) < 4 else m.group(), sentence
    )
    sentence = PLACE_PATTERN.sub(lambda _: rng.choice(PLACES), sentence)
    return PERSON_PATTERN.sub(lambda _: rng.choice(PEOPLE), sentence)


def write_corpus(folder: Path, count: int, seed: int = 0) -> None:
    """``count`` articles of 3-9 recombined sentences; about one in eight is a rewrite of an earlier one.

    It reads like wire news, shares some text between articles (as real archives do) without
    being all duplicates, and is the same for the same ``seed``.
    """
    rng = random.Random(seed)
    sentences = corpus_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[list[str]] = []
    for number in range(count):
        if written and rng.random() < 0.125:
            # A wire copy: an earlier article, trimmed and lightly edited.
            body = [s for s in rng.choice(written) if rng.random() > 0.2] or written[-1]
        else:
            start = rng.randrange(len(sentences))
            length = rng.randint(3, 9)
            body = [_vary(sentences[(start + i) % len(sentences)], rng) for i in range(length)]
        written.append(body)
        place = rng.choice(PLACES)
        year, month, day = rng.randint(2015, 2021), rng.randint(1, 12), rng.randint(1, 28)
        title = f"{rng.choice(['Clashes', 'Talks', 'Aid', 'Strikes', 'Truce'])} in {place}: report {number}"
        text = (
            f"{title}\n\n{year}-{month:02d}-{day:02d}\n\n{place.upper()} ({rng.choice(SOURCES[:3])}) - "
            + "\n\n".join(body)
            + "\n"
        )
        (folder / f"synthetic_{number:05d}.txt").write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Figure:
    """One measured figure, beside the benchmark's own baseline for it where it has one."""

    name: str
    value: float
    unit: str = ""
    baseline: float | None = None
    baseline_name: str = ""
    """What the baseline is, e.g. ``model alone`` or ``judge off``."""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline or self.value != self.value:
            return None
        return self.value / self.baseline


@dataclass
class Results:
    """One benchmark run: the figures to show, everything measured (``raw``) and any series to chart."""

    benchmark: str
    title: str
    figures: list[Figure]
    raw: dict | list
    series: dict[str, list[float]] = field(default_factory=dict)
    """Name -> samples (seconds), charted sorted, one line each."""
    notes: list[str] = field(default_factory=list)
    machine: str = field(default_factory=machine_line)
    ok: bool = True
    """False when the run found a fault (the load check: a failed turn); the command then exits 1."""


def _number(value: float) -> str:
    if value != value:
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def markdown(results: Results) -> str:
    lines = [
        f"# {results.title}",
        "",
        f"Measured on {results.machine}; peak memory of the process {peak_rss_bytes() / 2**20:,.0f} MiB.",
        "",
        "| figure | value | baseline | ratio |",
        "|---|---:|---:|---:|",
    ]
    for f in results.figures:
        unit = f" {f.unit}" if f.unit else ""
        baseline = f"{_number(f.baseline)}{unit} ({f.baseline_name})" if f.baseline is not None else ""
        ratio = f"{_number(f.ratio)}x" if f.ratio is not None else ""
        lines.append(f"| {f.name} | {_number(f.value)}{unit} | {baseline} | {ratio} |")
    lines += [""] + [f"- {note}" for note in results.notes]
    return "\n".join(lines).rstrip() + "\n"


def print_figures(results: Results) -> None:
    """Each figure on a line, with its baseline and the ratio to it where there is one."""
    width = max((len(f.name) for f in results.figures), default=0)
    print(results.title, flush=True)
    for f in results.figures:
        unit = f" {f.unit}" if f.unit else ""
        line = f"  {f.name:<{width}}  {_number(f.value)}{unit}"
        if f.ratio is not None:
            line += f"   ({_number(f.ratio)}x {f.baseline_name}: {_number(f.baseline)}{unit})"
        print(line, flush=True)
    for note in results.notes:
        print(f"  {note}", flush=True)


def write_results(results: Results, out: Path) -> list[Path]:
    """``out/<benchmark>.md`` and ``.json``, and ``.png`` when the run has a series to chart."""
    out.mkdir(parents=True, exist_ok=True)
    md = out / f"{results.benchmark}.md"
    md.write_text(markdown(results), encoding="utf-8")
    data = {
        "benchmark": results.benchmark,
        "title": results.title,
        "machine": results.machine,
        "peak_rss_bytes": peak_rss_bytes(),
        "figures": [{**asdict(f), "ratio": f.ratio} for f in results.figures],
        "notes": results.notes,
        "raw": results.raw,
    }
    js = out / f"{results.benchmark}.json"
    js.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    written = [md, js]
    if any(results.series.values()):
        written.append(_chart(results, out / f"{results.benchmark}.png"))
    return written


def _chart(results: Results, path: Path) -> Path:
    # matplotlib is imported here, not at the top: it costs ~1 s and only a run with a series needs it.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, values in results.series.items():
        if values:
            ordered = sorted(values)
            ax.plot([100 * (i + 1) / len(ordered) for i in range(len(ordered))], ordered, label=name)
    ax.set_xlabel("share of samples at or below (%)")
    ax.set_ylabel("seconds")
    ax.set_title(results.title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
