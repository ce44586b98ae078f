"""Who is logged in. The session token lives in st.session_state for this tab and in an HttpOnly cookie
across reloads and tabs (ui/session_cookie.py sets it); every run re-checks it against user_sessions, so
logout elsewhere, a role change or a deleted account take effect on the next click."""
from __future__ import annotations

import os

import streamlit as st

from core import sessions
from ui import session_cookie
from ui.cards import md
from ui.session_cookie import COOKIE_NAME

PENDING_COOKIE = "pending_cookie_script"
PENDING_TOAST = "pending_toast"
SESSION_ENDED = ("Your session has ended (a logout elsewhere, a password change, a lock or a deleted account). "
                 "Log in again.")


def presented_token(state, cookies) -> str | None:
    """The token this run presents: the tab's own (set at login) first, else the browser's cookie, which
    Streamlit read from the page's websocket handshake."""
    token = state.get("session_token") or cookies.get(COOKIE_NAME)
    return token if isinstance(token, str) and token else None


SESSION_GONE = "Your session has ended (the account was locked or deleted, or you logged out elsewhere): log in again."


def session_still_live() -> bool:
    """Whether the session this tab was logged in with still lets its user act. A widget callback runs before
    the page (and before current_user() checks the session), with the user the page had on its last run: a
    write from it must ask again, or a tab left open keeps writing after an admin locked or deleted its
    account. A tab that was never logged in has nothing to end."""
    token = st.session_state.get("session_token")
    return token is None or sessions.user_for_token(token) is not None


def current_user() -> dict | None:
    token = presented_token(st.session_state, st.context.cookies)
    if token is None:
        st.session_state.pop("user", None)
        return None
    user = sessions.user_for_token(token)
    if user is None:
        if st.session_state.pop("session_token", None):  # this tab was logged in: say why it is not now,
            # unless this tab's own last write ended it and left its own message (an admin deleting themselves)
            st.session_state.setdefault(PENDING_TOAST, (SESSION_ENDED, ":material/logout:"))
        st.session_state.pop("user", None)
        return None
    if "session_token" not in st.session_state:
        # A page load that came in with the cookie: renew the cookie's two weeks too, so a browser in use
        # stays logged in as long as the server-side expiry keeps sliding.
        st.session_state[PENDING_COOKIE] = session_cookie.set_script(session_cookie.issue_code(token))
    st.session_state["session_token"] = token
    st.session_state["user"] = user
    return user


ENVIRON = os.environ  # settings come from here; tests swap in a dict (they never write os.environ)
CLIENT_IP_HEADER_ENV = "STREAMSYNC_CLIENT_IP_HEADER"


def client_address() -> str | None:
    """The address failed logins are counted against. Behind a reverse proxy every connection comes from the
    proxy, so when STREAMSYNC_CLIENT_IP_HEADER names the header the proxy sets (X-Forwarded-For, X-Real-IP)
    its LAST entry is used: the one our proxy appended; entries before it are whatever the client sent.
    Without the setting, the websocket's peer address (None for localhost)."""
    header = ENVIRON.get(CLIENT_IP_HEADER_ENV, "").strip()
    if header:
        forwarded = st.context.headers.get(header)
        return (forwarded.split(",")[-1].strip() or None) if isinstance(forwarded, str) else None
    return st.context.ip_address


ADDRESS_ENV = "STREAMSYNC_ADDRESS"  # what `make run` and `manage.py serve` listen on (127.0.0.1 by default)
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def reachable_from_network(client: str | None) -> bool:
    """Whether people on other machines can reach this instance: it was started to listen beyond this machine
    (behind HAProxy the workers themselves listen on 127.0.0.1, so their own address does not tell), or this
    login comes from another machine (whatever the setting said)."""
    listening = ENVIRON.get(ADDRESS_ENV, "").strip() or "127.0.0.1"
    return listening not in LOOPBACK or (client is not None and client not in LOOPBACK)


def open_session(username: str) -> str:
    """Create the session of `username` (already authenticated) and return its token. It touches no session
    state, so it may run inside ui.forms.submit_once."""
    agent = st.context.headers.get("User-Agent")
    return sessions.create_session(username, user_agent=agent if isinstance(agent, str) else None)


def adopt(token: str) -> None:
    """Use the session `token` in this tab and, on the next run, in the browser's cookie jar."""
    st.session_state["session_token"] = token
    st.session_state[PENDING_COOKIE] = session_cookie.set_script(session_cookie.issue_code(token))


def end() -> None:
    """Log out: revoke the session in the database (so the cookie is worthless even if the browser keeps
    it), forget everything this tab held, and clear the cookie on the next run."""
    user, token = st.session_state.get("user"), st.session_state.get("session_token")
    if user and token:
        sessions.revoke_session(user["username"], token)
    st.session_state.clear()
    st.session_state[PENDING_COOKIE] = session_cookie.clear_script()


def after_rerun(toast: str) -> None:
    """Show `toast` on the next run (a message shown just before st.rerun() would vanish with it)."""
    st.session_state[PENDING_TOAST] = (toast, ":material/check_circle:")


def deliver_pending() -> None:
    """Run the cookie script and show the toast a login or logout left for this run. The script is sent
    in the run after the click, so the browser keeps its element long enough to run it."""
    script = st.session_state.pop(PENDING_COOKIE, None)
    if script:
        st.html(script, unsafe_allow_javascript=True, width="content")
    toast = st.session_state.pop(PENDING_TOAST, None)
    if toast:
        text, icon = toast
        st.toast(md(text), icon=icon)  # messages quote names users chose: show them as typed


def account_sidebar(user: dict) -> None:
    """Who is logged in, and the way out."""
    with st.sidebar:
        st.caption(f"Logged in as **{md(user['username'])}** ({user['role']})")
        if st.button("Log out", key="logout", icon=":material/logout:", width="stretch"):
            end()
            after_rerun("You are logged out.")
            st.rerun()
