"""The failure of an embedding server, in a module of its own: :mod:`rag.errors` lists it among the
messages that speak to the user, and importing it must not load llama-index (1.2 s)."""


class EmbeddingUnavailableError(RuntimeError):
    """The embedding server cannot be reached or refused the request; the message says what to do."""
