"""The Gradio chat UI."""

import rag.offline  # noqa: F401  (telemetry off before any library loads, whichever package is imported first)
