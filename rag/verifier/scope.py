"""Scope words kept: "only Turkey" and "all rebel groups" need a passage that limits or widens too.

"Only Turkey organised the Astana talks" was shown as a checked answer where the passage reads
"Organised by rebel backer Turkey and regime allies Russia and Iran", and so was "Only Russia
brokered the truce" beside "a ceasefire, brokered by Russia and Turkey" (bundled corpus, written to
the engine's final check). Words such as "only" and "all" are stopwords to the other checks, since
they name no fact, so every fact of those claims was backed. Yet a claim that limits what it says to
one thing ("only", "alone", "sole") or stretches it to every one ("all", "every", "each", "entire")
says more than a passage without such a word. A passage sentence that says what the word governs
(within its clause, as for a negation: :func:`rag.verifier.negation.governed`) must have a word of
the same kind.

Where the word is an idiom and limits nothing ("not only ... but", "at all", "each other", "all
but", "and all that") or a word of a name ("the All India Hindu Union"), it is passed over. Measured: see ``evals/results_edits.md`` ("Scope words").
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.text.words import wordset
from rag.verifier.facts import Facts
from rag.verifier.negation import governed, holds_half
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token

EXCLUSIVE = wordset("only alone sole solely exclusively")
"""Words that limit a claim to one thing: "only Turkey", "Turkey alone", "the sole organiser"."""
UNIVERSAL = wordset("all every each entire everyone everybody everything always")
"""Words that stretch a claim to every one: "all rebel groups", "every district"."""
_KIND = {word: "only" for word in EXCLUSIVE} | {word: "all" for word in UNIVERSAL}
_IDIOM_BEFORE = {
    "only": wordset("not if"),
    "all": wordset("at after above for not"),
    "always": wordset("not"),
}
"""Words before a scope word that make it limit nothing: "not only", "at all", "not always"."""
_IDIOM_AFTER = {"all": wordset("but"), "each": wordset("other")}
"""Words after one that do the same: "all but", "each other"."""


def scope_kind(tokens: Sequence[Token], k: int) -> str | None:
    """ "only" or "all" when ``tokens[k]`` limits or widens what its clause says, else None."""
    word = tokens[k].norm
    kind = _KIND.get(word)
    if kind is None or (tokens[k].text[:1].isupper() and not tokens[k].sentence_initial):
        return None  # a word of a name: "the All India Hindu Union"
    before = tokens[k - 1].norm if k else ""
    after = tokens[k + 1].norm if k + 1 < len(tokens) else ""
    if before in _IDIOM_BEFORE.get(word, ()) or after in _IDIOM_AFTER.get(word, ()):
        return None
    if word == "all" and before in ("and", "or") and after == "that":
        return None  # "Miss Goody Two-Shoes and all that"
    return kind


def _has_kind(sentence: Sequence[Token], kind: str) -> bool:
    return any(scope_kind(sentence, k) == kind for k in range(len(sentence)))


def unscoped(claim: Facts, evidence: Evidence) -> list[str]:
    """``["scope: only Turkey"]`` for each scope word of the claim that no passage sentence backs
    with a word of its kind: a sentence holding at least half the words it governs in the claim.

    The passage's word need not govern those same words: "five girls, all aged fifteen, at an
    escape room ... in Koszalin" backs "The girls who died in the escape room fire in Koszalin
    were all fifteen years old" (a right Wikinews answer, wn-002), though its "all" governs only
    "aged fifteen"."""
    tokens = claim.tokens
    problems = []
    for k in range(len(tokens)):
        kind = scope_kind(tokens, k)
        if kind is None:
            continue
        said = set(governed(tokens, k))
        if not said:
            continue
        backed = any(
            holds_half(said, stems) and _has_kind(sentence, kind)
            for sentence, stems in zip(evidence.sentences, evidence.sentence_stems, strict=True)
        )
        if not backed:
            nearby = " ".join(t.text for t in tokens[k : k + 2])
            problems.append(f"scope: {nearby}")
    return problems
