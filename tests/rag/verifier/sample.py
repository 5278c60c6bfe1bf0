"""A passage the scorer, configuration and judge tests check claims against."""

PASSAGE = (
    "The Syrian Observatory for Human Rights said 310,000 people had been killed in the war since "
    "March 2011. Clashes in Deir al-Zor killed 12 fighters on Tuesday, the monitor said. "
    "The foreign minister did not attend the summit in Geneva. "
    "Prime Minister Boris Johnson said the U.K. would send aid."
)
