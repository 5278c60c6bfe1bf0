"""Numbers, dates, names and negation cues of a text, and whether a sentence states a fact at all."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.text.dates import AMBIGUOUS_DATE_WORDS, MONTHS, WEEKDAYS, day_starts, iso_days
from rag.text.markers import CLAIM_MARKER
from rag.text.numbers import (
    DIGIT_NUMBER,
    NUMBER_WORDS,
    ORDINALS,
    SCALE_ABBREVIATIONS,
    SCALES,
    VAGUE_QUANTITIES,
)
from rag.text.sentences import strip_list_marker
from rag.text.words import SUPPORT_STOPWORDS
from rag.verifier.lexicon import NAME_CONNECTORS, NEGATION_WORDS, SENTENCE_STARTERS, dictionary_word
from rag.verifier.tokens import Token, content_stems, tokenize

_SOURCES_DIFFER = re.compile(
    r"^(?:the |these |both )?(?:sources?|reports?|articles?|passages?|accounts?) "
    r"(?:differ|disagree|conflict|vary|do not agree|give different)",
    re.IGNORECASE,
)
_META_PATTERNS = re.compile(
    r"\bi (?:do not|don't|cannot|can't) (?:know|say|tell|find|answer)\b|"
    r"\b(?:not enough|no) (?:information|details?|data)\b|"
    r"\bdoes not (?:hold|contain|say|mention|state)\b|"
    r"\bno answer (?:backed|supported|was found|could be)\b|"
    r"^(?:in summary|to summari[sz]e|overall|here is|here are|see (?:above|below))\W*$|"
    r"^(?:yes|no|sure|okay|ok)\W*$",
    re.IGNORECASE,
)


def needs_support(sentence: str) -> bool:
    """Does the sentence state a fact that a passage should back?

    Questions, statements about the sources themselves ("The sources differ."), admissions of not
    knowing, and fragments with fewer than two content words state nothing checkable. A sentence
    that says the sources differ and then gives their figures, days or names ("The sources
    disagree: BBC says 50 [1], AFP says 90 [2].") states them, and they are checked: exempted, a
    model's made-up figures passed unchecked beside a backed sentence. (The engine's own notices
    of a disagreement are marked :attr:`rag.types.Sentence.reported` and never reach this check.)
    """
    text = strip_list_marker(CLAIM_MARKER.sub("", sentence))
    if not text or text.endswith("?"):
        return False
    if _META_PATTERNS.search(text):
        return False
    facts = extract_facts(text)
    if len(tokenize(text)) == 1 and not (facts.numbers or facts.dates):
        # a name alone ("Geneva."), even one no dictionary lists, states nothing: the reply is
        # checked as the question it completes (rag.reply_check.check_named_answer)
        return False
    if _SOURCES_DIFFER.search(text):
        return bool(facts.numbers or facts.dates or facts.names)
    if facts.numbers or facts.dates or facts.names:
        return True
    return len(content_stems(tokenize(text))) >= 2


SOURCE_NOUNS = frozenset({"article", "articles", "source", "sources", "report", "passage", "story"})
"""After an ordinal, the answer points at one of its sources ("The second article mentions that ...")."""


def _number_value(raw: str) -> float:
    return float(re.sub(r"[,\s\u00a0\u202f\u2009]", "", raw))


def canonical(value: float) -> str:
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
            following = words[i + 1][0] if i + 1 < len(words) else ""
            if following not in SOURCE_NOUNS:  # "the first article says ...": which source, no fact
                out.append((canonical(ORDINALS[word]), word))
            i += 1
            continue
        if word in ("dozen",):
            out.append((canonical(12), word))
            i += 1
            continue
        if word in VAGUE_QUANTITIES:
            out.append((word, word))
            i += 1
            continue
        if word not in NUMBER_WORDS:
            i += 1
            continue
        if word == "one" and i + 1 < len(words) and words[i + 1][0] in ("of", "another", "who", "which"):
            i += 1
            continue
        total, current, j, written = 0, 0, i, []
        while j < len(words):
            w = words[j][0]
            if w in NUMBER_WORDS:
                current += NUMBER_WORDS[w]
            elif w == "hundred":
                current = max(current, 1) * 100
            elif w in SCALES:
                total += max(current, 1) * SCALES[w]
                current = 0
            elif w == "and" and j + 1 < len(words) and words[j + 1][0] in NUMBER_WORDS and written:
                pass
            else:
                break
            written.append(w)
            j += 1
        out.append((canonical(total + current), " ".join(written)))
        i = j
    return out


@dataclass
class Facts:
    numbers: list[tuple[str, str]] = field(default_factory=list)
    """(canonical value, as written)"""
    days: list[str] = field(default_factory=list)
    """The values among ``numbers`` written as the day of a date ("2" of "2 May"), once each time."""
    dates: list[tuple[str, str]] = field(default_factory=list)
    """("year:2022" | "month:2" | "weekday:4", as written)"""
    names: list[str] = field(default_factory=list)
    negations: list[int] = field(default_factory=list)
    """Token positions of negation cues."""
    tokens: list[Token] = field(default_factory=list)
    text: str = ""
    """The text the facts were read from (token ``start`` offsets point into it)."""

    def only_days(self, value: str) -> bool:
        """Is every time ``value`` is written here the day of a date ("2" of "on 2 May", not of
        "2 May, when 2 ferries ...")?"""
        return self.days.count(value) >= sum(number == value for number, _ in self.numbers)


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
    if _proper_word(token.norm):
        return True
    return any(t.text == text and not t.sentence_initial for t in tokens)


def _proper_word(norm: str) -> bool:
    """A word no English dictionary lists and no function word: a name ("Michael was a professor"
    where the passage has "Guy was a professor"; in the Wikinews edits a name swapped in at a
    sentence's opening passed as an ordinary word)."""
    return (
        norm.isalpha()
        and len(norm) > 1
        and norm not in SENTENCE_STARTERS
        and norm not in SUPPORT_STOPWORDS
        and norm not in NUMBER_WORDS
        and not dictionary_word(norm)
    )


def _opening_adverb(token: Token, tokens: Sequence[Token]) -> bool:
    """Does a sentence open with an adverb ("Additionally", "Separately") rather than a name?

    Such a word is capitalised only because it opens the sentence; read as a name it joins the next
    name ("Additionally Assad") and that never appears in a passage. A word seen capitalised inside a
    sentence of the same text ("Kelly", "Italy") stays a name.
    """
    return (
        token.sentence_initial
        and len(token.norm) >= 6
        and token.norm.endswith("ly")
        and not _name_shaped(token, tokens)
    )


def _date_word(token: Token, following: Token | None) -> tuple[str, str] | None:
    word = token.norm.rstrip(".")
    if word in MONTHS or word in WEEKDAYS:
        if word in AMBIGUOUS_DATE_WORDS:
            if not token.text[0].isupper():
                return None
            near_digit = following is not None and following.norm[:1].isdigit()
            # "May" inside a sentence is the month: the verb is written "may" there
            inner_may = word == "may" and token.text == "May" and not token.sentence_initial
            if not (near_digit or inner_may or token.text.endswith(".") or len(word) > 3 and word != "may"):
                return None
        if word in MONTHS:
            return (f"month:{MONTHS[word]}", token.text)
        return (f"weekday:{WEEKDAYS[word]}", token.text)
    return None


def extract_facts(text: str) -> Facts:
    """Numbers, dates, capitalised names and negation cues of a text."""
    tokens = tokenize(text)
    facts = Facts(tokens=tokens, text=text)
    # days written 2017-01-17 count as the year, month and day they name, as "17 January 2017"
    # does, not as the numbers 2017, 1 and 17
    digits = text
    for (start, end), day in iso_days(text):
        written = text[start:end]
        facts.dates.extend([(f"year:{day.year}", written), (f"month:{day.month}", written)])
        facts.numbers.append((canonical(float(day.day)), written))
        facts.days.append(canonical(float(day.day)))
        digits = digits[:start] + " " * (end - start) + digits[end:]
    days = day_starts(digits)
    # digits (with separators, decimals and scale words)
    for match in DIGIT_NUMBER.finditer(digits):
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
            facts.numbers.append((canonical(value), raw.strip()))
            if match.start() in days:
                facts.days.append(canonical(value))
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
        while (
            run
            and run[0].sentence_initial
            and (run[0].norm in SENTENCE_STARTERS or _opening_adverb(run[0], tokens))
        ):
            run = run[1:]
        while run and run[0].norm in NAME_CONNECTORS:
            run = run[1:]
        name = " ".join(t.text for t in run)
        lone_opener = len(run) == 1 and run[0].sentence_initial and not _name_shaped(run[0], tokens)
        not_a_name = all(
            t.norm in NUMBER_WORDS or t.norm in ORDINALS or t.norm in NEGATION_WORDS for t in run
        )
        if run and not lone_opener and not not_a_name and not re.fullmatch(r"[\d\W]+", name):
            facts.names.append(name)
        i = max(j, i + 1)
    return facts


def name_mentions(facts: Facts) -> list[tuple[int, int, str]]:
    """Each time a name of the text is written, as (first token, last token, name), in text order.
    Matched as written: the name "IS" is not the verb "is"."""
    tokens = facts.tokens
    found = []
    for name in dict.fromkeys(facts.names):
        words = [t.text for t in tokenize(name)]
        n = len(words)
        found.extend(
            (i, i + n - 1, name)
            for i in range(len(tokens) - n + 1)
            if words and [t.text for t in tokens[i : i + n]] == words
        )
    return sorted(found)
