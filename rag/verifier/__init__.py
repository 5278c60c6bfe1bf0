"""How well a claim is backed by the passages it cites: one score for the answer verifier and the evals.

Two kinds of evidence are combined:

* deterministic checks, cheap and exact where the small generator is weakest: every number, date, name
  and negation in the claim must be backed by the passages, and most of its content words must appear
  there. They work with no model at all (the fast path of the verifier and of the unit tests).
* a judge: the generator's p(Yes) to "Is the claim supported by the passage?". On its own it is at
  chance at 0.5 but ranks well, so it enters as one more feature rather than as a verdict. The
  passage comes first in the prompt so llama.cpp re-uses its KV cache across the claims of one passage.

The features are combined by a logistic regression fitted on human labels (the SummEdits news
``evaluation`` split, see ``evals/summedits.py``) and stored with the decision threshold in
``evals/support_config.toml``; that file is the only tuned state.
"""
