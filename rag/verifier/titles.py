"""What a name is said to be: "X was the UN special envoy for Syria", "X, the UN special envoy, ...".

A small model asked who holds a post the passages never mention names someone they do mention, and
pads the sentence with what they say of him: "The UN special envoy for Syria was Mohammad Alloush
and he was a former senior negotiator with the Higher Negotiations Committee during past rounds of
UN-sponsored peace talks in Geneva." Eighteen of its twenty words are the passage's; the two that
make the claim ("special envoy") are nowhere in it, so the overlap and the alignment pass it. The
1.5B model wrote such a sentence for the golden question un05 when given other passages than its
first four, and an attacker can write one on purpose, in any order ("Mohammad Alloush, the UN
special envoy for Syria, was ...", "As a former ..., Mohammad Alloush became the UN special envoy").

So each part of a sentence that says what a name is, read on its own, must have at least half of
its own words (names, figures and an age's "years old" aside) somewhere in the passages, by stem or
joined into one word there ("walk in space" for "spacewalk"): a part with a name and "is", "was",
"became" and the like followed by a noun phrase or a name, or a noun phrase set beside a name
between commas (an apposition). A part is what lies between commas, semicolons, colons, dashes,
"and" and "but". Only these parts, and only those with two words or more of their own: in other
parts a paraphrase uses words of its own ("took part" for "held talks"), and reading every part
this way cost SummEdits test balanced accuracy 1.6 points and three right answer sentences of the
labelled set (a prototype). A first form that read any copula ("was meant to ward off COVID-19")
refused two right Wikinews answers (wn-059, wn-111).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.text.words import ARTICLES, COPULAS, wordset
from rag.verifier.alignment import age_words
from rag.verifier.facts import Facts
from rag.verifier.lexicon import verb_only
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, tokenize

LINKING_VERBS = COPULAS | wordset("became becomes become remains remained")
"""Words by which a part says what a name is."""
JOINS = wordset("and but")
"""Words that end one part and open another, as a comma does."""
LEAD_INS = wordset("later now also then formerly once still")
"""Words before an apposition's determiner that leave it one ("and later the UN special envoy")."""
MIN_OWN = 2
"""Words of its own (not names, not figures) a part needs to be read: one word may be a paraphrase."""
SHARE = 0.5
"""Share of those words that must be somewhere in the passages."""


def _says_what(part: Sequence[Token]) -> bool:
    """Does the part say what something is: a copula ("was", "became"; in lower case, for "IS" is a
    name) followed by a noun phrase or a name ("was the UN special envoy", "is now the ...", "was
    Mohammad Alloush"), not by a verb or an adjective ("was meant to ward off", "was famous")?"""
    for k, token in enumerate(part[:-1]):
        if token.norm not in LINKING_VERBS or not token.text.islower():
            continue
        after = k + 1
        while after < len(part) - 1 and part[after].norm in LEAD_INS:
            after += 1
        if part[after].norm in ARTICLES or part[after].text[:1].isupper():
            return True
    return False


def _backed(own: Sequence[tuple[Token, str]], evidence: Evidence) -> list[Token]:
    """The words of ``own`` (each with its stem) the passages hold: by stem, or joined with the next
    or the one before into one passage word, either way round ("walk in space" and "spacewalk")."""
    joined: set[int] = set()  # indexes in ``own``
    for k in range(len(own) - 1):
        a, b = own[k][0].norm, own[k + 1][0].norm
        if a + b in evidence.words or b + a in evidence.words:
            joined |= {k, k + 1}
    return [t for k, (t, word_stem) in enumerate(own) if k in joined or word_stem in evidence.stems]


def _parts(tokens: Sequence[Token]) -> list[list[Token]]:
    """The claim's tokens cut where a clause opens (after a comma and the like) and at "and"/"but"."""
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.norm in JOINS:
            parts.append([])
            continue
        if token.clause_initial and parts[-1]:
            parts.append([])
        parts[-1].append(token)
    return [part for part in parts if part]


def _apposition(parts: list[list[Token]], k: int) -> bool:
    """Is part ``k`` a noun phrase beside a name: "the UN special envoy" after or before "Alloush"?"""
    words = [t.norm for t in parts[k]]
    while words and words[0] in LEAD_INS:
        words.pop(0)
    if not words or words[0] not in ARTICLES or any(verb_only(word) for word in words):
        return False  # "In Geneva, the talks failed" is a clause, not an apposition
    before = parts[k - 1][-1].text if k > 0 else ""
    after = parts[k + 1][0].text if k + 1 < len(parts) else ""
    return before[:1].isupper() or after[:1].isupper()


def unbacked_titles(facts: Facts, evidence: Evidence) -> list[str]:
    """``["title: the UN special envoy for Syria"]`` for each part saying what a name is whose own
    words the passages mostly lack."""
    names = set(content_stems(tokenize(" ".join(facts.names))))
    # an age's "years old" goes with its number ("Walter Munk was 101 years old when he died")
    aside = names | age_words(facts.tokens)
    parts = _parts(facts.tokens)
    found = []
    for k, part in enumerate(parts):
        stems = [content_stems([token]) for token in part]  # each word's stems, read once
        named = any(names.intersection(word) for word in stems)
        if not (named and _says_what(part)) and not _apposition(parts, k):
            continue
        own = [(token, word[0]) for token, word in zip(part, stems, strict=True) if set(word) - aside]
        backed = _backed(own, evidence)
        if len(own) >= MIN_OWN and len(backed) < SHARE * len(own):
            found.append("title: " + " ".join(t.text for t in part))
    return found
