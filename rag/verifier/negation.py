"""Negations and reversed words: a claim that says "not" or "rose" where its passage does not."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from rag.text.words import SUPPORT_STOPWORDS, wordset
from rag.verifier.facts import Facts
from rag.verifier.hedges import sought_words
from rag.verifier.lexicon import CLAUSE_JOINERS, NEGATION_WORDS
from rag.verifier.numbers import counted_numbers, figures
from rag.verifier.passages import Evidence
from rag.verifier.tokens import Token, content_stems, stem, tokenize

NEGATION_WINDOW = 4
"""Words on either side of a negation cue that it is taken to govern, within its own clause."""


FORWARD_CUES = frozenset({"without"})
"""Cues that govern only the words after them: "sentenced to life in prison without the possibility
of parole" denies the parole, not the sentence (a right Wikinews answer refused, wn-025)."""


def _opens_clause(token: Token) -> bool:
    return token.clause_initial or token.norm in CLAUSE_JOINERS


def holds_half(said: set[str], stems: Sequence[str]) -> bool:
    """Does a passage sentence with ``stems`` hold at least half (and at least one) of the stems
    ``said`` that a negation or scope word governs in the claim?"""
    return len(said & set(stems)) >= max(1, math.ceil(len(said) / 2))


def governed(tokens: Sequence[Token], position: int) -> list[str]:
    """Content stems of the words a cue (a negation, a scope word) governs: up to
    ``NEGATION_WINDOW`` on each side, never past the edge of its clause ("They attended the talks,
    but did not sign" negates only "sign")."""
    lo = position
    while (
        lo > 0
        and position - lo < NEGATION_WINDOW
        and not _opens_clause(tokens[lo])
        and tokens[position].norm not in FORWARD_CUES
    ):
        lo -= 1
    hi = position + 1
    while hi < len(tokens) and hi - position <= NEGATION_WINDOW and not _opens_clause(tokens[hi]):
        hi += 1
    return content_stems([t for k, t in enumerate(tokens[lo:hi], lo) if k != position])


IMPLICIT_NEGATIONS = wordset(
    "fail failed fails failing refuse refused refuses decline declined declines unable"
)
"""Words that negate the verb after "to" ("failed to get" ~ "did not get"). They count only before
"to", since "sales declined" states a fall, not a refusal."""
REFUSALS = wordset("refuse refused refuses decline declined declines")
"""The implicit negations that a claim's own refusal must find backed, as "not" must be."""


def _is_cue(tokens: Sequence[Token], k: int) -> bool:
    norm = tokens[k].norm
    if norm in NEGATION_WORDS or norm.endswith("n't"):
        return True
    return norm in IMPLICIT_NEGATIONS and k + 1 < len(tokens) and tokens[k + 1].norm == "to"


def _negated_near(sentence: Sequence[Token], targets: set[str]) -> bool:
    """Is one of ``targets`` (stems) within the window of a negation cue in this sentence?"""
    return any(_is_cue(sentence, k) and targets & set(governed(sentence, k)) for k in range(len(sentence)))


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
    # "refused to attend" denies as "did not attend" does: a refusal before "to" is checked as a
    # negation ("Every rebel group has refused to attend" was backed by "rebel groups said they will
    # attend"). "Failed to" is not: it often reads a passage's "had trouble" ("horse flies fail to
    # land on zebras", a right Wikinews answer, wn-016).
    implicit = [k for k in range(len(tokens)) if tokens[k].norm in REFUSALS and _is_cue(tokens, k)]
    for position in sorted(set(claim.negations) | set(implicit)):
        scope = set(governed(tokens, position))
        if not scope:
            continue
        backed = (best >= 0.4 and any(any(_is_cue(s, k) for k in range(len(s))) for s in top)) or any(
            holds_half(scope, s) and _negated_near(sentence, scope & set(s))
            for sentence, s in zip(evidence.sentences, evidence.sentence_stems, strict=True)
        )
        if not backed:
            nearby = " ".join(t.text for t in tokens[position : position + 3])
            problems.append(f"negation: {nearby}")
    plain = not any(_is_cue(tokens, k) for k in range(len(tokens)))
    said = _said_of(claim, stems)
    if plain and len(stems) >= 2 and best >= 0.5 and all(_negated_near(s, said) for s in top):
        problems.append("negation: the passage negates this")
    elif plain:
        problems.extend(_denied_figures(claim, evidence, said))
    return problems


def _denied_figures(claim: Facts, evidence: Evidence, said: set[str]) -> list[str]:
    """Figures the claim states plainly where every passage sentence stating them denies what it says.

    The sentence that shares most words with a claim may be the title, and the figure's own sentence
    negates it: "Tesco is selling its Polish branch to Salling Group, which includes 19 stores" was
    shown from the title "Tesco to sell its Polish branch to Salling Group" and "Tesco continues to
    run 19 stores, which were not included in this package" (a Wikinews question, wn-069). The
    negation must govern a word the claim relates the figure with ("includes"), not the figure or
    what it counts: "Tesco kept 19 stores" is no denial of "19 stores were not sold".
    """
    counted = counted_numbers(claim.tokens, claim.text)
    problems = []
    for value in sorted(figures(claim)):
        targets = said - counted.get(value, set())
        stating = [k for k in range(len(evidence.sentences)) if value in evidence.sentence_figures(k)]
        if targets and stating and all(_negated_near(evidence.sentences[k], targets) for k in stating):
            problems.append(f"negation: the passage denies what it says of {value}")
    return problems


def _said_of(claim: Facts, stems: set[str]) -> set[str]:
    """The claim's words other than its names: what a passage's negation must govern to deny it.

    A name in a negated clause is not a denial of what the claim says about it. "Jabhat Fateh
    al-Sham was known as al-Nusra Front until it broke off ties with al-Qaeda" is the passage's
    own relative clause in "the truce does not cover IS nor rival jihadist group Jabhat Fateh
    al-Sham, which was known as ..."; only the name stood within the window of "nor", and the
    verbatim sentence was refused (a follow-up of ``evals/data/followups.jsonl``, fu03)."""
    names = {word for name in claim.names for word in content_stems(tokenize(name))}
    return (stems - names) or stems


ANTONYM_PAIRS = """increase:decrease increase:decline increase:drop increase:fall increase:cut rise:fall rise:drop
rise:decline grow:shrink growth:decline gain:loss gain:lose win:lose won:lost victory:defeat win:defeat
higher:lower high:low raise:lower raise:cut boost:cut expand:shrink expand:cut strong:weak large:small
big:small early:late ahead:behind ahead:back forward:backward accept:reject approve:reject support:oppose
allow:ban allow:prohibit open:close start:end begin:end start:stop success:failure succeed:fail
positive:negative guilty:innocent convicted:acquitted arrest:release legal:illegal profit:loss buy:sell
hire:fire agree:disagree include:exclude import:export majority:minority maximum:minimum old:new old:young
cheap:expensive rich:poor safe:dangerous true:false alive:dead survive:die friend:enemy ally:enemy
north:south east:west northern:southern eastern:western northeast:southwest northwest:southeast
northeast:northwest northeast:southeast southwest:northwest southwest:southeast northeastern:southwestern
northwestern:southeastern north:southwest north:southeast south:northeast south:northwest east:northwest
east:southwest west:northeast west:southeast male:female men:women husband:wife son:daughter brother:sister mother:father
inside:outside peaceful:violent struggling:thriving troubled:thriving best:worst better:worse
add:remove public:private domestic:foreign internal:external lowest:highest
government:opposition government:rebel regime:opposition regime:rebel"""
"""Pairs of opposites: a claim word the passage lacks whose opposite the passage uses is a reversed fact.
Compass points that lie apart are each other's opposite here: "185 km northeast of Deir al-Zor"
is as wrong as "south" where the passage says "185km (115 miles) southwest"."""


@lru_cache(maxsize=1)
def antonyms() -> dict[str, frozenset[str]]:
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
    table = antonyms()
    stems = set(content_stems(claim.tokens))
    ranked = sorted(
        (i for i, s in enumerate(evidence.sentence_stems) if stems & set(s)),
        key=lambda i: len(stems & set(evidence.sentence_stems[i])),
        reverse=True,
    )[:ANTONYM_CONTEXT]
    context: set[str] = set()
    for i in ranked:
        context.update(evidence.sentence_stems[i])
    # An opposite inside a name is no opposite: "New" in "New Zealand" does not deny "28 years old".
    # An opposite only sought is not said: "the latest bid to put an end to the war" does not deny
    # "The war in Syria started in March 2011", unless the claim too speaks of what was sought.
    sought = (
        set()
        if sought_words(claim.tokens)
        else {id(t) for i in ranked for t in sought_words(evidence.sentences[i])}
    )
    plain = {
        stem(t.norm) for i in ranked for t in _outside_names(evidence.sentences[i]) if id(t) not in sought
    }
    problems = []
    for token in _outside_names(claim.tokens):
        if token.norm in SUPPORT_STOPWORDS:
            continue
        word = stem(token.norm)
        if word in context or word not in table:
            continue
        opposite = table[word] & plain
        if opposite:
            # The stems come from the sentence's words split further than its tokens ("Tennessee-East"
            # holds "east" as a stem but not as a token), so a token may not be found: name the stem.
            said = next(
                (t.text for i in ranked for t in evidence.sentences[i] if stem(t.norm) in opposite),
                sorted(opposite)[0],
            )
            problems.append(f"antonym: {token.text} (passage: {said})")
    return list(dict.fromkeys(problems))


def _outside_names(tokens: Sequence[Token]) -> list[Token]:
    """The words that are not part of a name: a capitalised word inside a sentence is ("New
    Zealand", "North Korea"), and so is one opening it before another capitalised word."""

    def capital(k: int) -> bool:
        return k < len(tokens) and tokens[k].text[:1].isupper()

    return [t for k, t in enumerate(tokens) if not capital(k) or (t.sentence_initial and not capital(k + 1))]
