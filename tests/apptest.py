"""Open StreamSync pages under Streamlit's AppTest as a given user, the way a browser session would."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from db import sessions

TIMEOUT = 30
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def open_app(username: str | None = None, page: str | None = None, query: dict | None = None) -> AppTest:
    """Run streamlit_app.py logged in as `username` (a real session row), then open `page` (e.g.
    "app_pages/explore.py") with `query` as URL query parameters. Returns the AppTest after the run."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if username:
        at.session_state["session_token"] = sessions.create_session(username)
    for key, value in (query or {}).items():
        at.query_params[key] = str(value)
    at.run()
    if page:
        at.switch_page(page)
        for key, value in (query or {}).items():
            at.query_params[key] = str(value)
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows as text (markdown, captions, titles, alerts, metrics), for `in` checks."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning",
                 "info", "success", "exception", "toast"):
        parts.extend(str(el.value) for el in getattr(at, kind, []))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return "\n".join(parts)
