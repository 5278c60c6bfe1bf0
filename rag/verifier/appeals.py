"""What someone called or appealed for must follow those words in a passage sentence.

"Erdogan called for war" was shown as checked (an adversarial question, 5 December) where the
passage says "Erdogan called for peace and security to be restored in his country's southern
neighbour": "war" is in the next sentence ("Syria's war has killed more than 380,000 people"), so
every word of the claim is in the window. What an appeal asks for is its whole content, so here
the place decides: when the first content word of what the claim says was called for is in the
passages, it must come within a few words after an appeal verb in some passage sentence (a word
the passages do not have at all, "removal" for "ouster", is a paraphrase the overlap judges). A general check of what any verb acts on
was tried and not kept (it failed "Deir al-Zour borders Iraq"; ``evals/results_edits.md``); appeals
name their object right after the verb, which is why this one is narrow.
"""

from __future__ import annotations

import re

from rag.verifier.tokens import content_stems, tokenize

APPEAL = re.compile(r"\b(?:call(?:s|ed|ing)?|appeal(?:s|ed|ing)?)\s+for\s+", re.IGNORECASE)
"""'called for', 'appealed for': what follows is what was asked for. 'Urged' and 'demanded' are left
out: what follows them is as often who was asked ("demanded its 32,000 employees uninstall ...",
SummEdits, consistent, flagged when they were in)."""
REACH = 6
"""Words after the appeal verb in which the passage must name what was asked for ("called for the
immediate restoration of peace": "peace" is the fifth word)."""


def unbacked_appeals(claim: str, sentences: list[str]) -> list[str]:
    """Readable problems ("appeal: called for war (no passage sentence asks for it)") for each appeal
    whose first content word the passages have, but none within :data:`REACH` words after an appeal."""
    problems = []
    for match in APPEAL.finditer(claim):
        asked = content_stems(tokenize(claim[match.end() :]))[:1]
        if not asked:
            continue
        if not any(asked[0] in content_stems(tokenize(sentence)) for sentence in sentences):
            continue  # a word of its own (a paraphrase): the overlap judges it, not its place
        if not any(asked[0] in _asked_for(sentence) for sentence in sentences):
            asked_words = " ".join(claim[match.end() :].split()[:3]).rstrip(".,;:!?")
            problems.append(
                f"appeal: {match.group(0).strip()} {asked_words} (no passage sentence asks for it)"
            )
    return problems


def _asked_for(sentence: str) -> set[str]:
    """Content stems within :data:`REACH` words after each appeal verb of ``sentence``."""
    stems: set[str] = set()
    for match in APPEAL.finditer(sentence):
        words = sentence[match.end() :].split()[:REACH]
        stems.update(content_stems(tokenize(" ".join(words))))
    return stems
