"""Profile: my details, my password, where I am logged in, my calendar feed, and deleting my account."""
from urllib.parse import urlsplit

import streamlit as st
from streamlit import config

from core import accounts, auth, ical, sessions, validation
from core.words import plural
from ui import session
from ui.cards import md
from ui.feedback import attempt, error_beside
from ui.forms import FieldErrors, new_password_fields, submit_once
from ui.layout import kept_tabs, page_header, signed_in_user

me = signed_in_user()
token = st.session_state.get("session_token")
page_header("Profile", "Your details, your password, the devices you are logged in on, and your account.")
if me["must_change_password"]:
    st.warning("Choose a new password in the Password tab below before you continue: an admin reset yours, or it "
               "is the demo password the README publishes while this StreamSync is reachable from other machines.",
               icon=":material/key:")
profile = accounts.get_user(me["username"])

details, password_tab, devices, feed_tab, danger = kept_tabs(
    ["Details", "Password", "Sessions", "Calendar feed", "Delete account"],
    default="Password" if me["must_change_password"] else None)


with details:
    st.caption(f"Username **{md(profile['username'])}** · role {profile['role']} · member since "
               f"{profile['created_at']:%d %b %Y}")
    slots = FieldErrors()
    with st.form("profile_details"):
        left, right = st.columns(2)
        with left:
            firstname = st.text_input("First name", value=profile["firstname"], max_chars=validation.NAME_MAX)
            slots.slot("firstname")
        with right:
            lastname = st.text_input("Last name", value=profile["lastname"], max_chars=validation.NAME_MAX)
            slots.slot("lastname")
        email = st.text_input("Email", value=profile["email"], max_chars=validation.EMAIL_MAX)
        slots.slot("email")
        dob = st.date_input("Date of birth", value=profile["dob"], min_value=validation.EARLIEST_DOB,
                            max_value=auth.clock().date(), format="YYYY-MM-DD")
        slots.slot("dob")
        if st.form_submit_button("Save details", type="primary"):
            errors = auth.update_profile(me["username"], {"firstname": firstname, "lastname": lastname,
                                                          "email": email, "dob": dob})
            if errors:
                slots.show(errors)
            else:
                st.success("Your details are saved.")

with password_tab:
    slots = FieldErrors()
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input("Current password", type="password", autocomplete="current-password")
        slots.slot("current_password")
        new, repeat = new_password_fields(slots, "New password", "Repeat the new password")
        if st.form_submit_button("Change password", type="primary"):
            with st.spinner("Checking…"):  # a double click changes it once, not "the current password is wrong"
                # The form clears on submit, so a double click's second click sends it empty: no change then.
                errors, ended = submit_once("change_password", lambda: auth.change_password(
                    me["username"], current, new, repeat, token) if current or new or repeat else (None, 0))
            if errors is None:
                st.warning("Nothing was changed: type your current password and the new one twice, then click "
                           "once.")
            elif errors:
                slots.show(errors)
            else:
                message = "Your password is changed." + (
                    f" {plural(ended, 'other session')} logged out." if ended else "")
                if me["must_change_password"]:  # the rest of the app opens up again
                    session.after_rerun(message)
                    st.rerun()
                st.success(message)

with devices:
    active = sessions.active_sessions(me["username"], token)
    st.dataframe(
        [{"": "This device" if s["is_current"] else "", "Browser": s["browser"], "System": s["system"],
          "Device": s["device"], "Logged in": s["created_at"], "Last seen": s["last_seen_at"],
          "Sent as": s["user_agent"] or ""} for s in active],
        hide_index=True,
        column_config={"Sent as": st.column_config.TextColumn(help="The browser's User-Agent header, as sent"),
                       "Logged in": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                       "Last seen": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
    )
    others = sum(not s["is_current"] for s in active)
    st.caption(f"{plural(others, 'other session')}. Log them out if a device is lost or "
               "shared; a password change does it too.")
    if st.button("Log out all other sessions", disabled=others == 0, key="revoke_others"):
        attempt(sessions.revoke_other_sessions, me["username"], token, where="revoke_others", rerun=True,
                success=lambda ended: f"Logged out {plural(ended, 'other session')}.")
    error_beside("revoke_others")



def new_feed_url() -> None:
    if not session.session_still_live():  # a callback: the account may have been locked since the page was drawn
        return
    secret = ical.regenerate(me["username"])
    page = urlsplit(st.context.url or "")
    origin = f"{page.scheme}://{page.netloc}" if page.netloc else ""
    st.session_state["ical_url"] = origin + ical.feed_path(secret, config.get_option("server.baseUrlPath"))


def revoke_feed() -> None:
    if not session.session_still_live():
        return
    ical.revoke(me["username"])
    st.session_state.pop("ical_url", None)
    st.toast("Your calendar feed is revoked: its URL no longer answers.", icon=":material/check_circle:")


with feed_tab:
    st.write("A private URL with the upcoming episodes of the series you follow, for Google Calendar, Apple "
             "Calendar, Outlook or Thunderbird (subscribe by URL). Anyone with the URL sees those episodes, "
             "nothing else; StreamSync keeps only a hash of it, so it is shown once, when it is made.")
    since = ical.created_at(me["username"])
    if st.session_state.get("ical_url") and since:
        st.success("Your new feed URL (copy it now: it is not shown again):", icon=":material/rss_feed:")
        st.code(st.session_state["ical_url"], language=None)
    elif since:
        st.caption(f"Your feed URL was made on {since:%d %b %Y}. Lost it? Make a new one: the old one stops "
                   "working.")
    left, right = st.columns(2)
    left.button("Make a new feed URL" if since else "Make my feed URL", key="ical_new", icon=":material/link:",
                on_click=new_feed_url)
    if since:
        right.button("Revoke the feed", key="ical_revoke", icon=":material/link_off:", on_click=revoke_feed)

with danger:
    st.write("Deleting your account removes your lists, progress, reviews and friendships for good.")
    with st.form("delete_account"):
        typed = st.text_input(f"Type your username ({md(me['username'])}) to confirm")  # www.x.y is a username
        if st.form_submit_button("Delete my account", type="primary", icon=":material/delete_forever:"):
            if typed.strip().lower() != me["username"].lower():
                st.error("The username you typed does not match; nothing was deleted.")
            else:
                def delete_me() -> None:
                    accounts.delete_own_account(me["username"])
                    session.end()

                attempt(delete_me, success="Your account is deleted. Goodbye!", where="delete_account", rerun=True)
    error_beside("delete_account")
