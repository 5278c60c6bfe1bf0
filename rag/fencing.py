"""Article text is data: the forms in which it could pose as the prompt, and their fenced rewrite.

An article reaches the model inside the user turn, between the fixed instructions and the
question. Text inside it that looks like the prompt's own structure can take the prompt over:
a chat-template token (``<|im_start|>system``) opens a real system turn in llama.cpp, which
tokenises special tokens in the rendered template; a line starting "SYSTEM:" or
"### Instruction" reads as a new instruction; ``[1]`` or "Source 2" inside an article reads as
one of the prompt's own citation markers, so a model copies it ("According to [1] and, ...").
:func:`fence` rewrites exactly those forms in the copy the model reads; the passage shown to the
reader and checked by the verifier stays the original text.

Look-alike letters (Cyrillic "ЅYЅТЕМ") are matched through :func:`rag.text.characters.as_latin`, which maps them
to the Latin letters they imitate without moving any character, and invisible characters
(zero-width spaces, bidirectional controls) are removed from the model's copy, since they serve
only to split a word so that no filter sees it.
"""

from __future__ import annotations

import re

from rag.text.characters import INVISIBLE, as_latin
from rag.text.markers import PROMPT_MARKER

TEMPLATE_TOKEN = re.compile(
    r"<\|[A-Za-z_][^|<>\n]{0,40}\|>"  # <|im_start|>, <|im_end|>, <|endoftext|>, <|eot_id|>
    r"|</?s>"  # Llama/Mistral sequence tokens
    r"|\[/?INST\]"  # Llama 2 / Mistral instruction turns
    r"|<</?SYS>>",
    re.IGNORECASE,
)
"""Chat-template control tokens of the common model families."""

ROLE_WORDS = r"system|assistant|user|human|developer|instructions?|response|prompt"
ROLE_LABEL = re.compile(
    rf"^(?P<lead>[ \t]*(?:(?:[#>*_\-]+|<!--)[ \t]*)*)(?P<role>{ROLE_WORDS})\b[ \t]*(?:[*_]+[ \t]*)?(?::|$)",
    re.IGNORECASE | re.MULTILINE,
)
"""A role label opening a line: "SYSTEM:", "> **Assistant:**", "### Instruction", "user" alone."""

SOURCE_NUMBER = re.compile(r"\b(Sources?)\s+(?=(?:#|no\.\s*)?\d)", re.IGNORECASE)
""""Source 1", "sources 2 and 3", "Source #2": how a fake cross-reference names a prompt source."""


def fence(text: str) -> str:
    """The copy of article text the model reads: nothing in it can pose as the prompt.

    * chat-template tokens are removed (a space keeps the words apart);
    * a role label opening a line is rewritten as an attribution to the article
      ("SYSTEM:" -> "(the article writes) SYSTEM -"), so it reads as quoted text;
    * citation markers become parentheses ("[1]" -> "(1)") and "Source 2" becomes
      "source no. 2", so neither matches the prompt's own markers;
    * invisible characters are dropped and look-alike letters are read as Latin for the
      matching (the rewritten text keeps the article's letters elsewhere).
    """
    text = INVISIBLE.sub("", text)
    latin = as_latin(text)
    pieces: list[str] = []
    last = 0

    def replace(start: int, end: int, new: str) -> None:
        nonlocal last
        pieces.append(text[last:start])
        pieces.append(new)
        last = end

    edits: list[tuple[int, int, str]] = []
    for match in TEMPLATE_TOKEN.finditer(latin):
        edits.append((match.start(), match.end(), " "))
    for match in ROLE_LABEL.finditer(latin):
        role = latin[match.start("role") : match.end("role")]
        edits.append((match.start(), match.end(), f"{match.group('lead')}(the article writes) {role} -"))
    for match in PROMPT_MARKER.finditer(latin):
        edits.append((match.start(), match.end(), f"({match.group(1)})"))
    for match in SOURCE_NUMBER.finditer(latin):
        edits.append((match.start(), match.end(), f"{match.group(1).lower()} no. "))
    for start, end, new in _without_overlaps(edits):
        replace(start, end, new)
    pieces.append(text[last:])
    fenced = "".join(pieces)
    # A removed template token may have left a role word alone on its line ("<|im_start|>system").
    return ROLE_LABEL.sub(_relabel, fenced) if fenced != text else fenced


def _relabel(match: re.Match[str]) -> str:
    if match.group(0).lstrip().startswith("(the article writes)"):
        return match.group(0)
    return f"{match.group('lead')}(the article writes) {match.group('role')} -"


def _without_overlaps(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for edit in sorted(edits):
        if kept and edit[0] < kept[-1][1]:
            continue
        kept.append(edit)
    return kept
