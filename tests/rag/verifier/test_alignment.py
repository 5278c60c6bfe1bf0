"""Facts found together: relation errors between true facts of the passages fail the claim."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.verifier.config import SupportConfig
from rag.verifier.scorer import SupportScorer

CORPUS = Path(__file__).resolve().parents[3] / "rag" / "corpus"
DEIR = (CORPUS / "001_aba8e4193e5ca6f2.txt").read_text(encoding="utf-8")
"""BBC: "Syria war: Dozens dead in IS attack on Deir al-Zour" (bundled corpus)."""
ASTANA = (CORPUS / "000_2dcdf8dd29bf5d80.txt").read_text(encoding="utf-8")
"""An article naming both the Syrian Observatory and the High Negotiations Committee."""

BRIDGE = (
    "Construction of the new bridge over the river will begin in January, the city council said. "
    "The council approved the budget on Tuesday. Officials said the old bridge had been closed since "
    "2019.\n\nA public hearing on the tolls is planned for May."
)


@pytest.fixture(scope="module")
def scorer() -> SupportScorer:
    return SupportScorer(None, SupportConfig.load())


@pytest.mark.unit
def test_numbers_put_in_each_others_place_fail(scorer: SupportScorer) -> None:
    right = scorer.score("Twelve government soldiers and 20 IS fighters were killed.", [DEIR])
    assert right.supported, right.unbacked
    swapped = scorer.score("Twenty government soldiers and 12 IS fighters were killed.", [DEIR])
    assert not swapped.supported
    assert any(item.startswith("counts: 20") for item in swapped.unbacked)


@pytest.mark.unit
def test_a_number_that_counts_something_else_in_the_same_sentence_fails(scorer: SupportScorer) -> None:
    result = scorer.score("Twenty government soldiers were killed in Deir al-Zour.", [DEIR])
    assert not result.supported
    assert result.unbacked == ["counts: 20 govern"]


@pytest.mark.unit
def test_a_distance_in_the_unit_of_the_other_figure_fails(scorer: SupportScorer) -> None:
    assert "185km (115 miles) southwest of Deir al-Zor" in ASTANA
    for right in ("185 km", "185 kilometres", "115 miles", "185km"):
        result = scorer.score(f"Palmyra is {right} southwest of Deir al-Zor.", [ASTANA])
        assert result.supported, (right, result.unbacked)
    for wrong, problem in (("115 km", "counts: 115 km"), ("185 miles", "counts: 185 mile")):
        result = scorer.score(f"Palmyra is {wrong} southwest of Deir al-Zor.", [ASTANA])
        assert not result.supported and result.unbacked == [problem], (wrong, result.unbacked)
    for turned in ("northeast", "south-east", "north"):
        result = scorer.score(f"Palmyra is 185 km {turned} of Deir al-Zor.", [ASTANA])
        assert not result.supported, turned
    turned = scorer.score("Palmyra is 185 km northeast of Deir al-Zor.", [ASTANA])
    assert turned.unbacked[0].startswith("antonym: northeast"), turned.unbacked


@pytest.mark.unit
def test_a_date_from_another_paragraph_does_not_back_the_claim(scorer: SupportScorer) -> None:
    assert scorer.score("Construction of the new bridge will begin in January.", [BRIDGE]).supported
    moved = scorer.score("Construction of the new bridge will begin in May.", [BRIDGE])
    assert not moved.supported
    assert moved.unbacked == ["apart: May"]


@pytest.mark.unit
def test_two_named_bodies_in_a_relation_the_passage_never_states_fail(scorer: SupportScorer) -> None:
    assert "Syrian Observatory for Human Rights" in ASTANA and "High Negotiations Committee" in ASTANA
    result = scorer.score(
        "The Syrian Observatory for Human Rights is run by the High Negotiations Committee.", [ASTANA]
    )
    assert not result.supported
    assert result.unbacked and result.unbacked[0].startswith("apart:")


@pytest.mark.unit
def test_a_claim_stated_in_one_sentence_of_a_long_article_passes(scorer: SupportScorer) -> None:
    result = scorer.score(
        "At least two civilians were killed in IS rocket fire on government-controlled parts of the city.",
        [DEIR],
    )
    assert result.supported, result.unbacked


@pytest.mark.unit
def test_a_claim_from_neighbouring_sentences_passes(scorer: SupportScorer) -> None:
    # the window reads a fact with the sentence after it
    result = scorer.score(
        "The jihadists have besieged government-held parts of Deir al-Zour since early 2015.", [DEIR]
    )
    assert result.supported, result.unbacked


@pytest.mark.unit
def test_the_date_line_of_a_passage_dates_every_sentence_of_it(scorer: SupportScorer) -> None:
    passage = (
        "Syria talks to open in Kazakhstan (AFP) Published 17 January 2017.\n"
        "Rebel groups said they would attend.\n\nTurkey and Russia organised the meeting. "
        "Diplomats expect a long week. The talks in Astana begin on January 23."
    )
    result = scorer.score("The talks in Astana begin in January 2017.", [passage])
    assert result.supported, result.unbacked
    # it lends its date, not its numbers: a figure must be stated where the claim's words are
    moved = scorer.score("The 17 talks in Astana begin on January 23.", [passage])
    assert not moved.supported


BANGLADESH = (
    "Bangladesh reports five new deaths due to COVID-19, a daily highest (Wikinews (English)) Published "
    "8 April 2020.\n\nYesterday, Bangladesh has confirmed five new deaths due to COVID-19 on the day. This is "
    "the highest number of fatalities in a day due to the virus. As of yesterday, Bangladesh's Institute of "
    "Epidemiology, Disease Control and Research (IEDCR) reported the number of recorded infected cases "
    "included 114 active cases and 33 recovered cases who were staying home. A total of 17 deaths have "
    "been recorded."
)
"""Wikinews (CC BY 2.5), the passage of question wn-120."""


@pytest.mark.unit
def test_a_date_the_date_line_gives_is_not_a_word_the_window_must_hold(scorer: SupportScorer) -> None:
    """wn-120's right answer was refused for "april" missing beside "17 deaths": the month is the
    date, which the date line backs, not one of the words relating the facts."""
    result = scorer.score(
        "A total of 17 deaths had occurred in Bangladesh by early April 2020.", [BANGLADESH]
    )
    assert result.supported, result.unbacked
    for claim in (
        "A total of 17 deaths had occurred in Bangladesh by early May 2020.",  # the date is still checked
        "A total of 17 deaths had occurred in Bangladesh by early April 2019.",
        "A total of 17 deaths had occurred in Bangladesh in one day in April 2020.",  # words still count
    ):
        assert not scorer.score(claim, [BANGLADESH]).supported, claim


HEADED = (
    "Fighting between Islamic State and the Syrian army has killed dozens in Deir al-Zor (AFP) Published "
    '17 January 2017.\n\nAhmad al-Othman from the Sultan Murad faction also told AFP that "the rebel groups '
    'have decided to go to the talks."\n\nSources from the opposition and the regime said the talks would '
    '"probably" be face-to-face.'
)
"""A passage as the verifier reads it (:func:`rag.evidence.passage_document`): its header line, then
a later stretch of the article (the bundled Deir al-Zor story)."""


@pytest.mark.unit
def test_a_title_s_names_are_not_joined_to_the_sentences_after_it(scorer: SupportScorer) -> None:
    """Golden un08 with the sources widened by a sentence: the model wrote "The leader of the Islamic
    State group is Ahmad al-Othman from the Sultan Murad faction", and the window of the header line
    and the two sentences after it held every name and "group"."""
    for claim in (
        "The leader of the Islamic State group is Ahmad al-Othman from the Sultan Murad faction.",
        "Ahmad al-Othman leads the Islamic State group.",
        "The Islamic State group is led by Ahmad al-Othman.",
    ):
        result = scorer.score(claim, [HEADED])
        assert not result.supported, claim
        assert any("Islamic State" in problem for problem in result.unbacked), result.unbacked
    for claim in (
        "Fighting between Islamic State and the Syrian army has killed dozens in Deir al-Zor.",  # the title
        "Ahmad al-Othman from the Sultan Murad faction told AFP that the rebel groups have decided to go to "
        "the talks.",
    ):
        assert scorer.score(claim, [HEADED]).supported, claim


CHIRAC = (
    "Former president of France Jacques Chirac dies aged 86 (Wikinews (English)) Published 26 September "
    "2019.\n\nThis morning Jacques Chirac, who served as President of France for twelve years, died at home "
    "in Paris, France, surrounded by family. He was 86. The news came from his son-in-law, Frederic "
    "Salat-Baroux, and came after a long period of health problems."
)
"""Wikinews (CC BY 2.5), the passage of question wn-108."""


@pytest.mark.unit
def test_a_title_that_tells_the_claim_s_event_is_read_with_the_sentences_after_it(
    scorer: SupportScorer,
) -> None:
    """The title says "dies aged 86", so its event is the claim's: a right Wikinews answer (wn-108)
    that takes its age from it stays backed, and so does one naming the post it gives."""
    for claim in (
        "Jacques Chirac died in Paris on September 26, 2019, at the age of 86.",
        "Former president of France Jacques Chirac died at home in Paris.",
    ):
        assert scorer.score(claim, [CHIRAC]).supported, claim


@pytest.mark.unit
def test_a_number_given_a_name_the_passage_does_not_give_it_fails() -> None:
    from rag.verifier.alignment import misnamed_counts
    from rag.verifier.facts import extract_facts
    from rag.verifier.passages import Evidence

    passage = (
        "Fighting and Russian air strikes in the central desert province of Homs have claimed the lives "
        "of 20 pro-government fighters and 31 militants, the Syrian Observatory for Human Rights said."
    )
    evidence = Evidence.build([passage])
    assert misnamed_counts(extract_facts("20 Russian soldiers were killed in Syria."), evidence) == [
        "counts: 20 Russian"
    ]
    assert misnamed_counts(extract_facts("20 pro-government fighters were killed in Homs."), evidence) == []
    backed = Evidence.build(["Strikes killed 12 Russian-backed fighters near Palmyra."])
    assert misnamed_counts(extract_facts("12 Russian fighters died near Palmyra."), backed) == []


@pytest.mark.unit
def test_a_day_of_the_month_before_a_name_counts_nothing() -> None:
    """ "On December 14, Samoa's state of emergency was extended" was refused as "counts: 14 Samoa"
    (a right answer to a Wikinews question); a count right before a name still fails."""
    from rag.verifier.alignment import misnamed_counts
    from rag.verifier.facts import extract_facts
    from rag.verifier.passages import Evidence

    evidence = Evidence.build(
        [
            "The state of emergency was expected to end on December 15, but on December 14 it was extended "
            "by two weeks. Officials counted 14 Australian doctors on the islands."
        ]
    )
    for claim in (
        "On December 14, Samoa's state of emergency was extended by two weeks.",
        "On December 14 Samoa's state of emergency was extended by two weeks.",
        "On 14 December Samoa's state of emergency was extended.",
    ):
        assert misnamed_counts(extract_facts(claim), evidence) == [], claim
    assert misnamed_counts(extract_facts("Officials counted 14 Samoan doctors."), evidence) == [
        "counts: 14 Samoan"
    ]


MUNK = (
    "Pioneering oceanographer Walter Munk dies of pneumonia in California (Wikinews (English)) "
    "Published 10 February 2019.\n\n"
    "The death of the oceanographer was announced on Friday by the University of California, San Diego. "
    "He was 101 and died of pneumonia in La Jolla, California. Kosgei Ndiba, a colleague, said he "
    "would be missed."
)


@pytest.mark.unit
def test_the_story_s_subject_named_in_its_title_backs_a_sentence_about_him(scorer: SupportScorer) -> None:
    """A story names its subject in the title and then writes "he": "Walter Munk was 101 years old
    when he died" is backed by the title and "He was 101 and died ..." (a right answer refused on
    the Wikinews questions). The age's "years old" goes with its number."""
    assert scorer.score("Walter Munk was 101 years old when he died.", [MUNK]).supported
    # the window must state a fact of the claim itself: the title alone backs nothing
    assert not scorer.score("Walter Munk was 87 years old when he died.", [MUNK]).supported
    # a name neither in the title nor in the window is still missing
    wrong = scorer.score("Jacques Piccard was 101 years old when he died.", [MUNK])
    assert not wrong.supported


@pytest.mark.unit
def test_a_title_lends_no_name_to_a_sentence_whose_relation_the_window_lacks(scorer: SupportScorer) -> None:
    """Golden un05: "The UN special envoy for Syria was Ahmad Ramadan, from the National Coalition"
    must not take "Syria" from the title while no window says "special envoy"."""
    passage = (
        "Rebels to attend peace talks on Syria (AFP) Published 17 January 2017.\n\n"
        "The talks open on Monday in the Kazakh capital. Turkey and Russia organised them. "
        "Invitations have yet to be issued. Ahmad Ramadan, from the leading National Coalition opposition group, said the talks would aim "
        "to reinforce the truce. The delegation will be only military, he said."
    )
    claim = (
        "The special envoy for Syria was Ahmad Ramadan, from the leading National Coalition opposition group."
    )
    assert not scorer.score(claim, [passage]).supported
    # every word relating the facts is in the window: the title's "Syria" is the story's subject
    said = "Ahmad Ramadan of the National Coalition said the Syria talks would aim to reinforce the truce."
    assert scorer.score(said, [passage]).supported


@pytest.mark.unit
def test_a_title_naming_a_places_government_by_its_adjective_names_the_place(scorer: SupportScorer) -> None:
    """ "Samoa extended its state of emergency by two weeks on December 14" was refused as "apart:
    Samoa" under the title "Samoan government ends state of emergency over measles outbreak": the
    window says "it was extended" and names no place. Under "Samoan doctors ..." the story may be
    about Samoans anywhere, so the window must name Samoa itself."""
    window = (
        "Hospitals returned to normal operation on Sunday. Teams began to take down the tents. "
        "The state of emergency was expected to end on December 15, but on December 14 it was extended "
        "by two weeks to allow the immunization campaign to continue."
    )
    claim = "Samoa extended its state of emergency by two weeks on December 14."
    header = (
        "Samoan {} ends state of emergency over measles outbreak (Wikinews) Published 1 January 2020.\n\n"
    )
    assert scorer.score(claim, [header.format("government") + window]).supported
    assert not scorer.score(claim, [header.format("doctors") + window]).supported
    assert not scorer.score(claim.replace("Samoa", "Tonga"), [header.format("government") + window]).supported


KILLER = (
    "Harbourton serial killer Dale Fenwick pleads guilty to eight murders (Example News) Published 29 January 2019.\n\n"
    "Dale Fenwick, from Harbourton, on Tuesday admitted his guilt in eight murders. Fenwick pleaded guilty "
    "to each crime at the Superior Court. Beginning in 2010 and continuing for seven years, Fenwick murdered "
    "men he knew. The eighth was discovered in a nearby ravine. Fenwick's first victim of the eight was "
    "40-year-old Arun Selvaraj, a former employee. Other items kept from victims include a notebook."
)


@pytest.mark.unit
def test_a_word_the_title_gives_a_name_describes_it_in_every_window(scorer: SupportScorer) -> None:
    """ "Toronto serial killer Bruce McArthur" in the title: "the first of the eight men murdered by
    Toronto killer Bruce McArthur" takes "killer" and "Toronto" from it where a window names the
    first victim (a right Wikinews answer refused, wn-010)."""
    right = "Arun Selvaraj was the first of the eight men murdered by Harbourton killer Dale Fenwick."
    assert scorer.score(right, [KILLER]).supported
    # a word the title does not give the name is still looked for in the window
    other = "Arun Selvaraj was the first of the eight men murdered by Harbourton baker Dale Fenwick."
    assert not scorer.score(other, [KILLER]).supported
    untitled = KILLER.replace("Harbourton serial killer Dale Fenwick", "Serial killer")
    assert not scorer.score(right, [untitled]).supported


@pytest.mark.unit
def test_a_person_written_by_surname_in_the_window_is_the_one_named_in_full(scorer: SupportScorer) -> None:
    passage = (
        "Yesterday, Brigid Kosgei of Kenya won the 2019 Chicago Marathon. Kosgei was the defending "
        "champion. Crowds lined the streets of the city all day.\n\nThe weather was mild. In setting "
        "the new record, Kosgei finished more than six minutes ahead of her competition, completing "
        "the race in 2:14:04."
    )
    assert scorer.score("Brigid Kosgei finished the race in 2:14:04.", [passage]).supported
    # another first name with the surname is another person
    assert not scorer.score("Mary Kosgei finished the race in 2:14:04.", [passage]).supported


FINAL = (
    "Varga wins gold in 400 m hurdles at Continental Games in Brill (Example News) Published 2 August 2021.\n\n"
    "Yesterday, Anya Varga of Veldra won the 400 metres hurdles final at the 2021 Continental Games in "
    "Brill. This was a successful defence of her 2019 title won in Tarn. The Games are held every other "
    "year.\n\n"
    "Varga, who is 24 years old, won the gold medal with a time of 52.41 seconds. The silver medal was "
    "won by Mira Holt, who finished the race in 52.90 seconds. Varga will next compete in Osk in 2022.\n\n"
    "In 2019, Varga won the title in Tarn with a time of 53.35 seconds."
)
FINAL_CLAIM = (
    "Anya Varga won the 400 metres hurdles final at the 2021 Continental Games in Brill with a time of {}."
)


@pytest.mark.unit
def test_a_figure_told_after_the_lead_backs_the_leads_event(scorer: SupportScorer) -> None:
    # the lead tells the event, a later sentence naming Varga and "won" its time (Wikinews wn-037)
    result = scorer.score(FINAL_CLAIM.format("52.41 seconds"), [FINAL])
    assert result.supported, result.unbacked
    backed = [FINAL[start:end] for _, start, end in result.backing]
    # the source card points to both sentences
    assert any("won the 400 metres hurdles final" in text for text in backed)
    assert any("52.41 seconds" in text for text in backed)


@pytest.mark.unit
@pytest.mark.parametrize(
    "claim",
    [
        FINAL_CLAIM.format("52.90 seconds"),  # another runner's time
        FINAL_CLAIM.format("53.35 seconds"),  # her time in another year's race
        FINAL_CLAIM.format("24 seconds"),  # her age
        "Anya Varga won the 400 metres hurdles final in Osk.",  # where she competes next
        "Anya Varga won the 400 metres hurdles final in Brill in 2022.",
    ],
)
def test_a_later_sentence_of_another_event_does_not_join_the_lead(scorer: SupportScorer, claim: str) -> None:
    assert not scorer.score(claim, [FINAL]).supported


HOMS = (CORPUS / "004_7dbd45bfcd338f02.txt").read_text(encoding="utf-8")
"""AFP: "... Observatory head Rami Abdel Rahman said" (bundled corpus)."""


@pytest.mark.unit
@pytest.mark.parametrize(
    "claim",
    [
        "The Syrian Observatory for Human Rights is run by Rami Abdel Rahman.",
        "Rami Abdel Rahman leads the Syrian Observatory for Human Rights.",
        "Rami Abdel Rahman heads the Syrian Observatory for Human Rights.",
    ],
)
def test_who_heads_a_body_is_one_relation_however_it_is_written(scorer: SupportScorer, claim: str) -> None:
    # the passage says "Observatory head Rami Abdel Rahman"
    result = scorer.score(claim, [HOMS])
    assert result.supported, result.unbacked


@pytest.mark.unit
def test_the_head_of_a_body_written_another_way_still_needs_the_right_person(scorer: SupportScorer) -> None:
    result = scorer.score("The Syrian Observatory for Human Rights is run by Bashar al-Assad.", [HOMS])
    assert not result.supported
    result = scorer.score("The Syrian Observatory for Human Rights was founded by Rami Abdel Rahman.", [HOMS])
    assert not result.supported, "founding is another relation than heading"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sentence", "ages"),
    [
        ("He was 28 years old.", {"28"}),
        ("A 28-year-old Australian appeared in court.", {"28"}),
        ("Brenton Tarrant, aged 28, appeared in court.", {"28"}),
        ("A bus crash killed 28 people; the 40 passengers were 10 years in service.", set()),
    ],
)
def test_the_numbers_a_sentence_writes_as_ages(sentence: str, ages: set[str]) -> None:
    from rag.verifier.alignment import stated_ages
    from rag.verifier.tokens import tokenize

    assert stated_ages(tokenize(sentence)) == ages


@pytest.mark.unit
def test_an_age_written_otherwise_than_the_story_passes(scorer: SupportScorer) -> None:
    """Wikinews wn-101: "Brenton Tarrant was 28 years old" was refused beside "Brenton Tarrant, aged
    28", and "a 28-year-old Australian" as a count of Australians; the number must be an age there."""
    story = "An Australian, Brenton Tarrant, aged 28, appeared in Christchurch District Court yesterday."
    assert scorer.score("Brenton Tarrant was 28 years old.", [story]).supported
    assert scorer.score("Brenton Tarrant is a 28-year-old Australian.", [story]).supported
    assert not scorer.score("Brenton Tarrant was 29 years old.", [story]).supported
    crash = "A bus crash killed 28 people on Monday. The driver, Tom Reed, survived."
    assert not scorer.score("The driver was 28 years old.", [crash]).supported
    assert not scorer.score("Tom Reed was 28 years old.", [crash]).supported
