"""The deterministic features of one claim sentence against analysed passages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.verifier.actors import misnamed_agents, misplaced_doers
from rag.verifier.alignment import age_words, misnamed_counts, stated_ages, swapped_numbers, unaligned
from rag.verifier.appeals import unbacked_appeals
from rag.verifier.attribution import misattributed, unknown_speakers
from rag.verifier.bonds import unbacked_bonds
from rag.verifier.bounds import turned_bounds
from rag.verifier.contrast import merged_across_contrast
from rag.verifier.dated import misdated_events
from rag.verifier.days import misdated_days
from rag.verifier.facts import Facts, extract_facts
from rag.verifier.fates import changed_fates, unfated_members
from rag.verifier.foretold import foretold
from rag.verifier.hedges import dropped_hedges
from rag.verifier.identity import listed_twice, related_to_itself
from rag.verifier.in_place import negated_in_place, swapped_in_place
from rag.verifier.joined import joined_events
from rag.verifier.negation import check_antonyms, check_negation
from rag.verifier.passages import Evidence
from rag.verifier.roles import swapped_roles
from rag.verifier.scope import unscoped
from rag.verifier.titles import unbacked_titles
from rag.verifier.tokens import content_stems, tokenize
from rag.verifier.undergone import unmet_patients
from rag.verifier.venues import misplaced_venues


@dataclass
class Analysis:
    features: dict[str, float]
    unbacked: list[str]
    facts: Facts


def analyse(claim: str, evidence: Evidence) -> Analysis:
    """The deterministic features of one sentence against analysed passages."""
    facts = extract_facts(claim)
    unbacked: list[str] = []

    def share(items: list[tuple[str, str]], backs: Callable[[str], bool], label: str) -> float:
        if not items:
            return 1.0
        good = 0
        for value, written in items:
            if backs(value):
                good += 1
            else:
                unbacked.append(f"{label}: {written}")
        return good / len(items)

    numbers = share(
        facts.numbers, lambda value: evidence.backs_number(value, facts.only_days(value)), "number"
    )
    dates = share(facts.dates, evidence.backs_date, "date")
    names_ok = 0
    backed_name_stems: set[str] = set()
    for name in dict.fromkeys(facts.names):
        if evidence.backs_name(name):
            names_ok += 1
            # A backed name in another spelling ("Deir al-Zor" for "Deir Ezzor") is no missing content.
            backed_name_stems.update(content_stems(tokenize(name)))
        else:
            unbacked.append(f"name: {name}")
    n_names = len(dict.fromkeys(facts.names))
    names = names_ok / n_names if n_names else 1.0
    negation_problems = (
        (check_negation(facts, evidence) or negated_in_place(facts, evidence))
        + (check_antonyms(facts, evidence) or swapped_in_place(facts, evidence))
        + (dropped_hedges(facts, evidence) or foretold(facts, evidence))
        + turned_bounds(claim, evidence)
        + unscoped(facts, evidence)
    )
    if not unbacked:
        # each fact is in the passages; are they stated together, as the claim relates them?
        unbacked.extend(
            unaligned(facts, evidence)
            or swapped_numbers(claim, facts, evidence)
            or misnamed_counts(facts, evidence)
            or changed_fates(claim, evidence)
            or unfated_members(claim, evidence)
            or unbacked_bonds(claim, evidence.sentence_texts)
            or unbacked_appeals(claim, evidence.sentence_texts)
            or misattributed(facts, evidence)
            or misplaced_doers(facts, evidence)
            or misnamed_agents(facts, evidence)
            or unknown_speakers(facts, evidence)
            or merged_across_contrast(claim, facts, evidence)
            or joined_events(facts, evidence)
            or unmet_patients(facts, evidence)
            or misdated_events(facts, evidence)
            or misdated_days(facts, evidence)
            or swapped_roles(facts, evidence)
            or related_to_itself(facts)
            or listed_twice(facts, evidence)
            or unbacked_titles(facts, evidence)
            or misplaced_venues(claim, evidence)
        )
    unbacked.extend(negation_problems)

    stems = content_stems(facts.tokens)
    ages = _ages_as_written(facts, evidence)
    present = [s in evidence.stems or s in backed_name_stems or s in ages for s in stems]
    overlap = sum(present) / len(stems) if stems else 1.0
    pairs = list(zip(stems, stems[1:], strict=False))
    bigrams = sum(p in evidence.stem_bigrams for p in pairs) / len(pairs) if pairs else overlap
    features = {
        "overlap": overlap,
        "bigrams": bigrams,
        "numbers": numbers,
        "dates": dates,
        "names": names,
        "negation": 0.0 if negation_problems else 1.0,
        "unbacked": float(min(len(unbacked), 3)),
    }
    return Analysis(features=features, unbacked=unbacked, facts=facts)


def role_problems(claim: str, evidence: Evidence) -> list[str]:
    """What the passages say of the claim's roles, read whether or not they back its other words:
    the speaker of its words, the doer of its verb, the agent after its "by", names traded places, a
    name the passage sets apart with "but" or "while", a day no sentence telling the event names
    while they name others (the checks :func:`analyse` runs once every fact is found)."""
    facts = extract_facts(claim)
    return (
        misattributed(facts, evidence)
        or merged_across_contrast(claim, facts, evidence)
        or misplaced_doers(facts, evidence)
        or misnamed_agents(facts, evidence)
        or swapped_roles(facts, evidence)
        or misdated_days(facts, evidence)
    )


def _ages_as_written(facts: Facts, evidence: Evidence) -> set[str]:
    """The claim's words that say its numbers are ages ("years", "old"), where the passages write
    those numbers as ages in their own words: "Brenton Tarrant was 28 years old" was refused beside
    "Brenton Tarrant, aged 28" (Wikinews wn-101; overlap 0.5), while "The driver was 28 years old"
    beside "A bus crash killed 28 people" stays a missing fact."""
    claimed = stated_ages(facts.tokens)
    if not claimed or not any(claimed <= stated_ages(sentence) for sentence in evidence.sentences):
        return set()
    return age_words(facts.tokens)
