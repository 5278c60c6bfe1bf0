"""Offline model components: embeddings, the chat model, and their integrity checks.

Every model file comes from an installed package and is checked against its published
sha256 before use; nothing is downloaded at run time.
"""
