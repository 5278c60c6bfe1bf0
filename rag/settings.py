"""One typed settings tree for every component.

Values come, lowest priority first, from the defaults here, the selected profile, and
environment variables (``RAG_`` prefix, ``__`` between levels, e.g. ``RAG_LLM__BACKEND=openai``).
Command-line flags are applied last by the CLI with :meth:`Settings.with_overrides`.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr, TypeAdapter, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

APP_NAME = "news-rag"
BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus"


def default_threads() -> int:
    """Threads for model inference: every core this process may use.

    llama.cpp defaults to a single thread on small machines, which halves its speed here.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class LLMSettings(BaseModel):
    backend: Literal["local", "small", "openai"] = "local"
    """local: Qwen2.5-Coder-1.5B (default); small: SmolLM2-135M for fast plumbing tests;
    openai: any OpenAI-compatible server (Ollama, vLLM, llama.cpp server)."""
    n_threads: int = Field(default_factory=default_threads, ge=1)
    n_ctx: int = Field(default=4096, ge=512)
    temperature: float = Field(default=0.0, ge=0)
    max_tokens: int = Field(default=256, ge=1)
    seed: int = 0
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_model: str = "qwen2.5-coder-1.5b-instruct"
    openai_api_key: SecretStr | None = None
    request_timeout_s: float = Field(default=120.0, gt=0)
    prompt_lookup: int = Field(default=0, ge=0)
    """Prompt-lookup decoding (local backend): guess this many next tokens by copying what followed
    the last two tokens in the prompt, and keep those the model agrees with; 0 decodes one token
    at a time (:func:`rag.models.llama_private.enable_prompt_lookup`). Off: on two cores checking a
    batch of guesses costs about what decoding them one by one does, so the rejected ones are lost
    time. ``rag bench answers --compare llm.prompt_lookup=N``, same sitting: whole answer p50 5.71 s
    with 10 guesses against 4.81 s without (50 first turns), 5.33 s with 3 against 4.52 s (24); the
    first text is not helped (it waits on the prompt), and the batches' rounding moved one answer."""
    flash_attn: bool = True
    """Flash attention in llama.cpp (local backend): the prompt is read faster. ``rag bench answers
    --compare llm.flash_attn=true``, one sitting, 30 golden questions: first text p50 4.23 s against
    4.50 s without (0.94x), whole answer 6.14 against 6.44 s; the golden figures were the same
    (5 of 56 answers worded otherwise). A saved prompt state is kept per setting."""
    state_cache_mb: int = Field(default=512, ge=0)
    """RAM for saved conversation states (local backend), so a follow-up in a conversation that
    another one interrupted re-uses its prompt instead of re-reading it. A Qwen-1.5B state costs
    ~28 KB a token (~25 MB for a 900-token turn), so 512 MB keeps about twenty conversations.
    Which states are kept decides which prompts are re-read, and that can move an answer: the
    golden figures were measured at 512 MB (at 256 MB two of 56 answers came out otherwise).
    Under 8 logins for 2 minutes (``rag bench load``) the server's peak was 3.19 GB at 512 MB
    and 3.15 GB at 256 MB before the weights were read instead of mapped; 2.26 GB at 512 MB on
    2 December, with the weights read and the model reading only the question's sentences
    (``retrieval.focus_tokens``: ~550-token prompts instead of ~800, so smaller states)."""


class EmbeddingSettings(BaseModel):
    backend: Literal["minilm", "openai"] = "minilm"
    """minilm: all-MiniLM-L6-v2 in this process (default); openai: a server that speaks the OpenAI
    embeddings API (llama.cpp server, vLLM, text-embeddings-inference, Ollama), shared by every
    process that indexes or asks. An index is searched with the model it was built with: changing
    the backend or the model asks for ``rag index --rebuild``."""
    batch_size: int = Field(default=8, ge=1)
    """Texts per onnxruntime call. onnxruntime's memory arena keeps the largest batch's buffers for
    the life of the process: embedding 64 passages of ~250 tokens grew the process by 1.1 GB at 32
    per call and by 0.2 GB at 8, at the same speed (1.50 s against 1.42 s; attention buffers grow
    with the batch, the matrix work does not get faster past 8 on 2 cores). In ``rag serve`` that
    arena stayed for good after an upload, which put the server over 3 GB."""
    n_threads: int = Field(default_factory=default_threads, ge=1)
    openai_base_url: str = "http://127.0.0.1:8081/v1"
    openai_model: str = ""
    """The model name the embedding server serves (required with backend openai)."""
    openai_api_key: SecretStr | None = None
    request_timeout_s: float = Field(default=120.0, gt=0)
    query_prefix: str = ""
    """Put before each question (backend openai): e5 models expect "query: ", nomic-embed
    "search_query: "."""
    passage_prefix: str = ""
    """Put before each passage (backend openai): "passage: " for e5, "search_document: " for nomic."""


class StoreSettings(BaseModel):
    mode: Literal["embedded", "server"] = "embedded"
    """embedded: Chroma on disk under ``path``; server: a ``chroma run`` server at host:port."""
    path: Path | None = None
    """Folder of the embedded store; defaults to ``<data_dir>/chroma``."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    collection: str = "news"
    texts_in_chroma: bool | None = None
    """Whether Chroma keeps a copy of each chunk's and article's text (None: with a Chroma server
    only). The texts live in the keyword file (:mod:`index.keywords`) in any case. Chroma stores
    each text four times (a metadata string, that string's index, and its full-text index's
    content and trigrams), none of them read by this product. Measured on 2,000 generated articles
    (3,626 chunks, hash vectors): without the copy the store takes 26.0 MB instead of 54.5 MB, and
    writing it 3.2 s instead of 6.4 s.
    With a Chroma server the copy is what lets another machine's client fill its own keyword
    file; an embedded store whose keyword file is lost has its articles indexed again from
    their files by the next ``rag index``."""

    @property
    def keeps_texts(self) -> bool:
        """Whether texts are written to Chroma (``texts_in_chroma``, or its default for ``mode``)."""
        return self.mode == "server" if self.texts_in_chroma is None else self.texts_in_chroma


class ChunkingSettings(BaseModel):
    chunk_tokens: int = Field(default=160, ge=16)
    overlap_tokens: int = Field(default=32, ge=0)
    encoding: str = "cl100k_base"


class IngestSettings(BaseModel):
    max_file_mb: float = Field(default=20.0, gt=0)
    dedup_threshold: float = Field(default=0.6, gt=0, le=1)
    """Share of a chunk's word shingles that must reappear in another chunk for both to be
    treated as copies of the same wire text."""


class RetrievalSettings(BaseModel):
    dense_top_k: int = Field(default=12, ge=1)
    keyword_top_k: int = Field(default=12, ge=1)
    rrf_k: int = Field(default=60, ge=1)
    question_dates: bool = True
    """When a question names a time ("in March 2022", "on 14 May 2020", "in 2019", "last week"
    counted back from the newest article) and no date filter is set, the dense and keyword
    rankings run a second time within that window (a day before it to two weeks after) and
    all four are fused: stories from then rank higher, older ones still compete. Measured on
    the Wikinews benchmark (``python -m evals.wikinews``, same run): on the 26 questions naming
    a time, article hit@1 0.962 against 0.923 without (``evals/results_wikinews.md``)."""
    max_sources: int = Field(default=4, ge=1)
    per_article: int = Field(default=0, ge=0)
    """Prompt sources from one article before every other article's candidates have been
    tried (0: no limit). Off, measured: on the golden set (``rag eval --suite golden``, titles
    and question dates on) a limit of 2 raised passage recall@4 from 0.933 to 0.975 and
    faithfulness from 0.923 to 0.960, but answered fewer questions right (0.652 against 0.696)
    and refused 11 of 46 answerable ones against 8; on Wikinews the answering article was
    among the sources either way. For archives where one story's chunks crowd out the rest."""
    context_tokens: int = Field(default=700, ge=1)
    """Token budget for the passages in the prompt; the 1.5B model degrades past ~1,300
    prompt tokens and prompt processing runs at ~90 tokens/s on two cores."""
    focus_tokens: int = Field(default=300, ge=0)
    """Token budget for what the model reads of the sources: the sentences of each passage that
    bear on the question (:mod:`rag.focus`); 0 shows whole passages. Measured on the golden set
    (``rag eval --suite golden``, 56 questions, default model): whole passages answered 0.674 with
    11 of 46 answerable questions refused and 768 prompt tokens on average; 300 answered 0.696
    with 8 refused and 522 tokens; 250 answered 0.674 with 12 refused (475 tokens); 200 answered
    0.609 with 14 refused (430 tokens). Time to the first text (``rag bench answers --compare
    retrieval.focus_tokens=0``, 50 first turns, two cores): p50 3.70 s at 300 against 5.16 s whole."""
    keyword_index: Literal["auto", "memory", "sqlite"] = "auto"
    """memory: BM25 (:mod:`rag.retrieval.bm25`) built in each process from every stored chunk, and
    again after every write (14.7 s at 33,923 chunks, growing with the archive); sqlite: the
    SQLite FTS5 index kept on disk beside the store and written with it (:mod:`index.keywords`),
    so a new process only opens a file. Both read text by the same rules; they rank with other
    IDFs (``rag bench keywords`` sets them side by side). auto: memory below 20,000 chunks (the
    archives every quality figure here was measured on), sqlite from there
    (:data:`rag.retrieval.hybrid.AUTO_SQLITE_CHUNKS`)."""


class AnswerSettings(BaseModel):
    max_tokens: int = Field(default=200, ge=1)
    """Cap on generated tokens per answer: answers are 1-3 sentences, and a runaway answer costs
    ~40 ms per token on two cores."""
    judge: bool = False
    """Ask the model whether each sentence is supported (p(Yes)) on top of the deterministic checks;
    with the shipped veto rule a sentence then needs both. Off by default because it doubles the
    answer time: ``rag bench answers --questions 20 --judge on`` gave p50 15.8 s / p95
    30.2 s against 8.4 / 10.3 s without it, with 3 of 20 answers refused against 1."""
    refuse_below_dense: float = Field(default=0.40, ge=-1, le=1)
    """Skip generation when the best dense similarity is below this and fewer than
    ``min_keyword_hits`` passages share a word with the question. On the bundled corpus the
    unanswerable "population of Kazakhstan / of Palmyra / French election" questions score
    0.21-0.38 with 1-4 keyword hits; the answerable golden questions 0.41-0.75 with 4-28."""
    min_keyword_hits: int = Field(default=5, ge=0)
    """Passages with a BM25 match that count as "the archive has something on this"."""
    conflicts: bool = True
    """Report disagreeing figures between the answer's sources."""
    condense: bool = True
    """Rewrite follow-up questions into standalone ones before retrieval (when a follow-up does not
    continue the previous prompt, see ``follow_ups``)."""
    follow_ups: Literal["continue", "rewrite"] = "continue"
    """continue: a follow-up is asked in the same chat as the answer before it, with only the
    sources that chat lacks added, so the model reads only the new tokens (:mod:`rag.followups`);
    rewrite: the follow-up is rewritten into a standalone question (a model call) and answered
    from a fresh prompt. Measured on 32 follow-ups (``rag bench answers --compare
    answer.follow_ups=rewrite``): first text p50 1.80 s continued against 5.26 s rewritten, 17
    and 18 of 32 right (each gets others right, see :mod:`rag.followups`)."""
    relevance: bool = True
    """Refuse an answer none of whose backed sentences answers the question (:mod:`rag.relevance`)."""
    ask_to_quote: bool = True
    """When no sentence of the model's reply to a new question is backed, ask it once more, to copy
    the sentence of the sources that answers (:data:`rag.prompts.QUOTE_PLEASE`); that reply is
    shown only if it passes every check and is a copy (:mod:`rag.verifier.copies`). Golden: 4 of 46
    answerable questions refused instead of 5; a refused answer comes 3.4 s later (median).
    Follow-ups are not asked again."""
    quote_sources: bool = True
    """When the model's replies to a new question are refused, show instead the sentence of the
    sources that answers it, word for word with its citation, if one covers at least
    ``quote_min_share`` of the question's term weight; checked like any reply (:mod:`rag.quoted`).
    Golden: 3 of 46 answerable questions refused instead of 5, both new answers right. A
    follow-up asking who reported the previous answer gets the sentence that backed it, when it
    names its speaker (:mod:`rag.provenance`)."""
    quote_min_share: float = Field(default=0.6, gt=0, le=1)


class AskSettings(BaseModel):
    keep_warm_minutes: float = Field(default=10.0, ge=0)
    """After ``rag ask`` answers in its own process, keep a ``rag serve`` with the models loaded
    in the background until this many minutes pass without a question, so the next ``rag ask``
    answers in two thirds of the time (:mod:`rag.keep_warm`); 0 turns this off."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", env_nested_delimiter="__", extra="ignore")

    profile: Literal["default", "test"] = "default"
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    cache_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_cache_dir(APP_NAME)))
    corpus_dir: Path = BUNDLED_CORPUS

    llm: LLMSettings = Field(default_factory=LLMSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    ask: AskSettings = Field(default_factory=AskSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats profile defaults (passed as init kwargs), so a user can
        # run the test profile against, say, a Chroma server.
        return env_settings, init_settings, dotenv_settings, file_secret_settings

    @property
    def store_path(self) -> Path:
        return self.store.path or self.data_dir / "chroma"

    @property
    def model_cache_dir(self) -> Path:
        return self.cache_dir / "models"

    def with_overrides(self, **updates: Any) -> Settings:
        """Copy with dotted-path overrides, e.g. ``{"llm.backend": "small"}`` (CLI flags).

        The copy is made field by field rather than by validating a dump: a new ``Settings``
        re-reads the environment, which ranks above init values, so ``RAG_LLM__BACKEND=local``
        used to beat ``--llm small`` on the command line. A flag the user typed wins.
        """
        result: BaseModel = self
        for dotted, value in updates.items():
            if value is None:
                continue
            try:
                result = _replace(result, dotted.split("."), value)
            except ValidationError as error:  # a ValueError that names the setting, in plain words
                reasons = "; ".join(item["msg"] for item in error.errors(include_url=False))
                raise ValueError(f"invalid setting {dotted}={value!r}: {reasons}") from None
        assert isinstance(result, Settings)
        return result


def _replace(model: BaseModel, path: list[str], value: Any) -> BaseModel:
    head, *rest = path
    field = type(model).model_fields.get(head)
    if field is None:
        raise KeyError(f"{type(model).__name__} has no setting {head!r}")
    if rest:
        new_value: Any = _replace(getattr(model, head), rest, value)
    else:
        # The field's bounds too (``ge=1`` ...): the bare annotation would take a negative count.
        kind = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
        new_value = TypeAdapter(kind).validate_python(value)
    return model.model_copy(update={head: new_value})


PROFILES: dict[str, dict[str, Any]] = {
    "default": {},
    # Fast plumbing: the small model. Tests also point data_dir at a temporary folder.
    "test": {
        "profile": "test",
        "llm": {"backend": "small", "max_tokens": 128},
        "ask": {"keep_warm_minutes": 0},  # no server left behind by a test's rag ask
    },
}


OTHER_VARIABLES = frozenset(
    {
        "RAG_PROFILE",  # the settings profile (load_settings)
        "RAG_SERVE_AUTH",  # rag serve's logins
        "RAG_URL",
        "RAG_USER",
        "RAG_PASSWORD",  # docs/http_api_example.py
        "RAG_WIKINEWS_PATH",
        "RAG_SUMMEDITS_PATH",
        "RAG_REQUIRE_EVALDATA",  # the evaluations' public data
        "RAG_TEST_CHROMIUM",  # the browser of the UI tests
    }
)
"""Variables starting ``RAG_`` that are read outside the settings tree."""


def setting_variables(model: type[BaseModel] | None = None, prefix: str = "RAG_") -> set[str]:
    """Every environment variable that sets a value of the tree (``RAG_LLM__BACKEND``), and each
    group's own (``RAG_LLM``, which takes JSON)."""
    names = set()
    for name, field in (model or Settings).model_fields.items():
        variable = f"{prefix}{name.upper()}"
        names.add(variable)
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            names |= setting_variables(field.annotation, f"{variable}__")
    return names


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """A warning for each ``RAG_`` variable that no setting reads, with the setting it was perhaps
    meant for: ``RAG_STORE_MODE=server`` (one underscore) was ignored without a word, and the
    archive was searched on this machine instead of on the server."""
    known = setting_variables() | OTHER_VARIABLES
    warnings = []
    for variable in sorted(name for name in environ if name.upper().startswith("RAG_")):
        if variable.upper() in known:
            continue
        close = difflib.get_close_matches(variable.upper(), known, n=1, cutoff=0.8)
        hint = f"; did you mean {close[0]}?" if close else " (`rag --help` names the common ones)"
        warnings.append(f"{variable} is not a setting and is ignored{hint}")
    return warnings


def settings_problem(error: ValidationError) -> str:
    """What is wrong with the settings, in plain words: each wrong setting named with the environment
    variable that set it and its value, without pydantic's type codes and web links (a user saw
    ``llm.n_ctx ... [type=int_parsing, ...] For further information visit https://errors.pydantic.dev``
    under a traceback)."""
    problems = []
    for item in error.errors(include_url=False):
        path = [str(part) for part in item["loc"]]
        variable = "RAG_" + "__".join(path).upper()
        given = os.environ.get(variable)
        where = f"{'.'.join(path)} ({variable}={given!r})" if given is not None else ".".join(path)
        problems.append(f"{where}: {item['msg']}" if path else item["msg"])
    return ("invalid setting " if len(problems) == 1 else "invalid settings: ") + "; ".join(problems)


def load_settings(profile: str | None = None, **init: Any) -> Settings:
    """Settings for ``profile`` (default: ``$RAG_PROFILE`` or ``default``), env on top."""
    name = profile or os.environ.get("RAG_PROFILE", "default")
    if name not in PROFILES:
        raise ValueError(f"Unknown settings profile {name!r}; choose one of: {', '.join(PROFILES)}")
    return Settings(**{**PROFILES[name], **init})
