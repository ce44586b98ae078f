"""Open StreamSync pages under Streamlit's AppTest as a given user, the way a browser session would: used by the
tests (tests/apptest.py) and by benchmarks/bench_pages.py."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core import sessions

TIMEOUT = 30
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def open_app(username: str | None = None, page: str | None = None, query: dict | None = None) -> AppTest:
    """Run streamlit_app.py logged in as `username` (a real session row), then open the page file `page` (as
    ui.navigation.path() names it) with `query` as URL query parameters. Returns the AppTest after the run."""
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
