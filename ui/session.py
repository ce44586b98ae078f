"""Who is logged in. The session token lives in st.session_state for this tab and in a cookie across
reloads and tabs; every run re-checks it against user_sessions, so logout elsewhere, a role change or a
deleted account take effect on the next click."""
from __future__ import annotations

import streamlit as st

from db import sessions

COOKIE_NAME = "streamsync_session"


def current_user() -> dict | None:
    token = st.session_state.get("session_token") or st.context.cookies.get(COOKIE_NAME)
    if not token:
        st.session_state.pop("user", None)
        return None
    user = sessions.user_for_token(token)
    if user is None:
        st.session_state.pop("session_token", None)
        st.session_state.pop("user", None)
        return None
    st.session_state["session_token"] = token
    st.session_state["user"] = user
    return user
