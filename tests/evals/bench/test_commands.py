"""``rag bench`` end to end on tiny inputs: the command runs, prints and writes its figures and ratios."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from evals.bench import commands
from evals.bench.common import Figure, Results
from rag.cli import build_parser, main


@pytest.mark.unit
def test_help_names_every_benchmark_and_how_long_it_takes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    text = capsys.readouterr().out
    for name in ("answers", "models", "retrieval", "ingest", "catalog", "scale", "all"):
        assert name in text
    with pytest.raises(SystemExit):
        main(["bench", "ingest", "--help"])
    text = capsys.readouterr().out
    assert "minutes" in text and "--articles" in text and "--out DIR" in text


@pytest.mark.unit
def test_each_benchmark_keeps_its_options_and_defaults() -> None:
    parser = build_parser()
    answers = parser.parse_args(["--profile", "test", "bench", "answers"])
    assert (answers.questions, answers.follow_ups, answers.compare, answers.judge, answers.profile) == (
        30,
        30,
        None,
        "off",
        "test",
    )
    models = parser.parse_args(["bench", "models"])
    assert (models.synthetic, models.llm, models.cache_dir) == (2000, "both", None)
    retrieval = parser.parse_args(["bench", "retrieval"])
    assert (retrieval.rounds, retrieval.articles, retrieval.store_scale) == (3, 2000, False)
    ingest = parser.parse_args(["bench", "ingest", "--articles", "50"])
    assert (ingest.articles, ingest.seed, ingest.raw_limit, ingest.keep, ingest.json) == (
        50,
        0,
        None,
        None,
        False,
    )
    scale = parser.parse_args(["bench", "scale"])
    assert (scale.tiers, scale.rounds, scale.scratch) == ("1000,10000,100000", 1, None)
    catalog = parser.parse_args(["bench", "catalog", "--out", "x"])
    assert (catalog.articles, catalog.outlets, catalog.seed, catalog.out) == (3000, 0, 0, Path("x"))


@pytest.mark.integration
def test_catalog_benchmark_writes_markdown_and_json_with_ratios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "catalog", "--articles", "20", "--outlets", "3", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "first listing" in printed and f"written: {tmp_path / 'catalog.json'}" in printed
    data = json.loads((tmp_path / "catalog.json").read_text(encoding="utf-8"))
    assert data["raw"]["articles"] == 20 and data["raw"]["outlets"] == 3
    searches = [f for f in data["figures"] if f["baseline_name"] == "first listing"]
    assert len(searches) == 7 and all(
        f["ratio"] == pytest.approx(f["value"] / f["baseline"]) for f in searches
    )
    table = (tmp_path / "catalog.md").read_text(encoding="utf-8")
    assert "| articles | 20 |" in table and "(first listing) |" in table and "x |" in table


@pytest.mark.integration
def test_scale_benchmark_measures_each_tier_in_a_process_of_its_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["bench", "scale", "--tiers", "40,80", "--out", str(out), "--scratch", str(tmp_path)]) == 0
    data = json.loads((out / "scale.json").read_text(encoding="utf-8"))
    small, large = data["raw"]
    assert (small["articles"], large["articles"]) == (40, 80)
    assert large["chunks"] > small["chunks"] >= 40
    for tier in (small, large):
        assert tier["add_one_found"] and tier["duplicate_groups"] >= 1  # one article in eight is a copy
        assert 0 < tier["keyword_file_bytes"] < tier["store_bytes"]
        assert tier["peak_rss_bytes"] > 0 and tier["minilm_s_per_chunk"] > 0
        assert set(tier["cold_start"]) == {"sqlite", "memory"}
        assert set(tier["retrieval"]) == {"none", "date", "outlet"}
    against_small = [f for f in data["figures"] if f["baseline_name"] == "40 articles" and f["baseline"]]
    assert against_small and all(
        f["ratio"] == pytest.approx(f["value"] / f["baseline"]) for f in against_small
    )
    assert not list(tmp_path.glob("rag-bench-scale-*"))  # the archives are removed afterwards


@pytest.mark.integration
def test_retrieval_benchmark_end_to_end_on_the_bundled_corpus(
    tmp_path: Path, model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_CACHE_DIR", str(model_cache_dir))
    raw = tmp_path / "raw.json"
    argv = [
        "bench",
        "retrieval",
        "--rounds",
        "1",
        "--articles",
        "15",
        "--json",
        str(raw),
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    data = json.loads((tmp_path / "retrieval.json").read_text(encoding="utf-8"))
    assert json.loads(raw.read_text(encoding="utf-8")) == data["raw"]
    latency = data["raw"]["latency"]
    assert latency["fused"]["n"] == data["raw"]["questions"] >= 50  # the golden questions, one round
    assert data["raw"]["bm25_scale"]["articles"] == 15
    fused = next(f for f in data["figures"] if f["name"] == "fused p50")
    assert fused["baseline"] == latency["dense"]["p50_ms"] and fused["ratio"] > 0
    assert "| fused p50 |" in (tmp_path / "retrieval.md").read_text(encoding="utf-8")
    assert (tmp_path / "retrieval.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.unit
def test_all_runs_every_benchmark_with_its_defaults_into_one_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def fake(name: str) -> SimpleNamespace:
        def run(args):
            seen[name] = args
            return Results(name, name, [Figure("n", 1.0, "s", 2.0, "before")], {"name": name})

        return SimpleNamespace(run=run)

    monkeypatch.setattr(commands, "benchmark_module", fake)
    assert main(["--profile", "test", "bench", "all", "--out", str(tmp_path)]) == 0
    assert list(seen) == ["answers", "ask", "models", "retrieval", "ingest", "load", "catalog"]
    assert seen["answers"].questions == 30 and seen["answers"].profile == "test"
    assert seen["ingest"].articles == 2000 and seen["catalog"].articles == 3000
    assert seen["load"].sessions == 8 and seen["load"].llm == "local"
    for name in seen:
        assert "| n | 1 s | 2 s (before) | 0.5x |" in (tmp_path / f"{name}.md").read_text(encoding="utf-8")
        assert json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))["raw"] == {"name": name}


@pytest.mark.integration
def test_answers_benchmark_times_first_turns_and_follow_ups_and_sets_a_change_beside_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The small model (plumbing only): two golden questions and two conversations, run as set and
    again with the model reading whole passages; every figure of the second run stands beside the
    first's."""
    args = ["--profile", "test", "bench", "answers", "--questions", "1", "--follow-ups", "2"]
    args += ["--compare", "retrieval.focus_tokens=0", "--verbose", "--out", str(tmp_path)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert printed.count("  follow-up ") == 4 and printed.count("  first ") == 6
    data = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    plain, focused = data["raw"]
    assert plain["first_turns"]["questions"] == 3 and plain["follow_ups"]["questions"] == 2
    assert "focus_tokens=300" in plain["variant"] and "focus_tokens=0" in focused["variant"]
    # The follow-ups were asked with their conversation, which the rewrite for retrieval draws on.
    follow_ups = [a for a in plain["answers"] if a["question"].startswith(("Which group", "What else"))]
    assert len(follow_ups) == 2
    assert any(a["standalone_question"] != a["question"] for a in follow_ups)
    beside = [f for f in data["figures"] if f["name"].startswith("retrieval.focus_tokens=0: ")]
    assert beside and all(f["baseline_name"] == "as set" for f in beside)
    assert any("follow-up: first text p50" in f["name"] for f in beside)
    assert any("follow-up: retrieval p50" in f["name"] and f["ratio"] for f in beside)
    # the machine's prompt rate, measured in the run, so figures of different days can be compared
    rates = [f for f in data["figures"] if "model prompt rate" in f["name"]]
    assert len(rates) == 4 and all(f["value"] > 0 and f["unit"] == "tokens/s" for f in rates)
    assert all(f["baseline"] > 0 for f in rates[1:])
    assert (tmp_path / "answers.md").exists() and (tmp_path / "answers.png").exists()


@pytest.mark.unit
def test_compare_takes_settings_and_names_a_mistake() -> None:
    from evals.bench.answers import parse_compare

    variant = parse_compare("retrieval.focus_tokens=300, llm.prompt_lookup=8")
    assert variant.overrides == {"retrieval.focus_tokens": "300", "llm.prompt_lookup": "8"}
    with pytest.raises(SystemExit, match="KEY=VALUE"):
        parse_compare("retrieval.focus_tokens")
    with pytest.raises(SystemExit, match="--compare: .*no setting"):
        main(["--profile", "test", "bench", "answers", "--compare", "retrieval.nothing=1", "--out", "/tmp/x"])


@pytest.mark.integration
def test_ask_benchmark_times_fresh_processes_alone_and_through_a_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The small model (plumbing only): one question asked by a fresh `rag ask` process on its own and
    then through a `rag serve` it starts, timed side by side."""
    assert main(["bench", "ask", "--questions", "1", "--llm", "small", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "  alone " in printed and "  served " in printed
    data = json.loads((tmp_path / "ask.json").read_text(encoding="utf-8"))
    assert len(data["raw"]["own_process_s"]) == len(data["raw"]["through_server_s"]) == 1
    served = next(f for f in data["figures"] if f["name"] == "rag ask through rag serve: p50")
    assert served["baseline_name"] == "own process" and served["ratio"] > 0
