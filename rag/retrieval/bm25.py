"""Okapi BM25 keyword search over passages, tuned for news text.

Written here rather than taken from ``bm25s`` (installed) for two reasons:

* spelling variants of transliterated names ("Deir al-Zor", "Deir al-Zour", "Deir Ezzor")
  are scored as *one* term, the way Lucene's ``SynonymQuery`` does: term frequencies of
  the variants are summed and the document frequency is that of the union. ``bm25s``
  pre-computes one score per (term, document), so variants could only be added as extra
  terms, each with its own IDF, which over-rewards a passage that happens to use two
  spellings and ranks the rarer spelling above the common one;
* filters must be applied as a mask *before* the top-k cut, and an empty query must
  give an empty result (``bm25s.BM25.get_scores([])`` raises ``IndexError``).

Scoring is Lucene's BM25 (``idf = ln(1 + (N - df + 0.5) / (df + 0.5))``, term part
``tf / (tf + k1 * (1 - b + b * dl / avgdl))``), the variant ``bm25s`` calls ``"lucene"``,
so the two agree exactly on a corpus without variants (a test checks it). The IDF is never
negative, so a term found in most passages still counts a little instead of pushing them down.

Tokenizer choices (see :func:`tokenize`):

* Unicode NFKC, diacritics stripped ("Çavuşoğlu" = "Cavusoglu"), curly quotes and dashes
  unified, possessive "'s" dropped, thousands separators removed so "310,000" and "310000"
  are the same token; decimals ("1.5") stay one token.
* A light stopword list of function words and question words (which never appear in the
  answer). Negations ("not", "no") are kept: "would not attend" is a fact a user asks about.
  All-capital tokens are never stopwords nor stemmed, so "IS" (Islamic State) and "US"
  survive while "is" and "us" do not.
* Plural folding only (Harman's S-stemmer): questions and articles differ mostly in number
  ("Which group" / "rebel groups"). A full Porter stemmer conflates unrelated news words
  ("police"/"policy", "general"/"generation") and mangles names; morphology beyond
  plurals is left to the dense retriever.

Name variants: a term written with a capital initial in most of its occurrences is a
name. Two names are variants when their consonant skeletons agree (doubled letters
collapsed, vowels dropped, an assimilated Arabic article such as the "ez" of "Ezzor" or a
glued "al" removed) *and* their edit distance is small for their length. Both conditions
are needed: skeletons alone join "Iraq" and "Raqa", edit distance alone joins "live" and
"love". Character n-grams were considered and rejected: they spread the score of a name
over many shared fragments of common words and would make ``keyword_hits`` meaningless
(almost every passage shares some trigram with any query).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from rag.text.words import RETRIEVAL_STOPWORDS, strip_accents

DEFAULT_K1 = 1.2
DEFAULT_B = 0.75

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
    handled per distinct token in :func:`_surface`, because per character it is slow.
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
class _Surface:
    term: str | None
    """Index term, or None for a stopword."""
    capitalised: bool
    """Written with a capital initial and not all-capital: evidence that the term is a name."""


def _surface(token: str) -> _Surface:
    if token[0].isdigit():
        return _Surface(_SEPARATORS.sub("", token), False)
    token = strip_accents(token)
    if not token.isalpha():  # inner apostrophes
        token = re.sub(f"[{_APOSTROPHES}]", "'", token)
        if token[-2:].lower() == "'s":
            token = token[:-2]
        token = token.replace("'", "")
    if token.isalpha() and len(token) >= 2 and token.isupper():
        return _Surface(token.lower(), False)
    lower = token.lower()
    if lower in RETRIEVAL_STOPWORDS:
        return _Surface(None, False)
    return _Surface(stem(lower), token[0].isupper())


class _SurfaceCache(dict[str, _Surface]):
    """Surface form -> term: a news corpus repeats few distinct word forms many times."""

    def __missing__(self, token: str) -> _Surface:
        value = self[token] = _surface(token)
        return value


_CACHE = _SurfaceCache()


class _Numbering(dict[str, int]):
    """Distinct strings numbered in order of first sight (``__getitem__`` stays in C)."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


def _surfaces(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


def tokenize(text: str) -> list[str]:
    """Index terms of ``text`` in order (stopwords removed, plurals folded, numbers kept)."""
    if len(_CACHE) > 200_000:  # bound memory when fed endless distinct tokens
        _CACHE.clear()
    return [s.term for s in map(_CACHE.__getitem__, _surfaces(text)) if s.term is not None]


# ---------------------------------------------------------------------------------------
# Name variants


_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
_ASSIMILATED_ARTICLE = re.compile(r"^[aeiu]([b-df-hj-np-tv-z])\1")


def _forms(term: str) -> set[str]:
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


def _close(a: str, b: str) -> bool:
    return edit_distance(a, b) <= max(1, min(len(a), len(b)) // 3)


class NameVariants:
    """Groups the corpus's name terms that are spellings of the same name."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_skeleton: dict[str, list[tuple[str, str]]] = {}
        for name in names:
            for form in _forms(name):
                self._by_skeleton.setdefault(skeleton(form), []).append((form, name))

    def of(self, term: str) -> set[str]:
        """Names of the corpus that are variants of ``term`` (``term`` itself excluded)."""
        if len(term) < 3 or not term.isalpha():
            return set()
        found: set[str] = set()
        for form in _forms(term):
            for other_form, name in self._by_skeleton.get(skeleton(form), ()):
                if name != term and _close(form, other_form):
                    found.add(name)
        return found


# ---------------------------------------------------------------------------------------
# Index


@dataclass
class BM25Index:
    """BM25 over a fixed list of texts; document ``i`` is ``texts[i]``.

    Build with :meth:`build`. Scores are float64 arrays aligned with the input order, so a
    caller's filters become a boolean mask over the same positions.
    """

    k1: float = DEFAULT_K1
    b: float = DEFAULT_B
    vocabulary: dict[str, int] = field(default_factory=dict)
    names: frozenset[str] = frozenset()
    _postings: sparse.csc_matrix | None = None
    _norm: np.ndarray = field(default_factory=lambda: np.zeros(0))
    _variants: NameVariants = field(default_factory=lambda: NameVariants(()))

    @classmethod
    def build(cls, texts: Sequence[str], *, k1: float = DEFAULT_K1, b: float = DEFAULT_B) -> BM25Index:
        if k1 < 0 or not 0.0 <= b <= 1.0:
            raise ValueError(
                f"BM25 parameters out of range: k1={k1} (must be >= 0), b={b} (must be in [0, 1])"
            )
        # Vectorised: each distinct surface form is analysed once, then numpy maps the
        # flat token stream to (document, term) counts. A per-token Python loop took ~4 s
        # for 20k passages; this takes a fraction of that.
        surface_ids = _Numbering()
        per_doc = [np.fromiter(map(surface_ids.__getitem__, _surfaces(text)), np.int64) for text in texts]
        vocabulary: dict[str, int] = {}
        term_of = np.full(len(surface_ids), -1, dtype=np.int64)
        capital_of = np.zeros(len(surface_ids), dtype=np.float64)
        for token, sid in surface_ids.items():
            surface = _surface(token)
            if surface.term is not None:
                term_of[sid] = vocabulary.setdefault(surface.term, len(vocabulary))
                capital_of[sid] = surface.capitalised
        flat = np.concatenate(per_doc) if per_doc else np.zeros(0, dtype=np.int64)
        docs = np.repeat(np.arange(len(texts)), [len(d) for d in per_doc])
        terms_flat = term_of[flat]
        keep = terms_flat >= 0
        docs, terms_flat, capital = docs[keep], terms_flat[keep], capital_of[flat[keep]]
        postings = sparse.coo_matrix(
            (np.ones(len(docs)), (docs, terms_flat)), shape=(len(texts), len(vocabulary))
        ).tocsc()
        postings.sum_duplicates()
        postings.sort_indices()
        lengths = np.bincount(docs, minlength=len(texts)).astype(np.float64)
        total = np.bincount(terms_flat, minlength=len(vocabulary))
        capitalised = np.bincount(terms_flat, weights=capital, minlength=len(vocabulary))
        average = float(lengths.mean()) if len(texts) and lengths.mean() > 0 else 1.0
        names = frozenset(
            term
            for term, term_id in vocabulary.items()
            if 2 * capitalised[term_id] > total[term_id] and term.isalpha() and len(term) >= 3
        )
        return cls(
            k1=k1,
            b=b,
            vocabulary=vocabulary,
            names=names,
            _postings=postings,
            _norm=k1 * (1.0 - b + b * lengths / average),
            _variants=NameVariants(names),
        )

    def __len__(self) -> int:
        return len(self._norm)

    def query_terms(self, query: str) -> list[frozenset[str]]:
        """The query as groups of index terms; each group is scored as one term.

        A group is a query term plus the corpus's spellings of the same name. A query term
        is expanded only if it is a name in the corpus or absent from it, so a common word
        ("sad") is never widened to a name ("Assad"). Repeated words count once.
        """
        groups: list[frozenset[str]] = []
        for term in dict.fromkeys(tokenize(query)):
            members = {term} if term in self.vocabulary else set()
            if term in self.names or term not in self.vocabulary:
                members |= self._variants.of(term)
            group = frozenset(members)
            if group and group not in groups:
                groups.append(group)
        return groups

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (0 where no query term occurs)."""
        scores = np.zeros(len(self), dtype=np.float64)
        if self._postings is None or not len(self):
            return scores
        n_docs = len(self)
        postings = self._postings
        for group in self.query_terms(query):
            ids = [self.vocabulary[term] for term in group]
            if len(ids) == 1:
                start, stop = postings.indptr[ids[0]], postings.indptr[ids[0] + 1]
                docs = postings.indices[start:stop]
                tf = postings.data[start:stop]
            else:
                column = np.asarray(postings[:, ids].sum(axis=1)).ravel()
                docs = np.flatnonzero(column)
                tf = column[docs]
            if not len(docs):
                continue
            df = len(docs)
            idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
            scores[docs] += idf * tf / (tf + self._norm[docs])
        return scores

    def top_k(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Best ``k`` documents with a positive score, as (position, score), best first.

        ``mask`` (boolean, one entry per document) keeps only the allowed documents; it is
        applied before the cut, so a filter never empties a result that has matches.
        Ties keep corpus order, so results are deterministic.
        """
        return best_positions(apply_mask(self.scores(query), mask), k)


def apply_mask(scores: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """``scores`` with the documents outside ``mask`` set to 0 (no match)."""
    if mask is None:
        return scores
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != scores.shape:
        raise ValueError(f"mask has {mask.shape[0]} entries but the index holds {len(scores)} documents")
    return np.where(mask, scores, 0.0)


def best_positions(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(position, score) of the ``k`` best positive scores, best first, ties in position order."""
    hits = np.flatnonzero(scores > 0.0)
    if k <= 0 or not len(hits):
        return []
    order = np.lexsort((hits, -scores[hits]))[:k]
    return [(int(hits[i]), float(scores[hits[i]])) for i in order]
