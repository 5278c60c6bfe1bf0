"""HTML for the index figures and for what an upload changed (escaped like everything in :mod:`ui.render`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ui.render import escape


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if hasattr(value, "__dict__"):
        return {k: v for k, v in vars(value).items() if not k.startswith("_")}
    return {}


STATUS_FIELDS = (
    ("articles", "articles"),
    ("chunks", "chunks"),
    ("duplicate_groups", "passages shared by several articles"),
    ("duplicate_chunks", "chunks holding a shared passage"),
    ("mode", "store"),
)
LINE_FIELDS = STATUS_FIELDS[:3]
"""The always-visible line's figures: articles, chunks, passages shared by several articles."""
REPORT_FIELDS = (
    ("added", "added"),
    ("updated", "updated"),
    ("unchanged", "unchanged"),
    ("chunks_added", "chunk(s) indexed"),
)


def _present(data: Mapping[str, Any], fields: Sequence[tuple[str, str]]) -> list[tuple[str, Any]]:
    """(label, value) of each field the figures hold (not None)."""
    return [(label, data[key]) for key, label in fields if data.get(key) is not None]


def render_status(stats: Any, models: Mapping[str, str]) -> str:
    """Index figures and the models in use (store paths are left out: remote users need not see them)."""
    data = _as_dict(stats)
    rows = _present(data, STATUS_FIELDS)
    if isinstance(data.get("size_bytes"), int):
        rows.append(("size on disk", f"{data['size_bytes'] / 1e6:.1f} MB"))
    rows += [(f"{name} model", value) for name, value in models.items()]
    cells = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in rows)
    return f'<table class="index-status">{cells}</table>'


def render_status_line(stats: Any, models: Mapping[str, str]) -> str:
    """The index at a glance, always on screen: articles, chunks, passages shared by several articles, models."""
    data = _as_dict(stats)
    figures = [f"{value} {label}" for label, value in _present(data, LINE_FIELDS)]
    model_text = ", ".join(f"{name}: {value}" for name, value in models.items())
    return (
        f'<div class="index-line">Index: {escape(" · ".join(figures))}'
        + (f" — models {escape(model_text)}" if model_text else "")
        + "</div>"
    )


SKIPPED_SHOWN = 50
"""Skipped files named one by one in an upload's report; the rest are counted by reason."""


def render_index_report(report: Any, copied: Sequence[str] = ()) -> str:
    """What an upload changed, naming every skipped file and why."""
    data = _as_dict(report)
    figures = [f"{_count(data[key])} {label}" for key, label in REPORT_FIELDS if key in data]
    skipped = list(data.get("skipped") or [])
    told = f" {escape(', '.join(figures))}." if figures else " nothing to index."
    lines = [f"<p><b>Uploaded {len(copied)} file(s):</b>{told}</p>"]
    if skipped:
        items = "".join(
            f"<li><code>{escape(_basename(_as_dict(s).get('path', '')))}</code>: {escape(_as_dict(s).get('reason', ''))}</li>"
            for s in skipped[:SKIPPED_SHOWN]
        )
        if len(skipped) > SKIPPED_SHOWN:  # an upload of thousands of files must not bury the page
            reasons = Counter(_reason_kind(_as_dict(s).get("reason", "")) for s in skipped)
            kinds = ", ".join(f"{escape(kind)} ({count})" for kind, count in reasons.most_common())
            items += (
                f"<li>… and {len(skipped) - SKIPPED_SHOWN} more. All {len(skipped)} by reason: {kinds}</li>"
            )
        lines.append(
            f'<div class="notice notice-skipped"><b>Skipped {len(skipped)} file(s):</b><ul>{items}</ul></div>'
        )
    return "".join(lines)


def _reason_kind(reason: str) -> str:
    """The reason without its particulars: "too large (31.2 MB; the limit is 20 MB)" -> "too large"."""
    return re.split(r"[(:;,]", str(reason), maxsplit=1)[0].strip() or "no reason given"


def _count(value: Any) -> int:
    """The report lists article ids for added/updated/unchanged and counts for chunks."""
    return len(value) if isinstance(value, list | tuple | set) else int(value or 0)


def _basename(path: str) -> str:
    return re.split(r"[\\/]", str(path))[-1]
