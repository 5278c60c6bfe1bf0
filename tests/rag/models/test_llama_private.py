"""The llama-cpp-python internals :mod:`rag.models.llama_private` relies on are still there.

They are private, so a llama-cpp-python upgrade may move or rename them without notice; these
tests check each one on the real small model, so such an upgrade fails here, by name.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import llama_cpp
import numpy as np
import pytest
from llama_cpp.llama import LlamaState

from rag.models import llama_private
from rag.models.llama_chat import LlamaCppChatModel

pytestmark = pytest.mark.integration

HELLO = [{"role": "user", "content": "Say hi."}]


def test_the_installed_release_is_the_one_checked() -> None:
    assert llama_cpp.__version__ == llama_private.CHECKED_VERSION, (
        "llama-cpp-python changed: re-check every access in rag/models/llama_private.py against the "
        "new release (these tests help), then update CHECKED_VERSION"
    )


def test_the_private_names_exist(small: LlamaCppChatModel) -> None:
    llm = small._llm
    assert callable(llm._ctx.kv_cache_seq_rm)
    assert callable(llm._ctx.get_logits_ith)
    assert callable(llm._model.token_get_text)
    assert isinstance(llm._seed, int)
    assert isinstance(llm._requires_eval, bool)
    assert llm.ctx is not None and llm.ctx == llm._ctx.ctx
    assert callable(llama_cpp.llama_cpp._lib.llama_set_abort_callback)
    assert llama_cpp.ggml_abort_callback is not None
    fields = set(inspect.signature(LlamaState.__init__).parameters) - {"self"}
    assert fields == {"input_ids", "scores", "n_tokens", "llama_state", "llama_state_size", "seed"}


def test_the_helpers_work_on_the_loaded_model(small: LlamaCppChatModel) -> None:
    llm = small._llm
    tokens = small.prompt_tokens(HELLO)
    with small._exclusive():
        llm.reset()
        llm.eval(tokens)
        assert [int(t) for t in llama_private.evaluated_tokens(llm)] == tokens
        logits = llama_private.last_logits(llm)
        assert logits.shape == (llm.n_vocab(),) and np.isfinite(logits).all()
        state = llm.save_state()
        assert state.scores.shape == (1, llm.n_vocab()) and state.n_tokens == len(tokens)
        assert llama_private.keep_prefix(llm, 3) and llm.n_tokens == 3
        llm.load_state(state)
        assert llm.n_tokens == len(tokens)
        # The restored context gives the same next-token logits as the original evaluation.
        assert llama_private.keep_prefix(llm, len(tokens) - 1)
        llm.eval(tokens[-1:])
        assert np.allclose(llama_private.last_logits(llm), logits, atol=1e-3)
    # SmolLM2's ChatML markers, as the chat template needs them.
    assert llama_private.token_text(llm, llm.token_eos()) == "<|im_end|>"
    assert llama_private.token_text(llm, llm.token_bos()) == "<|im_start|>"


COPY = [
    {
        "role": "user",
        "content": (
            "Source: Twelve government soldiers and 20 IS fighters were killed in Deir al-Zour on "
            "Saturday, the Syrian Observatory for Human Rights said.\n"
            "Repeat the source sentence exactly."
        ),
    }
]


def test_prompt_lookup_writes_what_plain_decoding_writes_and_spares_the_prompt_its_logits(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Greedy decoding with guessed tokens keeps only the guesses the model would have written, so the
    reply is the plain one; the prompt is evaluated without the logits of every position."""
    from rag.models.backends import build_llm
    from rag.settings import load_settings

    settings = load_settings("test", data_dir=tmp_path_factory.mktemp("data"))
    plain = build_llm(settings)
    guessing = build_llm(settings.with_overrides(**{"llm.prompt_lookup": 8}))
    assert isinstance(plain, LlamaCppChatModel) and isinstance(guessing, LlamaCppChatModel)
    assert plain._llm.draft_model is None and guessing._llm.draft_model is not None
    assert guessing._llm._logits_all is False  # no n_ctx x n_vocab array, no logits per prompt token
    expected = plain.chat(COPY, max_tokens=40, temperature=0.0)
    written = guessing.chat(COPY, max_tokens=40, temperature=0.0)
    assert written == expected and "20 IS fighters" in written
    # A second question on the same model: the guesses of the first left nothing behind.
    assert guessing.chat(HELLO, max_tokens=12, temperature=0.0) == plain.chat(
        HELLO, max_tokens=12, temperature=0.0
    )


def test_a_saved_prefix_state_is_read_back_by_a_fresh_model(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """The tokens two prompts share are evaluated once and saved; a new process's model reads them
    back instead of evaluating them, and then writes what a model that evaluated them writes."""
    from rag.models.backends import build_llm
    from rag.settings import load_settings

    settings = load_settings("test", data_dir=tmp_path_factory.mktemp("data"))
    system = {"role": "system", "content": "You answer questions about news in one sentence."}
    openings = [[system, {"role": "user", "content": q}] for q in ("When?", "Who?")]
    question = [system, {"role": "user", "content": "Say the word 'archive'."}]
    first = build_llm(settings)
    assert isinstance(first, LlamaCppChatModel)
    evaluated = first.restore_prefix(openings, tmp_path)
    (saved,) = tmp_path.glob("prefix-*.state")
    assert evaluated > 5 and saved.stat().st_size > 0
    expected = first.chat(question, max_tokens=12, temperature=0.0)
    fresh = build_llm(settings)
    assert isinstance(fresh, LlamaCppChatModel)
    assert fresh.restore_prefix(openings, tmp_path) == evaluated
    assert fresh._llm.n_tokens == evaluated and list(tmp_path.glob("prefix-*.state")) == [saved]
    stream = fresh.stream_chat(question, max_tokens=12, temperature=0.0)
    assert "".join(stream) == expected
    assert stream.usage.cached_tokens >= evaluated - 1  # only the question's own tokens were evaluated
    # A state llama.cpp does not take (here: cut short) is evaluated again and saved anew.
    saved.write_bytes(saved.read_bytes()[:100])
    other = build_llm(settings)
    assert isinstance(other, LlamaCppChatModel)
    assert other.restore_prefix(openings, tmp_path) == evaluated
    assert saved.stat().st_size > 100


def test_a_model_with_flash_attention_keeps_prefix_states_of_its_own(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """Flash attention lays out the attention cache differently, so a state saved without it is
    never read into a model with it: each saves its own file, and both then answer from it."""
    from rag.models.backends import build_llm
    from rag.settings import load_settings

    settings = load_settings("test", data_dir=tmp_path_factory.mktemp("data"))
    system = {"role": "system", "content": "You answer questions about news in one sentence."}
    openings = [[system, {"role": "user", "content": q}] for q in ("When?", "Who?")]
    question = [system, {"role": "user", "content": "Say the word 'archive'."}]
    plain = build_llm(settings.with_overrides(**{"llm.flash_attn": False}))
    assert isinstance(plain, LlamaCppChatModel) and not plain.flash_attn
    evaluated = plain.restore_prefix(openings, tmp_path)
    (saved,) = tmp_path.glob("prefix-*.state")
    flash = build_llm(settings.with_overrides(**{"llm.flash_attn": True}))
    assert isinstance(flash, LlamaCppChatModel) and flash.flash_attn
    assert flash.restore_prefix(openings, tmp_path) == evaluated
    assert len(list(tmp_path.glob("prefix-*.state"))) == 2 and saved.exists()
    stream = flash.stream_chat(question, max_tokens=12, temperature=0.0)
    assert "".join(stream).strip()
    assert stream.usage.cached_tokens >= evaluated - 1


LOAD_WHILE_PRINTING = """
import sys, threading
from rag.models.backends import build_llm
from rag.settings import load_settings

settings = load_settings("test", data_dir=sys.argv[1])
loader = threading.Thread(target=build_llm, args=(settings,))
loader.start()
printed = 0
while loader.is_alive() or printed < 50:
    print(f"line {printed}", flush=True)
    print(f"note {printed}", file=sys.stderr, flush=True)
    printed += 1
loader.join()
print(f"printed {printed}", flush=True)
"""


def test_a_model_loading_in_a_thread_leaves_the_other_threads_output_alone(
    tmp_path: Path, model_cache_dir: Path
) -> None:
    """``rag ask`` loads the model in a thread while its main thread prints; llama-cpp-python's
    stock loader sent the whole process's stdout and stderr to /dev/null meanwhile, and the
    answer printed nothing. Every line written during the load must arrive."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "RAG_CACHE_DIR": str(model_cache_dir)}
    done = subprocess.run(
        [sys.executable, "-c", LOAD_WHILE_PRINTING, str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    printed = int(lines[-1].removeprefix("printed "))
    assert lines[:-1] == [f"line {n}" for n in range(printed)]
    assert [line for line in done.stderr.splitlines() if line.startswith("note")] == [
        f"note {n}" for n in range(printed)
    ]
    assert not [line for line in done.stderr.splitlines() if not line.startswith("note")], done.stderr[:500]
