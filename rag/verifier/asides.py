"""A sentence's main clause, its asides left out: checked on its own as well as with them.

"The UN special envoy for Syria in January 2017 was Mohammad Alloush, who was a former senior
negotiator with the Higher Negotiations Committee during past rounds of UN-sponsored peace talks in
Geneva." The aside is copied from the passage, and its eighteen backed words outweigh the two the
passage never says ("special envoy"): the overlap and the alignment pass the whole sentence, and the
false claim it carries with it. Asked of the golden question un05 from passages the first reply was
not given, the 1.5B model wrote exactly that. Its main clause alone, "The UN special envoy for Syria
in January 2017 was Mohammad Alloush", fails: half its words are nowhere in the passage.

The same sentence with "Mohammad Alloush, a former senior negotiator ..." passes in the same way.
Leaving out an aside opened by "who", "which", "whose", "a" or "an" after a comma keeps what the sentence
says, only less of it, so a sentence the passages back has a main clause they back too; checking
both costs one more analysis for the sentences that have one. The aside is read to the next comma
when that comma closes it, or to the sentence's end. A comma followed by a word that carries the aside
on ("including", "and") does not close it, and the sentence is then left whole.
"""

from __future__ import annotations

import re

from rag.text.words import wordset

OPENERS = r"who|which|whose|whom|an?"
ASIDE = re.compile(rf",\s+(?:{OPENERS})\s[^,;:()\"“”]*?(?=,|\s*[.!?]?\s*$)", re.IGNORECASE)
"""A comma, a relative pronoun or "a"/"an" (an apposition: "Mohammad Alloush, a former senior
negotiator ..."), then words up to the next comma or the sentence's end. Not "the": "Russia, the US
and Iran" is a list."""
CARRIED_ON = wordset(
    "including and or but as such mostly mainly many most some all both among like than plus nor "
    "who which whose whom where when"
)
"""Words after a comma that go on with the aside before it ("which killed 20 people, including
five children"), so that comma does not close it."""
WORD_PROBLEMS = ("apart:",)
"""What the main clause is checked for: its words, together. Negations, speakers and counts are read
on the whole sentence, where the passage's own aside is read in place: "A decision was made outside
of their view, which they would not have made themselves" quotes its passage, yet its main clause
alone would seem to drop the passage's "not" (Wikinews quotes, ``python -m evals.edits``)."""
MIN_WORDS = 4
"""A main clause shorter than this ("He said so") says too little to be checked on its own."""


def main_clause(sentence: str) -> str | None:
    """``sentence`` with its asides left out, or None when it has none that can be cut cleanly."""
    text = sentence.strip()
    asides = list(ASIDE.finditer(text))
    if not asides:
        return None
    cut = text
    for match in reversed(asides):
        end = match.end()
        if text[end:].startswith(","):
            following = text[end + 1 :].lstrip().split(" ", 1)[0].lower().strip(".,;:!?")
            if not following or following in CARRIED_ON:
                return None
            end += 1  # the comma that closes the aside goes with it
        cut = cut[: match.start()] + cut[end:]
    if len(re.findall(r"[\w'-]+", cut)) < MIN_WORDS:
        return None
    return cut


def words_only(unbacked: list[str]) -> bool:
    """Do the problems found with a main clause concern only its words (:data:`WORD_PROBLEMS`), or
    none but a low overlap?"""
    return all(item.startswith(WORD_PROBLEMS) for item in unbacked)
