"""Page furniture every page shares: the header, the database-down message, permission guards."""
from __future__ import annotations

import streamlit as st

from core import permissions
from core.errors import DatabaseUnavailable


def page_header(title: str, caption: str) -> None:
    st.title(title)
    st.caption(caption)


def database_down(exc: DatabaseUnavailable) -> None:
    st.error(f"**The database is unavailable.** StreamSync tried {exc.host}:{exc.port} as user "
             f"'{exc.user}' (database '{exc.database}') and got: {exc.reason}")
    st.info(exc.advice)
    st.button("Try again", key="db_retry")


def signed_in_user() -> dict:
    """The logged-in user, or stop the page (navigation should not have routed here)."""
    user = st.session_state.get("user")
    if not user:
        st.warning("Please log in to see this page.")
        st.stop()
    return user


def require(action: str) -> dict:
    """Stop the page unless the logged-in user's role may do `action` (a page check on top of navigation)."""
    user = signed_in_user()
    if not permissions.may(user["role"], action):
        st.error("You do not have permission to open this page.")
        st.stop()
    return user


def name_and_button():
    """A row holding a name (or a link) on the left and its buttons on the right, each as wide as its words:
    columns of fixed shares cut a button's label ("Un…" for Unblock) when the column was narrow, and drew a
    column element around every control (issue 15: a playlist's rows were most of the Lists page's cost). A
    link given width="stretch" takes the room the buttons leave. On a narrow screen the buttons wrap under the
    name instead."""
    return st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center")


def kept_tabs(labels: list[str], key: str = "tab", default: str | None = None) -> list:
    """st.tabs whose open tab the server knows and the address keeps (`?tab=Reviews`; the first tab is the
    plain address). Plain st.tabs keep the open tab in the browser only: after a full load the first rerun drew
    the first tab again, and a refresh or a shared link always opened it. The labels are the address's values,
    so they must not change with what the user does on the page (no counts in them). `default`: the tab the
    plain address opens, when not the first.
    Not bind="query-params": leaving a page while a bound parameter is in the address makes Streamlit push a
    stray history entry (the old page with the new page's query), so Back needed two presses.
    Each tab's `.open` says whether it is the one shown: Home, Lists and the title page draw (and read) only
    that tab's contents, since a click on another tab reruns the page anyway (issue 15: Lists drew 25
    watchlist rows and Home six shelves and charts on every run, where a viewer sees one of each). Profile
    draws all of its tabs: they are forms that cost next to nothing."""
    plain = default if default in labels else labels[0]
    wanted = st.query_params.get(key)
    st.session_state[key] = wanted if wanted in labels else plain
    return st.tabs(labels, key=key, on_change=_tab_to_url, args=(key, plain))


def _tab_to_url(key: str, first: str) -> None:
    if st.session_state[key] == first:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = st.session_state[key]
