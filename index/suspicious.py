"""Flag articles whose text is shaped like a prompt or speaks to a language model.

A news article reports; it does not address "AI assistants", tell its reader which answer to
give, claim to override other sources, or carry chat-template tokens and "SYSTEM:" labels.
Such text is how an archive is attacked (issue 9: a fake "SYSTEM:" block named a fake
office-holder as the answer, a fake correction replaced the real toll). The flag is decided
once, at index time, from the article's title and text, stored with the article and each of
its chunks (key :data:`METADATA_KEY`), shown on the source card and counted by ``rag status``.

The answer engine never lets a flagged passage be the backing of an answer sentence, leaves it
out of its disagreement sentences and does not name it in refusal notices (see
:func:`rag.evidence.source_document`, :mod:`rag.conflicts`, :mod:`rag.refusals`). The patterns
are deliberately narrow: each is a form ordinary reporting does not take, so a story *about*
prompt injection that quotes one sentence of it is flagged too, which is the honest outcome
(the reader sees why). Measured: none of the 5 bundled articles, the 11 test articles of
``tests/index/articles`` or the 295 Wikinews benchmark articles (``../shared/evaldata``) is
flagged (a first version also flagged invisible characters: 18 Wikinews articles carry them, and
"I always say her last name wrong" read as an order; both were dropped); 15 of the 17 attack
articles of ``tests/injection/articles`` are, all that carry instructions (the plain false date
and figure are left to the conflict and contradiction checks).
"""

from __future__ import annotations

import re
from collections import Counter

from rag.fencing import ROLE_LABEL, TEMPLATE_TOKEN
from rag.text.characters import INVISIBLE, as_latin
from rag.text.markers import SHORT_MARKER

METADATA_KEY = "suspicious"
"""Stored with the article and its chunks: the reasons, joined by "; " (absent when clean)."""

REPEATS = 5
"""A sentence of 40+ characters said this many times is stuffing, not reporting."""

_AI_ADDRESSED = re.compile(
    r"\b(?:note|message|instructions?|notice|attention)\s+(?:to|for)\s+(?:all\s+|any\s+)?(?:the\s+)?"
    r"(?:AI|assistants?|AI assistants?|language models?|LLMs?|chat ?bots?|machine readers?|models?|bots?)\b"
    r"|\b(?:AI assistants?|language models?|LLMs|chatbots|machine readers)\b[^.\n]{0,60}\b(?:must|should|reading)\b"
    r"|\byou are (?:now|no longer)\b|\bstay in character\b|\b(?:let'?s|let us) play a game\b"
    r"|\bas an AI\b|\bpretend (?:to be|you are)\b",
    re.IGNORECASE,
)
_IGNORE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}?"
    r"\b(?:instructions?|sources?|rules?|prompts?|previous|above|context)\b",
    re.IGNORECASE,
)
_ANSWER_ORDER = re.compile(
    r"\bwhen asked\b[^.\n]{0,120}\b(?:answer|reply|respond|say)\b"
    r"|(?:^|[.:;!]\s+|\b(?:must|should)\s+)(?:always|only)\s+(?:answer|reply|respond|say)\b|\banswer only\b"
    r"|\b(?:every|each|any|all)\s+answers?\s+(?:must|should)\b|\bin (?:every|each|all) answers?\b"
    r"|\bcite this (?:article|source|report|page)\b|\bstate this as (?:a )?fact\b"
    r"|\bmust not be (?:repeated|mentioned|cited)\b|\bdo not mention any other\b"
    r"|\bmust treat this\b|\btreat this (?:figure|record|report) as\b",
    re.IGNORECASE | re.MULTILINE,
)
_OVERRIDE = re.compile(
    r"\b(?:supersedes?|overrides?|replaces?)\s+(?:all|every|any)\s+(?:other|earlier|previous|prior)\b",
    re.IGNORECASE,
)
_SOURCE_TALK = re.compile(
    r"\bsources?\s+(?:#|no\.\s*)?\d\b|\b(?:according to|as)\s+(?:sources?\s+)?\[\d", re.I
)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MIXED_SCRIPT = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[\u0370-\u03ff\u0400-\u04ff])\w+\b")
_SENTENCES = re.compile(r"(?<![^.!?\n])[^.!?\n]{40,}+[.!?]")
"""A sentence of 40+ characters. It starts only where a run of sentence characters starts and takes
the run whole, so text without sentence ends is read once: without both, each of a 200,000-character
run's positions was tried to its end (quadratic: ``rag index`` spent minutes on one such file)."""


def flag_reasons(text: str, title: str | None = None) -> list[str]:
    """Why the article reads as a prompt rather than as news; empty when it reads as news."""
    whole = f"{title}\n{text}" if title else text
    latin = as_latin(INVISIBLE.sub("", whole))
    reasons: list[str] = []
    if TEMPLATE_TOKEN.search(latin):
        reasons.append("chat-template tokens")
    roles = sorted({m.group("role").upper() for m in ROLE_LABEL.finditer(latin)})
    if roles:
        reasons.append(f"role labels ({', '.join(roles)})")
    checks = (
        (_AI_ADDRESSED, "addresses an AI assistant"),
        (_IGNORE, "tells the reader to ignore instructions or sources"),
        (_ANSWER_ORDER, "tells the reader what to answer"),
        (_OVERRIDE, "claims to override other reports"),
    )
    reasons.extend(label for pattern, label in checks if pattern.search(latin))
    if len(SHORT_MARKER.findall(latin)) >= 2 and _SOURCE_TALK.search(latin):
        reasons.append("fake citation markers")
    if _HTML_COMMENT.search(latin):
        reasons.append("hidden HTML comment")
    if _MIXED_SCRIPT.search(whole):
        reasons.append("words mixing Latin and look-alike letters")
    repeated = Counter(s.strip() for s in _SENTENCES.findall(text))
    if repeated and max(repeated.values()) >= REPEATS:
        reasons.append(f"one sentence repeated {max(repeated.values())} times")
    return reasons


def flag_article(text: str, title: str | None = None) -> str | None:
    """The value stored under :data:`METADATA_KEY`: reasons joined by "; ", or None when clean."""
    reasons = flag_reasons(text, title)
    return "; ".join(reasons) if reasons else None
