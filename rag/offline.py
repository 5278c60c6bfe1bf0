"""Every switch that keeps the libraries we use from phoning home, set before any of them loads.

Imported first by the ``rag`` package, so it runs before onnxruntime, Chroma, Gradio or the
Hugging Face libraries are imported anywhere in the process. Measured with
``strace -f -e trace=connect`` and a fresh HOME: onnxruntime 1.31 writes a device id and an
event database under ``~/.cache/Microsoft/DeveloperTools`` as soon as its native library loads,
and queues events for ``mobile.events.data.microsoft.com``; ``ORT_DISABLE_TELEMETRY=1`` is the
only switch that stops it (``onnxruntime.disable_telemetry_events()`` runs too late: the files
are already written at import). The telemetry switches are forced, not defaults: an archive's
questions are nobody else's business. Hub access is only defaulted to offline, so a user who
points a model setting at a hub on purpose can still do so.
"""

from __future__ import annotations

import os

FORCED = {
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime's 1DS telemetry (device id, event upload)
    "ANONYMIZED_TELEMETRY": "False",  # Chroma's product telemetry (also off in its client settings)
    "GRADIO_ANALYTICS_ENABLED": "False",  # Gradio's usage analytics and version check
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",  # the cross-tool convention some libraries honour
}
DEFAULTS = {
    "HF_HUB_OFFLINE": "1",  # weights come from installed packages, never from a hub
    "TRANSFORMERS_OFFLINE": "1",
}


def apply() -> None:
    os.environ.update(FORCED)
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)


apply()
