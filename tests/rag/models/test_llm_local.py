"""The llama.cpp chat backend, on the small model (plumbing) and the default model (judge quality)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rag.models.backends import build_llm
from rag.models.llama_chat import LlamaCppChatModel
from rag.models.llm import ChatModel, LLMUnavailableError, Usage
from rag.settings import load_settings

QUESTION = [{"role": "user", "content": "List three colours, one per line."}]


def _judge(document: str, claim: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You check whether claims are supported by a document."},
        {
            "role": "user",
            "content": f"Document:\n{document}\n\nClaim: {claim}\n\n"
            "Is every fact in the claim supported by the document? Answer Yes or No.",
        },
    ]


DOCUMENT = (
    "BEIRUT (AFP) - A fire at a fuel depot in the port of Tripoli killed 12 people on Tuesday, "
    "the health ministry said. Firefighters brought the blaze under control after six hours. "
    "The governor, Ramzi Nahra, ordered an inquiry into the cause."
)


@pytest.mark.integration
def test_satisfies_the_protocol_and_uses_the_gguf_template(small: LlamaCppChatModel) -> None:
    assert isinstance(small, ChatModel)
    assert small.name == "smollm2-135m-instruct-q4_1"
    assert small.context_window == 4096
    tokens = small.prompt_tokens(QUESTION)
    text = small._llm.detokenize(tokens, special=True).decode()
    # SmolLM2's own template: ChatML with its default system turn, assistant turn opened.
    assert text.startswith("<|im_start|>system\n")
    assert text.endswith(
        "<|im_start|>user\nList three colours, one per line.<|im_end|>\n<|im_start|>assistant\n"
    )


@pytest.mark.integration
def test_stream_pieces_join_to_chat_and_usage_is_recorded(small: LlamaCppChatModel) -> None:
    stream = small.stream_chat(QUESTION, max_tokens=24)
    pieces = list(stream)
    assert len(pieces) > 3
    streamed_usage = stream.usage
    assert streamed_usage.prompt_tokens == small.count_prompt_tokens(QUESTION)
    assert 3 < streamed_usage.completion_tokens <= 24
    assert streamed_usage.first_piece_s is not None
    assert streamed_usage.queued_s >= 0.0 and streamed_usage.first_piece_s <= streamed_usage.total_s
    # Deterministic at temperature 0, and the second call re-uses the whole cached prompt.
    again = small.stream_chat(QUESTION, max_tokens=24)
    assert "".join(again) == "".join(pieces)
    assert again.usage.cached_tokens == again.usage.prompt_tokens


@pytest.mark.integration
def test_a_closed_partial_stream_frees_the_model(small: LlamaCppChatModel) -> None:
    stream = small.stream_chat(QUESTION, max_tokens=24)
    first = [next(stream), next(stream)]
    stream.close()
    full = small.chat(QUESTION, max_tokens=24)
    assert full.startswith("".join(first))


@pytest.mark.integration
def test_max_tokens_and_stop_are_honoured(small: LlamaCppChatModel) -> None:
    stream = small.stream_chat(QUESTION, max_tokens=40)
    full = "".join(stream)
    assert stream.usage.completion_tokens <= 40
    assert "\n" in full
    first_line = small.chat(QUESTION, max_tokens=40, stop=["\n"])
    assert "\n" not in first_line and full.startswith(first_line)


@pytest.mark.integration
def test_concurrent_callers_queue_instead_of_corrupting(small: LlamaCppChatModel) -> None:
    other = [{"role": "user", "content": "What is the capital of France?"}]
    expected = {0: small.chat(QUESTION, max_tokens=16), 1: small.chat(other, max_tokens=16)}
    results: dict[int, str] = {}

    def run(i: int) -> None:
        results[i] = small.chat([QUESTION, other][i], max_tokens=16)

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


@pytest.mark.integration
def test_concurrent_callers_each_get_their_own_token_counts(small: LlamaCppChatModel) -> None:
    short = [{"role": "user", "content": "Say hi."}]
    long = [{"role": "system", "content": "Answer from this text: " + DOCUMENT * 3}, *QUESTION]
    expected = {0: small.count_prompt_tokens(short), 1: small.count_prompt_tokens(long)}
    assert expected[1] > expected[0] + 100
    both_done = threading.Barrier(2)
    usages: dict[int, Usage] = {}

    def run(i: int) -> None:
        stream = small.stream_chat([short, long][i], max_tokens=4)
        "".join(stream)
        both_done.wait(timeout=300)  # both calls have finished before either reads its counts
        usages[i] = stream.usage

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {i: usage.prompt_tokens for i, usage in usages.items()} == expected
    assert all(0 < usage.completion_tokens <= 4 for usage in usages.values())


@pytest.mark.integration
def test_interleaved_conversations_restore_their_prefix_from_the_ram_cache(small: LlamaCppChatModel) -> None:
    first = [{"role": "system", "content": "Answer from this text: " + DOCUMENT}, *QUESTION]
    other = [{"role": "user", "content": "Say something about the sea."}]
    reply = small.chat(first, max_tokens=8)
    small.chat(other, max_tokens=8)
    follow_up = [*first, {"role": "assistant", "content": reply}, {"role": "user", "content": "Why?"}]
    stream = small.stream_chat(follow_up, max_tokens=8)
    "".join(stream)
    # The first conversation's evaluated prompt was restored, not recomputed.
    assert stream.usage.cached_tokens >= small.count_prompt_tokens(first) - 1


@pytest.mark.integration
@pytest.mark.parametrize(("flash_attn", "tolerance"), [(False, 2e-3), (True, 2e-2)])
def test_yes_probability_reuses_the_document_prefix_without_changing_the_result(
    tmp_path_factory: pytest.TempPathFactory, flash_attn: bool, tolerance: float
) -> None:
    """Within rounding: without flash attention a judgement read after a reused prefix is the
    fresh one to 2e-3; with it (the default) llama.cpp sums the attention otherwise, and
    the two differed by up to 0.013 on the small model."""
    settings = load_settings("test", data_dir=tmp_path_factory.mktemp("data"))
    small = build_llm(settings.with_overrides(**{"llm.flash_attn": flash_attn}))
    assert isinstance(small, LlamaCppChatModel)
    claims = ["Twelve people died in the fire.", "The fire was in Beirut's airport."]
    fresh = [small.yes_probability(_judge(DOCUMENT, c), reuse_prefix=False) for c in claims]
    assert all(0.0 <= p <= 1.0 for p in fresh)
    small.yes_probability(_judge(DOCUMENT, "warm-up claim"))
    reused = []
    for claim in claims:
        judged = small.judge(_judge(DOCUMENT, claim))
        reused.append(judged.probability)
        # Everything up to the claim is shared with the previous judgement.
        assert judged.usage.cached_tokens > small.count_prompt_tokens(_judge(DOCUMENT, "")) * 0.6
    assert reused == pytest.approx(fresh, abs=tolerance)


@pytest.mark.integration
def test_a_damaged_model_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 4096)
    with pytest.raises(LLMUnavailableError, match="broken.gguf"):
        LlamaCppChatModel(bad, name="broken")


@pytest.mark.slow
def test_default_model_judges_a_supported_claim_above_a_contradicted_one(model_cache_dir: Path) -> None:
    settings = load_settings("default", cache_dir=model_cache_dir)
    model = build_llm(settings)
    assert model.name == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    supported = model.yes_probability(_judge(DOCUMENT, "The fire killed 12 people in Tripoli."))
    contradicted = model.yes_probability(_judge(DOCUMENT, "The fire killed 40 people in Beirut's airport."))
    assert supported is not None and contradicted is not None
    assert 0.0 <= contradicted < supported <= 1.0
    assert supported > 0.5
    answer = model.chat(
        [{"role": "user", "content": f"{DOCUMENT}\n\nHow many people died? Answer with a number."}],
        max_tokens=8,
    )
    assert "12" in answer


@pytest.mark.integration
def test_forget_leaves_no_prompt_evaluated(small: LlamaCppChatModel) -> None:
    messages = [{"role": "user", "content": "Name a colour."}]
    small.chat(messages, max_tokens=4)
    again = small.stream_chat(messages, max_tokens=4)
    "".join(again)
    assert again.usage.cached_tokens > 0  # the same prompt is found evaluated
    small.forget()
    after = small.stream_chat(messages, max_tokens=4)
    "".join(after)
    assert after.usage.cached_tokens == 0 and after.usage.prompt_tokens == again.usage.prompt_tokens
