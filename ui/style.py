"""The app's few CSS rules, in one place: shelves of native cards that fit a phone, and card titles cut with
an ellipsis. Streamlit stacks every column under the one before below 640 px, so a row of six posters became
six full-width posters and Home grew to 27,000 px on a 390 px phone; these rules keep posters side by side.
(The grids and shelves of ui.card_grid carry their own rules.)

A block opts in by its container key (Streamlit gives the container the class `st-key-<key>`):
`shelf_*` is one line of cards that scrolls sideways on a phone, `tiles_*` small tiles (metrics) two to a line
there."""
from __future__ import annotations

import streamlit as st

CSS = """
<style>
[class*="st-key-shelf_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 1rem; }
[class*="st-key-shelf_"] [data-testid="stColumn"] {
  flex: 0 0 calc(16.66% - 1rem) !important; width: calc(16.66% - 1rem) !important; min-width: 0 !important;
}
[class*="st-key-shelf_"] [data-testid="stPageLink"] p {
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
@media (max-width: 640px) {
  [class*="st-key-shelf_"] [data-testid="stHorizontalBlock"] {
    flex-wrap: nowrap !important; overflow-x: auto; scroll-snap-type: x mandatory; padding-bottom: 0.5rem;
  }
  [class*="st-key-shelf_"] [data-testid="stColumn"] {
    flex: 0 0 40% !important; width: 40% !important; min-width: 40% !important; scroll-snap-align: start;
  }
  [class*="st-key-tiles_"] [data-testid="stHorizontalBlock"] {
    flex-direction: row !important; flex-wrap: wrap !important; gap: 0.5rem;
  }
  [class*="st-key-tiles_"] [data-testid="stColumn"] {
    flex: 0 0 calc(50% - 0.5rem) !important; width: calc(50% - 0.5rem) !important;
    min-width: calc(50% - 0.5rem) !important;
  }
}
</style>
"""


def apply() -> None:
    """Add the rules to this page run (a style-only st.html takes no space on the page)."""
    st.html(CSS)
