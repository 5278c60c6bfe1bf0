"""Lines of a scraped page that are not the story: subscription and newsletter prompts, cookie and
privacy notices, credits, share and "read more" prompts, copyright lines, advertisement markers.

Why they are removed before chunking: an outlet prints the same footer under every story, so the
last chunk of two unrelated stories shares most of its words and the duplicate grouping
(:mod:`index.dedup`) joined them; only one chunk of a group reaches the prompt, so a story's
closing facts were hidden behind another story's. On a 3,000-article real archive the largest
group held 71 different stories of one outlet that shared only its "Subscribe to ..." footer, and
another joined 26 through a one-line "Contributing:" credit. Such lines carry no evidence either.

A line is removed only when it is short (at most :data:`MAX_WORDS` words) and matches one of the
patterns below, so a story that *reports* on cookies or subscriptions keeps its sentences. A page
whose every line is boilerplate (a consent wall scraped in place of the story) keeps its title as
its text (:func:`strip_boilerplate`'s ``title``): the headline is the one thing it says. Trafilatura
already drops much of this from HTML; these rules cover text, JSON and Markdown exports, where it
arrives inline.
"""

from __future__ import annotations

import re

MAX_WORDS = 45
"""Longer lines are prose, whatever words they use."""

_PATTERNS = [
    # subscription and newsletter prompts
    r"^(?:editor'?s note:\s*)?(?:subscribe|sign up|register|join)\b.{0,120}\b(?:newsletter|subscription|subscribe|unlimited|digital access"
    r"|inbox|free trial|membership|our journalism|support)\b",
    r"^(?:get|receive) (?:the|our) .{0,60}\b(?:newsletter|briefing|alerts?)\b",
    r"\bto continue reading\b",
    r"^(?:already a subscriber|become a (?:subscriber|member))\b",
    r"^support (?:independent|quality|our) journalism\b",
    r"^download (?:the|our) .{0,60}\bapp\b",
    # cookie and privacy notices
    r"\b(?:we|this (?:web)?site|our (?:web)?site|our partners) uses? cookies\b",
    r"\baccept (?:all )?cookies\b",
    r"\bcookie (?:policy|settings|preferences|notice)\b",
    r"^(?:privacy policy|terms of (?:use|service)|manage (?:your )?(?:privacy|consent|preferences))\b",
    # credits with a colon ("Contributing: Jane Roe, USA TODAY"); "Reporting by ..." lines: _is_credit
    r"^(?:contributing|additional reporting|reporting|editing|written|compiled|with reporting from|"
    r"associated press writers?)(?: by)?\s*:\s",
    r"\bcontributed to this (?:report|story|article)$",
    # share, follow and link prompts
    r"^(?:follow|like) (?:us|him|her|them|@)",
    r"^follow .{1,60} on (?:twitter|facebook|instagram|x|linkedin|youtube|tiktok|threads|bluesky)\b",
    r"^(?:share|tweet|email|print) (?:this|on|via)\b",
    r"^(?:read|see|watch|listen to) (?:more|also|next|the full story)\b\s*[:|-]?",
    r"^(?:related|recommended|more from|most popular|trending)(?: stories| articles| coverage)?\s*[:|-]",
    r"^click here\b",
    r"^(?:image|photo|video) (?:caption|credit|source)\s*[:|-]",
    # copyright and advertisement markers
    r"^(?:copyright|\(c\)|©)\s",
    r"\ball rights reserved\b",
    r"^(?:advertisement|sponsored(?: content)?|story continues below(?: advertisement)?|ad)$",
]
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_LINES = re.compile(r"[^\n]*\n?")


_CREDIT_START = re.compile(
    r"^(?:additional )?(?:reporting|editing|edited|writing|written|compiled) by\b", re.I
)
_CREDIT_WORDS = frozenset({"and", "in", "by", "additional", "reporting", "editing", "writing", "from", "the"})


def is_boilerplate(line: str) -> bool:
    """Whether one line of text is page furniture rather than the story."""
    text = " ".join(line.split()).strip(" .!*_#>|")
    if not text or len(text.split()) > MAX_WORDS:
        return False
    return _BOILERPLATE.search(text) is not None or _is_credit(text)


def _is_credit(text: str) -> bool:
    """ "Reporting by Ellen Francis; Editing by Alex Richardson": after "by", names only (every
    other word capitalised), so "Written by the governor himself, the letter leaked" is prose."""
    if not _CREDIT_START.match(text):
        return False
    words = re.findall(r"[\w.'-]+", text)
    return all(word[0].isupper() or word.lower() in _CREDIT_WORDS for word in words[2:])


def strip_boilerplate(text: str, title: str | None = None) -> str:
    """``text`` without its boilerplate lines (blank lines left by them collapsed); the title
    when nothing of the story is left, else the text unchanged."""
    lines = [line for line in _LINES.findall(text) if line]
    kept = [line for line in lines if not is_boilerplate(line)]
    if len(kept) == len(lines):
        return text
    stripped = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()
    if stripped:
        return stripped
    return title.strip() if title and title.strip() else text
