"""Quality evaluation: golden set, metrics, baselines, reports."""

import rag.offline  # noqa: F401  (telemetry off before any library loads, whichever package is imported first)
