"""How well a claim is backed by the passages it cites: one score for the answer verifier and the evals.

Two kinds of evidence are combined:

* deterministic checks, cheap and exact where the small generator is weakest: every number, date, name
  and negation in the claim must be backed by the passages, and most of its content words must appear
  there. They work with no model at all (the fast path of the verifier and of the unit tests).
* a judge: the generator's p(Yes) to "Is the claim supported by the passage?". On its own it is at
  chance at 0.5 but ranks well, so it enters as one more feature rather than as a verdict. The
  passage comes first in the prompt so llama.cpp re-uses its KV cache across the claims of one passage.

The features are combined by a logistic regression fitted on human labels (the SummEdits news
``evaluation`` split, see ``evals/summedits.py``) and stored with the decision threshold in
``evals/support_config.toml``; that file is the only tuned state.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from rag.contradictions import contradictions
from rag.tokens import count_tokens

if TYPE_CHECKING:
    from rag.models.llm import ChatModel

CONFIG_PATH = Path(__file__).resolve().parents[1] / "evals" / "support_config.toml"

FEATURES: tuple[str, ...] = ("overlap", "bigrams", "numbers", "dates", "names", "negation", "unbacked")
"""Deterministic features, each in 0..1 except ``unbacked`` (a count, capped at 3)."""
JUDGE_FEATURE = "judge"
"""The judge enters the combination as the log-odds of its p(Yes)."""

JUDGE_SYSTEM = "You check facts. Answer with one word: Yes or No."
JUDGE_QUESTION = "Is the claim supported by the passage? Answer Yes or No."


# --------------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------------


class SupportConfig(BaseModel):
    """Tuned weights and thresholds of the support score (``evals/support_config.toml``).

    Two combinations are kept because the judge is optional: ``deterministic_weights``/
    ``deterministic_threshold`` score the checks alone; with a judge probability, ``judge_rule`` says
    how it joins them (``weights``/``threshold`` are the fitted logistic combination it may use).
    Weights map feature names (``FEATURES`` and ``judge``) to logistic-regression coefficients;
    ``bias`` is the intercept.
    """

    threshold: float = 0.5
    weights: dict[str, float] = Field(
        default_factory=lambda: {
            "bias": -5.0,
            "overlap": 5.0,
            "bigrams": 0.5,
            "numbers": 1.0,
            "dates": 1.0,
            "names": 1.0,
            "negation": 1.0,
            "unbacked": -5.0,
            "judge": 1.0,
        }
    )
    deterministic_threshold: float = 0.5
    deterministic_weights: dict[str, float] = Field(
        default_factory=lambda: {
            "bias": -5.0,
            "overlap": 5.0,
            "bigrams": 0.5,
            "numbers": 1.0,
            "dates": 1.0,
            "names": 1.0,
            "negation": 1.0,
            "unbacked": -5.0,
        }
    )
    judge: bool = True
    """Ask the model when one is given; False keeps the scorer deterministic even with a model."""
    judge_rule: Literal["logistic", "veto"] = "logistic"
    """How a judge probability joins the deterministic checks. ``logistic``: one fitted combination
    (``weights``/``threshold``). ``veto``: a claim is supported when the deterministic checks pass
    *and* p(Yes) reaches ``judge_threshold``; nothing is fitted for the judge, so its verdict does not
    depend on p(Yes) levels seen on a handful of training documents (see evals/results_summedits.md)."""
    judge_threshold: float = 0.5
    """p(Yes) a claim needs under the ``veto`` rule: the judge's own even odds, not a fitted value."""
    max_passage_tokens: int = 1500
    """Passage text shown to the judge; longer passages are cut to the window that best matches the claim."""
    fitted_on: str = ""
    """Where the weights came from (data set, split, items), for the record."""

    @classmethod
    def load(cls, path: Path | str | None = None) -> SupportConfig:
        """Read the tuned configuration; the built-in defaults apply when the file does not exist."""
        source = Path(path) if path is not None else CONFIG_PATH
        if not source.exists():
            if path is not None:
                raise FileNotFoundError(f"Support configuration {source} does not exist")
            return cls()
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"Support configuration {source} is not valid TOML: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValueError as exc:
            raise ValueError(f"Support configuration {source} has an invalid field: {exc}") from exc

    @property
    def judged_threshold(self) -> float:
        """The bar of the score produced when a judge probability is available."""
        return VETO_BAR if self.judge_rule == "veto" else self.threshold

    def judged_score(self, features: dict[str, float], judge: float) -> float:
        """Support of one sentence from its deterministic features and the judge's p(Yes)."""
        if self.judge_rule == "veto":
            deterministic = combine(self.deterministic_weights, features)
            return veto_score(deterministic, self.deterministic_threshold, judge, self.judge_threshold)
        return combine(self.weights, features, judge)

    def save(self, path: Path | str | None = None) -> Path:
        target = Path(path) if path is not None else CONFIG_PATH
        target.write_text(self.to_toml(), encoding="utf-8")
        return target

    def to_toml(self) -> str:
        """TOML by hand: the standard library reads TOML but cannot write it."""

        def table(name: str, weights: dict[str, float]) -> list[str]:
            return [f"[{name}]", *(f"{key} = {value!r}" for key, value in weights.items()), ""]

        lines = [
            "# Support scorer calibration (rag/support.py). Written by `python -m evals.summedits --fit`.",
            f"fitted_on = {_toml_string(self.fitted_on)}",
            f"judge = {'true' if self.judge else 'false'}",
            f"max_passage_tokens = {self.max_passage_tokens}",
            f"judge_rule = {_toml_string(self.judge_rule)}",
            f"judge_threshold = {self.judge_threshold!r}",
            f"threshold = {self.threshold!r}",
            f"deterministic_threshold = {self.deterministic_threshold!r}",
            "",
            *table("weights", self.weights),
            *table("deterministic_weights", self.deterministic_weights),
        ]
        return "\n".join(lines)


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class SupportResult(BaseModel):
    score: float
    """Calibrated 0..1 support (the minimum over the claim's sentences)."""
    supported: bool
    """``score`` reaches the threshold of the combination that produced it."""
    deterministic: float
    """0..1 from the deterministic checks alone (the calibrated no-judge combination)."""
    judge: float | None = None
    """The model's p(Yes) for the weakest sentence; None when no judge was asked."""
    unbacked: list[str] = Field(default_factory=list)
    """Numbers, dates, names and negations (or reversed words) of the claim that the passages do not back."""
    features: dict[str, float] = Field(default_factory=dict)
    """Deterministic features of the weakest sentence (what the combination saw)."""
    contradicted: list[str] = Field(default_factory=list)
    """What the passages state otherwise (:mod:`rag.contradictions`); any entry fails the claim."""


# --------------------------------------------------------------------------------------------------
# Text analysis
# --------------------------------------------------------------------------------------------------


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _wordset(
    """a about above after again against all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself now of off on once only or other our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves said says say told according also s t would may might must shall
    one's whose upon via per including amid among across"""
)

NEGATION_WORDS = _wordset(
    "not no never without denied deny denies none nobody nothing neither nor cannot nowhere"
)

SENTENCE_STARTERS = _wordset(
    """a an the this that these those it its he she they we i you his her their our my your there here
    in on at by for from with after before during when while as if but and or so yet however although
    though because since until meanwhile also still then now today yesterday tomorrow earlier later
    last next some many most several few all both each every no not never according officials police
    what who where why how which one two three four five six seven eight nine ten what's it's
    further furthermore moreover instead despite amid among about around over under into onto upon"""
)

NAME_CONNECTORS = _wordset("of de da del della di du van von der den la le bin ibn al el")

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
    "thursday": 4, "thu": 4, "thurs": 4, "friday": 5, "fri": 5, "saturday": 6, "sat": 6,
    "sunday": 7, "sun": 7,
}  # fmt: skip
# Abbreviations that are also ordinary words count only when capitalised and followed by "." or a day.
AMBIGUOUS_DATE_WORDS = frozenset({"may", "march", "mar", "jan", "sat", "sun", "wed", "mon", "dec", "sep"})

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000}  # fmt: skip
SCALE_ABBREVIATIONS = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
                       "tn": 1_000_000_000_000}  # fmt: skip
VAGUE_QUANTITIES = frozenset({"dozens", "hundreds", "thousands", "millions", "billions", "scores"})
"""Plural scale words state an order of magnitude: the passage must use the same word (or a number)."""

ABBREVIATIONS = _wordset(
    """mr mrs ms dr prof st sr jr gen col lt sgt capt gov sen rep rev u.s u.k u.n e.u no vs etc
    jan feb mar apr jun jul aug sep sept oct nov dec inc corp co ltd dept fig approx est"""
)

_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’.\-][A-Za-z0-9\u00c0-\u024f]+)*\.?")
_DIGIT_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:(?:,|[ \u00a0\u202f\u2009])\d{3}(?!\d))+|\d+)(?:\.\d+)?"
    r"(?:\s*(?P<scale>million|billion|trillion|thousand|bn|mn|tn|m|k)\b)?"
    r"(?P<ord>st|nd|rd|th)?"
    # a unit written against the number ("185km", "5pm") does not hide the number
    r"(?P<unit>km|kms|kmh|kph|mph|mi|kg|kgs|mm|cm|ft|lbs?|ha|[kmg]w|am|pm)?(?!\w)",
    re.IGNORECASE,
)
_CITATION = re.compile(r"\s*\[\d+(?:\s*[,;-]\s*\d+)*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Token:
    text: str
    """As written (possessive and trailing dot removed)."""
    norm: str
    """Lower-case, accents and dots removed."""
    start: int
    sentence_initial: bool


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _norm(word: str) -> str:
    return _strip_accents(word).lower().replace(".", "").replace("’", "'")


def tokenize(text: str) -> list[Token]:
    """Words with their offsets; possessive 's is dropped so "Russia's" counts as "Russia"."""
    tokens: list[Token] = []
    previous_end = 0
    previous_raw = ""
    for match in _WORD.finditer(text):
        word = match.group(0)
        gap = text[previous_end : match.start()]
        initial = (
            not tokens
            or bool(re.search(r"[.!?:;\"“]\s*$|\n\s*$", gap))
            or (
                previous_raw.endswith(".")
                and _norm(previous_raw[:-1]) not in ABBREVIATIONS
                and not re.fullmatch(r"(?:[A-Za-z]\.)+", previous_raw)
            )
        )
        previous_end = match.end()
        previous_raw = word
        if word.endswith(".") and _norm(word[:-1]) not in ABBREVIATIONS and "." not in word[:-1]:
            word = word[:-1]
        word = re.sub(r"['’]s$", "", word)
        if not word:
            continue
        tokens.append(Token(word, _norm(word), match.start(), initial))
    return tokens


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    # Porter's rules are pure code (no data files), so the stemmer works offline as shipped.
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stem(word.lower())


def content_stems(tokens: Sequence[Token]) -> list[str]:
    """Stems of the words that carry meaning (no stopwords, negations, or bare digits)."""
    out = []
    for token in tokens:
        for part in token.norm.split("-"):
            if not part or part in STOPWORDS or part in NEGATION_WORDS or part.endswith("n't"):
                continue
            # numbers are checked on their own, in whatever form they are written
            if part.isdigit() or part in UNITS or part in SCALES or part in ORDINALS or part == "dozen":
                continue
            out.append(stem(part))
    return out


def split_sentences(text: str) -> list[str]:
    """Sentence split by punctuation, aware of abbreviations such as "U.K." and "Feb.".

    A regular expression rather than nltk's punkt: punkt needs data files and the verifier calls this
    on every answer; news prose with the abbreviation list below splits well enough.
    """
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        if not block:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(block):
            before = block[start : match.start()].rstrip("\"'”’)]")
            last = before.split()[-1] if before.split() else ""
            if _norm(last.rstrip(".")) in ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)+", last):
                continue
            parts.append(block[start : match.start()].strip())
            start = match.end()
        parts.append(block[start:].strip())
    return [p for p in parts if p]


def split_claims(text: str) -> list[str]:
    """The sentences of an answer or claim, citation markers such as "[2]" removed."""
    return [s for s in (_CITATION.sub("", s).strip() for s in split_sentences(text)) if s]


_META_PATTERNS = re.compile(
    r"^(?:the |these |both )?(?:sources?|reports?|articles?|passages?|accounts?) "
    r"(?:differ|disagree|conflict|vary|do not agree|give different)|"
    r"\bi (?:do not|don't|cannot|can't) (?:know|say|tell|find|answer)\b|"
    r"\b(?:not enough|no) (?:information|details?|data)\b|"
    r"\bdoes not (?:hold|contain|say|mention|state)\b|"
    r"^(?:in summary|to summari[sz]e|overall|here is|here are|see (?:above|below))\W*$|"
    r"^(?:yes|no|sure|okay|ok)\W*$",
    re.IGNORECASE,
)


def needs_support(sentence: str) -> bool:
    """Does the sentence state a fact that a passage should back?

    Questions, statements about the sources themselves ("The sources differ."), admissions of not
    knowing, and fragments with fewer than two content words state nothing checkable.
    """
    text = _CITATION.sub("", sentence).strip()
    if not text or text.endswith("?"):
        return False
    if _META_PATTERNS.search(text):
        return False
    facts = extract_facts(text)
    if facts.numbers or facts.dates or facts.names:
        return True
    return len(content_stems(tokenize(text))) >= 2


# --------------------------------------------------------------------------------------------------
# Numbers, dates, names, negations
# --------------------------------------------------------------------------------------------------


def _number_value(raw: str) -> float:
    return float(re.sub(r"[,\s\u00a0\u202f\u2009]", "", raw))


def _canonical(value: float) -> str:
    return f"{value:.6g}"


def _word_numbers(tokens: Sequence[Token]) -> list[tuple[str, str]]:
    """(value, as written) for spelled-out numbers: "three hundred ten thousand" -> 310000, "a dozen" -> 12."""
    out: list[tuple[str, str]] = []
    words: list[tuple[str, Token]] = []
    for token in tokens:
        for part in token.norm.split("-"):
            words.append((part, token))
    i = 0
    while i < len(words):
        word, token = words[i]
        if word in ORDINALS:
            out.append((_canonical(ORDINALS[word]), word))
            i += 1
            continue
        if word in ("dozen",):
            out.append((_canonical(12), word))
            i += 1
            continue
        if word in VAGUE_QUANTITIES:
            out.append((word, word))
            i += 1
            continue
        if word not in UNITS:
            i += 1
            continue
        if word == "one" and i + 1 < len(words) and words[i + 1][0] in ("of", "another", "who", "which"):
            i += 1
            continue
        total, current, j, written = 0, 0, i, []
        while j < len(words):
            w = words[j][0]
            if w in UNITS:
                current += UNITS[w]
            elif w == "hundred":
                current = max(current, 1) * 100
            elif w in SCALES:
                total += max(current, 1) * SCALES[w]
                current = 0
            elif w == "and" and j + 1 < len(words) and words[j + 1][0] in UNITS and written:
                pass
            else:
                break
            written.append(w)
            j += 1
        out.append((_canonical(total + current), " ".join(written)))
        i = j
    return out


@dataclass
class Facts:
    numbers: list[tuple[str, str]] = field(default_factory=list)
    """(canonical value, as written)"""
    dates: list[tuple[str, str]] = field(default_factory=list)
    """("year:2022" | "month:2" | "weekday:4", as written)"""
    names: list[str] = field(default_factory=list)
    negations: list[int] = field(default_factory=list)
    """Token positions of negation cues."""
    tokens: list[Token] = field(default_factory=list)


def _is_capitalised(token: Token) -> bool:
    text = token.text
    if text[0].isupper():
        return True
    # "al-Zour", "bin-Salman": a lower-case particle joined to a capitalised name
    return bool(re.match(r"^[a-z]{1,3}-[A-Z]", text))


def _name_shaped(token: Token, tokens: Sequence[Token]) -> bool:
    """Is a capitalised word that opens a sentence a name rather than an ordinary word?

    Without a dictionary this is only decided when the word says so itself (inner capitals or dots:
    "U.S.", "McDonald", "NATO") or appears capitalised inside a sentence of the same text; otherwise
    the word is left to the content-word overlap, which also catches it when the passage lacks it.
    """
    text = token.text
    if any(c.isupper() for c in text[1:]) or "." in text:
        return True
    return any(t.text == text and not t.sentence_initial for t in tokens)


def _date_word(token: Token, following: Token | None) -> tuple[str, str] | None:
    word = token.norm.rstrip(".")
    if word in MONTHS or word in WEEKDAYS:
        if word in AMBIGUOUS_DATE_WORDS:
            if not token.text[0].isupper():
                return None
            near_digit = following is not None and following.norm[:1].isdigit()
            if not (near_digit or token.text.endswith(".") or len(word) > 3 and word != "may"):
                return None
        if word in MONTHS:
            return (f"month:{MONTHS[word]}", token.text)
        return (f"weekday:{WEEKDAYS[word]}", token.text)
    return None


def extract_facts(text: str) -> Facts:
    """Numbers, dates, capitalised names and negation cues of a text."""
    tokens = tokenize(text)
    facts = Facts(tokens=tokens)
    # digits (with separators, decimals and scale words)
    for match in _DIGIT_NUMBER.finditer(text):
        raw = match.group(0)
        number_text = raw[: match.start("scale") - match.start()] if match.group("scale") else raw
        if match.group("unit") and not match.group("scale"):
            number_text = number_text[: -len(match.group("unit"))]
        if match.group("ord"):
            number_text = number_text[: -len(match.group("ord"))]
        try:
            value = _number_value(number_text.strip())
        except ValueError:
            continue
        scale = (match.group("scale") or "").lower()
        if scale:
            value *= SCALES.get(scale, SCALE_ABBREVIATIONS.get(scale, 1))
        if not scale and re.fullmatch(r"(1[89]|20)\d\d", number_text.strip()):
            facts.dates.append((f"year:{int(value)}", raw.strip()))
        else:
            facts.numbers.append((_canonical(value), raw.strip()))
    # spelled-out numbers and scale words after them
    words = _word_numbers(tokens)
    facts.numbers.extend(words)
    # dates
    for i, token in enumerate(tokens):
        date = _date_word(token, tokens[i + 1] if i + 1 < len(tokens) else None)
        if date:
            facts.dates.append(date)
    # negations
    for i, token in enumerate(tokens):
        if token.norm in NEGATION_WORDS or token.norm.endswith("n't"):
            facts.negations.append(i)
    # names: runs of capitalised words, joined by connectors such as "of" or "al"
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not _is_capitalised(token) or _date_word(token, None) or token.norm in MONTHS:
            i += 1
            continue
        run = [token]
        j = i + 1
        while j < len(tokens):
            nxt = tokens[j]
            if nxt.sentence_initial:
                break
            name_word = _is_capitalised(nxt) and not _date_word(nxt, None) and nxt.norm not in MONTHS
            connector = (
                nxt.norm in NAME_CONNECTORS
                and j + 1 < len(tokens)
                and _is_capitalised(tokens[j + 1])
                and not tokens[j + 1].sentence_initial
            )
            if not (name_word or connector):
                break
            run.append(nxt)
            j += 1
        # a sentence-initial common word ("The", "Officials") is not part of a name
        while run and run[0].sentence_initial and run[0].norm in SENTENCE_STARTERS:
            run = run[1:]
        while run and run[0].norm in NAME_CONNECTORS:
            run = run[1:]
        name = " ".join(t.text for t in run)
        lone_opener = len(run) == 1 and run[0].sentence_initial and not _name_shaped(run[0], tokens)
        not_a_name = all(t.norm in UNITS or t.norm in ORDINALS or t.norm in NEGATION_WORDS for t in run)
        if run and not lone_opener and not not_a_name and not re.fullmatch(r"[\d\W]+", name):
            facts.names.append(name)
        i = max(j, i + 1)
    return facts


ALIASES: tuple[frozenset[str], ...] = (
    frozenset({"us", "usa", "united states", "america", "american", "americans", "united states of america"}),
    frozenset({"uk", "britain", "great britain", "british", "united kingdom"}),
    frozenset({"eu", "european union"}),
    frozenset({"un", "united nations"}),
)
"""Names of the same country or body that share no letters, so no spelling similarity finds them."""


ARABIC_ARTICLES = _wordset("al el ad ed as es az ez ash esh an en ar er at et ul the")
"""Transliterations of the Arabic article, assimilated or not ("al-Zor", "ez-Zor")."""


def _name_key(text: str) -> str:
    """Spelling-insensitive key: "Deir al-Zour", "Deir al-Zor" and "Deir Ezzor" all give "drzr".

    Transliterated names vary in vowels, doubled letters and the Arabic article, so the key keeps the
    first letter of each word and the consonants after it, drops "al-"/"el-" and collapses repeats.
    """
    words = []
    for word in re.split(r"[\s\-]+", _norm(text)):
        word = re.sub(r"[^a-z0-9]", "", word)
        if not word or word in ARABIC_ARTICLES:
            continue
        skeleton = word[0] + re.sub(r"[aeiouyhw]", "", word[1:])
        if word[0] in "aeiouy" and len(word) > 3 and word[1] not in "aeiouy":
            skeleton = re.sub(r"[aeiouyhw]", "", word)  # "Ezzor" ~ "Zor": a leading article vowel
        words.append(re.sub(r"(.)\1+", r"\1", skeleton))
    return "".join(words)


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^a-z0-9]", "", _norm(text))
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


@dataclass
class Evidence:
    """The passages, analysed once and re-used for every claim checked against them."""

    text: str
    facts: Facts
    sentences: list[list[Token]]
    sentence_stems: list[list[str]]
    stems: set[str]
    stem_bigrams: set[tuple[str, str]]
    numbers: set[str]
    dates: set[str]
    words: set[str]
    """Normalised word forms, hyphenated parts included."""
    name_keys: set[str]
    names: list[str]
    phrases: set[str]
    """Normalised word sequences of up to three words, to find multi-word aliases."""

    @classmethod
    def build(cls, passages: Sequence[str]) -> Evidence:
        text = "\n\n".join(p for p in passages if p)
        facts = extract_facts(text)
        sentences = [tokenize(s) for s in split_sentences(text)]
        sentence_stems = [content_stems(s) for s in sentences]
        stems: set[str] = set()
        bigrams: set[tuple[str, str]] = set()
        for seq in sentence_stems:
            stems.update(seq)
            bigrams.update(zip(seq, seq[1:], strict=False))
        words = set()
        for token in facts.tokens:
            words.add(token.norm)
            words.update(part for part in token.norm.split("-") if part)
        numbers = {value for value, _ in facts.numbers}
        # a year is also a plain number, and a number word the passage spells out may be written in digits
        numbers.update(value.split(":")[1] for value, _ in facts.dates if value.startswith("year:"))
        names = list(dict.fromkeys(facts.names))
        name_keys = {_name_key(n) for n in names} | {_name_key(w) for w in words if len(w) > 2}
        norms = [t.norm for t in facts.tokens]
        phrases = {" ".join(norms[i : i + n]) for n in (1, 2, 3) for i in range(len(norms) - n + 1)}
        return cls(
            text=text,
            facts=facts,
            sentences=sentences,
            sentence_stems=sentence_stems,
            stems=stems,
            stem_bigrams=bigrams,
            numbers=numbers,
            dates={value for value, _ in facts.dates},
            words=words,
            name_keys=name_keys,
            names=names,
            phrases=phrases,
        )

    def backs_name(self, name: str) -> bool:
        """Exact words, or a spelling variant of the whole name or of each of its words."""
        parts = [
            p
            for p in re.split(r"[\s]+", _norm(name))
            if p and p not in NAME_CONNECTORS and p not in STOPWORDS
        ]
        if not parts:
            return True
        joined = " ".join(parts)
        for group in ALIASES:
            if joined in group and any(alias in self.phrases for alias in group):
                return True
        if all(p in self.words or self._variant(p) for p in parts):
            return True
        key = _name_key(name)
        if len(key) >= 3 and key in self.name_keys:
            return True
        return any(_dice(name, candidate) >= 0.8 for candidate in self.names)

    def _variant(self, word: str) -> bool:
        if len(word) < 4:
            return False
        for w in self.words:  # "Chinese" ~ "China", "Ukrainian" ~ "Ukraine"
            shorter = min(len(w), len(word))
            if shorter >= 4 and w[: shorter - 1] == word[: shorter - 1] and w[:4] == word[:4]:
                return True
        key = _name_key(word)
        if len(key) >= 2 and key in self.name_keys:
            return True
        return any(abs(len(w) - len(word)) <= 2 and _dice(w, word) >= 0.75 for w in self.words if len(w) >= 4)


NEGATION_WINDOW = 4
"""Words on either side of a negation cue that it is taken to govern."""


def _negation_scope(tokens: Sequence[Token], position: int) -> list[str]:
    lo, hi = max(0, position - NEGATION_WINDOW), min(len(tokens), position + NEGATION_WINDOW + 1)
    return content_stems([t for k, t in enumerate(tokens[lo:hi], lo) if k != position])


IMPLICIT_NEGATIONS = _wordset(
    "fail failed fails failing refuse refused refuses decline declined declines unable"
)
"""Words that negate the verb after "to" ("failed to get" ~ "did not get"). They count only before
"to", since "sales declined" states a fall, not a refusal."""


def _is_cue(tokens: Sequence[Token], k: int) -> bool:
    norm = tokens[k].norm
    if norm in NEGATION_WORDS or norm.endswith("n't"):
        return True
    return norm in IMPLICIT_NEGATIONS and k + 1 < len(tokens) and tokens[k + 1].norm == "to"


def _negated_near(sentence: Sequence[Token], targets: set[str]) -> bool:
    """Is one of ``targets`` (stems) within the window of a negation cue in this sentence?"""
    return any(
        _is_cue(sentence, k) and targets & set(_negation_scope(sentence, k)) for k in range(len(sentence))
    )


def check_negation(claim: Facts, evidence: Evidence) -> list[str]:
    """Negations that do not line up with the passages, as readable strings ("negation: not attend").

    A negated claim needs a negation in the passage sentence that best matches it, or near the words
    the claim negates; a plain claim fails when every best-matching sentence negates the matched words.
    """
    problems: list[str] = []
    tokens = claim.tokens
    stems = set(content_stems(tokens))
    scored = [
        (len(stems & set(s)) / len(stems) if stems else 0.0, sentence)
        for sentence, s in zip(evidence.sentences, evidence.sentence_stems, strict=True)
    ]
    best = max((share for share, _ in scored), default=0.0)
    top = [sentence for share, sentence in scored if share >= best - 1e-9] if best > 0 else []
    for position in claim.negations:
        scope = set(_negation_scope(tokens, position))
        if not scope:
            continue
        need = max(1, math.ceil(len(scope) / 2))
        backed = (best >= 0.4 and any(any(_is_cue(s, k) for k in range(len(s))) for s in top)) or any(
            len(scope & set(s)) >= need and _negated_near(sentence, scope & set(s))
            for sentence, s in zip(evidence.sentences, evidence.sentence_stems, strict=True)
        )
        if not backed:
            nearby = " ".join(t.text for t in tokens[position : position + 3])
            problems.append(f"negation: {nearby}")
    plain = not any(_is_cue(tokens, k) for k in range(len(tokens)))
    if plain and len(stems) >= 2 and best >= 0.5 and all(_negated_near(s, stems) for s in top):
        problems.append("negation: the passage negates this")
    return problems


ANTONYM_PAIRS = """increase:decrease increase:decline increase:drop increase:fall increase:cut rise:fall rise:drop
rise:decline grow:shrink growth:decline gain:loss gain:lose win:lose won:lost victory:defeat win:defeat
higher:lower high:low raise:lower raise:cut boost:cut expand:shrink expand:cut strong:weak large:small
big:small early:late ahead:behind ahead:back forward:backward accept:reject approve:reject support:oppose
allow:ban allow:prohibit open:close start:end begin:end start:stop success:failure succeed:fail
positive:negative guilty:innocent convicted:acquitted arrest:release legal:illegal profit:loss buy:sell
hire:fire agree:disagree include:exclude import:export majority:minority maximum:minimum old:new old:young
cheap:expensive rich:poor safe:dangerous true:false alive:dead survive:die friend:enemy ally:enemy
north:south east:west male:female men:women husband:wife son:daughter brother:sister mother:father
inside:outside peaceful:violent struggling:thriving troubled:thriving best:worst better:worse
add:remove public:private domestic:foreign internal:external lowest:highest"""
"""Pairs of opposites: a claim word the passage lacks whose opposite the passage uses is a reversed fact."""


@lru_cache(maxsize=1)
def _antonyms() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for pair in ANTONYM_PAIRS.split():
        a, b = (stem(w) for w in pair.split(":"))
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in table.items()}


ANTONYM_CONTEXT = 2
"""Passage sentences (those sharing most words with the claim) in which an opposite counts."""


def check_antonyms(claim: Facts, evidence: Evidence) -> list[str]:
    """Claim words replaced by their opposite ("sales increased" where the passage says "declined").

    The opposite must occur where the passage speaks of the same thing (its sentences that best match
    the claim): a long article uses "increase" somewhere without contradicting "profits declined".
    """
    table = _antonyms()
    stems = set(content_stems(claim.tokens))
    ranked = sorted(
        (i for i, s in enumerate(evidence.sentence_stems) if stems & set(s)),
        key=lambda i: len(stems & set(evidence.sentence_stems[i])),
        reverse=True,
    )[:ANTONYM_CONTEXT]
    context: set[str] = set()
    for i in ranked:
        context.update(evidence.sentence_stems[i])
    problems = []
    for token in claim.tokens:
        if token.norm in STOPWORDS:
            continue
        word = stem(token.norm)
        if word in evidence.stems or word not in table:
            continue
        opposite = table[word] & context
        if opposite:
            # The stems come from the sentence's words split further than its tokens ("Tennessee-East"
            # holds "east" as a stem but not as a token), so a token may not be found: name the stem.
            said = next(
                (t.text for i in ranked for t in evidence.sentences[i] if stem(t.norm) in opposite),
                sorted(opposite)[0],
            )
            problems.append(f"antonym: {token.text} (passage: {said})")
    return list(dict.fromkeys(problems))


@dataclass
class Analysis:
    features: dict[str, float]
    unbacked: list[str]


def analyse(claim: str, evidence: Evidence) -> Analysis:
    """The deterministic features of one sentence against analysed passages."""
    facts = extract_facts(claim)
    unbacked: list[str] = []

    def share(items: list[tuple[str, str]], backed: set[str], label: str) -> float:
        if not items:
            return 1.0
        good = 0
        for value, written in items:
            ok = value in backed
            if not ok and value.startswith("year:"):
                ok = value.split(":")[1] in evidence.numbers
            if ok:
                good += 1
            else:
                unbacked.append(f"{label}: {written}")
        return good / len(items)

    numbers = share(facts.numbers, evidence.numbers, "number")
    dates = share(facts.dates, evidence.dates, "date")
    names_ok = 0
    backed_name_stems: set[str] = set()
    for name in dict.fromkeys(facts.names):
        if evidence.backs_name(name):
            names_ok += 1
            # A backed name in another spelling ("Deir al-Zor" for "Deir Ezzor") is no missing content.
            backed_name_stems.update(content_stems(tokenize(name)))
        else:
            unbacked.append(f"name: {name}")
    n_names = len(dict.fromkeys(facts.names))
    names = names_ok / n_names if n_names else 1.0
    negation_problems = check_negation(facts, evidence) + check_antonyms(facts, evidence)
    unbacked.extend(negation_problems)

    stems = content_stems(facts.tokens)
    overlap = sum(s in evidence.stems or s in backed_name_stems for s in stems) / len(stems) if stems else 1.0
    pairs = list(zip(stems, stems[1:], strict=False))
    bigrams = sum(p in evidence.stem_bigrams for p in pairs) / len(pairs) if pairs else overlap
    features = {
        "overlap": overlap,
        "bigrams": bigrams,
        "numbers": numbers,
        "dates": dates,
        "names": names,
        "negation": 0.0 if negation_problems else 1.0,
        "unbacked": float(min(len(unbacked), 3)),
    }
    return Analysis(features=features, unbacked=unbacked)


# --------------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------------


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def logit(p: float, eps: float = 1e-4) -> float:
    p = min(max(p, eps), 1 - eps)
    return math.log(p / (1 - p))


def combine(weights: dict[str, float], features: dict[str, float], judge: float | None = None) -> float:
    """Logistic combination; a weight for a feature that is absent counts as zero contribution."""
    z = weights.get("bias", 0.0)
    for name in FEATURES:
        z += weights.get(name, 0.0) * features.get(name, 0.0)
    if judge is not None:
        z += weights.get(JUDGE_FEATURE, 0.0) * logit(judge)
    return sigmoid(z)


VETO_BAR = 0.5
CONTRADICTED_SCALE = 0.5
"""A contradicted claim scores at most this share of the threshold: below it, still ranked."""
"""Under the veto rule a score of 0.5 means both signals just reach their own thresholds."""


def veto_score(
    deterministic: float, deterministic_threshold: float, judge: float, judge_threshold: float
) -> float:
    """The weaker of the two signals, each scaled so that its own threshold lands on ``VETO_BAR``.

    ``veto_score(...) >= VETO_BAR`` exactly when both reach their thresholds, and the score still
    ranks claims (AUROC) by how far the weaker signal is from failing.
    """
    return min(
        1.0,
        VETO_BAR * deterministic / max(deterministic_threshold, 1e-9),
        VETO_BAR * judge / max(judge_threshold, 1e-9),
    )


def best_window(claim: str, passage: str, max_tokens: int) -> str:
    """The run of whole sentences within ``max_tokens`` that shares most content words with the claim.

    Only used for passages over budget, so the usual case keeps the whole passage (and its cached prefix).
    """
    if count_tokens(passage) <= max_tokens:
        return passage
    sentences = split_sentences(passage)
    lengths = [count_tokens(s) + 1 for s in sentences]
    wanted = set(content_stems(tokenize(claim)))
    hits = [len(wanted & set(content_stems(tokenize(s)))) for s in sentences]
    best, best_span = -1, (0, 1)
    for lo in range(len(sentences)):
        total, gain, hi = 0, 0, lo
        while hi < len(sentences) and total + lengths[hi] <= max_tokens:
            total += lengths[hi]
            gain += hits[hi]
            hi += 1
        if hi == lo:  # one sentence alone is over budget: keep it, cut below
            hi, gain = lo + 1, hits[lo]
        if gain > best:
            best, best_span = gain, (lo, hi)
    text = " ".join(sentences[best_span[0] : best_span[1]])
    if count_tokens(text) > max_tokens:
        from rag.tokens import encoding

        text = encoding().decode(encoding().encode(text, disallowed_special=())[:max_tokens])
    return text


def judge_messages(claim: str, passage: str) -> list[dict[str, str]]:
    """Passage first, question last: claims about the same passage share the longest possible prefix."""
    return [
        {"role": "system", "content": JUDGE_SYSTEM},
        {"role": "user", "content": f"Passage:\n{passage}\n\nClaim: {claim}\n\n{JUDGE_QUESTION}"},
    ]


class SupportScorer:
    """Scores claims against passages; see the module docstring for the method."""

    def __init__(self, llm: ChatModel | None = None, config: SupportConfig | None = None) -> None:
        self.llm = llm
        self.config = config or SupportConfig.load()
        self._evidence_key: tuple[str, ...] | None = None
        self._evidence: Evidence | None = None

    @property
    def uses_judge(self) -> bool:
        return self.llm is not None and self.config.judge

    def evidence(self, passages: Sequence[str]) -> Evidence:
        """Analysed passages; the last one is kept since the verifier checks many claims per source."""
        key = tuple(passages)
        if key != self._evidence_key or self._evidence is None:
            self._evidence = Evidence.build(passages)
            self._evidence_key = key
        return self._evidence

    def judge_probability(self, claim: str, passages: Sequence[str]) -> float | None:
        """The model's p(Yes), or None without a model or when its backend exposes no logits."""
        if self.llm is None:
            return None
        passage = "\n\n".join(p for p in passages if p)
        passage = best_window(claim, passage, self.config.max_passage_tokens)
        return self.llm.yes_probability(judge_messages(claim, passage))

    def score(self, claim: str, passages: list[str]) -> SupportResult:
        sentences = split_claims(claim) or [claim.strip()]
        if not passages or not any(p.strip() for p in passages):
            return SupportResult(
                score=0.0, supported=False, deterministic=0.0, judge=None, unbacked=["no passage"]
            )
        evidence = self.evidence(passages)
        results = [self._score_sentence(sentence, passages, evidence) for sentence in sentences]
        worst = min(results, key=lambda r: r.score)
        unbacked = list(dict.fromkeys(item for r in results for item in r.unbacked))
        update: dict[str, Any] = {
            "unbacked": unbacked,
            "deterministic": min(r.deterministic for r in results),
        }
        contradicted = contradictions(claim, evidence.text)
        if not any(item.startswith("number:") for item in unbacked):
            # The support checks read number formats ("310 000", "three hundred ten thousand")
            # better: a figure they find stated in the passages is no contradiction.
            contradicted = [c for c in contradicted if not c.startswith("figure:")]
        if contradicted:
            # A veto, not a feature: the fitted weights stay as calibrated, and the passage saying
            # otherwise outweighs any number of backed words (see rag.contradictions).
            threshold = (
                self.config.deterministic_threshold if worst.judge is None else self.config.judged_threshold
            )
            update.update(
                supported=False,
                score=min(worst.score, threshold * CONTRADICTED_SCALE),
                contradicted=contradicted,
            )
        return worst.model_copy(update=update)

    def _score_sentence(self, sentence: str, passages: Sequence[str], evidence: Evidence) -> SupportResult:
        analysis = analyse(sentence, evidence)
        cfg = self.config
        deterministic = combine(cfg.deterministic_weights, analysis.features)
        judge = self.judge_probability(sentence, passages) if self.uses_judge else None
        if judge is None:
            score, threshold = deterministic, cfg.deterministic_threshold
        else:
            score, threshold = cfg.judged_score(analysis.features, judge), cfg.judged_threshold
        return SupportResult(
            score=score,
            supported=score >= threshold,
            deterministic=deterministic,
            judge=judge,
            unbacked=analysis.unbacked,
            features=analysis.features,
        )
