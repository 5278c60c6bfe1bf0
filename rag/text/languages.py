"""Which language a question or a passage is written in, told by its function words.

Retrieval's keyword side and every check after it match English words: a question asked in German
over English articles shares few words with them, so "Wer leitet die Syrische Beobachtungsstelle für
Menschenrechte?" was told "No article in the archive covers" it, though three articles name the
Observatory (6 December). A reader can act on knowing why. Function words (articles, prepositions,
question words) tell the common European languages apart in a sentence of a few words; a language
detector library would be more general, but none on PyPI loads without model files of its own
or a network fetch, and only "English or not, and which" is needed here.
"""

from __future__ import annotations

import re

from rag.text.words import strip_accents, wordset

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "English": wordset(
        "the a an of to in on at for with from by and or is are was were be been has have had "
        "did does do who what which when where why how many much that this these those it its"
    ),
    "French": wordset(
        "le la les l d un une des du de au aux et ou est sont etait ont a ete qui que quoi quel quelle "
        "quels quelles combien ou quand pourquoi comment dans sur pour par avec ce cette ces il elle"
    ),
    "German": wordset(
        "der die das den dem des ein eine einen einem einer und oder ist sind war waren hat haben "
        "wurde wurden wer was wie wo wann warum welche welcher welches wieviele viele im in auf fur "
        "mit von zu bei nach uber"
    ),
    "Spanish": wordset(
        "el la los las un una unos unas del al y o es son fue fueron ha han quien quienes que cual "
        "cuales cuanto cuanta cuantos cuantas donde cuando por como en con para sobre"
    ),
    "Italian": wordset(
        "il lo la l gli le un uno una del della dei delle e o sono era erano ha hanno chi che cosa "
        "quale quali quanto quanti quante dove quando perche come nel nella per con su"
    ),
    "Portuguese": wordset(
        "o a os as um uma do da dos das no na nos nas e ou sao foi foram tem quem que qual quais "
        "quanto quantos quantas onde quando porque como em com para sobre pelo pela"
    ),
    "Dutch": wordset(
        "de het een en of is zijn was waren heeft hebben werd wie wat welke waar wanneer waarom hoe "
        "hoeveel van in op met voor door bij naar over"
    ),
}
"""The commonest function words of each language, written without accents (:func:`strip_accents`)."""

_WORD = re.compile(r"[^\W\d_]+")


def language_of(text: str) -> str | None:
    """The language whose function words ``text`` uses most, or None when it uses fewer than two
    or two languages tie (too short or too mixed to tell)."""
    words = [strip_accents(word).lower() for word in _WORD.findall(text)]
    counts = sorted(
        ((sum(word in listed for word in words), name) for name, listed in FUNCTION_WORDS.items()),
        reverse=True,
    )
    (best, name), (second, _) = counts[0], counts[1]
    if best < 2 or best == second:
        return None
    return name
