"""Helpers for page tests: open a page as a user under AppTest (ui.harness.open_app), and read what it shows."""
from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from ui.harness import APP, TIMEOUT, open_app

__all__ = ["APP", "TIMEOUT", "card_grids", "cards_shown", "open_app", "open_tab", "texts"]


def open_tab(at: AppTest, label: str, key: str = "tab") -> AppTest:
    """Show the tab `label` of the page's tabs named `key` (ui.layout.kept_tabs), as a click on it does: the
    click puts it in the address and reruns the page, which draws only the open tab. AppTest's tabs cannot
    be clicked; the browser tests click real ones."""
    at.query_params[key] = label
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page shows as text (markdown, captions, titles, alerts, metrics), for `in` checks."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning",
                 "info", "success", "exception", "toast"):
        parts.extend(str(el.value) for el in getattr(at, kind, []))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    parts.extend(t.label for t in at.tabs)
    parts.extend(bar.proto.text for bar in at.get("progress"))  # a progress bar's words are above it
    return "\n".join(parts)


def scripts(at: AppTest) -> list[str]:
    """The bodies of the page's st.html elements other than the app's style sheet (ui.style), which every run
    carries: the scripts a run sends (the login cookie's)."""
    return [h.proto.body for h in at.get("html") if not h.proto.body.lstrip().startswith("<style>")]


def card_grids(at: AppTest) -> dict[str, list[dict]]:
    """The cards of each grid or shelf the page draws (ui.card_grid), by the key it was drawn under: what the
    browser is given to draw. AppTest cannot run the component's script; the browser tests click its cards."""
    grids = {}
    for element in at.get("bidi_component"):
        proto = element.proto
        if proto.component_name == "streamsync_cards":
            grids[proto.id.split("-", 2)[2]] = json.loads(proto.json)["cards"]
    return grids


def cards_shown(at: AppTest) -> list[dict]:
    """Every card of every grid and shelf on the page, in order."""
    return [card for grid in card_grids(at).values() for card in grid]
