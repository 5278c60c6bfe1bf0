"""The model judge: its prompt, the passage window it is shown, and the small model's p(Yes)."""

from __future__ import annotations

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.judge import best_window, judge_messages
from rag.verifier.scorer import SupportScorer
from tests.rag.verifier.sample import PASSAGE


@pytest.mark.unit
def test_judge_prompt_puts_the_passage_first() -> None:
    first = judge_messages("Claim one.", PASSAGE)
    second = judge_messages("Another claim entirely.", PASSAGE)
    assert first[0] == second[0]
    a, b = first[1]["content"], second[1]["content"]
    assert a.startswith("Passage:\n" + PASSAGE)
    shared = next(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
    assert shared >= len("Passage:\n" + PASSAGE)


def _evaluated(usage) -> int:
    """Prompt tokens the model actually had to evaluate (the rest came from its KV cache)."""
    return usage.prompt_tokens - usage.cached_tokens


@pytest.mark.unit
def test_long_passage_is_cut_to_the_best_matching_window() -> None:
    from rag.tokens import count_tokens

    filler = " ".join(
        f"Officials in town number {k} discussed the budget for roads and schools." for k in range(60)
    )
    passage = filler + " Clashes in Deir al-Zor killed 12 fighters on Tuesday. " + filler
    window = best_window("Clashes in Deir al-Zor killed 12 fighters.", passage, 120)
    assert "Deir al-Zor killed 12 fighters" in window
    assert count_tokens(window) <= 120
    assert best_window("anything", PASSAGE, 1000) == PASSAGE


# ---------------------------------------------------------------- judge (small model)


@pytest.mark.integration
def test_judge_with_small_model_and_prefix_reuse(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.models.backends import build_llm

    llm = build_llm(settings)
    judgements = []
    judge = llm.judge

    def recording(*args, **kwargs):
        judgements.append(judge(*args, **kwargs))
        return judgements[-1]

    monkeypatch.setattr(llm, "judge", recording)  # yes_probability asks it; it returns the call's usage
    scorer = SupportScorer(llm=llm, config=SupportConfig())
    first = scorer.score("Clashes in Deir al-Zor killed 12 fighters on Tuesday.", [PASSAGE])
    assert first.judge is not None
    assert 0.0 <= first.judge <= 1.0
    assert 0.0 <= first.score <= 1.0
    first_usage = judgements[-1].usage
    second = scorer.score("The foreign minister did not attend the summit in Geneva.", [PASSAGE])
    second_usage = judgements[-1].usage
    assert second.judge is not None and 0.0 <= second.judge <= 1.0
    assert second_usage is not None and first_usage is not None
    assert _evaluated(second_usage) < _evaluated(first_usage)
    assert second_usage.cached_tokens > llm.count_prompt_tokens(judge_messages("", PASSAGE)) // 2
    assert _evaluated(second_usage) < llm.count_prompt_tokens(
        judge_messages("The foreign minister did not attend the summit in Geneva.", PASSAGE)
    )
    off = SupportScorer(llm=llm, config=SupportConfig(judge=False)).score("Anything.", [PASSAGE])
    assert off.judge is None
