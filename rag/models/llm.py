"""The chat model every feature talks to, behind one small protocol.

Backends: llama.cpp running a verified local GGUF ("local": Qwen2.5-Coder-1.5B, "small":
SmolLM2-135M for plumbing tests) and any OpenAI-compatible server ("openai").

Why not llama-index's ``LlamaCPP``: it formats chats with a generic template instead of
the one stored in the GGUF, and it offers no way to read next-token probabilities, which
the faithfulness judge (:meth:`ChatModel.yes_probability`) needs. llama-index engines use
these models through :mod:`rag.models.llama_index_llm`.
"""

from __future__ import annotations

import ctypes
import json
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from rag.settings import Settings

Message = dict[str, str]

CACHE_BYTES = 512 * 1024 * 1024
"""RAM for saved conversation states. A Qwen-1.5B KV state costs ~28 KB per token
(~30 MB for a 1,000-token conversation), so this keeps a dozen or more conversations."""


LOCK_TIMEOUT_S = 600.0
"""How long a call waits for the model while other calls use it."""


ABORT_GRACE_S = 10.0
"""How long a stopped generation may take to leave llama.cpp before the caller moves on
(an aborted decode returns within one graph node, milliseconds)."""


class LLMUnavailableError(RuntimeError):
    """The configured chat model cannot be reached or loaded."""


class ModelTimeoutError(RuntimeError):
    """The chat model produced nothing for ``llm.request_timeout_s``; the call was stopped."""


class PromptTooLongError(ValueError):
    """The prompt does not fit the model's context; the message says what to shorten."""


def timeout_message(name: str, timeout_s: float) -> str:
    return (
        f"The chat model {name} produced nothing for {timeout_s:.0f} s, so the answer was stopped "
        "(limit: RAG_LLM__REQUEST_TIMEOUT_S). Ask again; if it happens again the machine is "
        "overloaded or the model file is damaged (delete it from the cache folder to rebuild it)."
    )


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    """Prompt tokens whose evaluation was re-used from an earlier call (0 when unknown)."""


@runtime_checkable
class ChatModel(Protocol):
    """What the product needs from a chat model."""

    name: str
    context_window: int
    last_usage: Usage

    def stream_chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        temperature: float | None = None,
    ) -> Iterator[str]:
        """Pieces of the assistant's reply as they are generated."""
        ...

    def chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        temperature: float | None = None,
    ) -> str:
        """The whole reply; backends that subclass this protocol share this one way of joining it."""
        return "".join(self.stream_chat(messages, max_tokens=max_tokens, stop=stop, temperature=temperature))

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        """Tokens the model will read for ``messages`` (exact for local backends)."""
        ...

    def yes_probability(self, messages: list[Message], yes: str = "Yes", no: str = "No") -> float | None:
        """p(yes) / (p(yes) + p(no)) for the first token of the reply; None if the backend hides logits."""
        ...


def _common_prefix(a: Any, b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _load_llama_class() -> type:
    """Import llama_cpp lazily (it loads a native library) and extend its state saving."""
    import ctypes

    import llama_cpp
    from llama_cpp import Llama
    from llama_cpp.llama import LlamaState

    class CompactStateLlama(Llama):
        """``Llama`` whose saved states leave out the logits buffer.

        The stock ``save_state`` copies ``n_tokens x n_vocab`` floats of scores with every
        state: ~180 MB and ~0.4 s for a 300-token Qwen prompt after every completion. With
        ``logits_all=False`` those scores are never read back (sampling reads the context's
        own logits and a restored state is always re-decoded from at least one token), so
        one zero row, broadcast by ``load_state``, stands in for them.
        """

        def save_state(self) -> LlamaState:
            size = llama_cpp.llama_state_get_size(self._ctx.ctx)
            buffer = (ctypes.c_uint8 * int(size))()
            n_bytes = llama_cpp.llama_state_get_data(self._ctx.ctx, buffer, size)
            if int(n_bytes) > int(size):
                raise RuntimeError("Failed to copy llama state data")
            return LlamaState(
                scores=np.zeros((1, self.n_vocab()), dtype=np.single),
                input_ids=self.input_ids.copy(),
                n_tokens=self.n_tokens,
                llama_state=bytes(buffer)[: int(n_bytes)],
                llama_state_size=int(n_bytes),
                seed=self._seed,
            )

    return CompactStateLlama


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
    ) -> None:
        from llama_cpp import LlamaRAMCache
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.name = name
        self.model_path = Path(model_path)
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.seed = seed
        self.timeout_s = timeout_s
        """Longest wait for the first piece of a reply and between pieces (and for a judge call)."""
        self.last_usage = Usage()
        self._lock = threading.Lock()
        self._abort = threading.Event()
        started = time.perf_counter()
        try:
            self._llm = _load_llama_class()(
                model_path=str(model_path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                seed=seed,
                verbose=False,
            )
        except ValueError as exc:  # llama_cpp reports an unreadable model as ValueError
            raise LLMUnavailableError(f"llama.cpp could not load the model file {model_path}: {exc}") from exc
        self.load_seconds = time.perf_counter() - started
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
            eos_token=self._llm._model.token_get_text(eos) if eos != -1 else "",
            bos_token=self._llm._model.token_get_text(bos) if bos != -1 else "",
            stop_token_ids=[eos],
        )
        self._llm.chat_handler = self._formatter.to_chat_handler()
        self._cache = LlamaRAMCache(capacity_bytes=cache_bytes)
        self._llm.set_cache(self._cache)
        self._install_abort_callback()

    def _install_abort_callback(self) -> None:
        """Let llama.cpp stop a decode midway when :attr:`_abort` is set.

        A prompt is evaluated in one native call per 512-token batch (seconds each on two
        cores), so checking between tokens alone could not cut off a stuck evaluation.
        llama-cpp-python binds the callback type but not the setter, so the setter is taken
        from the loaded library. Cost, measured on the small model (64 tokens after a ~260-token
        prompt, 3 runs each, alternating): 9.8-18.9 s with the callback, 12.0-19.0 s without, so
        no cost shows above the noise of a shared two-core machine.
        """
        import llama_cpp

        setter = llama_cpp.llama_cpp._lib.llama_set_abort_callback
        setter.argtypes = [ctypes.c_void_p, llama_cpp.ggml_abort_callback, ctypes.c_void_p]
        setter.restype = None
        abort = self._abort
        self._abort_callback = llama_cpp.ggml_abort_callback(lambda _data: abort.is_set())
        setter(self._llm._ctx.ctx, self._abort_callback, None)

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
        )

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the model for one call; other callers wait their turn.

        A plain lock rather than a per-thread one, because a web UI may resume one stream
        from several worker threads. A thread that starts another call while it still holds
        an unfinished stream would wait for itself; the timeout turns that into an error.
        """
        if not self._lock.acquire(timeout=LOCK_TIMEOUT_S):
            raise RuntimeError(
                f"The chat model {self.name} stayed busy for {LOCK_TIMEOUT_S:.0f} s; a reply stream "
                "that is never consumed or closed holds it (close streams you abandon)"
            )
        try:
            yield
        finally:
            self._lock.release()

    # -- prompts ---------------------------------------------------------------------
    def prompt_tokens(self, messages: list[Message]) -> list[int]:
        """The token sequence the model evaluates for ``messages``, assistant turn opened."""
        result = self._formatter(messages=messages)
        return self._llm.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        return len(self.prompt_tokens(messages))

    def _reusable_prefix(self, tokens: list[int]) -> int:
        best = _common_prefix(self._llm._input_ids, tokens)
        try:
            state = self._cache[tokens]
        except KeyError:
            return best
        return max(best, _common_prefix(state.input_ids[: state.n_tokens], tokens))

    # -- generation ------------------------------------------------------------------
    def stream_chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        temperature: float | None = None,
    ) -> Iterator[str]:
        """Yield reply pieces; the model stays locked until the iterator is exhausted or closed.

        llama.cpp runs in a worker thread so that waiting for a piece can time out
        (:class:`ModelTimeoutError` after ``timeout_s`` without one, first piece included);
        the stuck decode is then aborted and the model reset for the next call.
        """
        if not self._lock.acquire(timeout=LOCK_TIMEOUT_S):
            raise RuntimeError(
                f"The chat model {self.name} stayed busy for {LOCK_TIMEOUT_S:.0f} s; a reply stream "
                "that is never consumed or closed holds it (close streams you abandon)"
            )
        worker: _Generation | None = None
        try:
            tokens = self.prompt_tokens(messages)
            if len(tokens) >= self.context_window:
                raise PromptTooLongError(
                    f"The question and its passages need {len(tokens)} tokens, more than the model's "
                    f"context of {self.context_window} (setting llm.n_ctx); ask a shorter question "
                    "or lower retrieval.context_tokens"
                )
            budget = self.context_window - len(tokens)
            wanted = max_tokens if max_tokens is not None else self.max_tokens
            usage = Usage(prompt_tokens=len(tokens), cached_tokens=self._reusable_prefix(tokens))
            self.last_usage = usage
            stream = self._llm.create_chat_completion(
                messages=messages,
                stream=True,
                max_tokens=min(wanted, budget),
                stop=stop or None,
                temperature=self.temperature if temperature is None else temperature,
                seed=self.seed,
            )
            worker = _Generation(stream, self._abort)
            pieces: list[str] = []
            try:
                for piece in worker.pieces(self.timeout_s):
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
        finally:
            self._release_after(worker)

    def _release_after(self, worker: _Generation | None) -> None:
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
        """p(yes) normalised over yes+no from the logits right after the opened assistant turn.

        Only the tokens after the longest prefix shared with the previous evaluation (or a
        saved state) are evaluated, so judging many claims against one document pays for
        the document once. ``reuse_prefix=False`` evaluates everything (for measurements).
        """
        yes_id, no_id = self._first_token(yes), self._first_token(no)
        if yes_id == no_id:
            raise ValueError(f"{yes!r} and {no!r} start with the same token; pick distinct answers")
        with self._exclusive():
            llm = self._llm
            tokens = self.prompt_tokens(messages)
            if len(tokens) >= self.context_window:
                raise PromptTooLongError(
                    f"The judge prompt has {len(tokens)} tokens, more than the model's context of "
                    f"{self.context_window} (setting llm.n_ctx)"
                )
            keep = 0
            if reuse_prefix:
                keep = _common_prefix(llm._input_ids, tokens)
                try:
                    state = self._cache[tokens]
                    saved = _common_prefix(state.input_ids[: state.n_tokens], tokens)
                    if saved > keep:
                        llm.load_state(state)
                        keep = saved
                except KeyError:
                    pass
                # The logits of the last prompt token are needed, so it is always evaluated.
                keep = min(keep, len(tokens) - 1)
            if keep > 0 and llm._ctx.kv_cache_seq_rm(-1, keep, -1):
                llm.n_tokens = keep
            else:
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
            logits = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(llm.n_vocab(),))
            pair = np.array([logits[yes_id], logits[no_id]], dtype=np.float64)
            self.last_usage = Usage(prompt_tokens=len(tokens), completion_tokens=0, cached_tokens=keep)
        pair -= pair.max()
        weights = np.exp(pair)
        return float(weights[0] / weights.sum())


class _Generation:
    """A llama-cpp-python chat stream consumed in a worker thread, its pieces handed over a queue.

    ``stop()`` asks the worker to leave between tokens; after a timeout (or if it does not
    leave within :data:`ABORT_GRACE_S`) the shared abort flag also stops the native decode.
    """

    def __init__(self, stream: Iterator[Any], abort: threading.Event) -> None:
        self._stream = stream
        self._abort = abort
        self._stop = threading.Event()
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._done_callbacks: list[Any] = []
        self._done_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="llama-generation", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for chunk in self._stream:
                if self._stop.is_set():
                    break
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    self._queue.put(("piece", piece))
            self._queue.put(("end", None))
        except BaseException as error:  # handed to the consumer, which re-raises it
            self._queue.put(("error", error))
        finally:
            try:
                self._stream.close()  # type: ignore[attr-defined]
            finally:
                with self._done_lock:
                    callbacks, self._done_callbacks = self._done_callbacks, []
                for callback in callbacks:
                    callback()

    def pieces(self, timeout_s: float) -> Iterator[str]:
        """The reply's pieces; ``queue.Empty`` when none comes for ``timeout_s``."""
        while True:
            try:
                kind, value = self._queue.get(timeout=timeout_s)
            except queue.Empty:
                self._abort.set()
                raise
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(ABORT_GRACE_S)
        if self._thread.is_alive():
            self._abort.set()
            self._thread.join(ABORT_GRACE_S)

    def when_done(self, callback: Any) -> None:
        """Run ``callback`` when the worker has left llama.cpp (now, if it has)."""
        with self._done_lock:
            if self._thread.is_alive():
                self._done_callbacks.append(callback)
                return
        callback()


class OpenAICompatibleChatModel(ChatModel):
    """A chat model served over HTTP by anything that speaks the OpenAI chat API
    (llama.cpp server, Ollama, vLLM). Streaming uses server-sent events.

    Written on httpx rather than the ``openai`` client to avoid a dependency for one
    endpoint; token counts are estimated with tiktoken since the server's tokenizer is
    unknown, and next-token probabilities are not available.
    """

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        temperature: float = 0.0,
        max_tokens: int = 256,
        seed: int = 0,
        context_window: int = 4096,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.name = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.seed = seed
        self.context_window = context_window
        self.last_usage = Usage()
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout_s, headers=headers)

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatibleChatModel:
        cfg = settings.llm
        return cls(
            cfg.openai_base_url,
            model=cfg.openai_model,
            api_key=cfg.openai_api_key.get_secret_value() if cfg.openai_api_key else None,
            timeout_s=cfg.request_timeout_s,
            temperature=cfg.temperature,
            max_tokens=cfg.max_tokens,
            seed=cfg.seed,
            context_window=cfg.n_ctx,
        )

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        """An estimate: cl100k tokens of each message plus the usual 4 tokens of chat framing."""
        from rag.tokens import count_tokens

        return sum(count_tokens(m.get("content", "")) + 4 for m in messages) + 3

    def stream_chat(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        temperature: float | None = None,
    ) -> Iterator[str]:
        import httpx

        body: dict[str, Any] = {
            "model": self.name,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": max_tokens if max_tokens is not None else self.max_tokens,
            "temperature": self.temperature if temperature is None else temperature,
            "seed": self.seed,
        }
        if stop:
            body["stop"] = stop
        usage = Usage(prompt_tokens=self.count_prompt_tokens(messages))
        self.last_usage = usage
        pieces: list[str] = []
        try:
            with self._client.stream("POST", self.url, json=body) as response:
                if response.status_code >= 400:
                    detail = response.read().decode("utf-8", "replace")[:500]
                    raise LLMUnavailableError(
                        f"The chat server at {self.url} answered HTTP {response.status_code}: {detail} "
                        "(check RAG_LLM__OPENAI_MODEL and RAG_LLM__OPENAI_API_KEY)"
                    )
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue  # blank separators, comments, "event:" lines
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    event = json.loads(data)
                    if event.get("usage"):
                        usage.prompt_tokens = event["usage"].get("prompt_tokens", usage.prompt_tokens)
                        usage.completion_tokens = event["usage"].get("completion_tokens", 0)
                    for choice in event.get("choices") or []:
                        piece = (choice.get("delta") or {}).get("content")
                        if piece:
                            pieces.append(piece)
                            yield piece
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise LLMUnavailableError(
                f"Cannot reach the OpenAI-compatible chat server at {self.base_url} ({exc}). Start the "
                "server, or point RAG_LLM__OPENAI_BASE_URL at it, or choose a local model with "
                "RAG_LLM__BACKEND=local"
            ) from exc
        except httpx.TimeoutException as exc:
            raise LLMUnavailableError(
                f"The chat server at {self.base_url} did not answer in time ({exc}); raise "
                "RAG_LLM__REQUEST_TIMEOUT_S or check the server"
            ) from exc
        if not usage.completion_tokens and pieces:
            from rag.tokens import count_tokens

            usage.completion_tokens = count_tokens("".join(pieces))

    def yes_probability(self, messages: list[Message], yes: str = "Yes", no: str = "No") -> None:
        return None


def build_llm(settings: Settings) -> ChatModel:
    """The chat model chosen by ``settings.llm.backend``."""
    backend = settings.llm.backend
    if backend in ("local", "small"):
        return LlamaCppChatModel.from_settings(settings)
    if backend == "openai":
        return OpenAICompatibleChatModel.from_settings(settings)
    raise ValueError(f"Unknown llm.backend {backend!r}; choose local, small or openai")
