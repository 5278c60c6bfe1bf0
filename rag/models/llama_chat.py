"""The local backend: a GGUF model run in-process by llama.cpp.

The model's private llama-cpp-python internals are reached only through
:mod:`rag.models.llama_private`; the worker thread that lets a stalled reply time out is
:mod:`rag.models.generation`.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Unpack

import numpy as np

from rag.models import heap, llama_private
from rag.models.generation import Generation, timeout_message
from rag.models.llm import (
    ChatModel,
    ChatOptions,
    ChatStream,
    Judgement,
    LLMUnavailableError,
    Message,
    ModelTimeoutError,
    PromptTooLongError,
    Usage,
)
from rag.settings import Settings

CACHE_BYTES = 512 * 1024 * 1024
"""RAM for saved conversation states when none is given (setting ``llm.state_cache_mb``)."""


LOCK_TIMEOUT_S = 600.0
"""How long a call waits for the model while other calls use it."""


def _common_prefix(a: Any, b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class LlamaCppChatModel(ChatModel):
    """A GGUF model run in-process by llama.cpp, using the chat template stored in the file.

    One ``llama_cpp.Llama`` holds one KV cache, so calls are serialised by a lock: concurrent
    callers (UI sessions, evals) queue instead of corrupting each other's context. The
    current context is kept between calls, so a call whose prompt extends the previous one
    (a follow-up question, another claim about the same document) only evaluates the new
    tokens; a RAM cache of saved states does the same for conversations that interleave.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        name: str,
        n_ctx: int = 4096,
        n_threads: int = 2,
        seed: int = 0,
        temperature: float = 0.0,
        max_tokens: int = 256,
        cache_bytes: int = CACHE_BYTES,
        timeout_s: float = 120.0,
        prompt_lookup: int = 0,
        flash_attn: bool = True,
    ) -> None:
        # Lazy: llama_cpp loads its native library on import, which only this backend needs.
        from llama_cpp import LlamaRAMCache
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.name = name
        self.model_path = Path(model_path)
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.seed = seed
        self.timeout_s = timeout_s
        """Longest wait for the first piece of a reply and between pieces (and for a judge call)."""
        self._lock = threading.Lock()
        self._abort = threading.Event()
        heap.return_large_buffers()
        started = time.perf_counter()
        try:
            self._llm = llama_private.load_llama_class()(
                model_path=str(model_path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                seed=seed,
                # Read, not mapped: llama.cpp repacks most weights (q4_K_8x8) into memory of its
                # own, and a mapped file keeps the pages it read them from resident as well.
                # Measured on Qwen2.5-1.5B Q4_K_M, two cores: resident 1.38 GB unmapped against
                # 1.99 GB mapped after a 421-token prompt, the same tokens out, the same speed
                # (157-169 against 165-167 prompt tokens/s), loading 1.1 s against 0.8 s.
                use_mmap=False,
                flash_attn=flash_attn,
                verbose=False,
            )
        except ValueError as exc:  # llama_cpp reports an unreadable model as ValueError
            raise LLMUnavailableError(f"llama.cpp could not load the model file {model_path}: {exc}") from exc
        self.flash_attn = flash_attn
        self.load_seconds = time.perf_counter() - started
        if prompt_lookup > 0:
            llama_private.enable_prompt_lookup(self._llm, prompt_lookup)
        self.context_window = self._llm.n_ctx()
        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise LLMUnavailableError(
                f"The model file {model_path} carries no chat template (tokenizer.chat_template); "
                "use an instruction-tuned GGUF"
            )
        eos = self._llm.token_eos()
        bos = self._llm.token_bos()
        # The same formatter renders prompts for generation and for counting/judging, so the
        # token sequences agree and the KV cache is shared between them.
        self._formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=llama_private.token_text(self._llm, eos) if eos != -1 else "",
            bos_token=llama_private.token_text(self._llm, bos) if bos != -1 else "",
            stop_token_ids=[eos],
        )
        self._llm.chat_handler = self._formatter.to_chat_handler()
        self._cache = LlamaRAMCache(capacity_bytes=cache_bytes)
        self._llm.set_cache(self._cache)
        # Lets llama.cpp stop a decode midway when _abort is set. A prompt is evaluated in one
        # native call per 512-token batch (seconds each on two cores), so checking between
        # tokens alone could not cut off a stuck evaluation. Cost, measured on the small model
        # (64 tokens after a ~260-token prompt, 3 runs each, alternating): 9.8-18.9 s with the
        # callback, 12.0-19.0 s without, so no cost shows above the noise of a shared two-core
        # machine.
        self._abort_callback = llama_private.set_abort_callback(self._llm, self._abort.is_set)

    @classmethod
    def from_settings(cls, settings: Settings) -> LlamaCppChatModel:
        from rag.models.gguf import resolve_model

        model = resolve_model(settings)
        cfg = settings.llm
        return cls(
            model.path,
            name=model.name,
            n_ctx=cfg.n_ctx,
            n_threads=cfg.n_threads,
            seed=cfg.seed,
            temperature=cfg.temperature,
            max_tokens=cfg.max_tokens,
            timeout_s=cfg.request_timeout_s,
            cache_bytes=cfg.state_cache_mb * 1024 * 1024,
            prompt_lookup=cfg.prompt_lookup,
            flash_attn=cfg.flash_attn,
        )

    def _acquire(self) -> None:
        """Wait for the model; other callers hold it one call at a time.

        A plain lock rather than a per-thread one, because a web UI may resume one stream
        from several worker threads. A thread that starts another call while it still holds
        an unfinished stream would wait for itself; the timeout turns that into an error.
        """
        if not self._lock.acquire(timeout=LOCK_TIMEOUT_S):
            raise RuntimeError(
                f"The chat model {self.name} stayed busy for {LOCK_TIMEOUT_S:.0f} s; a reply stream "
                "that is never consumed or closed holds it (close streams you abandon)"
            )

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the model for one call (see :meth:`_acquire`)."""
        self._acquire()
        try:
            yield
        finally:
            self._lock.release()

    def forget(self) -> None:
        """Drop every evaluated prompt (the context and the saved states), as a fresh process would
        start: benchmarks call it so one group of questions does not find another's prompts cached."""
        with self._exclusive():
            self._llm.reset()
            self._cache = type(self._cache)(capacity_bytes=self._cache.capacity_bytes)
            self._llm.set_cache(self._cache)

    def restore_prefix(self, prompts: list[list[Message]], folder: Path) -> int:
        """Have the tokens that open every one of ``prompts`` evaluated, from a saved state when one
        was saved for them, else by evaluating them and saving the state in ``folder``; returns
        how many tokens are now evaluated.

        The answer prompt opens with the same ~170 tokens of instructions every time. A running
        server evaluates them once, but a fresh ``rag ask`` process paid ~1.7 s on two cores for them
        before the question; reading their saved state (~5 MB) takes milliseconds. The file is named
        by a hash of the model file, the context size, the llama.cpp release and the tokens, so a
        state is never read into another model; one that llama.cpp refuses is evaluated again.
        """
        import hashlib

        import llama_cpp

        token_lists = [self.prompt_tokens(messages) for messages in prompts]
        tokens = token_lists[0][: min(_common_prefix(token_lists[0], t) for t in token_lists[1:])]
        if not tokens:
            return 0
        stat = self.model_path.stat()
        key = hashlib.sha256(
            json.dumps(
                [
                    self.model_path.name,
                    stat.st_size,
                    self.context_window,
                    llama_cpp.__version__,
                    self.flash_attn,
                    tokens,
                ]
            ).encode()
        ).hexdigest()[:32]
        path = folder / f"prefix-{key}.state"
        with self._exclusive():
            llm = self._llm
            if _common_prefix(llama_private.evaluated_tokens(llm), tokens) == len(tokens):
                return len(tokens)
            if path.is_file() and llama_private.load_tokens_state(llm, tokens, path.read_bytes()):
                return len(tokens)
            llm.reset()
            llm.eval(tokens)
            folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}")
            partial.write_bytes(llama_private.state_bytes(llm))
            partial.replace(path)
            return len(tokens)

    # -- prompts ---------------------------------------------------------------------
    def prompt_tokens(self, messages: list[Message]) -> list[int]:
        """The token sequence the model evaluates for ``messages``, assistant turn opened."""
        result = self._formatter(messages=messages)
        return self._llm.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        return len(self.prompt_tokens(messages))

    def _fitting_prompt(self, messages: list[Message], too_long: str) -> list[int]:
        """The prompt's tokens; :class:`PromptTooLongError` (``too_long`` formatted with the
        count and the context) when they leave no room for a reply."""
        tokens = self.prompt_tokens(messages)
        if len(tokens) >= self.context_window:
            raise PromptTooLongError(too_long.format(n=len(tokens), n_ctx=self.context_window))
        return tokens

    def _saved_state(self, tokens: list[int]) -> tuple[Any, int]:
        """The RAM cache's state for the longest saved prefix of ``tokens``, and how many
        tokens of it match (None, 0 when nothing is saved)."""
        try:
            state = self._cache[tokens]
        except KeyError:
            return None, 0
        return state, _common_prefix(state.input_ids[: state.n_tokens], tokens)

    def _reusable_prefix(self, tokens: list[int]) -> int:
        best = _common_prefix(llama_private.evaluated_tokens(self._llm), tokens)
        return max(best, self._saved_state(tokens)[1])

    # -- generation ------------------------------------------------------------------
    def stream_chat(self, messages: list[Message], **options: Unpack[ChatOptions]) -> ChatStream:
        """Reply pieces; the model stays locked until the stream is exhausted or closed.

        llama.cpp runs in a worker thread so that waiting for a piece can time out
        (:class:`ModelTimeoutError` after ``timeout_s`` without one, first piece included);
        the stuck decode is then aborted and the model reset for the next call.
        """
        usage = Usage()
        return ChatStream(self._generate(messages, options, usage), usage)

    def _generate(
        self, messages: list[Message], options: ChatOptions, usage: Usage
    ) -> Generator[str, None, None]:
        called = time.perf_counter()
        self._acquire()
        started = time.perf_counter()
        usage.queued_s = started - called
        worker: Generation | None = None
        try:
            tokens = self._fitting_prompt(
                messages,
                "The question and its passages need {n} tokens, more than the model's context of "
                "{n_ctx} (setting llm.n_ctx); ask a shorter question or lower retrieval.context_tokens",
            )
            budget = self.context_window - len(tokens)
            max_tokens, temperature = options.get("max_tokens"), options.get("temperature")
            wanted = max_tokens if max_tokens is not None else self.max_tokens
            usage.prompt_tokens = len(tokens)
            usage.cached_tokens = self._reusable_prefix(tokens)
            stream = self._llm.create_chat_completion(
                messages=messages,
                stream=True,
                max_tokens=min(wanted, budget),
                stop=options.get("stop") or None,
                temperature=self.temperature if temperature is None else temperature,
                seed=self.seed,
            )
            worker = Generation(stream, self._abort)
            pieces: list[str] = []
            try:
                for piece in worker.pieces(self.timeout_s):
                    if usage.first_piece_s is None:
                        usage.first_piece_s = time.perf_counter() - started
                    pieces.append(piece)
                    yield piece
            except queue.Empty:
                raise ModelTimeoutError(timeout_message(self.name, self.timeout_s)) from None
            finally:
                worker.stop()
                if not worker.running:
                    text = "".join(pieces)
                    # Streamed chunks carry no usage; re-tokenising the reply matches the sampled
                    # tokens except in rare merges across piece boundaries.
                    usage.completion_tokens = len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))
                usage.total_s = time.perf_counter() - started
        finally:
            self._release_after(worker)

    def _release_after(self, worker: Generation | None) -> None:
        """Free the model for the next call once llama.cpp has left it.

        After an abort the KV cache may hold a half-evaluated batch, so the context is reset
        (the next call evaluates its prompt whole). A worker still inside llama.cpp after the
        grace period keeps the model locked and frees it when it leaves.
        """
        if worker is None or not worker.aborted:
            self._lock.release()
            return

        def free() -> None:
            self._llm.reset()
            self._abort.clear()
            self._lock.release()

        if worker.running:
            worker.when_done(free)
        else:
            free()

    # -- judging ---------------------------------------------------------------------
    def _first_token(self, word: str) -> int:
        tokens = self._llm.tokenize(word.encode("utf-8"), add_bos=False, special=False)
        if not tokens:
            raise ValueError(f"{word!r} tokenizes to nothing")
        return tokens[0]

    def yes_probability(
        self, messages: list[Message], yes: str = "Yes", no: str = "No", *, reuse_prefix: bool = True
    ) -> float:
        """p(yes) normalised over yes+no (see :meth:`judge`)."""
        return self.judge(messages, yes, no, reuse_prefix=reuse_prefix).probability

    def judge(
        self, messages: list[Message], yes: str = "Yes", no: str = "No", *, reuse_prefix: bool = True
    ) -> Judgement:
        """p(yes) normalised over yes+no from the logits right after the opened assistant turn,
        with the call's usage.

        Only the tokens after the longest prefix shared with the previous evaluation (or a
        saved state) are evaluated, so judging many claims against one document pays for
        the document once. ``reuse_prefix=False`` evaluates everything (for measurements).
        """
        yes_id, no_id = self._first_token(yes), self._first_token(no)
        if yes_id == no_id:
            raise ValueError(f"{yes!r} and {no!r} start with the same token; pick distinct answers")
        called = time.perf_counter()
        with self._exclusive():
            started = time.perf_counter()
            llm = self._llm
            tokens = self._fitting_prompt(
                messages,
                "The judge prompt has {n} tokens, more than the model's context of {n_ctx} "
                "(setting llm.n_ctx)",
            )
            keep = 0
            if reuse_prefix:
                keep = _common_prefix(llama_private.evaluated_tokens(llm), tokens)
                state, saved = self._saved_state(tokens)
                if saved > keep:
                    llm.load_state(state)
                    keep = saved
                # The logits of the last prompt token are needed, so it is always evaluated.
                keep = min(keep, len(tokens) - 1)
            if not (keep > 0 and llama_private.keep_prefix(llm, keep)):
                keep = 0
                llm.reset()
            timer = threading.Timer(self.timeout_s, self._abort.set)
            timer.start()
            try:
                llm.eval(tokens[keep:])
            except RuntimeError:
                if not self._abort.is_set():
                    raise
                llm.reset()
                raise ModelTimeoutError(timeout_message(self.name, self.timeout_s)) from None
            finally:
                timer.cancel()
                self._abort.clear()
            logits = llama_private.last_logits(llm)
            pair = np.array([logits[yes_id], logits[no_id]], dtype=np.float64)
            elapsed = time.perf_counter() - started
        pair -= pair.max()
        weights = np.exp(pair)
        usage = Usage(
            prompt_tokens=len(tokens),
            cached_tokens=keep,
            queued_s=started - called,
            first_piece_s=elapsed,
            total_s=elapsed,
        )
        return Judgement(float(weights[0] / weights.sum()), usage)
