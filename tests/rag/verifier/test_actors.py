"""Who did it: a name made the doer of the claim's verb must be where the passage uses that verb."""

from __future__ import annotations

import pytest

from rag.verifier.actors import misnamed_agents, misplaced_doers
from rag.verifier.config import SupportConfig
from rag.verifier.facts import extract_facts
from rag.verifier.passages import Evidence
from rag.verifier.scorer import SupportScorer

LEAK = (
    "According to a report on Wednesday by ShieldWatch, a cybersecurity firm, two databases containing "
    "user data from Chatterly were found on public cloud servers open to anyone on the internet.\n\n"
    "One of the databases is owned by the Mexican company Cultura Viva, which specializes in digital media."
)
"""The finder is named in one sentence, the owner of the data in the next."""
CHESS = (
    "Her brother, Arman, plays for the English federation.\n\n"
    "Mina Farahani was banned since she did not wear a hijab while competing at the Seaside Chess "
    "Festival in January 2017. Her brother Arman Farahani was banned for playing against an Israeli "
    "grandmaster at the same tournament."
)
"""The claim's verb ("played") is used only of someone else, in sentences about other events."""
SUCCESSION = (
    "On Friday, Rustam bin Kadir, the long-serving Emir of Qarun, died aged 79. Before the burial, his "
    "successor, Idris bin Nadir Al Hamdan, attended funeral prayers.\n\n"
    "Rustam became Emir in 1970 after overthrowing his father, Emir Kadir bin Timur."
)
"""The claim's verb ("became") is used of another name of the claim, in an earlier event."""

HARBOUR = (
    "IS has held most of Port Amran since 2015, but the government has retained control of the "
    "harbour and the districts around it.\n\n"
    "A coalition of Kurdish militias has pushed the rebels from the north of the province.\n\n"
    "Last month it recaptured the town of Selwa from the government in a surprise advance.\n\n"
    "The jihadists are reportedly trying to cut off the road linking the harbour and the town.\n\n"
    "Around 90,000 people live in Selwa, which has been besieged by IS since early 2016."
)
"""Doers the story names by what they are ("the government", "the jihadists") or by an acronym."""


@pytest.fixture(scope="module")
def scorer() -> SupportScorer:
    return SupportScorer(None, SupportConfig.load())


@pytest.mark.unit
def test_the_owner_made_the_finder_fails(scorer: SupportScorer) -> None:
    wrong = scorer.score("Cultura Viva found Chatterly user data on public cloud servers.", [LEAK])
    assert not wrong.supported
    assert "doer: Cultura Viva found" in wrong.unbacked
    right = scorer.score("ShieldWatch found Chatterly user data on public cloud servers.", [LEAK])
    assert right.supported, right.unbacked


@pytest.mark.unit
def test_a_pronoun_or_an_unnamed_doer_leaves_the_claim_to_the_other_checks() -> None:
    facts = extract_facts("Cultura Viva found Chatterly user data on public cloud servers.")
    by_pronoun = (
        "Cultura Viva is a digital media company. It found Chatterly user data on public cloud servers."
    )
    assert misplaced_doers(facts, Evidence.build([by_pronoun])) == []
    unnamed = "Chatterly user data were found on public cloud servers."
    assert misplaced_doers(facts, Evidence.build([unnamed])) == []
    described = "The cybersecurity firm found Chatterly user data on public cloud servers."
    assert misplaced_doers(facts, Evidence.build([described])) == []
    named = "ShieldWatch has also found Chatterly user data on public cloud servers."
    assert misplaced_doers(facts, Evidence.build([named])) == ["doer: Cultura Viva found"]


@pytest.mark.unit
def test_the_verb_used_of_others_in_other_events_is_no_misplaced_doer(scorer: SupportScorer) -> None:
    paraphrase = "Mina Farahani played at the Seaside Chess Festival in January 2017 without a hijab."
    assert misplaced_doers(extract_facts(paraphrase), Evidence.build([CHESS])) == []


@pytest.mark.unit
def test_a_one_word_doer_opening_the_claim_is_checked_too() -> None:
    evidence = Evidence.build([LEAK])
    assert misplaced_doers(
        extract_facts("Vivamedia found Chatterly user data on public cloud servers."), evidence
    ) == ["doer: Vivamedia found"]
    assert (
        misplaced_doers(
            extract_facts("ShieldWatch found Chatterly user data on public cloud servers."), evidence
        )
        == []
    )
    assert (
        misplaced_doers(extract_facts("It found Chatterly user data on public cloud servers."), evidence)
        == []
    )


@pytest.mark.unit
def test_the_verb_done_by_another_name_of_the_claim_is_left_to_the_other_checks() -> None:
    claim = "Idris bin Nadir Al Hamdan became Emir of Qarun after Rustam bin Kadir died."
    assert misplaced_doers(extract_facts(claim), Evidence.build([SUCCESSION])) == []


@pytest.mark.unit
@pytest.mark.parametrize(
    "claim",
    [
        "Cultura Viva is a digital media company.",  # no action verb after the name
        "Cultura Viva said the data were safe.",  # speech verbs are rag.verifier.attribution's
        "Mina Farahani, the champion, played chess.",  # the verb does not follow the name
    ],
)
def test_claims_not_of_the_form_name_verb_are_not_checked(claim: str) -> None:
    assert misplaced_doers(extract_facts(claim), Evidence.build([LEAK, CHESS])) == []


SIEGE = (
    "The city had been hit by at least six explosions since Saturday morning. Rami Abdel Rahman, who runs "
    "the monitoring group, said Saturday's attack by IS was the most violent on the city in more than a "
    "year. Syrian army units held the airport."
)
"""The attack's doer is named after "by"; the Syrian army is in the passage, doing something else."""


def agents(claim: str, passage: str = SIEGE) -> list[str]:
    return misnamed_agents(extract_facts(claim), Evidence.build([passage]))


@pytest.mark.unit
def test_another_doer_after_by_fails() -> None:
    claim = "Rami Abdel Rahman said Saturday's attack by the Syrian army was the most violent in a year."
    assert agents(claim) == ["agent: attack by Syrian"]
    assert not SupportScorer(None, SupportConfig.load()).score(claim, [SIEGE]).supported


@pytest.mark.unit
def test_the_passages_own_doer_after_by_passes() -> None:
    assert agents("Saturday's attack by IS was the most violent on the city in more than a year.") == []


@pytest.mark.unit
def test_a_word_the_passage_never_writes_with_by_is_left_to_the_other_checks() -> None:
    # "held by" is nowhere in the passage: no doer to compare with
    assert agents("The airport was held by the Syrian army.") == []


@pytest.mark.unit
def test_a_passage_naming_no_one_after_by_is_no_evidence_of_another_doer() -> None:
    passage = "The city was hit by shells on Saturday. The attack by militants lasted hours."
    assert agents("The city was hit by IS on Saturday.", passage) == []


CONTRIBUTOR = (
    "Nabil Salem was shot dead in his car in Aden on Sunday.\n\n"
    "Salem, who contributed to Agence Presse Nouvelle among other news organizations, openly supported "
    "independence for the south."
)
"""The doer of "contributed" is the name before "who"; the agency is what he contributed to."""


@pytest.mark.unit
def test_the_name_acted_on_made_the_doer_fails(scorer: SupportScorer) -> None:
    swapped = scorer.score("Agence Presse Nouvelle contributed to Nabil Salem.", [CONTRIBUTOR])
    assert not swapped.supported
    assert "doer: Agence Presse Nouvelle contributed" in swapped.unbacked
    right = scorer.score("Nabil Salem contributed to Agence Presse Nouvelle.", [CONTRIBUTOR])
    assert right.supported, right.unbacked


@pytest.mark.unit
def test_a_relative_pronoun_after_a_name_stands_for_it() -> None:
    facts = extract_facts("Agence Presse Nouvelle contributed to Salem.")
    assert misplaced_doers(facts, Evidence.build([CONTRIBUTOR])) == [
        "doer: Agence Presse Nouvelle contributed"
    ]
    # without the comma "who" opens no aside about the name before it: the doer is left unread
    restrictive = "It was the reporter Salem who contributed to Agence Presse Nouvelle."
    assert misplaced_doers(facts, Evidence.build([restrictive])) == []


TALKS = (
    "The talks, beginning on March 3 in the port city of Velmar, are set to build on a truce that has "
    "largely held.\n"
    "Organised by rebel backer Norland and regime allies Ostrava and Kessel, the meetings are the latest "
    "bid to end the war raging in Marnia since 2015."
)
"""The organisers are named after "by" in a sentence opening with the participle, and the talks in
the sentence before it."""


@pytest.mark.unit
def test_a_name_and_its_noun_made_the_doer_of_a_participle_with_by_fails() -> None:
    facts = extract_facts("Marnia rebels organised the Velmar talks.")
    assert misplaced_doers(facts, Evidence.build([TALKS])) == ["doer: Marnia rebels organised"]
    for right in (
        "Kessel organised the Velmar talks.",
        "Norland, Ostrava and Kessel organised the Velmar talks.",
        "Rebel backer Norland organised the Velmar talks.",
    ):
        assert misplaced_doers(extract_facts(right), Evidence.build([TALKS])) == [], right


@pytest.mark.unit
def test_a_present_verb_after_the_name_is_no_noun_of_its_doer() -> None:
    # "backs" is the verb, not a noun qualified by "Ostrava"; "rebels" after it is no past tense
    facts = extract_facts("Ostrava backs rebels in Marnia.")
    assert misplaced_doers(facts, Evidence.build(["Norland backs rebels in Marnia."])) == [
        "doer: Ostrava backs"
    ]


DELEGATION = (
    "Marnian rebel negotiator Tarek Hallum said on Monday he would head the rebel delegation to the "
    "Velmar talks, saying this was to counter Kessel's role in the war."
)
"""The doer of "head" is "he", who is the speaker of "said" just before it."""


@pytest.mark.unit
def test_a_modal_claim_is_checked_and_he_after_said_is_the_speaker() -> None:
    wrong = extract_facts("Omar Daher will head the rebel delegation to the Velmar talks.")
    assert misplaced_doers(wrong, Evidence.build([DELEGATION])) == ["doer: Omar Daher head"]
    right = extract_facts("Tarek Hallum will head the rebel delegation to the Velmar talks.")
    assert misplaced_doers(right, Evidence.build([DELEGATION])) == []
    # "he" after no speech verb still names nobody: the claim is left to the other checks
    unsaid = "Tarek Hallum arrived on Monday. Later he would head the rebel delegation to the Velmar talks."
    assert misplaced_doers(wrong, Evidence.build([unsaid])) == []


@pytest.mark.unit
def test_an_article_before_the_name_and_the_event_named_in_the_next_sentence() -> None:
    ceasefire = (
        "The offensive comes amid a continuing ceasefire, brokered by Norland and Ostrava last month. "
        "But the truce does not cover the militias."
    )
    wrong = extract_facts("The Kessel Republic brokered the truce.")
    assert misplaced_doers(wrong, Evidence.build([ceasefire])) == ["doer: Kessel Republic brokered"]
    assert misplaced_doers(extract_facts("Norland brokered the truce."), Evidence.build([ceasefire])) == []


@pytest.mark.unit
def test_a_participle_after_a_comma_tells_of_the_sentence_subject() -> None:
    league = (
        "The Velmar League is the main umbrella group for Marnia's opposition factions, negotiating on "
        "their behalf last year in Osk."
    )
    wrong = extract_facts("The Kessel Council negotiated on behalf of Marnia's opposition factions in Osk.")
    assert misplaced_doers(wrong, Evidence.build([league])) == ["doer: Kessel Council negotiated"]
    right = extract_facts("The Velmar League negotiated on behalf of Marnia's opposition factions in Osk.")
    assert misplaced_doers(right, Evidence.build([league])) == []


@pytest.mark.unit
def test_it_or_he_stands_for_no_plural_doer() -> None:
    palmyra = (
        "A coalition of militias has pushed the Velmar Front from much of its territory, but it remains "
        "embedded in the desert. Last month it recaptured the city of Osk from the government. "
        "Meanwhile, Marnian rebel groups said Monday they will attend the talks."
    )
    plural = extract_facts("Marnian rebel groups recaptured Osk from the government.")
    assert misplaced_doers(plural, Evidence.build([palmyra])) == ["doer: Marnian rebel groups recaptured"]
    # a singular doer may be the "it": left to the other checks
    assert misplaced_doers(extract_facts("Velmar Front recaptured Osk."), Evidence.build([palmyra])) == []


@pytest.mark.unit
def test_the_agent_by_another_of_its_names_is_the_same_agent() -> None:
    besieged = Evidence.build(
        ["Around 200,000 people live in the city, which has been besieged by Daesh since 2015."]
    )
    assert misnamed_agents(extract_facts("The city is besieged by the Islamic State group."), besieged) == []
    assert misnamed_agents(extract_facts("The city is besieged by the Syrian army."), besieged) == [
        "agent: besieged by Syrian"
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("claim", "backed"),
    [
        ("The government has retained control of the harbour.", True),
        ("The Syrian army controls the harbour.", True),  # the state's side, by another word
        ("Kurdish militias control the harbour.", False),  # "Kurdish" is in the next sentence
        ("Jihadists control the harbour.", False),
        ("The rebels have retained control of the harbour.", False),
        ("The government recaptured the town of Selwa last month.", False),  # "it ... from the government"
        ("The jihadists are trying to cut off the road linking the harbour and the town.", True),
        ("Government forces are trying to cut off the road linking the harbour and the town.", False),
        ("Government forces have besieged Selwa since early 2016.", False),  # "besieged by IS"
    ],
)
def test_a_body_named_by_what_it_is_is_a_doer(claim: str, backed: bool) -> None:
    problems = misplaced_doers(extract_facts(claim), Evidence.build([HARBOUR]))
    assert (problems == []) is backed, problems


@pytest.mark.unit
@pytest.mark.parametrize(
    ("passage", "claim", "backed"),
    [
        (  # the clause after "where" has a doer of its own
            "Fighting between IS and the army has killed dozens in Selwa, where the militant group has "
            "launched an assault on the harbour.",
            "The army launched an assault on the harbour.",
            False,
        ),
        (
            "Fighting between IS and the army has killed dozens in Selwa, where the militant group has "
            "launched an assault on the harbour.",
            "The militant group launched an assault on the harbour.",
            True,
        ),
        (  # an aside about the name is no clause with a doer of its own
            "Nadia Kerr, the former governor of Ostland, received 9% of the vote.",
            "Nadia Kerr received 9% of the vote.",
            True,
        ),
        (  # the verb's use in the other clause acts on something else: another event
            "IS has held most of Port Amran since 2015, but the government has retained control of the "
            "harbour.",
            "IS controls most of Port Amran since 2015.",
            True,
        ),
    ],
)
def test_a_doer_in_the_verbs_own_clause_outweighs_a_name_in_another(
    passage: str, claim: str, backed: bool
) -> None:
    problems = misplaced_doers(extract_facts(claim), Evidence.build([passage]))
    assert (problems == []) is backed, problems


CONDEMNED = (
    "Reporter shot dead in Port Amran (Example News) Published 5 June 2020.\n\n"
    "Lena Ortiz, director of news for the Harbour Press Agency, called the death the senseless killing "
    "of a courageous journalist. Ortiz also praised the quality of Tomas Verhoeven's work.\n\n"
    "Rights groups condemned the coalition's bombing of a school bus in Selwa."
)
"""A story naming an event as a thing ("the killing of") after a name that does something else."""


@pytest.mark.unit
@pytest.mark.parametrize(
    "claim",
    [
        "The Harbour Press Agency killed a courageous journalist.",
        "Lena Ortiz killed Tomas Verhoeven.",
        "Rights groups bombed a school bus in Selwa.",
    ],
)
def test_a_name_that_speaks_of_an_event_named_as_a_thing_is_not_its_doer(
    scorer: SupportScorer, claim: str
) -> None:
    """ "AFP killed a courageous journalist" passed on "Phil Chetwynd, director of global news for AFP,
    called the death 'the senseless killing of a courageous journalist'" (a Wikinews story)."""
    result = scorer.score(claim, [CONDEMNED])
    assert not result.supported
    assert any(item.startswith("doer: ") for item in result.unbacked), result.unbacked


@pytest.mark.unit
@pytest.mark.parametrize(
    "claim",
    [
        "Lena Ortiz called the death the senseless killing of a courageous journalist.",
        "The coalition bombed a school bus in Selwa.",
        "Ortiz praised the quality of Tomas Verhoeven's work.",
    ],
)
def test_what_the_name_does_and_a_doer_named_with_the_thing_still_pass(
    scorer: SupportScorer, claim: str
) -> None:
    assert misplaced_doers(extract_facts(claim), Evidence.build([CONDEMNED])) == []
    assert scorer.score(claim, [CONDEMNED]).supported
