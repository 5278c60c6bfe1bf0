"""Every use of llama-cpp-python's private internals, each with the reason it is needed.

Checked against llama-cpp-python 0.3.36 (pinned in pyproject.toml). The names below are not
part of its public API and may move or be renamed in any release; ``tests/rag/models/
test_llama_private.py`` loads the small model and fails if one of them is gone, so an upgrade
shows here rather than as an AttributeError in the middle of an answer. Where a public
equivalent exists (``Llama.ctx`` for the native context pointer, ``Llama.input_ids`` and
``Llama.n_tokens`` for the evaluated tokens) it is used instead.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import numpy as np

CHECKED_VERSION = "0.3.36"
"""The llama-cpp-python release these accesses were checked against."""


class _KeepStreams:
    """Stands in for llama-cpp-python's ``suppress_stdout_stderr``.

    With ``verbose=False`` that context manager points file descriptors 1 and 2 at /dev/null and
    swaps ``sys.stdout``/``sys.stderr`` for the whole process while a model loads. ``rag ask``
    loads the model in a thread while the main thread opens the index and starts printing: the
    answer was written to /dev/null and the command printed nothing (exit 0). llama.cpp's own
    messages go through its log callback instead, which :func:`keep_streams` silences.
    """

    def __init__(self, disable: bool = True) -> None:
        self.disable = disable

    def __enter__(self) -> _KeepStreams:
        return self

    def __exit__(self, *_: object) -> None:
        return None


_SILENT_LOG: Any = None
"""The log callback handed to llama.cpp, kept alive here (ctypes does not keep it)."""


def keep_streams() -> None:
    """Replace llama-cpp-python's process-wide output redirection (see :class:`_KeepStreams`) and
    silence llama.cpp's log instead. Its stock callback prints errors to stderr, and loading
    Qwen logs one ("control-looking token ... probably a bug in the model") that a reader of
    ``rag ask`` would take for a failure; a model that cannot load raises, with its reason."""
    global _SILENT_LOG
    import llama_cpp
    import llama_cpp._internals
    import llama_cpp.llama
    import llama_cpp.llama_chat_format

    for module in (llama_cpp._internals, llama_cpp.llama, llama_cpp.llama_chat_format):
        module.suppress_stdout_stderr = _KeepStreams  # type: ignore[attr-defined]
    if _SILENT_LOG is None:
        _SILENT_LOG = llama_cpp.llama_log_callback(lambda level, text, user_data: None)
        llama_cpp.llama_log_set(_SILENT_LOG, ctypes.c_void_p(0))


def load_llama_class() -> type:
    """Import llama_cpp lazily (it loads a native library) and extend its state saving."""
    import llama_cpp
    from llama_cpp import Llama

    keep_streams()

    # ``LlamaState`` is not exported at the package top level; ``save_state`` must return one
    # for ``load_state`` and ``LlamaRAMCache`` to accept it.
    from llama_cpp.llama import LlamaState

    class CompactStateLlama(Llama):
        """``Llama`` whose saved and restored states leave out the logits buffer.

        The stock ``save_state`` copies ``n_tokens x n_vocab`` floats of scores with every
        state: ~180 MB and ~0.4 s for a 300-token Qwen prompt after every completion. With
        ``logits_all=False`` those scores are never read back (sampling reads the context's
        own logits and a restored state is always re-decoded from at least one token), so
        one zero row stands in for them, and ``load_state`` does not write them back either.
        """

        def save_state(self) -> LlamaState:
            size = llama_cpp.llama_state_get_size(self.ctx)
            buffer = (ctypes.c_uint8 * int(size))()
            n_bytes = llama_cpp.llama_state_get_data(self.ctx, buffer, size)
            if int(n_bytes) > int(size):
                raise RuntimeError("Failed to copy llama state data")
            return LlamaState(
                scores=np.zeros((1, self.n_vocab()), dtype=np.single),
                input_ids=self.input_ids.copy(),
                n_tokens=self.n_tokens,
                llama_state=ctypes.string_at(buffer, int(n_bytes)),  # one copy, not two
                llama_state_size=int(n_bytes),
                # Private: the stock save_state stores the sampling seed too, and load_state
                # puts it back; there is no public getter.
                seed=self._seed,
            )

        def load_state(self, state: LlamaState) -> None:
            """The stock ``load_state`` without its scores copy.

            The stock one broadcasts the saved row into the first ``n_tokens`` rows of the
            ``n_batch x n_vocab`` scores array, touching up to 311 MB for Qwen (512 x 151,936
            floats) on the first restore, resident for the life of the process, plus a
            77 MB comparison array on each restore; with ``logits_all=False`` nothing reads
            those rows.
            """
            self.input_ids = state.input_ids.copy()
            self.n_tokens = state.n_tokens
            # Private: a restored state must be decoded again before sampling, as the stock
            # load_state marks it.
            self._requires_eval = True
            self._seed = state.seed
            saved = (ctypes.c_uint8 * state.llama_state_size).from_buffer_copy(state.llama_state)
            if (
                llama_cpp.llama_state_set_data(self.ctx, saved, state.llama_state_size)
                != state.llama_state_size
            ):
                raise RuntimeError("Failed to set llama state data")

        def eval(self, tokens: Any) -> None:
            """The stock ``eval``, except that a short batch during prompt-lookup decoding gets the
            logits of every position.

            The sampler checks each guessed token against the logits of the position before it,
            which the stock code provides only with ``logits_all=True``: that computes and copies
            the logits of every prompt token too (151,936 floats per token for Qwen: ~18 % more
            work per prompt token and an ``n_ctx x n_vocab`` array of 2.5 GB). Here only batches
            of at most ``lookup_batch`` tokens (the sampled token and its guesses) get them, read
            in place by the sampler through the private ``Llama._ctx`` and ``Llama._batch``;
            a prompt is evaluated by the stock code with the last position's logits only.
            """
            batch = getattr(self, "lookup_batch", 0)
            if self.draft_model is None or len(tokens) > batch or len(tokens) > self.n_batch:
                super().eval(tokens)
                return
            self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
            n_past = self.n_tokens
            self._batch.set_batch(batch=tokens, n_past=n_past, logits_all=True)
            self._ctx.decode(self._batch)
            self.input_ids[n_past : n_past + len(tokens)] = tokens
            self.n_tokens += len(tokens)
            self._requires_eval = False

    return CompactStateLlama


def state_bytes(llm: Any) -> bytes:
    """The context's state (its KV cache for the evaluated tokens) as bytes, for a file."""
    import llama_cpp

    size = llama_cpp.llama_state_get_size(llm.ctx)
    buffer = (ctypes.c_uint8 * int(size))()
    written = llama_cpp.llama_state_get_data(llm.ctx, buffer, size)
    return ctypes.string_at(buffer, int(written))


def load_tokens_state(llm: Any, tokens: list[int], data: bytes) -> bool:
    """Put back a state saved by :func:`state_bytes` after evaluating ``tokens``; False (and the
    context reset) when llama.cpp does not take it.

    ``Llama.load_state`` wants a ``LlamaState`` with scores and a seed; a state read from a file has
    neither, so the native call is made here and the evaluated tokens are set to match, as the
    stock ``load_state`` does (through the private ``Llama._requires_eval``).
    """
    import llama_cpp

    saved = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    if llama_cpp.llama_state_set_data(llm.ctx, saved, len(data)) != len(data):
        llm.reset()
        return False
    llm.input_ids[: len(tokens)] = tokens
    llm.n_tokens = len(tokens)
    llm._requires_eval = True
    return True


def enable_prompt_lookup(llm: Any, guesses: int) -> None:
    """Prompt-lookup decoding: each step guesses the next ``guesses`` tokens by finding the last
    two tokens earlier in the prompt and copying what followed them, and keeps the guesses the
    model agrees with (llama-cpp-python's ``LlamaPromptLookupDecoding``). With greedy sampling
    the reply is the one plain decoding writes.

    Set after loading rather than through ``Llama(draft_model=...)``, which would switch on
    ``logits_all`` for every prompt token (see ``CompactStateLlama.eval``).
    """
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    llm.draft_model = LlamaPromptLookupDecoding(num_pred_tokens=guesses)
    llm.lookup_batch = guesses + 1


def evaluated_tokens(llm: Any) -> Any:
    """The tokens whose evaluation the context holds now (public fields; the same slice as the
    private ``Llama._input_ids``)."""
    return llm.input_ids[: llm.n_tokens]


def keep_prefix(llm: Any, keep: int) -> bool:
    """Drop the KV cache after the first ``keep`` tokens so the next ``eval`` continues there.

    ``Llama.eval`` appends at ``n_tokens`` and has no public way to rewind, so the cache is
    trimmed through the private context wrapper (``Llama._ctx``, ``LlamaContext.kv_cache_seq_rm``)
    and ``n_tokens`` set to match. False (nothing changed) when llama.cpp cannot trim.
    """
    if llm._ctx.kv_cache_seq_rm(-1, keep, -1):
        llm.n_tokens = keep
        return True
    return False


def last_logits(llm: Any) -> np.ndarray:
    """Next-token logits after the last evaluated token, read in place.

    ``Llama.scores`` holds them only with ``logits_all=True`` (n_ctx x n_vocab floats), so they
    are read from the context through the private wrapper (``Llama._ctx.get_logits_ith``).
    """
    return np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(llm.n_vocab(),))


def token_text(llm: Any, token: int) -> str:
    """A special token's text (BOS/EOS for the chat template).

    Through the private model wrapper (``Llama._model.token_get_text``): ``Llama.detokenize``
    drops special tokens' text.
    """
    return llm._model.token_get_text(token)


def set_abort_callback(llm: Any, should_abort: Callable[[], bool]) -> Any:
    """Have llama.cpp call ``should_abort`` during a decode and stop it midway when True.

    llama-cpp-python binds the callback type (``ggml_abort_callback``) but not the setter, so
    the setter is taken from the loaded native library (private ``llama_cpp.llama_cpp._lib``).
    Returns the callback object, which the caller must keep alive while the model is in use.
    """
    import llama_cpp

    setter = llama_cpp.llama_cpp._lib.llama_set_abort_callback
    setter.argtypes = [ctypes.c_void_p, llama_cpp.ggml_abort_callback, ctypes.c_void_p]
    setter.restype = None
    callback = llama_cpp.ggml_abort_callback(lambda _data: should_abort())
    setter(llm.ctx, callback, None)
    return callback
