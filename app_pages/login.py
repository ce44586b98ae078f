"""Log in with username and password; five wrong passwords in 15 minutes lock the account for 15."""
import streamlit as st

from core import auth
from ui import session
from ui.layout import page_header

page_header("Log in", "Welcome back: your lists, progress and friends are waiting.")
with st.form("login"):
    username = st.text_input("Username", max_chars=50, autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Log in", type="primary")

if submitted:
    if not username.strip() or not password:
        st.error("Enter both your username and your password.")
    else:
        with st.spinner("Checking your password…"):
            result = auth.login(username, password)
        if result.ok:
            session.start(result.username)
            session.after_rerun(f"Welcome back, {result.username}!")
            st.rerun()
        st.error(result.message)

st.caption("No account yet?")
if st.button("Create an account"):
    st.switch_page("app_pages/register.py")
