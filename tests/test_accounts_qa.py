"""Hostile-input and state checks of the accounts area (login, registration, profile, admin users), one
test per bug the QA pass found: user text shown as typed, the last admin who can log in, hidden reviews
that must stay hidden, an admin's own password, a session that ended elsewhere, the forced password change,
passwords and names with nothing visible in them, a stale last page of users, a name taken during
registration, and double clicks on the account forms."""
from __future__ import annotations

import threading
from datetime import date
from types import SimpleNamespace

import pytest

from core import accounts, auth
from core import admin_users, moderation
from db import reviews, sessions, users
from db.engine import scalar
from db.errors import DataRuleError
from tests.accounts_helpers import PASSWORD, click, error_under, field, make_user
from tests.apptest import open_app, texts
from tests.test_table_editor import add_title
from ui.cards import md
from ui.session import SESSION_ENDED

HOSTILE_FIRST = "**bold** [a](javascript:alert(1))"
HOSTILE_LAST = "<img src=x onerror=alert(1)>"


def test_the_users_page_shows_names_and_emails_as_typed(empty_db):
    admin = make_user("qa_boss", role="admin")
    users.create_user("_x_y_", firstname=HOSTILE_FIRST, lastname=HOSTILE_LAST,
                      email="<script>alert(1)</script>@x.com", dob=None, password_hash=auth.hash_password(PASSWORD))
    at = open_app(admin, "app_pages/admin_users.py")
    at.text_input(key="au_search").set_value("_x_y_").run()
    assert not at.exception
    # Escaped Markdown: the bold, the link and the underscores stay literal characters on the page.
    assert [s.value for s in at.subheader] == [md(f"_x_y_ · {HOSTILE_FIRST} {HOSTILE_LAST}")]
    assert md("<script>alert(1)</script>@x.com") in texts(at)


def test_a_username_with_underscores_is_shown_as_typed_in_the_sidebar_and_toasts(empty_db):
    make_user("_qa_u_")
    at = open_app(None, "app_pages/login.py")
    field(at, "Username").set_value("_qa_u_")
    field(at, "Password").set_value(PASSWORD)
    at = click(at, "Log in")
    assert f"Logged in as **{md('_qa_u_')}** (user)" in [c.value for c in at.sidebar.caption]
    assert [t.value for t in at.toast] == [md("Welcome back, _qa_u_!")]


def test_no_demotion_or_own_deletion_leaves_only_a_locked_admin(empty_db):
    make_user("qa_a1", role="admin")
    make_user("qa_a2", role="admin")
    admin_users.lock_user("qa_a1", "qa_a2")
    with pytest.raises(DataRuleError, match="qa_a1 is the last admin who can log in"):
        accounts.set_role("qa_a1", "qa_a1", "user")
    with pytest.raises(DataRuleError, match="You are the last admin who can log in"):
        accounts.delete_own_account("qa_a1")
    assert users.get_user("qa_a1")["role"] == "admin"
    admin_users.unlock_user("qa_a1", "qa_a2")
    accounts.set_role("qa_a1", "qa_a1", "user")
    assert users.get_user("qa_a1")["role"] == "user"


def test_a_moderator_who_deletes_their_account_leaves_their_hidden_reviews_hidden(empty_db):
    admin = make_user("qa_root", role="admin")
    mod, author = make_user("qa_mod", role="moderator"), make_user("qa_author")
    title = add_title(admin, "Queen")
    reviews.save_review(author, title, 2, "spam spam spam", False)
    review_id = scalar("SELECT review_id FROM reviews WHERE username = :u", u=author)
    moderation.hide_review(mod, review_id, "Spam")
    accounts.delete_own_account(mod)
    assert users.get_user(mod) is None
    assert scalar("SELECT hidden_by FROM reviews WHERE review_id = :r", r=review_id) == admin
    assert scalar("SELECT hidden_reason FROM reviews WHERE review_id = :r", r=review_id) == "Spam"


def test_an_admin_cannot_reset_their_own_password_and_stays_logged_in(empty_db):
    admin = make_user("qa_self", role="admin")
    make_user("qa_other", role="admin")
    at = open_app(admin, "app_pages/admin_users.py")
    at.text_input(key="au_search").set_value(admin).run()
    next(b for b in at.button if b.key == f"au_reset_{admin}").click().run()
    assert not at.exception
    assert "use the Password tab of your Profile" in " ".join(e.value for e in at.error)
    assert auth.verify_password(PASSWORD, users.login_record(admin)["password_hash"])
    assert sessions.user_for_token(at.session_state["session_token"])["username"] == admin


def test_a_tab_whose_session_ended_elsewhere_says_so(empty_db):
    make_user("qa_tabs")
    at = open_app("qa_tabs", "app_pages/lists.py")
    sessions.revoke_other_sessions("qa_tabs", None)  # logged out in another tab, or locked by an admin
    at.run()
    assert not at.exception and "Log in" in [b.label for b in at.button]
    assert [t.value for t in at.toast] == [md(SESSION_ENDED)]
    at.run()  # said once
    assert not at.toast


def test_after_an_admin_reset_the_profile_opens_on_the_password_tab(empty_db):
    make_user("qa_reset_by")
    admin = make_user("qa_resetter", role="admin")
    admin_users.reset_password(admin, "qa_reset_by", auth.hash_password("One-Time-Pass-1"))
    at = open_app("qa_reset_by")
    tab_container = next(block for block in at.main.children.values() if block.type == "tab_container")
    labels = [tab.label for tab in at.tabs]
    assert labels[tab_container.proto.tab_container.default_tab_index] == "Password"
    field(at, "Current password").set_value("One-Time-Pass-1")
    field(at, "New password").set_value("Fresh-Monsoon-77")
    field(at, "Repeat the new password").set_value("Fresh-Monsoon-77")
    at = click(at, "Change password")
    # No other session to end: the message does not count zero of them.
    assert [t.value for t in at.toast] == [md("Your password is changed.")]
    assert users.get_user("qa_reset_by")["must_change_password"] == 0


@pytest.mark.parametrize("label, value, message", [
    ("Password", " " * 12, "A password of only spaces is easy to guess"),
    ("First name", "\u200b\u200b", "Enter your first name."),
])
def test_nothing_visible_is_not_a_password_or_a_name(empty_db, label, value, message):
    at = open_app(None, "app_pages/register.py")
    values = {"Username": "qa_blank", "First name": "Asha", "Last name": "Kapoor", "Email": "qa_blank@example.com",
              "Password": "Monsoon-Reels-2024", "Repeat the password": "Monsoon-Reels-2024", label: value}
    if label == "Password":
        values["Repeat the password"] = value
    for name, text in values.items():
        field(at, name).set_value(text)
    at.date_input[0].set_value(date(1990, 1, 1))
    at = click(at, "Create account")
    assert message in (error_under(at, label) or "")
    assert users.get_user("qa_blank") is None


def test_deleting_the_only_user_on_the_last_page_shows_the_page_before(empty_db):
    admin = make_user("qa_pager", role="admin")
    for i in range(admin_users.PAGE_SIZE + 1):
        make_user(f"qa_paged{i:02d}")
    at = open_app(admin, "app_pages/admin_users.py")
    at.text_input(key="au_search").set_value("qa_paged").run()
    at.number_input[0].set_value(2).run()
    last = at.selectbox(key="au_pick").value
    admin_users.delete_user(admin, last)  # here or in another tab: the page is stale now
    at.run()
    assert not at.exception and not at.info  # not "No user matches"
    assert f"{admin_users.PAGE_SIZE} users · page 1 of 1" in texts(at)
    assert at.selectbox(key="au_pick").value != last


def test_a_username_taken_during_registration_is_reported_under_the_username(empty_db, monkeypatch):
    # Another person registers the same name (in another case) between the check and the insert; the name
    # contains "email", which once sent the database's message to the email field.
    hash_password = auth.hash_password

    def someone_is_quicker(password):
        users.create_user("MY_EMAIL_FAN", firstname="Quick", lastname="Er", email="quicker@example.com",
                          dob=None, password_hash="not used")
        return hash_password(password)

    monkeypatch.setattr(auth, "hash_password", someone_is_quicker)
    errors, created = auth.register({"username": "my_email_fan", "firstname": "Asha", "lastname": "Kapoor",
                                     "email": "asha@example.com", "dob": date(1990, 1, 1),
                                     "password": "Monsoon-Reels-2024", "password_confirm": "Monsoon-Reels-2024"})
    assert (errors, created) == ({"username": auth.USERNAME_TAKEN}, None)
    assert users.get_user("my_email_fan")["email"] == "quicker@example.com"  # only the quicker account exists


def test_a_double_click_does_the_write_once_and_its_second_run_gets_the_result(monkeypatch):
    # In a browser the second click of a double click starts a new run while the first still runs
    # (runner.fastReruns), which re-registered the name ("That username is taken") or re-checked a changed
    # password ("The current password is wrong"). Played here with two threads and a step clock.
    from ui import forms

    monkeypatch.setattr(forms.st, "session_state", {})
    ticks, second_arrived = iter(range(1, 100)), threading.Event()

    def clock():
        if threading.current_thread().name == "second-click":
            second_arrived.set()
        return next(ticks)

    monkeypatch.setattr(forms, "time", SimpleNamespace(monotonic=clock))
    writes, second = [], []

    def first_click_write():
        writes.append("first")
        click = threading.Thread(name="second-click", target=lambda: second.append(
            forms.submit_once("register", lambda: writes.append("second") or "refused: name taken")))
        click.start()
        assert second_arrived.wait(10)  # the second run is now waiting for this one
        return "account created", click

    result, click = forms.submit_once("register", first_click_write)
    click.join(10)
    assert (result, second, writes) == ("account created", [("account created", click)], ["first"])
    # A later submit (not a double click) runs again.
    assert forms.submit_once("register", lambda: "again") == "again"


def test_an_empty_password_form_changes_nothing_and_says_so(empty_db):
    make_user("qa_empty_pw")
    at = open_app("qa_empty_pw", "app_pages/profile.py")
    at = click(at, "Change password")
    assert [w.value for w in at.warning] == [
        "Nothing was changed: type your current password and the new one twice, then click once."]
    assert not at.error and auth.verify_password(PASSWORD, users.login_record("qa_empty_pw")["password_hash"])
