"""Profile: edit details (same rules as registration), change the password (needs the current one), and
delete the account (type the username; the last admin cannot). The page reads in a fixed few statements."""
from datetime import date

import pytest

from core import accounts, admin_users, auth, moderation, reviews, sessions
from db import execute, fetch_one, statement_counter, transaction, users
from db.engine import scalar
from db.errors import DataRuleError
from tests.accounts_helpers import PASSWORD, click, error_under, field, make_user
from tests.apptest import open_app, texts
from tests.catalog_helpers import add_title
from ui.cards import md

NEW = "Fresh-Monsoon-77"


def profile(username):
    return open_app(username, page="app_pages/profile.py")


def test_profile_shows_my_details(empty_db):
    at = profile(make_user("kiran"))
    assert not at.exception
    assert field(at, "First name").value == "Test" and field(at, "Email").value == "kiran@example.com"
    assert at.date_input[0].value == date(1990, 1, 1)


def test_editing_details_saves_them(empty_db):
    at = profile(make_user("kiran"))
    field(at, "First name").set_value("  Kiran ")
    field(at, "Last name").set_value("Rao <b>bold</b>")
    field(at, "Email").set_value("Kiran.Rao@Example.com")
    at.date_input[0].set_value(date(1985, 7, 9))
    at = click(at, "Save details")
    assert "Your details are saved." in [s.value for s in at.success]
    row = users.get_user("kiran")
    assert (row["firstname"], row["lastname"], row["email"], row["dob"]) == (
        "Kiran", "Rao <b>bold</b>", "Kiran.Rao@Example.com", date(1985, 7, 9))


def test_editing_details_checks_every_field_and_saves_nothing_wrong(empty_db):
    make_user("taken", email="taken@example.com")
    at = profile(make_user("kiran"))
    field(at, "First name").set_value("")
    field(at, "Email").set_value("TAKEN@example.com")
    at = click(at, "Save details")
    assert error_under(at, "First name") == "Enter your first name."
    assert "Another account uses this email" in error_under(at, "Email")
    assert users.get_user("kiran")["email"] == "kiran@example.com"
    field(at, "First name").set_value("Kiran")
    field(at, "Email").set_value("not-an-email")
    at = click(at, "Save details")
    assert "not a valid email" in error_under(at, "Email")
    assert users.get_user("kiran")["firstname"] == "Test"


def test_keeping_my_own_email_in_another_case_is_fine(empty_db):
    at = profile(make_user("kiran"))
    field(at, "Email").set_value("KIRAN@example.com")
    assert "Your details are saved." in [s.value for s in click(at, "Save details").success]


def test_changing_the_password_needs_the_current_one(empty_db):
    at = profile(make_user("kiran"))
    field(at, "Current password").set_value("not-my-password")
    field(at, "New password").set_value(NEW)
    field(at, "Repeat the new password").set_value(NEW)
    at = click(at, "Change password")
    assert "current password is wrong" in error_under(at, "Current password")
    assert auth.login("kiran", PASSWORD).ok


@pytest.mark.parametrize("new, repeat, label, message", [
    ("short", "short", "New password", "Use at least 8 characters."),
    ("iloveyou1", "iloveyou1", "New password", "most common passwords"),
    (PASSWORD, PASSWORD, "New password", "must differ from the current one"),
    (NEW, NEW + "x", "Repeat the new password", "The two passwords differ"),
])
def test_the_new_password_follows_the_rules(empty_db, new, repeat, label, message):
    at = profile(make_user("kiran"))
    field(at, "Current password").set_value(PASSWORD)
    field(at, "New password").set_value(new)
    field(at, "Repeat the new password").set_value(repeat)
    at = click(at, "Change password")
    assert message in (error_under(at, label) or "")
    assert auth.login("kiran", PASSWORD).ok


def test_a_password_change_logs_out_my_other_sessions(empty_db):
    make_user("kiran")
    elsewhere = sessions.create_session("kiran", "phone")
    at = profile("kiran")
    field(at, "Current password").set_value(PASSWORD)
    field(at, "New password").set_value(NEW)
    field(at, "Repeat the new password").set_value(NEW)
    at = click(at, "Change password")
    assert "Your password is changed. 1 other session logged out." in [s.value for s in at.success]
    assert sessions.user_for_token(elsewhere) is None
    assert sessions.user_for_token(at.session_state["session_token"])["username"] == "kiran"
    assert fetch_one("SELECT password_hash FROM users")["password_hash"].startswith("$2b$12$")
    assert auth.login("kiran", NEW).ok and not auth.login("kiran", PASSWORD).ok


def test_after_an_admin_reset_the_new_password_opens_the_app(empty_db):
    make_user("kiran")
    accounts.create_account("root_admin", firstname="R", lastname="A", email="ra@example.com", dob=None,
                      password_hash=auth.hash_password(PASSWORD), role="admin")
    with transaction("root_admin") as conn:
        execute(conn, "UPDATE users SET must_change_password = 1 WHERE username = 'kiran'")
    at = open_app("kiran")
    field(at, "Current password").set_value(PASSWORD)
    field(at, "New password").set_value(NEW)
    field(at, "Repeat the new password").set_value(NEW)
    at = click(at, "Change password")
    assert not at.warning  # the reset notice is gone
    assert users.get_user("kiran")["must_change_password"] == 0
    at.switch_page("app_pages/home.py")  # the whole app is routable again


def test_deleting_my_account_needs_my_username(empty_db):
    at = profile(make_user("kiran"))
    field(at, "Type your username (kiran) to confirm").set_value("kiran2")
    at = click(at, "Delete my account")
    assert "does not match; nothing was deleted" in " ".join(e.value for e in at.error)
    assert users.get_user("kiran") is not None


def test_deleting_my_account_removes_it_and_logs_me_out(empty_db):
    make_user("kiran")
    other = sessions.create_session("kiran", "phone")
    at = profile("kiran")
    field(at, "Type your username (kiran) to confirm").set_value("KIRAN")
    at = click(at, "Delete my account")
    assert users.get_user("kiran") is None
    assert sessions.user_for_token(other) is None
    assert "session_token" not in at.session_state
    assert "Log in" in [b.label for b in at.button]
    assert any("Your account is deleted" in str(t.value) for t in at.toast)


def test_the_last_admin_cannot_delete_their_account(empty_db):
    at = profile(make_user("lone_admin", role="admin"))
    field(at, f"Type your username ({md('lone_admin')}) to confirm").set_value("lone_admin")
    at = click(at, "Delete my account")
    refusal = "You are the last admin who can log in: make another user an admin (or unlock one) first."
    assert md(refusal) in [e.value for e in at.error]  # as every refusal: escaped, so it shows as written
    assert users.get_user("lone_admin") is not None
    # Another admin who is locked out cannot run the instance either: still refused.
    make_user("next_admin", role="admin")
    admin_users.lock_user("lone_admin", "next_admin")
    with pytest.raises(DataRuleError, match="last admin who can log in"):
        accounts.delete_own_account("lone_admin")
    admin_users.unlock_user("lone_admin", "next_admin")
    accounts.delete_own_account("lone_admin")
    assert users.get_user("lone_admin") is None


def test_profile_render_uses_a_fixed_small_number_of_statements(empty_db):
    make_user("kiran")
    for i in range(5):
        sessions.create_session("kiran", f"device {i}")
    at = profile("kiran")
    with statement_counter.measure() as m:
        at.run()
    assert not at.exception and "5 other sessions." in texts(at)
    assert m.statements <= 5, m.statements


def test_the_sessions_tab_names_each_device_and_marks_this_one(empty_db):
    make_user("kiran")
    sessions.create_session("kiran", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 "
                                      "Firefox/133.0")
    at = profile("kiran")
    frame = next(d.value for d in at.dataframe if "Browser" in d.value.columns)
    assert sorted(frame[""]) == ["", "This device"]
    firefox = frame[frame["Browser"] == "Firefox 133"].iloc[0]
    assert (firefox["System"], firefox["Device"], firefox[""]) == ("Windows 10", "Desktop", "")


# --- hostile input and stale state (accounts QA pass) --------------------
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


def test_an_empty_password_form_changes_nothing_and_says_so(empty_db):
    make_user("qa_empty_pw")
    at = open_app("qa_empty_pw", "app_pages/profile.py")
    at = click(at, "Change password")
    assert [w.value for w in at.warning] == [
        "Nothing was changed: type your current password and the new one twice, then click once."]
    assert not at.error and auth.verify_password(PASSWORD, users.login_record("qa_empty_pw")["password_hash"])
