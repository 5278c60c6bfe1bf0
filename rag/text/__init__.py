"""The product's text rules in one place: sentences, words, dates, numbers, citation markers.

A base layer: these modules import only the standard library, never the rest of the product,
so indexing, retrieval, answering and the UI all read text by the same rules. Where two jobs
need a rule to differ (a stopword list for retrieval against one for the verifier), both
variants live here under names that say which job each serves.
"""
