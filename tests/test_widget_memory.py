"""A long session's memory stays flat (ui.widget_memory): the widgets of titles the session has left are
forgotten, while the widgets on the page keep their values across reruns."""
import pytest

from core import playlists
from tests.apptest import open_app
from tests.viewer_helpers import make_user, some_titles

pytestmark = pytest.mark.usefixtures("removed_after_test")


def remembered_widgets(at) -> int:
    """How many widgets the session's state holds metadata for (what Streamlit alone never frees)."""
    return len(at._session_state._state._new_widget_state.widget_metadata)


def open_title(at, media_id: int):
    at.query_params["id"] = str(media_id)
    at.run()
    assert not at.exception, at.exception
    return at


def test_opening_many_titles_leaves_the_sessions_widgets_as_few_as_one_titles(demo_db):
    viewer = make_user()
    films, series = some_titles(viewer, 6, "Movie"), some_titles(viewer, 6, "Series")
    # The episode grid, the tab with the most widgets (a link or a refresh keeps the open tab).
    at = open_app(viewer, page="app_pages/media.py", query={"id": series[0]["media_id"], "tab": "Episodes & progress"})
    one_title = remembered_widgets(at)
    assert one_title > 10  # episode boxes, watched-up-to, lists, status: the page is full of widgets

    for title in films + series + films:
        open_title(at, title["media_id"])
    # Each title's controls are keyed by its id: without the cleanup every title opened stayed, 12 pages' worth.
    assert remembered_widgets(open_title(at, series[0]["media_id"])) <= 1.2 * one_title


def test_a_widget_on_the_page_keeps_its_value_across_reruns(demo_db):
    viewer = make_user()
    playlists.create_playlist(viewer, "Weekend")
    at = open_app(viewer, page="app_pages/lists.py")
    next(t for t in at.text_input if t.label == "Add a title").input("Sholay").run()
    at.run()
    at.run()
    assert next(t for t in at.text_input if t.label == "Add a title").value == "Sholay"
    assert any(b.label == "Add to Weekend" for b in at.button)  # the matches it found are still offered


def test_a_card_grid_keeps_what_its_next_click_needs_while_it_is_drawn(demo_db):
    """A grid of cards (ui.card_grid) is a component whose clicks arrive through a widget of its own that is
    never drawn and holds nothing between clicks; the cleanup keeps its callbacks while the grid is on the
    page (without them a click on "Log" did nothing), and forgets them once it is gone."""
    def triggers(at) -> list[str]:
        return [w for w in at._session_state._state._new_widget_state.widget_metadata
                if w.endswith("__events") and "grid_results" in w]

    at = open_app(make_user(), page="app_pages/explore.py")
    at.run()
    [events] = triggers(at)
    assert set(at._session_state._state._new_widget_state.widget_metadata[events].callbacks) == {"open", "log"}
    at.switch_page("app_pages/lists.py").run()
    assert triggers(at) == []
