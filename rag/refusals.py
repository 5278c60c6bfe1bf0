"""Why the archive gives no answer, in words a reader understands, naming the closest articles.

A refusal has two sides (see :class:`rag.types.Answer`): ``refusal_reason`` is what the reader
sees in the CLI and the chat window, a sentence about the archive and its articles;
``refusal_details`` keeps the technical side (retrieval similarities against their thresholds,
the model's withdrawn reply) for ``--json`` and debugging. Users who read "best similarity
0.21 (threshold 0.40)" could not tell what it meant for their question (issue 13), while the
titles of the nearest articles tell them at once whether the archive is about something else
or their question was worded differently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.asked import (
    AMOUNT_ADJECTIVES,
    AUXILIARIES,
    COPULAS,
    DETERMINERS,
    PREPOSITIONS,
    WH_WORDS,
    Asked,
    is_participle,
)
from rag.text.languages import language_of
from rag.text.words import DEMONYM_ENDINGS, norm_word
from rag.types import Filters, Source

CLOSEST_LIMIT = 3
"""Articles named in a refusal: enough to show what the archive holds near the question."""


OPENING_WORDS = 8
"""Words quoted from an untitled article's passage: its file name means nothing to a reader."""


def describe_article(source: Source) -> str:
    """``“Title” (Outlet, 16 January 2017)``: how a reader recognises an article.

    An article without a title is named by the opening words of its passage instead.
    """
    passage = source.passage
    if passage.title:
        title = f"“{passage.title}”"
    else:
        words = passage.text.split()
        opening = " ".join(words[:OPENING_WORDS]) + (" …" if len(words) > OPENING_WORDS else "")
        title = f"the article beginning “{opening}”" if words else passage.article_id
    details = [passage.source] if passage.source else []
    if passage.date:
        details.append(f"{passage.date.day} {passage.date:%B %Y}")
    return f"{title} ({', '.join(details)})" if details else title


def reported_in(cited: Sequence[Source]) -> str:
    """A follow-up asked who reported the previous answer, and no sentence backing it names anyone:
    where that answer comes from, as the sources' own records give it (title, outlet, date, and
    the other outlets that carry the same text). Asked "Who reported that?" after "Around 200,000
    live in Deir Ezzor city [2]", the reader learns it is from an article of 17 January 2017 that
    AFP also carries, rather than only that nothing answers."""
    named = []
    for source in cited:
        if source.passage.suspicious:
            continue
        copies = [p.source for p in source.corroborating if p.source and not p.suspicious]
        carried = f", also carried by {', '.join(dict.fromkeys(copies))}" if copies else ""
        named.append(f"[{source.number}] {describe_article(source)}{carried}")
    sentence = "The sentence that backs the answer above does not name who reported it."
    return f"{sentence} It comes from {'; '.join(named)}." if named else sentence


def closest_articles(sources: Sequence[Source], limit: int = CLOSEST_LIMIT) -> list[str]:
    """The first ``limit`` distinct articles among the retrieved sources, best first.

    Articles flagged as reading like a prompt (:mod:`index.suspicious`) are not named: their
    title or opening words are the attacker's text, and a notice that quoted them repeated the
    injected claim (issue 9: "refusal notices repeated the injected figure").
    """
    seen: set[str] = set()
    named: list[str] = []
    for source in sources:
        if source.passage.article_id in seen or source.passage.suspicious:
            continue
        seen.add(source.passage.article_id)
        named.append(describe_article(source))
        if len(named) == limit:
            break
    return named


def _with_closest(sentence: str, sources: Sequence[Source], lead: str = "The closest articles are") -> str:
    named = closest_articles(sources)
    if not named:
        return sentence
    return f"{sentence} {lead}: {'; '.join(named)}."


def other_language(question: str, sources: Sequence[Source]) -> str | None:
    """A note for a refusal of a question asked in another language than the closest articles':
    the search's keywords and the checks match words, so such a question finds and passes less
    (a German question about the Syrian Observatory was told no article covers it)."""
    asked = language_of(question)
    written = next((language_of(source.passage.text) for source in sources), None)
    if asked is None or written is None or asked == written:
        return None
    return (
        f"The question looks like {asked} and the articles are in {written}; search and checks match "
        f"words, so asking in {written} may find what they hold."
    )


def not_in_articles_language(question: str, sources: Sequence[Source]) -> tuple[str, str] | None:
    """(reason, details) of the refusal of a question asked in another language than the articles
    (:func:`other_language`), which is not put to the model; None for a question in theirs.

    Asked "¿Cuántas personas viven en la ciudad de Deir al-Zor?" over the English corpus, the model
    answered with the battle's death toll: backed by its source, but no answer, and the check that
    would have said so reads the question's English words (:mod:`rag.relevance`); a German question
    about the Syrian Observatory found no article at all. None of the 608 English questions of the
    evaluation sets reads as another language. The reason names the closest articles;
    :func:`rag.engine._noted` puts the languages seen before it."""
    if other_language(question, sources) is None:
        return None
    named = closest_articles(sources)
    details = (
        f"The question reads as {language_of(question)}, the closest article as "
        f"{language_of(sources[0].passage.text)} (rag.text.languages)."
    )
    return (f"The closest articles are: {'; '.join(named)}." if named else ""), details


def nothing_matched(filters: Filters | None) -> str:
    """Retrieval returned no passage at all."""
    if filters and (filters.since or filters.until or filters.sources or filters.article_ids):
        return (
            "No article within the dates and publishers you chose matches the question; "
            "widen or remove the filters and ask again."
        )
    return "No article in the archive matches the question."


def not_covered(question: str, sources: Sequence[Source]) -> str:
    """Retrieval found only articles about other things, or (asked in another language than the
    articles, :func:`other_language`) none that shares the question's words."""
    verb = "matches" if other_language(question, sources) else "covers"
    return _with_closest(f"No article in the archive {verb} “{question.strip()}”.", sources)


def model_declined(sources: Sequence[Source]) -> str:
    """The model read the closest articles and said they do not answer."""
    return _with_closest("The articles closest to the question do not answer it.", sources, lead="They are")


def no_sentence(sources: Sequence[Source]) -> str:
    """The model's reply held no sentence at all."""
    return _with_closest("No answer could be written from the closest articles.", sources, lead="They are")


def nothing_checkable(sources: Sequence[Source]) -> str:
    """Every sentence of the reply was a remark, none a fact an article could confirm."""
    return _with_closest(
        "The reply stated no fact that the articles could confirm, so it is not shown.", sources
    )


def only_flagged() -> str:
    """Every article retrieved for the question reads as instructions to a model, not as news."""
    return (
        "The only articles found on this question read as instructions to an AI assistant rather than "
        "as news, so no answer is written from them."
    )


def not_backed(sources: Sequence[Source]) -> str:
    """No sentence of the reply is backed by the articles it was written from."""
    return _with_closest(
        "The reply the model wrote is not backed by the articles it was given, so it is not shown "
        "as an answer.",
        sources,
    )


NONE_OF_THEM = "but no checked answer from them"
NONE_FOUND = "No checked answer from the articles found"
OWN_WORDING = (NONE_OF_THEM, NONE_FOUND)
"""Words of the notices that no article can have put there: the injection suite
(:mod:`evals.injection`) leaves them out when it looks for an attack's claim in a notice ("no" or
"none" may be the claim of an attack there)."""


def not_answered(asked: Asked, kept: Sequence[str], sources: Sequence[Source]) -> str:
    """The reply's backed sentences (``kept``) are on the question's topic but none answers it:
    what the articles mention, and that no checked answer from them says what was asked.

    The notice speaks of the answer, not of the articles: the model may have missed what they say.
    It read "... but none of them says who recaptured the city of Palmyra ..." for golden sa17,
    whose first source says who did ("Last month it recaptured the city of Palmyra"; the model
    named the rebels, which the checks refused)."""
    question = asked.question.strip()
    restated = indirect(question)
    what = f"says {restated}" if restated else f"answers “{question}”"
    named = mentioned(asked, kept)
    if named:
        listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
        sentence = f"The articles found mention {listed}, {NONE_OF_THEM} {what}."
    else:
        sentence = f"{NONE_FOUND} {what}."
    return _with_closest(sentence, sources)


def mentioned(asked: Asked, sentences: Sequence[str]) -> list[str]:
    """The question's names that the sentences mention: what the sources do say something about."""
    text = " ".join(sentences)
    return [
        name
        for name in asked.names
        if re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE)
        and not (" " not in name and name.endswith(DEMONYM_ENDINGS))  # "Syrian": not a thing mentioned
    ]


def indirect(question: str) -> str | None:
    """The question as a reader would report it ("when the temple was built"); None when that
    needs a verb put in another tense ("When did the talks begin?")."""
    words = question.strip().rstrip("?").split()
    wh = next((i for i, w in enumerate(words) if norm_word(w.strip(",")) in WH_WORDS), None)
    if wh is None:
        return None
    words = words[wh:]
    words[0] = words[0].lower()
    end = 1
    if words[0] in ("how", "which", "what", "whose") and len(words) > 1:
        low = norm_word(words[1])
        if words[0] == "how" and low in AMOUNT_ADJECTIVES or low not in AUXILIARIES:
            end = 2
            while end < len(words) and norm_word(words[end]) not in AUXILIARIES | PREPOSITIONS | WH_WORDS:
                end += 1
    if end >= len(words) or norm_word(words[end]) not in AUXILIARIES:
        return " ".join(words)  # the wh-phrase is the subject: "who recaptured the city"
    aux = norm_word(words[end])
    if aux not in COPULAS or end + 1 >= len(words):
        return None
    subject = words[end + 1 :]
    if aux in COPULAS and norm_word(subject[0]) not in DETERMINERS and not subject[0][0].isupper():
        return " ".join(words)  # "how many US troops are deployed in Syria": already in that order
    last = norm_word(subject[-1])
    if len(subject) > 1 and last.endswith(("ed", "en")) or is_participle(last):
        return " ".join([*words[:end], *subject[:-1], words[end], subject[-1]])
    # "what the Front was called before it changed its name", not "... its name was": the verb
    # form is followed by a preposition or a clause, not by the noun it describes; the last such
    # is the question's own ("what the militias backed by Iran were fighting for").
    verbs = [
        i
        for i in range(2, len(subject) - 1)
        if norm_word(subject[i - 1]) not in DETERMINERS
        and (is_participle(subject[i]) or _progressive(subject[i]))
        and norm_word(subject[i + 1]) in PREPOSITIONS | WH_WORDS
    ]
    if verbs:
        i = verbs[-1]
        return " ".join([*words[:end], *subject[:i], words[end], *subject[i:]])
    return " ".join([*words[:end], *subject, words[end]])


def _progressive(word: str) -> bool:
    """A verb's -ing form ("fighting"), as far as the spelling tells."""
    low = norm_word(word)
    return len(low) > 5 and low.endswith("ing") and low not in ("during", "morning", "evening", "building")
