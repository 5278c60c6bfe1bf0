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

Tokenizer choices (:func:`tokenize`; the rules live in :mod:`rag.text.terms`, shared with the
on-disk index :mod:`index.keywords`):

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from rag.text.terms import (
    close_spellings,
    name_forms,
    skeleton,
    surface,
    surfaces,
    tokenize,
    variant_query_forms,
)

__all__ = ["BM25Index", "NameVariants"]

DEFAULT_K1 = 1.2
DEFAULT_B = 0.75


class _Numbering(dict[str, int]):
    """Distinct strings numbered in order of first sight (``__getitem__`` stays in C)."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


# ---------------------------------------------------------------------------------------
# Name variants


class NameVariants:
    """Groups the corpus's name terms that are spellings of the same name."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_skeleton: dict[str, list[tuple[str, str]]] = {}
        for name in names:
            for form in name_forms(name):
                self._by_skeleton.setdefault(skeleton(form), []).append((form, name))

    def of(self, term: str) -> set[str]:
        """Names of the corpus that are variants of ``term`` (``term`` itself excluded)."""
        found: set[str] = set()
        for form in variant_query_forms(term):
            for other_form, name in self._by_skeleton.get(skeleton(form), ()):
                if name != term and close_spellings(form, other_form):
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
        per_doc = [np.fromiter(map(surface_ids.__getitem__, surfaces(text)), np.int64) for text in texts]
        vocabulary: dict[str, int] = {}
        term_of = np.full(len(surface_ids), -1, dtype=np.int64)
        capital_of = np.zeros(len(surface_ids), dtype=np.float64)
        for token, sid in surface_ids.items():
            found = surface(token)
            if found.term is not None:
                term_of[sid] = vocabulary.setdefault(found.term, len(vocabulary))
                capital_of[sid] = found.capitalised
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
