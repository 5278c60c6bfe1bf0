"""Real-news retrieval benchmark: our own questions over 293 Wikinews articles (2019-2020).

    python -m evals.wikinews [--articles PATH] [--out DIR]

Each question (``evals/data/wikinews_questions.jsonl``, see ``WIKINEWS_QUESTIONS.md``) names
the article that answers it. The articles are indexed into a temporary store by ``rag index``
itself (a subprocess, so chunking, duplicate grouping and embedding are exactly what a user
gets), and article-level hit@1 / hit@10 / MRR@10 are reported in one run for:

* ``bm25``: BM25 (bm25s, Lucene variant, English stopwords) over title + whole text;
* ``dense``: the product's MiniLM on one title + lead passage per article;
* ``rrf``: reciprocal rank fusion (k=60) of those two article rankings;
* ``product``: the product's hybrid retrieval (``HybridRetriever.run``), its fused chunk
  candidates turned into an article ranking by first occurrence;
* ``prompt``: whether an answering article is among the <= 4 sources the model would see
  (the passages, not their corroborating copies, which the prompt does not carry);

each without a date filter and with the window [question date - 14 days, + 1 day]: the
product gets it as its own :class:`~rag.types.Filters`, the baselines rank only the
articles dated inside it. The question date is its article's publication date.

The store is removed at the end; the user's own index is never touched (the data folder and
the store location are forced to the temporary folder, in embedded mode).

Modules: ``data`` (articles and questions), ``ranking`` (hit@k, MRR, fusion), ``baselines``
(BM25 and MiniLM), ``run`` (indexing and ranking every question), ``report`` (Markdown tables).
"""
