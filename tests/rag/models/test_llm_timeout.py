"""A model call that produces nothing in time is cut off with a message, and the model works after.

The real small model (SmolLM2-135M) on a real llama.cpp context: a long prompt takes seconds to
evaluate on two cores, so a limit of a few hundredths of a second is a genuine stall of the
first token. The abort must stop the native evaluation itself, not merely stop waiting for it.
"""

from __future__ import annotations

import time

import pytest

from rag.models.llama_chat import LlamaCppChatModel
from rag.models.llm import ModelTimeoutError
from rag.settings import load_settings

pytestmark = pytest.mark.integration


def long_prompt(tag: str) -> list[dict[str, str]]:
    """~1,800 tokens that start with ``tag``, so no saved state of an earlier call covers them."""
    paragraphs = " ".join(
        f"Paragraph {i}: the council met on Tuesday to discuss the port, the budget and the roads."
        for i in range(90)
    )
    return [
        {"role": "system", "content": "You answer questions about news articles."},
        {"role": "user", "content": f"{tag}. {paragraphs}\n\nSummarise the paragraphs in one sentence."},
    ]


SHORT = [{"role": "user", "content": "Say hello."}]


def _full_prompt_seconds(model: LlamaCppChatModel) -> float:
    """Seconds to evaluate a long prompt from scratch and write one token (no limit); the fastest of two
    runs, since the first one also pages the weights in."""
    times = []
    for run in range(2):
        model._llm.reset()
        started = time.perf_counter()
        assert list(model.stream_chat(long_prompt(f"Measure {run}"), max_tokens=1))
        times.append(time.perf_counter() - started)
    return min(times)


def test_settings_reach_the_model(small: LlamaCppChatModel) -> None:
    assert small.timeout_s == load_settings("test").llm.request_timeout_s == 120.0


def test_a_stalled_first_token_is_cut_off_and_the_next_call_works(small: LlamaCppChatModel) -> None:
    full = _full_prompt_seconds(small)
    assert full > 0.5, f"the prompt must take a while to evaluate ({full:.2f} s)"
    small._llm.reset()
    small.timeout_s = 0.05
    try:
        started = time.perf_counter()
        with pytest.raises(ModelTimeoutError) as error:
            list(small.stream_chat(long_prompt("Stalled"), max_tokens=32))
        stopped = time.perf_counter() - started
    finally:
        small.timeout_s = 120.0
    message = str(error.value)
    assert "produced nothing for 0 s" in message and "RAG_LLM__REQUEST_TIMEOUT_S" in message
    # The evaluation itself was aborted: the call returned well before the prompt could finish.
    assert stopped < full / 2, (stopped, full)
    # The model is free and consistent: the next call answers normally.
    assert "".join(small.stream_chat(SHORT, max_tokens=8)).strip()
    assert small._lock.acquire(blocking=False)
    small._lock.release()


def test_a_stalled_judge_call_is_cut_off_and_the_next_works(small: LlamaCppChatModel) -> None:
    small._llm.reset()
    small.timeout_s = 0.05
    try:
        with pytest.raises(ModelTimeoutError):
            small.yes_probability(long_prompt("Judge"), reuse_prefix=False)
    finally:
        small.timeout_s = 120.0
    probability = small.yes_probability(SHORT)
    assert 0.0 <= probability <= 1.0


def test_closing_a_stream_early_frees_the_model_without_a_reset(small: LlamaCppChatModel) -> None:
    stream = small.stream_chat(SHORT, max_tokens=32)
    assert next(stream)
    stream.close()
    assert small._lock.acquire(blocking=False)
    small._lock.release()
    assert small._llm.n_tokens > 0, "an early close keeps the evaluated prompt for the next call"
    assert not small._abort.is_set()
