"""The judge's answers remembered on disk, so refits and re-runs do not pay for the model again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.components import Components

if TYPE_CHECKING:
    from rag.models.llm import ChatModel, Message
    from rag.settings import Settings


class CachedJudge:
    """Remembers the model's p(Yes) per prompt in a JSON-lines file, so refitting or re-running the
    deterministic part after a change does not pay for the judge again.

    Keyed by the model's name and the full prompt, so a different model or prompt is asked afresh.
    Everything other than ``yes_probability`` is passed to the model.
    """

    def __init__(self, llm: ChatModel, path: Path) -> None:
        self._llm = llm
        self.path = path
        self.hits = 0
        self.misses = 0
        self.evaluated_tokens = 0
        """Prompt tokens the model evaluated (not served from its KV cache), over all calls."""
        self._memo: dict[str, float | None] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    self._memo[record["key"]] = record["p_yes"]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def _key(self, messages: list[Message], yes: str, no: str) -> str:
        payload = json.dumps([self._llm.name, yes, no, messages], sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def yes_probability(self, messages: list[Message], yes: str = "Yes", no: str = "No") -> float | None:
        key = self._key(messages, yes, no)
        if key in self._memo:
            self.hits += 1
            return self._memo[key]
        self.misses += 1
        judge = getattr(self._llm, "judge", None)  # the local model reports each call's tokens
        if judge is None:
            value = self._llm.yes_probability(messages, yes=yes, no=no)
        else:
            judgement = judge(messages, yes=yes, no=no)
            value, usage = judgement.probability, judgement.usage
            self.evaluated_tokens += max(0, usage.prompt_tokens - usage.cached_tokens)
        self._memo[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": key, "p_yes": value}) + "\n")
        return value


def default_judge_cache(settings: Settings) -> Path:
    return settings.cache_dir / "evals" / "summedits_judge.jsonl"


def judge_llm(
    components: Components | None, settings: Settings, use_judge: bool, judge_cache: Path | None
) -> ChatModel | None:
    """The model behind a cache file (``default_judge_cache`` unless given); None without the judge."""
    if not use_judge:
        return None
    if components is None:
        components = Components(settings)
    cache = judge_cache if judge_cache is not None else default_judge_cache(settings)
    return CachedJudge(components.llm, cache)  # type: ignore[return-value]
