"""The passages a claim is checked against, analysed once: their sentences, stems, figures and names."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.text.dates import told_days
from rag.text.figures import Figure, extract_figures
from rag.text.sentences import claim_sentences_at
from rag.text.words import STATE_BODIES, SUPPORT_STOPWORDS, demonym_of, name_words, norm_word, wordset
from rag.verifier.facts import Facts, canonical, extract_facts
from rag.verifier.heads import heading
from rag.verifier.lexicon import NAME_CONNECTORS
from rag.verifier.numbers import counted_numbers, figures, number_backed, remainders
from rag.verifier.published import published_on, relative_dates
from rag.verifier.tokens import Token, content_stems, tokenize

ALIASES: tuple[frozenset[str], ...] = (
    frozenset({"us", "usa", "united states", "america", "american", "americans", "united states of america"}),
    frozenset({"uk", "britain", "great britain", "british", "united kingdom"}),
    frozenset({"eu", "european union"}),
    frozenset({"un", "united nations"}),
    frozenset({"islamic state", "isis", "isil", "daesh", "islamic state group"}),
)
"""Names of the same country or body that share no letters, so no spelling similarity finds them."""


_OUTLET = re.compile(r"\(([^()]+)\)(?:\s+Published [^.]*\.)?\s*$")
"""The publisher at the end of a header line, before its date (:func:`rag.evidence.passage_document`)."""
_HEADER = re.compile(r"(?:\([^()]+\)|Published [^.]*\.)\s*$")
"""The end of a header line: the publisher in brackets or the date (:func:`rag.evidence.passage_document`)."""

ARABIC_ARTICLES = wordset("al el ad ed as es az ez ash esh an en ar er at et ul the")
"""Transliterations of the Arabic article, assimilated or not ("al-Zor", "ez-Zor")."""


def alias_group(word: str) -> frozenset[str]:
    """The other names of ``word`` ("british" -> "uk", "britain", ...), or an empty set."""
    return next((group for group in ALIASES if word in group), frozenset())


def _name_key(text: str) -> str:
    """Spelling-insensitive key: "Deir al-Zour", "Deir al-Zor" and "Deir Ezzor" all give "drzr".

    Transliterated names vary in vowels, doubled letters and the Arabic article, so the key keeps the
    first letter of each word and the consonants after it, drops "al-"/"el-" and collapses repeats.
    """
    words = []
    for word in name_words(text):
        word = re.sub(r"[^a-z0-9]", "", word)
        if not word or word in ARABIC_ARTICLES:
            continue
        skeleton = word[0] + re.sub(r"[aeiouyhw]", "", word[1:])
        if word[0] in "aeiouy" and len(word) > 3 and word[1] not in "aeiouy":
            skeleton = re.sub(r"[aeiouyhw]", "", word)  # "Ezzor" ~ "Zor": a leading article vowel
        words.append(re.sub(r"(.)\1+", r"\1", skeleton))
    return "".join(words)


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^a-z0-9]", "", norm_word(text))
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
    short_keys: dict[str, set[int]]
    """Two-letter keys of the passage's capitalised words ("Zor" -> "zr"), with those words' lengths."""
    names: list[str]
    phrases: set[str]
    """Normalised word sequences of up to three words, to find multi-word aliases."""
    spans: list[tuple[int, int, int]] = field(default_factory=list)
    """Where each of ``sentences`` lies: (index of its passage, start, end in that passage as given)."""
    sentence_texts: list[str] = field(default_factory=list)
    outlets: dict[int, str] = field(default_factory=dict)
    """The publisher in each passage's header line ("... (BBC News) Published 17 January 2017."), by
    the index of the passage: :func:`rag.evidence.passage_document` writes it there."""
    headlines: dict[int, int] = field(default_factory=dict)
    """The sentence that is each passage's header line (title, publisher, date), by the index of the
    passage; a passage without one is left out."""
    counts: set[str] = field(default_factory=set)
    """The ``numbers`` written somewhere other than as the day of a date (:meth:`backs_number`)."""
    published: list[dt.date | None] = field(default_factory=list)
    """The date in each passage's header line, by the index of the passage (None: undated)."""
    told: list[frozenset[dt.date]] = field(default_factory=list)
    """The days each sentence names by "yesterday", "today" or a weekday, counted from its passage's
    date (:func:`rag.text.dates.told_days`); empty for an undated passage."""
    _figures: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _windows: dict[tuple[int, ...], Evidence] = field(default_factory=dict, repr=False)
    _counted: list[dict[str, set[str]]] | None = field(default=None, repr=False)
    _told: list[Figure] | None = field(default=None, repr=False)
    _padded: list[list[str]] | None = field(default=None, repr=False)
    _heads: bool | None = field(default=None, repr=False)

    @classmethod
    def build(cls, passages: Sequence[str], days: frozenset[dt.date] = frozenset()) -> Evidence:
        """``days``: days the text names by weekday or "yesterday", counted from a date it does not
        hold itself (a window of a dated passage, :meth:`window`)."""
        text = "\n\n".join(p for p in passages if p)
        facts = extract_facts(text)
        located = claim_sentences_at(text)
        spans = _in_passages(passages, located)
        published = [published_on(passage) for passage in passages]
        told = [
            told_days(sentence, day) if (day := published[index]) else frozenset()
            for (sentence, _, _), (index, _, _) in zip(located, spans, strict=True)
        ]
        days = days.union(*told)
        sentences = [tokenize(s) for s, _, _ in located]
        sentence_stems = [content_stems(s) for s in sentences]
        stems: set[str] = set()
        bigrams: set[tuple[str, str]] = set()
        for seq in sentence_stems:
            stems.update(seq)
            bigrams.update(zip(seq, seq[1:], strict=False))
        words = set()
        short_keys: dict[str, set[int]] = {}
        for token in facts.tokens:
            forms = {token.norm, *(part for part in token.norm.split("-") if part)}
            words.update(forms)
            if token.text != token.text.lower():
                for form in forms:
                    key = _name_key(form) if len(form) > 2 else ""
                    if len(key) == 2:
                        short_keys.setdefault(key, set()).add(len(form))
        dates = {value for value, _ in facts.dates} | relative_dates(passages)
        # "On Wednesday" in a story of Saturday 21 December 2019 states 18 December 2019
        dates |= {f"year:{day.year}" for day in days} | {f"month:{day.month}" for day in days}
        # a year is also a plain number, and a number word the passage spells out may be written in digits
        years = {value.split(":")[1] for value, _ in facts.dates if value.startswith("year:")}
        numbers = {value for value, _ in facts.numbers} | years | {canonical(float(day.day)) for day in days}
        # a number written only as the day of a date ("Published 2 May 2024") counts nothing
        written = Counter(value for value, _ in facts.numbers)
        written.subtract(facts.days)
        counts = {value for value, times in written.items() if times > 0} | years | remainders(text)
        numbers |= counts
        names = list(dict.fromkeys(facts.names))
        name_keys = {_name_key(n) for n in names} | {_name_key(w) for w in words if len(w) > 2}
        norms = [t.norm for t in facts.tokens]
        phrases = {" ".join(norms[i : i + n]) for n in (1, 2, 3) for i in range(len(norms) - n + 1)}
        headed = {i for i, passage in enumerate(passages) if _HEADER.search(passage.split("\n", 1)[0])}
        headlines: dict[int, int] = {}
        for k, (index, _start, _end) in enumerate(spans):
            if index in headed:
                headlines.setdefault(index, k)
        return cls(
            text=text,
            facts=facts,
            sentences=sentences,
            sentence_stems=sentence_stems,
            stems=stems,
            stem_bigrams=bigrams,
            numbers=numbers,
            counts=counts,
            published=published,
            told=told,
            dates=dates,
            words=words,
            name_keys=name_keys,
            short_keys=short_keys,
            names=names,
            phrases=phrases,
            spans=spans,
            headlines=headlines,
            sentence_texts=[s for s, _, _ in located],
            outlets={
                index: match.group(1)
                for index, passage in enumerate(passages)
                if (match := _OUTLET.search(passage.split("\n", 1)[0]))
            },
        )

    def sentence_figures(self, index: int) -> frozenset[str]:
        """Numbers and years stated in one sentence (worked out on demand: few claims need them)."""
        if index not in self._figures:
            self._figures[index] = figures(extract_facts(self.sentence_texts[index]))
        return self._figures[index]

    def outlet_names(self, sentence: int, name: str) -> bool:
        """Is ``name`` the publisher of the passage holding ``sentence``? The publisher reports every
        sentence of its story: "The BBC reported that Islamic State militants launched a fierce
        assault" is backed by the BBC passage that says so, far below its header."""
        outlet = self.outlets.get(self.spans[sentence][0]) if sentence < len(self.spans) else None
        if not outlet:
            return False
        words = set(name_words(outlet))
        parts = [w for w in name_words(name) if w not in SUPPORT_STOPWORDS]
        return bool(parts) and all(p in words or words & alias_group(p) for p in parts)

    def headline_names(self, sentence: int, name: str) -> bool:
        """Does the title of the passage holding ``sentence`` name ``name``? A story names its
        subject in the title and then writes "he", a surname or "the city": "Walter Munk" is in
        the title "Pioneering oceanographer Walter Munk dies ..." and not in "He was 101"."""
        header = self._headline(sentence)
        if header is None:
            return False
        # word for word: a spelling variant ("Syrian refugees" for "Syria") is not the story's
        # subject; a place's own state body is ("Samoan government ends state of emergency" is about
        # Samoa: "Samoa extended its state of emergency" was refused, no window naming Samoa)
        title = self.sentences[header]
        words = {t.norm for t in title}
        parts = [t.norm for t in tokenize(name) if t.norm not in SUPPORT_STOPWORDS | NAME_CONNECTORS]
        if len(parts) == 1 and parts[0] not in words:
            return any(
                title[k + 1].norm in STATE_BODIES and demonym_of(word.norm, parts[0])
                for k, word in enumerate(title[:-1])
            )
        return bool(parts) and all(part in words for part in parts)

    def headline_stems(self, sentence: int) -> set[str]:
        """The content stems of the title of the passage holding ``sentence`` (none when the
        sentence is the title, or its passage has none)."""
        header = self._headline(sentence)
        return set() if header is None else set(self.sentence_stems[header])

    def _headline(self, sentence: int) -> int | None:
        header = self.headlines.get(self.spans[sentence][0]) if sentence < len(self.spans) else None
        return None if header == sentence else header

    def window(self, indexes: tuple[int, ...]) -> Evidence:
        """The sentences at ``indexes`` analysed on their own, kept for the next claim."""
        if indexes not in self._windows:
            self._windows[indexes] = Evidence.build(
                [" ".join(self.sentence_texts[k] for k in indexes)],
                days=frozenset().union(*(self.told[k] for k in indexes)),
            )
        return self._windows[indexes]

    def counted(self) -> list[dict[str, set[str]]]:
        """For each sentence, each number it states with the words after it that say what it counts."""
        if self._counted is None:
            self._counted = [
                counted_numbers(tokens, text)
                for tokens, text in zip(self.sentences, self.sentence_texts, strict=True)
            ]
        return self._counted

    def padded_sentences(self) -> list[list[str]]:
        """Each sentence's words with its edges marked (:func:`padded`), read once for all the
        claims and words checked against them."""
        if self._padded is None:
            self._padded = [padded(sentence) for sentence in self.sentences]
        return self._padded

    def says_who_heads(self) -> bool:
        """Does a sentence here say who heads a body, in that sense (:func:`rag.verifier.heads.heading`)?
        Read once: a window is kept for the next claim (:meth:`window`), and each claim saying who
        heads a body asks it of every window it tries."""
        if self._heads is None:
            self._heads = any(heading(sentence) for sentence in self.sentences)
        return self._heads

    def told_figures(self) -> list[Figure]:
        """The counted figures of the passages with what befell them (:func:`extract_figures`), read
        once for all the claims checked against them."""
        if self._told is None:
            self._told = extract_figures(self.text)
        return self._told

    def best_sentences(self, stems: set[str], rare_first: bool = False) -> tuple[float, list[int]]:
        """The largest share of ``stems`` one sentence holds, and the sentences that hold it: the
        ones taken as stating a claim with those content words. With ``rare_first`` each stem
        counts by how few sentences hold it, so a sentence with the claim's one distinctive word
        outranks one with as many of its common ones."""
        if not stems:
            return 0.0, []
        held = [set(s) for s in self.sentence_stems]
        if rare_first:
            weight = {stem: 1.0 / max(1, sum(stem in h for h in held)) for stem in stems}
        else:
            weight = dict.fromkeys(stems, 1.0)
        total = sum(weight.values())
        shares = [sum(weight[x] for x in stems & h) / total for h in held]
        best = max(shares, default=0.0)
        return best, [k for k, share in enumerate(shares) if share >= best - 1e-9] if best > 0 else []

    def backs_number(self, value: str, day: bool) -> bool:
        """Is a claim's number among the passages' numbers? A claim's count is not backed by a day
        of a date: "Two ferries were idle" passed beside "Published 2 May 2024" and "About 3
        ferries were idle". ``day``: the claim writes the number as a day itself ("on 2 May")."""
        return number_backed(value, self.numbers if day else self.counts)

    def backs_date(self, value: str) -> bool:
        """Is a claim's date ("year:2020", "month:4") among the passages' dates, or its year among
        their numbers?"""
        return value in self.dates or (value.startswith("year:") and value.split(":")[1] in self.numbers)

    def backs_name(self, name: str) -> bool:
        """Exact words, or a spelling variant of the whole name or of each of its words."""
        parts = [
            p
            for p in re.split(r"[\s]+", norm_word(name))
            if p and p not in NAME_CONNECTORS and p not in SUPPORT_STOPWORDS
        ]
        if not parts:
            return True
        joined = " ".join(parts)
        if any(alias in self.phrases for alias in alias_group(joined)):
            return True
        if all(p in self.words or self._variant(p) or self._aliased(p) for p in parts):
            return True
        key = _name_key(name)
        if len(key) >= 3 and key in self.name_keys:
            return True
        return any(_dice(name, candidate) >= 0.8 for candidate in self.names)

    def _aliased(self, word: str) -> bool:
        """Each hyphenated piece is in the passages as written or as an alias: "British-based" is
        backed by "Britain-based" and by "UK-based" (the bundled 004 writes "Britain-based war
        monitor", the model "British-based monitoring group")."""
        pieces = [piece for piece in word.split("-") if piece]
        if not any(alias_group(piece) for piece in pieces):
            return False
        return all(
            piece in self.words
            or any(alias in self.words or alias in self.phrases for alias in alias_group(piece))
            for piece in pieces
        )

    def _variant(self, word: str) -> bool:
        if len(word) < 4:
            return False
        for w in self.words:  # "Chinese" ~ "China", "Ukrainian" ~ "Ukraine"
            shorter = min(len(w), len(word))
            if shorter >= 4 and w[: shorter - 1] == word[: shorter - 1] and w[:4] == word[:4]:
                return True
        key = _name_key(word)
        if len(key) >= 3 and key in self.name_keys:
            return True
        # A two-letter key is too common to stand alone: "Alloush" and "also" both give "ls". It
        # counts against a capitalised word of about the same length ("Zour" ~ "Zor").
        if len(key) == 2 and any(abs(length - len(word)) <= 2 for length in self.short_keys.get(key, ())):
            return True
        return any(abs(len(w) - len(word)) <= 2 and _dice(w, word) >= 0.75 for w in self.words if len(w) >= 4)


EDGES = ("<s>", "</s>")
"""Where a sentence begins and ends, as words: a place may lie at an edge."""


def padded(tokens: Sequence[Token]) -> list[str]:
    """The words of a sentence with its edges marked, so that "the Senate did." ends where "the
    Senate did not." does not."""
    return [EDGES[0], *(t.norm for t in tokens), EDGES[1]]


def _in_passages(passages: Sequence[str], located: list[tuple[str, int, int]]) -> list[tuple[int, int, int]]:
    """Sentence offsets in the joined text made relative to the passage each lies in."""
    starts: list[tuple[int, int]] = []  # (start in the joined text, index of the passage)
    at = 0
    for index, passage in enumerate(passages):
        if passage:
            starts.append((at, index))
            at += len(passage) + 2
    spans = []
    for _, start, end in located:
        offset, index = next((o, i) for o, i in reversed(starts) if o <= start)
        spans.append((index, start - offset, end - offset))
    return spans
