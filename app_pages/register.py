"""Create an account: every field is checked, each problem shown under its field, nothing saved until
all are right. A new account gets the role `user` and is logged in at once."""
import streamlit as st

from core import auth, validation
from ui import session
from ui.forms import FieldErrors, new_password_fields, submit_once
from ui.layout import page_header
from ui.navigation import path

page_header("Create an account", "It takes a minute: a username, your name, email, birthday and a password.")
slots = FieldErrors()
with st.form("register"):
    username = st.text_input("Username", max_chars=50, autocomplete="username",
                             help="3-50 letters, digits, dots, underscores or hyphens. Others see it.")
    slots.slot("username")
    left, right = st.columns(2)
    with left:
        firstname = st.text_input("First name", max_chars=validation.NAME_MAX, autocomplete="given-name")
        slots.slot("firstname")
    with right:
        lastname = st.text_input("Last name", max_chars=validation.NAME_MAX, autocomplete="family-name")
        slots.slot("lastname")
    email = st.text_input("Email", max_chars=validation.EMAIL_MAX, autocomplete="email")
    slots.slot("email")
    dob = st.date_input("Date of birth", value=None, min_value=validation.EARLIEST_DOB,
                        max_value=auth.clock().date(), format="YYYY-MM-DD")
    slots.slot("dob")
    password, password_confirm = new_password_fields(slots, "Password", "Repeat the password")
    submitted = st.form_submit_button("Create account", type="primary")

if submitted:
    fields = {"username": username, "firstname": firstname, "lastname": lastname, "email": email, "dob": dob,
              "password": password, "password_confirm": password_confirm}

    def create_and_open() -> tuple[dict, str | None, str | None]:
        errors, created = auth.register(fields)
        return errors, created, session.open_session(created) if created else None

    with st.spinner("Creating your account…"):
        errors, created, token = submit_once("register", create_and_open)  # a double click: one account
    if created:
        session.adopt(token)
        session.after_rerun(f"Welcome to StreamSync, {created}! Your account is ready.")
        st.rerun()
    slots.show(errors)
    st.error("Please fix the fields marked above; nothing was saved yet.")

st.caption("Already registered?")
if st.button("Log in instead"):
    st.switch_page(path("login"))
