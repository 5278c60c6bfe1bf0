"""SummEdits (news): how well the support scorer agrees with human consistency labels.

Each item is a news document and a one-sentence summary, labelled by annotators as consistent (1) or
not (0); inconsistent summaries carry the kind of edit that broke them. The scorer's combination and
thresholds are fitted on the ``evaluation`` split only (:func:`evals.summedits.fitting.fit`, which
writes ``evals/support_config.toml``) and measured on ``test`` (:func:`evals.summedits.run.evaluate`):
balanced accuracy overall and per edit type, AUROC, and time per item.

Items are scored document by document, and the judge prompt starts with the document, so the model
evaluates each document once and every further summary of it costs only its own tokens.

Modules, in the order data flows through them:

* ``data``: the data file (never part of the repository): found, checked and cut into subsets;
* ``judge_cache``: the model's p(Yes) remembered per prompt on disk;
* ``scoring``: every item through the product's ``SupportScorer``;
* ``metrics``: balanced accuracy, AUROC, per edit type, best threshold;
* ``fitting``: weights and thresholds fitted on the evaluation split;
* ``report``: the figures as a table, Markdown or JSON;
* ``run``: one split scored with the stored configuration (the ``summedits`` suite of ``rag eval``).

Run: ``python -m evals.summedits --fit --split test`` (``--limit N`` for a stratified subset,
``--no-judge`` for the deterministic checks alone).
"""
