"""Admin: users. Find and page accounts; change a role; lock and unlock; reset a password to a one-time password
shown once; delete an account after seeing what goes with it. The last admin stays."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import partial

import pandas as pd
import streamlit as st

from core import admin_users, auth, permissions
from core import table_editor as te
from ui import cards
from ui.cards import md
from ui.feedback import attempt, error_beside
from ui.layout import page_header, require

ALL = "(all roles)"
LOCK_CHOICES = {"1 hour": timedelta(hours=1), "1 day": timedelta(days=1), "7 days": timedelta(days=7),
                "30 days": timedelta(days=30), "until unlocked": None}


def act(action, *args, done: str, where: str, rerun: bool = True) -> bool:
    """Run an admin write as the admin (ui.feedback.attempt): a toast, after a rerun that shows the new state
    unless rerun is False; a refusal shows beside the control `where`."""
    return attempt(action, user["username"], *args, success=done, where=where, rerun=rerun)


def status(row: dict) -> str:
    if row["locked_until"] and row["locked_until"] > datetime.now():
        if row["locked_until"] >= admin_users.LOCKED_FOR_GOOD:
            return "locked"
        return f"locked until {row['locked_until']:%Y-%m-%d %H:%M}"
    return "must change password" if row["must_change_password"] else "active"


@st.dialog("Delete this account?")
def confirm_delete(username: str) -> None:
    gone = te.describe_cascade(admin_users.delete_summary(username))
    st.write(f"Deleting **{md(username)}** {gone or 'removes nothing else'}. This cannot be undone.")
    if st.button(f"Delete {md(username)}", type="primary", key="au_delete_confirm"):  # a label is Markdown
        act(admin_users.delete_user, username, done=f"{username} deleted.", where="au_delete_confirm")
    error_beside("au_delete_confirm")


def manage(row: dict) -> None:
    name = row["username"]
    # Names and emails are what users typed: escaped, so `**x**` or a link shows as typed.
    st.subheader(md(f"{name} · {row['firstname']} {row['lastname']}"))
    st.caption(md(f"{row['email']} · {row['role']} · {status(row)} · joined {row['created_at']:%Y-%m-%d}"
                  f" · last login {row['last_login_at'] or 'never'}"))
    role_col, lock_col = st.columns(2)
    with role_col:
        role = st.selectbox("Role", permissions.ROLES, index=permissions.ROLES.index(row["role"]),
                            key=f"au_role_{name}")
        if st.button("Change role", key=f"au_role_apply_{name}", disabled=role == row["role"]):
            act(admin_users.change_role, name, role, done=f"{name} is now {role}.", where=f"au_role_{name}")
        error_beside(f"au_role_{name}")
    with lock_col:
        if status(row).startswith("locked"):
            if st.button("Unlock", key=f"au_unlock_{name}"):
                act(admin_users.unlock_user, name, done=f"{name} unlocked.", where=f"au_lock_{name}")
        else:
            length = st.selectbox("Lock for", list(LOCK_CHOICES), index=len(LOCK_CHOICES) - 1,
                                  key=f"au_lock_for_{name}")
            if st.button("Lock (logs them out)", key=f"au_lock_{name}"):
                span = LOCK_CHOICES[length]
                until = datetime.now() + span if span else admin_users.LOCKED_FOR_GOOD
                act(admin_users.lock_user, name, until, done=f"{name} locked.", where=f"au_lock_{name}")
        error_beside(f"au_lock_{name}")
    reset_col, delete_col = st.columns(2)
    if reset_col.button("Reset password", key=f"au_reset_{name}"):
        one_time = secrets.token_urlsafe(12)
        if act(admin_users.reset_password, name, auth.hash_password(one_time), done="Password reset.",
               where=f"au_reset_{name}", rerun=False):
            st.session_state["au_one_time"] = (name, one_time)
    with reset_col:
        error_beside(f"au_reset_{name}")
    if delete_col.button("Delete account…", key=f"au_delete_{name}"):
        confirm_delete(name)
    shown = st.session_state.pop("au_one_time", None)  # shown once: gone on the next run
    if shown and shown[0] == name:
        st.success(f"One-time password for {md(name)}: `{shown[1]}`. Hand it over now: it is shown only once. "
                   "They must choose a new password when they log in; their sessions were ended.")


user = require("manage_users")
page_header("Users", "Find an account; change its role, lock or unlock it, reset its password or delete it.")

c1, c2 = st.columns([3, 1])
text = c1.text_input("Search", key="au_search", max_chars=100, placeholder="username, name or email")
role_filter = c2.selectbox("Role", [ALL, *permissions.ROLES], key="au_role_filter")
page_key = f"au_page_{text}|{role_filter}"
page_no = st.session_state.get(page_key, 1)
find = partial(admin_users.search_users, user["role"], text, None if role_filter == ALL else role_filter)
found = find(page_no)  # deletes emptied the last page meanwhile: it shows the new last page, not "no user matches"
rows, total = found.rows, found.total
if found.page != page_no:
    page_no = st.session_state[page_key] = found.page

if not rows:
    st.info("No user matches. Try part of a username, a name or an email, or clear the role filter.")
    st.stop()

st.dataframe(pd.DataFrame([{"username": r["username"], "name": f"{r['firstname']} {r['lastname']}",
                            "email": r["email"], "role": r["role"], "status": status(r),
                            "joined": r["created_at"], "last login": r["last_login_at"]} for r in rows]),
             hide_index=True, width="stretch")
cards.pager(page_key, total, found.page_size, noun="users")

by_name = {r["username"]: r for r in rows}
picked = st.selectbox("Manage", list(by_name), key="au_pick")
manage(by_name[picked])
