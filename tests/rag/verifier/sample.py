"""Passages the verifier's tests check claims against."""

PASSAGE = (
    "The Syrian Observatory for Human Rights said 310,000 people had been killed in the war since "
    "March 2011. Clashes in Deir al-Zor killed 12 fighters on Tuesday, the monitor said. "
    "The foreign minister did not attend the summit in Geneva. "
    "Prime Minister Boris Johnson said the U.K. would send aid."
)

ALLOUSH = (
    "AMMAN — Syrian rebel negotiator Mohammad Alloush said on Monday he would head the rebel delegation "
    "to the peace talks backed by Russia and Turkey in Kazakhstan. Alloush, a former senior negotiator "
    "with the Higher Negotiations Committee during past rounds of UN-sponsored peace talks in Geneva, "
    "said their participation was needed to hold back Iran's militias fighting in Syria."
)
FORMER = "a former senior negotiator with the Higher Negotiations Committee during past rounds of UN-sponsored peace talks in Geneva"
"""What ALLOUSH says Alloush was: the words a false claim about him is padded with."""
