"""Forget widgets a session no longer draws, so a long session's memory stays flat.

Streamlit 1.67 keeps, for the whole life of a browser session, the metadata of every widget id the session
ever drew (its serde, its callback and the arguments that callback captured, containers included) and the
widget's key-to-id mapping; at the end of a run it drops only the stale widgets' values. StreamSync's keys
name what they act on (`episode_{title}_{season}_{number}`, `report_reason_{review}`, `log_day_{title}`), as
they must for each control to keep its own state, so every title a session opens added a few hundred entries
that were never freed: in issue 15's soak, 40 sessions held 17,000 of them after two minutes, and the server
grew by about 5 KB per page run.

`install()` wraps Streamlit's end-of-run cleanup: after Streamlit has dropped the stale widgets' values, the
metadata and key mapping of every widget that now has no value left anywhere (not drawn this run, no widget
state, no value kept under its id or its key) go too. Fragment runs (dialogs) are left alone: there Streamlit
keeps the widgets outside the fragment on purpose. tests/test_widget_memory.py checks that opening many
titles leaves the session's widget count flat and that widgets still keep their values across reruns.
"""
from __future__ import annotations

from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX, SessionState

_streamlit_cleanup = SessionState._remove_stale_widgets


def _part_of_a_drawn_component(widget_id: str, drawn: frozenset[str]) -> bool:
    """A custom component's (components v2: ui.card_grid) trigger widget, whose component was drawn. It is
    not drawn itself and holds no value between clicks, but its metadata holds the callbacks of the next
    click: `{prefix}_{component id}{EVENT_DELIM}events`."""
    if not widget_id.startswith(STREAMLIT_INTERNAL_KEY_PREFIX + "_") or EVENT_DELIM not in widget_id:
        return False
    return widget_id[len(STREAMLIT_INTERNAL_KEY_PREFIX) + 1:].rsplit(EVENT_DELIM, 1)[0] in drawn


def _forget_gone_widgets(state: SessionState, drawn: frozenset[str]) -> None:
    widgets = state._new_widget_state
    mapper = state._key_id_mapper
    kept = drawn | widgets.states.keys() | state._old_state.keys()
    gone = [w for w in widgets.widget_metadata if w not in kept and not _part_of_a_drawn_component(w, drawn)]
    for widget_id in gone:
        user_key = mapper.id_key_mapping.get(widget_id)
        if user_key is not None and (user_key in state._old_state or user_key in state._new_session_state):
            continue  # a value kept under the widget's key (st.session_state[key] = ...) still needs it
        del widgets.widget_metadata[widget_id]
        if user_key is not None:
            if mapper.get_id_from_key(user_key) == widget_id:
                mapper.delete(user_key)
            else:  # the key has moved on to a newer id of the widget; only this id's reverse entry is stale
                mapper.id_key_mapping.pop(widget_id, None)


def _remove_stale_widgets(self: SessionState, active_widget_ids: frozenset[str]) -> None:
    _streamlit_cleanup(self, active_widget_ids)
    ctx = get_script_run_ctx()
    if ctx is not None and not ctx.fragment_ids_this_run:
        _forget_gone_widgets(self, active_widget_ids)


def install() -> None:
    """Wrap Streamlit's cleanup (once per process; later calls do nothing)."""
    SessionState._remove_stale_widgets = _remove_stale_widgets
