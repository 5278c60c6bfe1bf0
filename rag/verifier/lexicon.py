"""Word lists of the support checks: stopwords, negations, sentence openers, dates, number words.

Kept apart from the code that reads them: the golden-set figures rest on these exact lists.
"""

from __future__ import annotations


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = wordset(
    """a about above after again against all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself now of off on once only or other our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves said says say told according also s t would may might must shall
    one's whose upon via per including amid among across"""
)

NEGATION_WORDS = wordset(
    "not no never without denied deny denies none nobody nothing neither nor cannot nowhere"
)

SENTENCE_STARTERS = wordset(
    """a an the this that these those it its he she they we i you his her their our my your there here
    in on at by for from with after before during when while as if but and or so yet however although
    though because since until meanwhile also still then now today yesterday tomorrow earlier later
    last next some many most several few all both each every no not never according officials police
    what who where why how which one two three four five six seven eight nine ten what's it's
    further furthermore moreover instead despite amid among about around over under into onto upon"""
)

NAME_CONNECTORS = wordset("of de da del della di du van von der den la le bin ibn al el")

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
    "thursday": 4, "thu": 4, "thurs": 4, "friday": 5, "fri": 5, "saturday": 6, "sat": 6,
    "sunday": 7, "sun": 7,
}  # fmt: skip
# Abbreviations that are also ordinary words count only when capitalised and followed by "." or a day.
AMBIGUOUS_DATE_WORDS = frozenset({"may", "march", "mar", "jan", "sat", "sun", "wed", "mon", "dec", "sep"})

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000}  # fmt: skip
SCALE_ABBREVIATIONS = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
                       "tn": 1_000_000_000_000}  # fmt: skip
VAGUE_QUANTITIES = frozenset({"dozens", "hundreds", "thousands", "millions", "billions", "scores"})
"""Plural scale words state an order of magnitude: the passage must use the same word (or a number)."""

ABBREVIATIONS = wordset(
    """mr mrs ms dr prof st sr jr gen col lt sgt capt gov sen rep rev u.s u.k u.n e.u no vs etc
    jan feb mar apr jun jul aug sep sept oct nov dec inc corp co ltd dept fig approx est"""
)
