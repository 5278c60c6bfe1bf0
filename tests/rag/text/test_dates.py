"""Days of a month in running text, and full dates in metadata values."""

from __future__ import annotations

import datetime as dt

import pytest

from rag.text.dates import (
    MONTH_ALTERNATION,
    MONTHS,
    NO_DATE,
    TypedDateError,
    beside_month,
    check_order,
    date_in_words,
    day_starts,
    iso_days,
    may_be_one_date,
    month_day_name,
    month_days,
    parse_date,
    question_period,
    relative_periods,
    shifts_time,
    told_days,
    typed_day,
    typed_range,
    with_told_days,
)

pytestmark = pytest.mark.unit


def test_month_days_read_capitalised_days_of_a_month() -> None:
    assert month_days("Talks begin on January 23 and end 25 Jan., not may 3") == {(1, 23), (1, 25)}
    assert month_days("Sept. 4, 2016") == {(9, 4)}
    assert month_days("In January 4,000 fled") == set()  # a count, not a day
    assert month_day_name(1, 23) == "January 23"
    assert MONTH_ALTERNATION.split("|")[0] == "september" and set(MONTH_ALTERNATION.split("|")) == set(MONTHS)


def test_day_starts_find_where_the_day_of_a_date_is_written() -> None:
    text = "Published 2 May 2024. Talks begin on January 23; 4,000 fled in March."
    assert day_starts(text) == {text.index("2 May"), text.index("23")}
    assert day_starts("In January 4,000 fled, and may 3 people") == set()


def test_parse_date_forms() -> None:
    assert parse_date("2017-01-17T10:00:00Z") == dt.date(2017, 1, 17)
    assert parse_date("2017/1/7") == dt.date(2017, 1, 7)
    assert parse_date("20170117") == dt.date(2017, 1, 17)
    assert parse_date("Sept. 5, 2018") == dt.date(2018, 9, 5)
    assert parse_date("5th March 2020") == dt.date(2020, 3, 5)
    assert parse_date("2017-02-30") is None
    assert parse_date("yesterday") is None


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("17 January 2017", dt.date(2017, 1, 17)),
        ("Jan. 17, 2017", dt.date(2017, 1, 17)),
        ("2017-01-17T10:00Z", dt.date(2017, 1, 17)),
        ("2017-01-17T10:00:00.000+01:00", dt.date(2017, 1, 17)),
        ("Tuesday, January 17, 2017", dt.date(2017, 1, 17)),
        ("Tue, 17 Jan 2017 10:00:00 GMT", dt.date(2017, 1, 17)),
        ("January 17, 2017 at 9:15 am EST", dt.date(2017, 1, 17)),
        ("17.01.2017", dt.date(2017, 1, 17)),
        ("0000-00-00", None),
        ("17 Smarch 2017", None),
        ("01/17/2017", None),  # US or European order cannot be told apart
    ],
)
def test_more_date_forms(value: str, date: dt.date | None) -> None:
    assert parse_date(value) == date


def test_a_typed_day_takes_only_the_form_the_filters_show() -> None:
    assert typed_day("  2017-01-17 ", "Since") == dt.date(2017, 1, 17)
    assert typed_day("", "Since") is None and typed_day(None, "Since") is None
    for typed in ("20170117", "2017-W03-2", "17/01/2017"):  # fromisoformat takes the first two
        with pytest.raises(TypedDateError, match=f"Since date '{typed}' is not in the form YYYY-MM-DD"):
            typed_day(typed, "Since")
    with pytest.raises(TypedDateError, match="Until date '2017-02-30' is not a real date"):
        typed_day("2017-02-30", "Until")


def test_a_reversed_range_is_refused_with_both_ends_named() -> None:
    assert typed_range("2017-01-01", "") == (dt.date(2017, 1, 1), None)
    with pytest.raises(TypedDateError, match="From date 2017-02-01 is after to date 2017-01-01: swap them"):
        typed_range("2017-02-01", "2017-01-01", ("From", "To"))
    check_order(dt.date(2017, 1, 1), dt.date(2017, 1, 1), ("Since", "Until"))  # one day is a range


# -- the time a question names
NEWEST = dt.date(2020, 7, 10)
D = dt.date


def _never() -> dt.date:
    raise AssertionError("the newest date is asked for only when the question counts back")


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("By how much did Biden lead at the beginning of May 2020?", (D(2020, 5, 1), D(2020, 5, 31))),
        ("Who died in June, 2020?", (D(2020, 6, 1), D(2020, 6, 30))),
        ("What happened in February 2020?", (D(2020, 2, 1), D(2020, 2, 29))),
        ("What happened in December 2019?", (D(2019, 12, 1), D(2019, 12, 31))),
        ("What happened on 14 March 2022?", (D(2022, 3, 14), D(2022, 3, 14))),
        ("What happened on March 14th, 2022?", (D(2022, 3, 14), D(2022, 3, 14))),
        ("In 2019, what share of legislators were women?", (D(2019, 1, 1), D(2019, 12, 31))),
        ("Which cosmonaut died during 2019?", (D(2019, 1, 1), D(2019, 12, 31))),
        ("What changed between March 2020 and May 2020?", (D(2020, 3, 1), D(2020, 5, 31))),
    ],
)
def test_a_named_time_gives_its_days(question: str, period: tuple[dt.date, dt.date]) -> None:
    assert question_period(question, _never) == period


@pytest.mark.parametrize(
    "question",
    [
        "Who shared the 2019 Nobel Prize in Physics?",  # a year naming a prize, not a time
        "How many people died when the hotel burned?",
        "In which month did the group break its ties with al-Qaeda?",
        "What may 12 people have seen?",  # "may" a verb, no year
        "How many of the 2020 candidates withdrew?",
    ],
)
def test_a_question_naming_no_time_has_no_period(question: str) -> None:
    assert question_period(question, _never) is None


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("What happened yesterday?", (D(2020, 7, 9), D(2020, 7, 10))),
        ("Who resigned this week?", (D(2020, 7, 3), D(2020, 7, 10))),
        ("Who resigned last week?", (D(2020, 6, 26), D(2020, 7, 10))),
        ("What was announced last month?", (D(2020, 6, 1), D(2020, 6, 30))),
        ("What was announced this month?", (D(2020, 7, 1), D(2020, 7, 10))),
        ("Who won last year?", (D(2019, 1, 1), D(2019, 12, 31))),
        ("What happened over the past year?", (D(2019, 7, 11), D(2020, 7, 10))),
    ],
)
def test_words_that_count_back_count_from_the_newest_article(question: str, period) -> None:
    assert question_period(question, lambda: NEWEST) == period


def test_counting_back_in_an_archive_without_dates_names_no_period() -> None:
    assert question_period("Who resigned last week?", lambda: None) is None
    assert question_period("Who resigned last week, in May 2020?", lambda: None) == (
        D(2020, 5, 1),
        D(2020, 5, 31),
    )


def test_last_month_in_january_is_the_previous_december() -> None:
    assert question_period("What happened last month?", lambda: D(2021, 1, 5)) == (
        D(2020, 12, 1),
        D(2020, 12, 31),
    )


@pytest.mark.unit
def test_iso_days_find_days_in_running_text_only_where_they_are_days() -> None:
    text = "Talks (2017-01-23) and a 2017-02-30 typo, code X2017-01-23 and 2017-01-2317."
    assert iso_days(text) == [((7, 17), dt.date(2017, 1, 23))]


def test_relative_times_count_back_from_the_day_of_publication() -> None:
    published = dt.date(2020, 9, 5)
    text = "Last month he was flown to Berlin. Yesterday the government spoke. Last year he was arrested."
    assert relative_periods(text, published) == [
        (dt.date(2020, 8, 1), dt.date(2020, 8, 31)),
        (dt.date(2020, 9, 4), dt.date(2020, 9, 5)),
        (dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
    ]
    assert relative_periods("On Friday he spoke.", published) == []


@pytest.mark.parametrize(
    ("text", "shifted"),
    [
        ("Last month it recaptured the city.", True),
        ("Two years ago he left.", True),
        ("Earlier, police said so.", True),
        ("Gupta was taken to a hospital.", False),
    ],
)
def test_a_sentence_that_moves_its_story_in_time(text: str, shifted: bool) -> None:
    assert shifts_time(text) is shifted


SATURDAY = dt.date(2019, 12, 21)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("On Wednesday, the House impeached President Trump.", {dt.date(2019, 12, 18)}),
        ("Wednesday's vote was close.", {dt.date(2019, 12, 18)}),
        ("The roof caught fire yesterday.", {dt.date(2019, 12, 20)}),
        ("Police said last night that two men were held.", {dt.date(2019, 12, 20)}),
        ("The results are expected today.", {SATURDAY}),
        ("It happened on Saturday.", {SATURDAY}),
        ("Last Saturday it rained.", {dt.date(2019, 12, 14)}),
        ("The talks resume next Monday.", {dt.date(2019, 12, 23)}),
        ("The rally is due tomorrow.", {dt.date(2019, 12, 22)}),
        # a sentence about what is to come may mean the coming weekday as well as the past one
        ("The Senate will vote on Monday.", {dt.date(2019, 12, 16), dt.date(2019, 12, 23)}),
        ("Markets are closed on Mondays.", set()),
        ("On Monday, January 3 the court sat.", set()),
        ("The wednesday market is open.", set()),
    ],
)
def test_days_named_by_weekday_or_yesterday_count_from_the_day_of_publication(text: str, days) -> None:
    assert told_days(text, SATURDAY) == days


def test_the_prompt_text_gives_each_told_day_its_date() -> None:
    text = (
        "On Wednesday, the House impeached Trump. The Senate will vote on Monday. "
        "Wednesday's vote passed. The fire started yesterday."
    )
    assert with_told_days(text, SATURDAY) == (
        "On Wednesday (18 December 2019), the House impeached Trump. The Senate will vote on Monday. "
        "Wednesday's (18 December 2019) vote passed. The fire started yesterday (20 December 2019)."
    )
    assert with_told_days("No day is named here.", SATURDAY) == "No day is named here."


@pytest.mark.parametrize(
    ("words", "date", "end"),
    [
        ("march 2011 the war", (3, None, 2011), 2),
        ("january 23 2017 in", (1, 23, 2017), 3),
        ("23 january the talks", (1, 23, None), 2),
        ("2011 and", (None, None, 2011), 1),
        ("may 5", (5, 5, None), 2),
    ],
)
def test_a_date_written_in_a_sentences_words(words: str, date: tuple, end: int) -> None:
    assert date_in_words(["began", "in", *words.split()], 2) == (date, 2 + end)


@pytest.mark.parametrize("words", ["the capital", "23 people", "40 2011", "9000"])
def test_words_that_write_no_date(words: str) -> None:
    assert date_in_words(words.split(), 0) == (NO_DATE, 0)


def test_a_number_beside_a_month_is_the_day_of_a_date() -> None:
    words = ["on", "december", "14", "samoa", "extended", "it", "by", "14", "days", "from", "15", "january"]
    assert [k for k, w in enumerate(words) if w.isdigit() and beside_month(words, k)] == [2, 10]


def test_two_dates_may_be_one_where_no_part_both_give_differs() -> None:
    assert may_be_one_date((1, 23, None), (1, 23, 2017))
    assert may_be_one_date((None, None, 2011), (3, None, 2011))
    assert not may_be_one_date((3, None, 2011), (1, 23, None))
    assert not may_be_one_date((None, None, 2014), (None, None, 2011))
