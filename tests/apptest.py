"""Helpers for page tests: open a page as a user under AppTest (ui.harness.open_app), and read what it shows."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.harness import APP, TIMEOUT, open_app

__all__ = ["APP", "TIMEOUT", "open_app", "texts"]


def texts(at: AppTest) -> str:
    """Everything the page shows as text (markdown, captions, titles, alerts, metrics), for `in` checks."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning",
                 "info", "success", "exception", "toast"):
        parts.extend(str(el.value) for el in getattr(at, kind, []))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    parts.extend(t.label for t in at.tabs)
    return "\n".join(parts)
