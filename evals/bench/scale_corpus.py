"""A generated archive for the scale tiers: ``count`` articles as JSONL exports of 1,000 records.

:func:`evals.bench.common.write_corpus` recombines the ~100 sentences of the bundled corpus,
which is right for a few thousand articles and wrong past that: at 10,000 articles nearly every
chunk shares word runs with thousands of others, so duplicate grouping meets far more
candidates than it would in a real archive (indexing slowed from ~145 to ~23 chunks/s). Here
the text is drawn word by word from a Zipf-weighted vocabulary (the bundled corpus's words and
made-up ones), so unrelated articles share common words but rarely a run of five; one article
in eight is still a trimmed copy of an earlier one, as wire copies are. Titles, dates (2015-2024),
datelines and outlets (``outlets`` of them) are set per record, as an archive export carries them.
Relevance means nothing here: the tiers measure time, size and memory.
"""

from __future__ import annotations

import json
import random
import re
from itertools import accumulate
from pathlib import Path

from evals.bench.common import PLACES, corpus_sentences

RECORDS_PER_FILE = 1000
MADE_UP_WORDS = 30_000
KEEP_FOR_COPIES = 2000
"""Recent articles that a copy may be taken from (bounds memory at 100,000 articles)."""


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    words: dict[str, int] = {}
    for sentence in corpus_sentences():
        for word in re.findall(r"[A-Za-z][A-Za-z'-]*", sentence):
            words[word.lower()] = words.get(word.lower(), 0) + 1
    common = sorted(words, key=lambda w: (-words[w], w))
    syllables = ["ka", "ri", "mo", "tan", "el", "su", "dor", "vi", "na", "bel", "or", "qu", "ash", "ten"]
    made_up = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(MADE_UP_WORDS)}
    vocabulary = common + sorted(made_up - set(common))
    # Zipf's law with exponent 1: the n-th word is n times rarer than the first.
    weights = list(accumulate(1.0 / (rank + 1) for rank in range(len(vocabulary))))
    return vocabulary, weights


def _sentence(rng: random.Random, vocabulary: list[str], weights: list[float]) -> str:
    words = rng.choices(vocabulary, cum_weights=weights, k=rng.randint(10, 24))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 900):,}")
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(PLACES))
    return " ".join(words).capitalize() + "."


def write_scale_corpus(folder: Path, count: int, seed: int = 0, outlets: int = 200) -> list[Path]:
    """Write ``count`` articles under ``folder`` as ``archive_NNNN.jsonl`` files; the files written."""
    rng = random.Random(seed)
    vocabulary, weights = _vocabulary(rng)
    folder.mkdir(parents=True, exist_ok=True)
    recent: list[list[str]] = []
    files: list[Path] = []
    for first in range(0, count, RECORDS_PER_FILE):
        path = folder / f"archive_{first // RECORDS_PER_FILE:04d}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for number in range(first, min(count, first + RECORDS_PER_FILE)):
                if recent and rng.random() < 0.125:
                    body = [s for s in rng.choice(recent) if rng.random() > 0.2] or recent[-1]
                else:
                    body = [_sentence(rng, vocabulary, weights) for _ in range(rng.randint(4, 12))]
                recent.append(body)
                del recent[:-KEEP_FOR_COPIES]
                place = rng.choice(PLACES)
                outlet = f"Outlet {rng.randrange(outlets):04d}"
                record = {
                    "id": f"scale-{number:06d}",
                    "title": f"{' '.join(rng.choices(vocabulary, cum_weights=weights, k=6)).capitalize()} "
                    f"in {place} ({number})",
                    "date": f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "dateline": place.upper(),
                    "source": outlet,
                    "text": "\n\n".join(body),
                }
                out.write(json.dumps(record) + "\n")
        files.append(path)
    return files
