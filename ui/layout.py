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
