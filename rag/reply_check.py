"""The finished reply's check: citations, verification, refusal, and the sources' disagreements.

What :class:`rag.engine.AnswerEngine` does once the model has written: the reply is split into
sentences, each checked against the passages it cites (:func:`rag.verifier.verify.verify`), and
the answer is either the checked sentences (with the sources' disagreements reported beside them,
:mod:`rag.conflicts`, :mod:`rag.date_conflicts`) or a refusal in plain words (:mod:`rag.refusals`).
The labelled-sentence suite (``rag eval --suite sentences``) runs the same verification.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rag import conflicts as conflict_rules
from rag import date_conflicts, prompts, refusals, relevance
from rag.asked import completed, read_question
from rag.citations import DraftSentence, header_echo, parse_answer, render
from rag.evidence import passage_ranges, source_documents
from rag.settings import Settings
from rag.text.dates import MONTHS, WEEKDAYS
from rag.text.numbers import COUNT_WORDS, NUMBER_WORDS, ORDINALS, SCALES
from rag.types import UNCHECKED_TEXT, Answer, Source, Timings
from rag.verifier.facts import needs_support
from rag.verifier.tokens import content_stems, stem, tokenize
from rag.verifier.verify import Scorer, Shown, Verification, locate, verify


class Refusal(NamedTuple):
    reason: str
    """For the reader (:mod:`rag.refusals`)."""
    details: str
    """The figures and the model's reply behind it, for ``--json`` and debugging."""


NOT_BACKED = "No sentence of the model's answer is backed by the sources"
"""How :func:`check_reply` opens the details of a reply refused because none of its sentences is
backed (:func:`not_backed`)."""


def not_backed(answer: Answer) -> bool:
    """Was ``answer`` refused because no sentence of the model's reply is backed by the sources?"""
    return answer.refused and (answer.refusal_details or "").startswith(NOT_BACKED)


def check_reply(
    raw: str,
    question: str,
    sources: Sequence[Source],
    settings: Settings,
    scorer: Scorer,
    base: dict,
    timings: Timings,
) -> Answer:
    """The checked :class:`Answer` for the model's finished reply ``raw`` to ``question``.

    ``base`` holds the answer's other fields (question, sources, token counts, exchange). A reply
    is refused when the model declined, wrote no sentence, stated nothing a source could back,
    when none of its sentences is backed, or (with ``answer.relevance``) when no backed sentence
    answers the question; every refusal names the closest articles (:mod:`rag.refusals`).
    """

    def refuse(reason: str, details: str) -> Answer:
        return Answer(
            **base,
            text=UNCHECKED_TEXT,
            refused=True,
            refusal_reason=reason,
            refusal_details=details,
            timings=timings,
        )

    if prompts.says_cannot_answer(raw):
        return refuse(refusals.model_declined(sources), f"The model found no answer in the sources: {raw}")
    drafts = parse_answer(raw, len(sources), header_echoes(sources))
    if not drafts:
        return refuse(refusals.no_sentence(sources), f"The model's reply held no sentence: {raw}")
    evidence = source_documents(sources)
    shown = passage_ranges(sources)
    checked = verify_reply(question, drafts, evidence, scorer, shown)
    if checked.checked == 0:
        return refuse(
            refusals.nothing_checkable(sources),
            f"The model's reply states nothing a source could back: {raw}",
        )
    conflicts = []
    reported: list[str] = []  # the disagreement sentences written for this question
    if settings.answer.conflicts:
        text, _ = render(drafts)
        cited = sorted({n for d in drafts for n in d.citations})
        conflicts, extra = conflict_rules.detect(question, text, sources, cited)
        # A figure or a day that the other sources contradict is not the answer: the sentence
        # stating it gives way to the disagreement sentence (conflicts.outliers, date_conflicts).
        outlying = conflict_rules.outliers(question, text, sources, cited)
        dated = date_conflicts.find([d.plain for d in drafts], sources)
        withdrawn = {finding.index for finding in dated if finding.withdraw}
        drafts = [
            d
            for i, d in enumerate(drafts)
            if i not in withdrawn and not conflict_rules.states_outlier(d.plain, outlying)
        ]
        extra += [(f.report, f.numbers) for f in dated if f.report not in {t for t, _ in extra}]
        reported = [t for t, _ in extra]
        conflicts += [f.conflict for f in dated if f.conflict is not None]
        if checked.all_unsupported:
            # None of the model's sentences is backed, but the sources disagree on the figure or
            # day asked for: the engine's own report of theirs (written from the sources, each
            # cited) is the answer, without the model's sentences. Golden cf01: the model wrote
            # "soldiers killed 28 IS fighters" (false: 28 is the army's toll), and the sources'
            # two tolls, 12 and 28, are what a reader needs. Asked who or where, the report
            # answers nothing, so the reply is refused as before.
            drafts = []
            if read_question(question).kind not in ("number", "duration", "time"):
                extra = []
            elif not extra and conflict_rules.names_found(question, sources):
                # The model's citations back nothing it wrote, so they do not say which sources
                # are about the question: all of them are weighed, as if cited, once they hold
                # every name the question holds. Golden cf01: the model wrote "Syria government
                # soldiers killed 28 IS fighters" without a source number; the sources' tolls of
                # government soldiers are 12 and 28. A name no source holds (un10, Khan
                # Shaykhun) leaves the reply refused.
                everyone = [source.number for source in sources]
                wider, extra = conflict_rules.detect(question, text, sources, everyone)
                conflicts += wider
        for sentence_text, _numbers in extra:
            for draft in parse_answer(sentence_text, len(sources)):
                locate(draft, evidence, shown)
                drafts.append(_reported(draft))
    if checked.all_unsupported and not any(d.reported for d in drafts):
        return refuse(
            refusals.not_backed(sources),
            f"{NOT_BACKED}: {raw}",
        )
    if settings.answer.conflicts and not drafts:
        return refuse(
            refusals.not_backed(sources),
            f"The answer stated only figures the other sources contradict: {raw}",
        )
    text, sentences = render(drafts)
    if settings.answer.relevance:
        # A backed sentence that does not answer the question is not an answer (rag.relevance).
        kept = [s.text for s in sentences if s.supported and s.needs_citation]
        verdict = relevance.check(question, kept, reported)
        if not verdict.answered:
            return refuse(
                refusals.not_answered(verdict.asked, kept, sources),
                f"No backed sentence of the reply answers the question ({verdict.details()}): {raw}",
            )
    return Answer(**base, text=text, sentences=sentences, conflicts=conflicts, timings=timings)


def verify_reply(
    question: str, drafts: list[DraftSentence], evidence: dict[int, str], scorer: Scorer, shown: Shown
) -> Verification:
    """Each draft sentence checked against the passages it cites (:func:`verify`), and a reply that
    only names its answer, or gives only a day or a figure, checked as the question it completes
    (:func:`check_named_answer`). The engine's check and the labelled-sentence suite both call it."""
    checked = verify(drafts, evidence, scorer, needs_support, shown)
    if all(bare(d.plain) for d in drafts if needs_support(d.plain)):
        # nothing checked, or only a bare day or figure, checked alone: "December 15 [3]"
        checked = check_named_answer(question, drafts, evidence, scorer, shown) or checked
    return checked


def check_named_answer(
    question: str, drafts: list[DraftSentence], evidence: dict[int, str], scorer: Scorer, shown: Shown
) -> Verification | None:
    """A reply that only names its answer ("Nature [1]" to "Which journal published ...?") is
    checked as the question's statement completed by it ("Which journal published ... Nature."):
    its cited passage must state the answer together with the question's names and most of its
    words, as any claim must (:mod:`rag.verifier.alignment`). Without this such a reply states
    nothing checkable and was refused; on the Wikinews questions three right answers were
    ("Nature", "Cream", "Nike"), while a name the passage does not give with the question's words
    ("Science") fails. Only the sentences holding the kind asked for are checked so ("The sources
    differ." beside the name stays a remark). None when the question asks for no type, no sentence
    holds that kind, or a sentence already states a fact.

    A bare day or figure ("December 15 [3]" to "On what date did Samoa's state of emergency over
    the measles outbreak end?") is such a reply too: checked alone, any passage holding that day
    backed it, and this one was shown from "The state of emergency was expected to end on December
    15, but on December 14 it was extended" (Wikinews day question wd-025)."""
    kind = read_question(question).kind
    named = [d for d in drafts if relevance.has_kind(d.plain, kind, question)]
    if kind is None or not named or any(needs_support(d.plain) and not bare(d.plain) for d in drafts):
        return None
    probes = [
        DraftSentence(parts=[completed(question, d.plain)], trailing=list(d.citations), end=".")
        for d in named
    ]
    checked = verify(probes, evidence, scorer, needs_support, shown)
    for draft, probe in zip(named, probes, strict=True):
        draft.parts = [part for part in draft.parts if isinstance(part, str)]
        draft.trailing = probe.citations
        draft.support, draft.supported = probe.support, probe.supported
        draft.needs_citation, draft.evidence = probe.needs_citation, probe.evidence
    checked.drafts = drafts
    return checked


_ANSWER_WORDS = frozenset(
    stem(word)
    for word in (*MONTHS, *WEEKDAYS, *NUMBER_WORDS, *COUNT_WORDS, *ORDINALS, *SCALES)
    if word.isalpha()
) | frozenset(stem(word) for word in ("least", "about", "nearly", "almost", "around", "some", "more", "than"))
"""Words of a day or a figure given alone ("December 15", "at least six"), as stems."""


def bare(sentence: str) -> bool:
    """``sentence`` gives only a day or a figure ("December 15, 2019.", "In July.", "At least six."),
    no word of what it is the day or figure of. A sentence with neither a content word nor a digit
    ("Yes.") gives neither."""
    stems = content_stems(tokenize(sentence))
    if not stems:
        return any(c.isdigit() for c in sentence)  # "39."
    return all(s in _ANSWER_WORDS or any(c.isdigit() for c in s) for s in stems)


def contested(settings: Settings, sources: Sequence[Source]) -> Callable[[str], bool]:
    """Sentences the final check may withdraw, streamed only with it: a figure or day the sources
    dispute, and a bare day or figure, which it checks as the question completed
    (:func:`check_named_answer`) where the stream checked it alone."""
    if not settings.answer.conflicts:
        return bare

    def disputed(sentence: str) -> bool:
        if bare(sentence):
            return True
        dated = date_conflicts.find([sentence], sources)
        return conflict_rules.disputed(sentence, sources) or any(f.withdraw for f in dated)

    return disputed


def header_echoes(sources: Sequence[Source]) -> Callable[[str], bool]:
    """Sentences that only copy the sources' headers from the prompt (:func:`header_echo`)."""
    return header_echo([s.passage.title or "" for s in sources], [s.passage.source or "" for s in sources])


def _reported(draft: DraftSentence) -> DraftSentence:
    """A sentence the engine wrote from the sources' own figures: backed by construction."""
    draft.support = 1.0
    draft.supported = True
    draft.needs_citation = True
    draft.reported = True
    return draft
