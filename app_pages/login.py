"""Log in with username and password; after five wrong passwords each further try waits longer (core.auth)."""
import streamlit as st

from core import auth
from ui import session
from ui.forms import submit_once
from ui.layout import page_header
from ui.navigation import asked_for, path

page_header("Log in", "Welcome back: your lists, progress and friends are waiting.")
if wanted := asked_for(st.context.url):  # a member page's address, opened logged out
    st.info(f"Log in to open **{wanted.title}**: you land there once you are in.", icon=":material/lock:")
with st.form("login"):
    username = st.text_input("Username", max_chars=50, autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Log in", type="primary")

if submitted:
    if not username.strip() or not password:
        st.error("Enter both your username and your password.")
    else:
        def check_and_open() -> tuple[auth.LoginResult, str | None]:
            client = session.client_address()
            result = auth.login(username, password, client=client, exposed=session.reachable_from_network(client))
            return result, session.open_session(result.username) if result.ok else None

        with st.spinner("Checking your password…"):  # a double click: one login, one failure counted
            result, token = submit_once("login", check_and_open)
        if result.ok:
            session.adopt(token)
            session.after_rerun(f"Welcome back, {result.username}!")
            st.rerun()
        st.error(result.message)

st.caption("No account yet?")
if st.button("Create an account"):
    st.switch_page(path("register"))
