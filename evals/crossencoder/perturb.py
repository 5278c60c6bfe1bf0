"""Training pairs for the cross-encoder candidate: (window, claim, label) made from an archive's articles.

Unsupported claims are one edit of a sentence of the window, each kind a failure the verifier must
catch (issue classes of the support scorer): a name, number or date replaced by one of the same article
that the window does not hold, a negation added or removed, a word turned into its opposite, two names
swapping roles, or a sentence from elsewhere in the article (on topic, not in the window). Supported
claims are the sentence itself or a shortened form (a parenthesis, an aside between commas, a leading
time phrase or a trailing attribution left out; "said" told as "stated").
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.text.dates import day_starts, month_days
from rag.text.numbers import NUMBER_WORDS
from rag.text.sentences import sentence_spans

WINDOW = 3
"""Sentences per window, as the verifier's alignment (:mod:`rag.verifier.alignment`) reads them."""

_NAME = re.compile(
    r"(?<![\w'])[A-Z][\w'’.-]*[a-z][\w'’-]*(?:\s+(?:of\s+|the\s+|al-|de\s+)?[A-Z][\w'’-]*[a-z][\w'’-]*)*"
)
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?!\w)")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
WEEKDAYS = tuple(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
MONTHS = tuple(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)
_AUXILIARY = re.compile(r"\b(?:is|was|are|were|has|have|had|will|would|can|could|did|does|should)\b")
_NEGATED = re.compile(
    r"\b(?:is|was|are|were|has|have|had|will|would|can|could|did|does|should) not\b"
    r"|\b(?:isn|wasn|aren|weren|hasn|haven|hadn|didn|doesn|wouldn|couldn)'t\b"
)
_OPPOSITE_PAIRS = """increase:decrease increased:decreased rose:fell risen:fallen won:lost higher:lower
before:after more:fewer first:last largest:smallest opened:closed accepted:rejected allowed:banned
north:south east:west supported:opposed began:ended up:down killed:injured guilty:innocent
arrested:released majority:minority strong:weak early:late highest:lowest older:younger ahead:behind"""
OPPOSITES = {a: b for pair in _OPPOSITE_PAIRS.split() for a, b in [pair.split(":"), pair.split(":")[::-1]]}
_OPENERS = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "With",
        "After",
        "Before",
        "During",
        "When",
        "While",
        "As",
        "If",
        "But",
        "And",
        "Or",
        "So",
        "However",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "There",
        "According",
    ]
)
EDITS = ("name", "number", "date", "negation", "opposite", "roles")


@dataclass(frozen=True)
class Pair:
    window: str
    claim: str
    label: int
    """1: the window backs the claim; 0: it does not."""
    kind: str
    """"copy" or "short" for supported claims; an edit of :data:`EDITS` or "elsewhere" otherwise."""


def sentences(text: str) -> list[str]:
    return [
        text[span.start : span.end].strip()
        for span in sentence_spans(text)
        if text[span.start : span.end].strip()
    ]


def windows(passages: Iterable[str], size: int = WINDOW) -> list[str]:
    """Every run of ``size`` consecutive sentences of each passage (a shorter passage whole)."""
    out = []
    for passage in passages:
        found = sentences(passage)
        if len(found) <= size:
            out.append(" ".join(found))
        else:
            out.extend(" ".join(found[i : i + size]) for i in range(len(found) - size + 1))
    return [w for w in out if w]


def names(sentence: str) -> list[tuple[int, int, str]]:
    """Capitalised names (start, end, text); a sentence's opening word and day/month names are not names."""
    out = []
    for match in _NAME.finditer(sentence):
        text = match.group(0)
        if match.start() == 0 and text.split()[0] in _OPENERS:
            continue
        if text in WEEKDAYS or text in MONTHS:
            continue
        out.append((match.start(), match.end(), text))
    return out


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def edit(
    sentence: str,
    kind: str,
    window: str,
    article_names: Sequence[str],
    article_numbers: Sequence[str],
    rng: random.Random,
) -> str | None:
    """``sentence`` with one edit of ``kind`` that the window does not back, or None if none applies."""
    if kind == "name":
        found = names(sentence)
        pool = [n for n in article_names if n not in window and n not in sentence]
        if found and pool:
            start, end, _ = rng.choice(found)
            return _replace(sentence, start, end, rng.choice(pool))
    elif kind == "number":
        found = [m for m in _NUMBER.finditer(sentence) if not _YEAR.fullmatch(m.group(0))]
        if found:
            match = rng.choice(found)
            pool = [n for n in article_numbers if n not in window and n != match.group(0)]
            if pool:
                return _replace(sentence, match.start(), match.end(), rng.choice(pool))
            value = int(float(match.group(0).replace(",", "")))
            new = str(value + rng.choice([-2, -1, 1, 2, 5]) * max(1, value // 10))
            if new != match.group(0) and new not in window and int(new) >= 0:
                return _replace(sentence, match.start(), match.end(), new)
    elif kind == "date":
        for calendar in (WEEKDAYS, MONTHS):
            present = [w for w in calendar if re.search(rf"\b{w}\b", sentence)]
            absent = [w for w in calendar if w not in window]
            if present and absent:
                return re.sub(rf"\b{rng.choice(present)}\b", rng.choice(absent), sentence, count=1)
        years = list(_YEAR.finditer(sentence))
        if years:
            match = rng.choice(years)
            new = str(int(match.group(0)) + rng.choice([-2, -1, 1, 2]))
            if new not in window:
                return _replace(sentence, match.start(), match.end(), new)
    elif kind == "negation":
        match = _NEGATED.search(sentence)
        if match:
            word = match.group(0)
            return _replace(
                sentence, match.start(), match.end(), word[:-4] if word.endswith(" not") else word[:-3]
            )
        match = _AUXILIARY.search(sentence)
        if match:
            return _replace(sentence, match.end(), match.end(), " not")
    elif kind == "opposite":
        found = [m for m in re.finditer(r"\b[a-z]+\b", sentence) if m.group(0) in OPPOSITES]
        if found:
            match = rng.choice(found)
            return _replace(sentence, match.start(), match.end(), OPPOSITES[match.group(0)])
    elif kind == "roles":
        first: dict[str, tuple[int, int]] = {}
        for start, end, text in names(sentence):
            first.setdefault(text, (start, end))
        if len(first) >= 2:
            (a, (a0, a1)), (b, (b0, b1)) = sorted(rng.sample(sorted(first.items()), 2), key=lambda x: x[1][0])
            if a1 <= b0 and a not in b and b not in a:
                return sentence[:a0] + b + sentence[a1:b0] + a + sentence[b1:]
    return None


TURNED_BOUNDS = {
    "more than": "fewer than", "at least": "at most", "over": "under", "above": "below",
    "fewer than": "more than", "less than": "more than", "under": "over", "below": "above",
    "up to": "at least", "nearly": "more than", "almost": "more than", "at most": "at least",
}  # fmt: skip
"""A figure's bound and the bound the other way ("more than 50" -> "fewer than 50")."""
_BOUND = re.compile(
    r"\b(" + "|".join(sorted(TURNED_BOUNDS, key=len, reverse=True)) + r")\s+(?=\d|half\b|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred)\b)",
    re.IGNORECASE,
)


def turned_bounds(sentence: str) -> list[str]:
    """``sentence`` with one figure's bound turned round, once for each bounded figure it holds
    ("killed more than 50 fighters" -> "killed fewer than 50 fighters"). Every one is made, with no
    draw, so that adding this kind leaves the drawn edits of :func:`article_pairs` as they were."""
    out = []
    for match in _BOUND.finditer(sentence):
        word = match.group(1)
        turned = TURNED_BOUNDS[word.lower()]
        turned = turned[:1].upper() + turned[1:] if word[:1].isupper() else turned
        out.append(_replace(sentence, match.start(1), match.end(1), turned))
    return out


_SCOPE_WORD = re.compile(
    r"\b(?:only|alone|sole|solely|exclusively|all|every|each|entire|everyone|everybody|everything|always)\b",
    re.IGNORECASE,
)
_PLURAL = re.compile(r"\bthe (?=[a-z]+[^su\W]s\b)")
"""A "the" before a plural-looking word ("the rebels"; not "the previous", "the boss")."""


def scoped(sentence: str) -> list[str]:
    """``sentence`` limited or widened by one scope word it did not have: "only" before its first
    name past the opening ("was organised by Turkey" -> "was organised by only Turkey") and "all"
    before its first "the" and plural ("the rebels said" -> "all the rebels said"). Each one the
    sentence allows is made, with no draw, as for :func:`turned_bounds`; a sentence that already
    has a scope word gets none."""
    if _SCOPE_WORD.search(sentence):
        return []
    out = []
    named = [(start, text) for start, _, text in names(sentence) if start > 0]
    if named:
        start, _ = named[0]
        if sentence[max(0, start - 4) : start].lower() == "the ":
            start -= 4
        out.append(_replace(sentence, start, start, "only "))
    plural = _PLURAL.search(sentence)
    if plural:
        out.append(_replace(sentence, plural.start(), plural.start(), "all "))
    return out


_SPELLED = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
_NEAR_DAY = 12
"""Characters after a date's day in which a number is read as part of that date ("May 24 to 26",
"July 27-28", "March 4 and 5", "November 15, 2017")."""


def day_as_count(sentence: str, passage: str) -> list[str]:
    """``sentence`` with its first count (a number in digits that is neither a year, nor part of a
    date, nor a time of day) replaced by the day of a date its passage writes, one the passage never
    writes as a count, in digits or words ("killed 9 people" -> "killed 14 people" beside "on March
    14"). A date's day counts nothing, so the passage does not back the edit; none is made without
    such a count and day."""
    days = sorted({day for _, day in month_days(passage)})
    in_dates = day_starts(passage)
    written = {m.group(0).rstrip(",") for m in _NUMBER.finditer(passage) if m.start() not in in_dates}
    written |= {str(NUMBER_WORDS[m.group(1).lower()]) for m in _SPELLED.finditer(passage)}
    usable = [str(day) for day in days if str(day) not in written]
    if not usable:
        return []
    starts = day_starts(sentence)
    for match in _NUMBER.finditer(sentence):
        number = match.group(0).rstrip(",")
        if (
            _YEAR.fullmatch(number)
            or any(0 <= match.start() - start <= _NEAR_DAY for start in starts)
            or re.match(
                r"\s*(?:a\.m\.|p\.m\.|am\b|pm\b|%|percent\b|:\d)", sentence[match.start() + len(number) :]
            )
        ):
            continue
        others = [day for day in usable if day != number]
        end = match.start() + len(number)
        return [_replace(sentence, match.start(), end, others[0])] if others else []
    return []


def shorten(sentence: str, rng: random.Random) -> str | None:
    """A shorter or reworded form the sentence still backs, or None."""
    options = [
        re.sub(r"\s*\([^)]*\)", "", sentence),
        re.sub(r",\s[^,]{3,60},\s", " ", sentence, count=1),
        re.sub(
            r",?\s+(?:officials|police|he|she|they|it|the \w+)\s+(?:said|reported|told \w+)\.$", ".", sentence
        ),
        re.sub(r"\bsaid\b", rng.choice(["stated", "reported", "announced"]), sentence, count=1),
        re.sub(r"\bmore than\b", "over", sentence, count=1),
    ]
    lead = re.sub(r"^(?:On|In|By|After|Before)\s[^,]{2,40},\s", "", sentence)
    if lead != sentence and lead:
        options.append(lead[0].upper() + lead[1:])
    kept = [o for o in options if o != sentence and len(o.split()) >= 5]
    return rng.choice(kept) if kept else None


def article_pairs(text: str, rng: random.Random, per_article: int = 12) -> list[Pair]:
    """Up to ``per_article`` sentences of one article, each with a supported and an unsupported claim."""
    found = [s for s in sentences(text) if 6 <= len(s.split()) <= 60]
    if len(found) < 5:
        return []
    article_names = sorted({n for s in found for _, _, n in names(s)})
    article_numbers = sorted({m.group(0) for s in found for m in _NUMBER.finditer(s)})
    order = list(range(len(found)))
    rng.shuffle(order)
    out: list[Pair] = []
    for i in order[:per_article]:
        low = max(0, min(i - rng.randint(0, WINDOW - 1), len(found) - WINDOW))
        window = " ".join(found[low : low + WINDOW])
        sentence = found[i]
        short = shorten(sentence, rng) if rng.random() < 0.75 else None
        out.append(Pair(window, short or sentence, 1, "short" if short else "copy"))
        for kind in rng.sample(EDITS, len(EDITS)):
            changed = edit(sentence, kind, window, article_names, article_numbers, rng)
            if changed and changed != sentence:
                out.append(Pair(window, changed, 0, kind))
                break
        far = [j for j in range(len(found)) if j < low - 1 or j > low + WINDOW]
        if far and rng.random() < 0.3:
            out.append(Pair(window, found[rng.choice(far)], 0, "elsewhere"))
    return out


def archive_pairs(texts: Iterable[str], seed: int = 13, per_article: int = 12) -> list[Pair]:
    rng = random.Random(seed)
    return [pair for text in texts for pair in article_pairs(text, rng, per_article)]


def read_archive(path: Path) -> list[str]:
    """Article texts: the ``text`` field of each line of a JSONL export, or the .txt/.md files of a folder."""
    if path.is_dir():
        return [
            p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(path.rglob("*"))
            if p.suffix in {".txt", ".md"}
        ]
    texts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                texts.append(json.loads(line)["text"])
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(
                    f"{path}, line {number}: not a JSON object with a 'text' field ({error})"
                ) from error
    return texts
