"""Hand-labelled draft sentences of the answer engine, and the support scorer measured on them."""
