"""What a citation may rest on: the text a reader (and the model) sees for a source.

The answer engine's verifier and the eval suite's citation and faithfulness metrics score
claims against the same documents, built here, so the engine cannot be stricter or looser
than the figures that measure it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.types import Passage, Source


def passage_document(passage: Passage) -> str:
    """A passage as a reader sees it: title, publisher and date line, then the text.

    The model is shown the title, publisher and date in each source's header, and answers
    lean on them: "As of 2020 the war had killed 380,000" is backed by a passage published in
    2020 even when its text says "last year". ALCE likewise prepends the title.

    A blank line sets the header apart, so the verifier reads it as a sentence of its own (it
    splits sentences at full stops and blank lines): an undated header has no full stop, and its
    title's words were read as part of the lead's sentence (held-out sq80).
    """
    header = " ".join(
        part
        for part in (
            passage.title or "",
            f"({passage.source})" if passage.source else "",
            f"Published {passage.date.day} {passage.date:%B %Y}." if passage.date else "",
        )
        if part
    )
    return f"{header}\n\n{passage.text}" if header else passage.text


def source_document(source: Source) -> str:
    """A source's passage plus the other outlets' copies of it.

    Duplicate wire copies are collapsed into one source, and a rewrite may carry a detail the
    primary copy words differently, so a citation of the source may rest on any copy.

    A passage flagged at index time as reading like a prompt (:mod:`index.suspicious`) backs
    nothing: its text stays visible as a source, but a sentence it alone would back is marked
    unsupported (or re-cited to a clean source that states it). Measured with the injection suite
    (``rag eval --suite injection``): a fake "SYSTEM:" block, a fake correction and a fake wire
    record were each the only backing of the hijacked sentence.
    """
    primary = source.passage
    texts = [] if primary.suspicious else [passage_document(primary)]
    texts.extend(
        p.text
        for p in source.corroborating
        if not p.suspicious and p.text not in primary.text and p.text not in texts
    )
    return "\n\n".join(texts)


def source_documents(sources: Sequence[Source]) -> dict[int, str]:
    """Each source's :func:`source_document`, by its number: what a citation ``[n]`` may rest on."""
    return {source.number: source_document(source) for source in sources}


def passage_ranges(sources: Sequence[Source]) -> dict[int, tuple[int, int]]:
    """Each source's :func:`passage_range`, by its number."""
    return {source.number: passage_range(source) for source in sources}


def passage_range(source: Source) -> tuple[int, int]:
    """Where the source's own passage text (what its card shows) lies in :func:`source_document`.

    Empty for a flagged passage, whose text is left out of the document.
    """
    if source.passage.suspicious:
        return (0, 0)
    end = len(passage_document(source.passage))
    return (end - len(source.passage.text), end)


def flagged_last(sources: Sequence[Source]) -> list[Source]:
    """Clean sources first, renumbered 1..k, then the flagged ones (k+1..n).

    The engine shows the model only the first k: a flagged passage could back nothing anyway
    (:func:`source_document`), and shown to the 1.5B model it still steered replies that the
    verifier then withdrew, so questions were refused although a clean source answered them (``rag eval --suite injection``: 12 refused, 8 held with flagged passages in the
    prompt). The flagged ones stay in the answer's sources, so the reader sees them and the flag.
    """
    ordered = [s for s in sources if not s.passage.suspicious] + [s for s in sources if s.passage.suspicious]
    return [s if s.number == n else s.model_copy(update={"number": n}) for n, s in enumerate(ordered, 1)]
