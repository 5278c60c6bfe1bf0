"""The support configuration: TOML round trips, the shipped file, the veto rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.verifier.combination import FEATURES, veto_score
from rag.verifier.config import CONFIG_PATH, SupportConfig
from rag.verifier.scorer import SupportScorer
from tests.rag.verifier.sample import PASSAGE

# ---------------------------------------------------------------- configuration


@pytest.mark.unit
def test_config_round_trips_through_toml(tmp_path: Path) -> None:
    config = SupportConfig(threshold=0.42, weights={"bias": -1.0, "overlap": 2.5, "judge": 0.7}, judge=False)
    path = config.save(tmp_path / "support.toml")
    loaded = SupportConfig.load(path)
    assert loaded == config


@pytest.mark.unit
def test_veto_rule_round_trips_through_toml(tmp_path: Path) -> None:
    config = SupportConfig(judge_rule="veto", judge_threshold=0.6)
    assert SupportConfig.load(config.save(tmp_path / "support.toml")) == config


class FixedJudge:
    """A judge that answers every prompt with the same p(Yes): the rule is under test, not the model."""

    def __init__(self, p_yes: float) -> None:
        self.p_yes = p_yes

    def yes_probability(self, messages, yes: str = "Yes", no: str = "No") -> float:
        return self.p_yes


@pytest.mark.unit
def test_veto_score_reaches_the_bar_only_when_both_signals_do() -> None:
    assert veto_score(0.40, 0.337, 0.60, 0.5) >= 0.5
    assert veto_score(0.30, 0.337, 0.99, 0.5) < 0.5
    assert veto_score(0.90, 0.337, 0.45, 0.5) < 0.5
    assert veto_score(0.90, 0.337, 0.45, 0.5) > veto_score(0.90, 0.337, 0.10, 0.5)  # still ranks


@pytest.mark.unit
def test_veto_rule_needs_the_checks_and_the_judge() -> None:
    config = SupportConfig.load().model_copy(update={"judge_rule": "veto", "judge_threshold": 0.5})
    backed, unbacked = (
        "Clashes in Deir al-Zor killed 12 fighters on Tuesday.",
        "Clashes in Raqqa killed 40 fighters.",
    )
    assert SupportScorer(FixedJudge(0.8), config).score(backed, [PASSAGE]).supported
    doubted = SupportScorer(FixedJudge(0.2), config).score(backed, [PASSAGE])
    assert not doubted.supported and doubted.judge == 0.2
    assert not SupportScorer(FixedJudge(0.99), config).score(unbacked, [PASSAGE]).supported


@pytest.mark.unit
def test_shipped_config_loads_and_names_known_features() -> None:
    assert CONFIG_PATH.exists()
    config = SupportConfig.load()
    known = set(FEATURES) | {"bias", "judge"}
    assert set(config.weights) <= known
    assert set(config.deterministic_weights) <= known
    assert 0.0 < config.threshold < 1.0


@pytest.mark.unit
def test_bad_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "support.toml"
    path.write_text("threshold = 'high'\n")
    with pytest.raises(ValueError, match="support.toml"):
        SupportConfig.load(path)
    with pytest.raises(FileNotFoundError, match="missing.toml"):
        SupportConfig.load(tmp_path / "missing.toml")
