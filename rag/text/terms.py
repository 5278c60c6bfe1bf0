"""Keyword terms: how retrieval turns text into index terms, and which names are spellings of one name.

Both keyword indexes read text by these rules: the in-memory BM25 (:mod:`rag.retrieval.bm25`,
where the choices are explained and measured) and the on-disk SQLite FTS5 index
(:mod:`index.keywords`), which stores the terms made here rather than letting FTS5 tokenise,
so a question finds the same passages in either.

* Unicode NFKC, diacritics stripped, possessive "'s" dropped, thousands separators removed
  ("310,000" = "310000"), decimals ("1.5") one token; all-capital tokens ("IS", "US") are
  never stopwords nor stemmed; :data:`rag.text.words.RETRIEVAL_STOPWORDS` removed; plurals
  folded (Harman's S-stemmer).
* Name variants: two name terms are spellings of one name when their consonant skeletons
  agree (an assimilated or glued Arabic article removed) and their edit distance is small.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag.text.words import RETRIEVAL_STOPWORDS, acronym, strip_accents

_STEM_EXCEPTIONS = frozenset({"news", "series", "species", "always", "perhaps", "whereas", "various", "thus"})

_APOSTROPHES = "'\u2019\u2018\u02bc\u2032`\u00b4"
_TOKEN = re.compile(
    r"\d{1,3}(?:[,\u202f\u00a0\u2009]\d{3})+(?!\d)"  # 310,000 (thousands separators)
    r"|\d+(?:\.\d+)?"  # 2011, 1.5
    rf"|[^\W\d_]+(?:[{_APOSTROPHES}][^\W\d_]+)*"  # words, with inner apostrophes: Syria's, don't
)
_SEPARATORS = re.compile(r"[,\u202f\u00a0\u2009]")


def normalize(text: str) -> str:
    """Unicode NFKC (fullwidth forms, ligatures, decomposed accents); keeps case.

    Quotes and dashes never reach a token except as an inner apostrophe, which the token
    pattern accepts in all its forms; accents, possessives and thousands separators are
    handled per distinct token in :func:`surface`, because per character it is slow.
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def stem(word: str) -> str:
    """Harman's S-stemmer (plural folding), for lowercase alphabetic words of 4+ letters."""
    if len(word) < 4 or word in _STEM_EXCEPTIONS or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Surface:
    term: str | None
    """Index term, or None for a stopword."""
    capitalised: bool
    """Written with a capital initial and not all-capital: evidence that the term is a name."""


def surface(token: str) -> Surface:
    """The index term of one token as :func:`surfaces` finds it."""
    if token[0].isdigit():
        return Surface(_SEPARATORS.sub("", token), False)
    token = strip_accents(token)
    if not token.isalpha():  # inner apostrophes
        token = re.sub(f"[{_APOSTROPHES}]", "'", token)
        if token[-2:].lower() == "'s":
            token = token[:-2]
        token = token.replace("'", "")
    if acronym(token):
        return Surface(token.lower(), False)
    lower = token.lower()
    if lower in RETRIEVAL_STOPWORDS:
        return Surface(None, False)
    return Surface(stem(lower), token[0].isupper())


class _SurfaceCache(dict[str, Surface]):
    """Surface form -> term: a news corpus repeats few distinct word forms many times."""

    def __missing__(self, token: str) -> Surface:
        value = self[token] = surface(token)
        return value


_CACHE = _SurfaceCache()


def surfaces(text: str) -> list[str]:
    """The raw tokens of ``text`` (before stopwords, case and stemming)."""
    return _TOKEN.findall(normalize(text))


def analyse(text: str) -> list[Surface]:
    """Every non-stopword token of ``text`` in order, as its term and whether it was capitalised."""
    if len(_CACHE) > 200_000:  # bound memory when fed endless distinct tokens
        _CACHE.clear()
    return [s for s in map(_CACHE.__getitem__, surfaces(text)) if s.term is not None]


def tokenize(text: str) -> list[str]:
    """Index terms of ``text`` in order (stopwords removed, plurals folded, numbers kept)."""
    return [s.term for s in analyse(text)]  # type: ignore[misc]


def may_be_name(term: str) -> bool:
    """Terms that can be names when mostly capitalised: alphabetic, three letters or more."""
    return term.isalpha() and len(term) >= 3


# ---------------------------------------------------------------------------------------
# Name variants

_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
_ASSIMILATED_ARTICLE = re.compile(r"^[aeiu]([b-df-hj-np-tv-z])\1")


def name_forms(term: str) -> set[str]:
    """The term and the term without a leading Arabic article ("ezzor" -> "zor", "alzour" -> "zour")."""
    forms = {term}
    if len(term) >= 5:
        if _ASSIMILATED_ARTICLE.match(term):
            forms.add(term[2:])
        if term.startswith(("al", "el")):
            forms.add(term[2:])
    return forms


def skeleton(form: str) -> str:
    """Consonant skeleton: doubled letters collapsed, vowels dropped ("zour", "zor" -> "zr")."""
    collapsed = _DOUBLES.sub(r"\1", form)
    return _VOWELS.sub("", collapsed) or collapsed


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (names are short; a plain dynamic programme is fast enough)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def close_spellings(a: str, b: str) -> bool:
    """Edit distance small for the length: one edit per three letters of the shorter, at least one."""
    return edit_distance(a, b) <= max(1, min(len(a), len(b)) // 3)


def variant_query_forms(term: str) -> set[str]:
    """The forms of a query term to look up among the corpus's names (none for short or non-words)."""
    if len(term) < 3 or not term.isalpha():
        return set()
    return name_forms(term)
