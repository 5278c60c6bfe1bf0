"""What befell the counted: a claim's figure must befall them as its passage says.

"The stampede in Kerman killed 200 people" passed against "resulted in at least 56 deaths and over
200 people injured": the figure, the place and "killed" are all in the sentence, only not together.
:func:`rag.text.figures.extract_figures` reads what happened to each counted figure (killed, wounded,
live, arrested ...: the predicate word nearest to it) for the conflict notices; here a claim's
figure fails when the passages state it only with another fate.

Only figures with a fate in the claim are checked, and only against passage figures of the same
value that have one: a passage that states the figure with no such word says nothing against it.
Two words outside the three named groups ("arrested", "detained") may name the same fate, so they
are never set against each other.
"""

from __future__ import annotations

import re

from rag.text.figures import CATEGORIES, extract_figures, fate, predicates
from rag.verifier.passages import Evidence
from rag.verifier.tokens import content_stems, tokenize

NAMED_FATES = frozenset({"killed", "wounded", "live"})
"""The groups :func:`rag.text.figures.predicates` names; any other fate is the word itself."""
MEMBERS = re.compile(
    r",?\s+(?:including|among them|among whom)\s+(?P<members>[^.;:!?()\[\]]+)", re.IGNORECASE
)
"""Who a claim says was among the counted: "Dozens were killed, including Iraqi refugees"."""
VICTIMS = re.compile(r"\bvictims?\b", re.IGNORECASE)
"""A sentence naming the victims tells who was among the killed ("Among the victims was ...")."""
CLAIM_REACH = 16
"""Characters between a claim's figure and its fate word ("killed 200 people", "200 people were
killed"): farther off, the word is another figure's ("around 870 infections have been reported
worldwide, with 457 deaths", a consistent SummEdits summary)."""


def changed_fates(claim: str, evidence: Evidence) -> list[str]:
    """Readable problems ("fate: 200 killed (passage: wounded)") for the claim's figures that the
    passages state only as having befallen the counted otherwise."""
    said = []
    for figure in extract_figures(claim):
        at = claim.find(figure.phrase)
        own = fate(claim, at, at + len(figure.phrase), CLAIM_REACH) if at >= 0 else ""
        if own:
            said.append((figure, own))
    if not said:
        return []
    stated = evidence.told_figures()
    problems = []
    for figure, own in said:
        fates = {other.predicate for other in stated if other.value == figure.value}
        if not fates or "" in fates or own in fates:
            continue
        if own in NAMED_FATES or fates & NAMED_FATES:
            shown = ", ".join(sorted(fates))
            problems.append(f"fate: {figure.phrase} {own} (passage: {shown})")
    return problems


def unfated_members(claim: str, evidence: Evidence) -> list[str]:
    """Readable problems ("fate: including Iraqi refugees (no passage sentence says they were
    killed)") for a claim whose fate ("killed", "wounded", "live") befalls a group it says included
    someone, where no passage sentence names those members with that fate.

    "Dozens of people were killed in Deir al-Zor, including Iraqi refugees and internally displaced
    Syrians" was shown as an answer (a question asked in German, 6 December): the BBC passage's
    photo caption names the refugees, who "gather near the Iraqi border", and its next sentence
    "dozens reportedly killed"; every word was in the window. A sentence that names the members by
    what they are counts too: "The dead comprised 28 from the army ..." backs "including soldiers".
    """
    match = MEMBERS.search(claim)
    if match is None:
        return []
    before = claim[: match.start()]
    # The fate written nearest before "including": in "12 were killed and 30 wounded, including five
    # children" the children are among the wounded; after "arrested" they are among the arrested,
    # which no rule here checks.
    owned = fate(before, len(before), len(before))
    if owned not in NAMED_FATES:
        return []
    members = match.group("members").strip()
    stems = {stem for stem in content_stems(tokenize(members)) if not stem[0].isdigit()}
    patterns = [pattern for _, pattern in CATEGORIES if pattern.search(members)]
    for text, sentence_stems in zip(evidence.sentence_texts, evidence.sentence_stems, strict=False):
        said = owned in predicates(text) or (owned == "killed" and VICTIMS.search(text))
        if not said:
            continue
        if stems <= set(sentence_stems) or any(pattern.search(text) for pattern in patterns):
            return []
    return [f"fate: including {members} (no passage sentence says they were {owned})"]
