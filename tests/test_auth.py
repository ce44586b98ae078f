"""Login: bcrypt, the same answer for unknown users and wrong passwords, lockout after five failures in
15 minutes and its end (on an injected clock), last_login_at, logout, and no secret in any log."""
import logging
from datetime import datetime, timedelta

import bcrypt

from core import auth
from db import engine, execute, fetch_all, fetch_one, transaction
from tests.accounts_helpers import PASSWORD, click, field, fill_login, make_user
from tests.apptest import open_app, texts
from ui.cards import md

T0 = datetime(2026, 1, 10, 20, 0, 0)


def user_row(username):
    return fetch_one("SELECT * FROM users WHERE username = :u", u=username)


def test_hash_is_bcrypt_cost_12_and_verifies():
    hashed = auth.hash_password("Monsoon-Reels-2024")
    assert hashed.startswith("$2b$12$") and len(hashed) == 60
    assert auth.verify_password("Monsoon-Reels-2024", hashed)
    assert not auth.verify_password("monsoon-reels-2024", hashed)
    assert not auth.verify_password("x" * 100, hashed)  # over bcrypt's 72 bytes: wrong, not an error


def test_dummy_hash_is_a_real_cost_12_hash():
    assert auth.DUMMY_HASH.startswith(b"$2b$12$")
    assert bcrypt.checkpw(b"anything", auth.DUMMY_HASH) is False


def test_unknown_user_and_wrong_password_get_the_same_answer_and_the_same_bcrypt_work(empty_db, monkeypatch):
    make_user("meera")
    checked = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda pw, h: checked.append(h[:7]) or real(pw, h))
    unknown = auth.login("nobody", "Wrong-Password-1", now=T0)
    wrong = auth.login("meera", "Wrong-Password-1", now=T0)
    assert unknown == wrong == auth.LoginResult(None, auth.WRONG_CREDENTIALS)
    assert checked == [b"$2b$12$", b"$2b$12$"]  # one cost-12 check each: the dummy hash, the real one


def test_login_ignores_username_case_and_records_last_login(empty_db):
    make_user("Meera")
    result = auth.login("  mEERA ", PASSWORD, now=T0)
    assert result == auth.LoginResult("Meera", None)
    assert user_row("Meera")["last_login_at"] == T0


def test_five_failures_within_15_minutes_lock_for_15_minutes(empty_db):
    make_user("meera")
    for minute in range(4):
        assert auth.login("meera", "wrong-guess", now=T0 + timedelta(minutes=minute)).message == auth.WRONG_CREDENTIALS
    fifth = auth.login("meera", "wrong-guess", now=T0 + timedelta(minutes=10))
    assert "locked for 15 more minutes" in fifth.message
    assert user_row("meera")["locked_until"] == T0 + timedelta(minutes=25)
    # The right password does not open a locked account, and says how long is left.
    during = auth.login("meera", PASSWORD, now=T0 + timedelta(minutes=20))
    assert not during.ok and "locked for 5 more minutes" in during.message
    # When the lock has run out, the right password works and the counters start again.
    after = auth.login("meera", PASSWORD, now=T0 + timedelta(minutes=25, seconds=1))
    assert after.ok
    row = user_row("meera")
    assert (row["failed_logins"], row["first_failed_at"], row["locked_until"]) == (0, None, None)


def test_failures_spread_over_more_than_15_minutes_do_not_lock(empty_db):
    make_user("meera")
    for i in range(8):
        result = auth.login("meera", "wrong-guess", now=T0 + timedelta(minutes=4 * i))
        assert result.message == auth.WRONG_CREDENTIALS, i
    assert user_row("meera")["locked_until"] is None


def test_an_admin_lock_says_so_instead_of_counting_minutes(empty_db):
    make_user("meera")
    with transaction("someone") as conn:
        execute(conn, "UPDATE users SET locked_until = '9999-12-31 23:59:59' WHERE username = 'meera'")
    result = auth.login("meera", PASSWORD, now=T0)
    assert result == auth.LoginResult(None, "This account is locked by an admin. Ask an admin to unlock it.")


def test_a_good_login_resets_the_failure_count(empty_db):
    make_user("meera")
    for minute in range(4):
        auth.login("meera", "wrong-guess", now=T0 + timedelta(minutes=minute))
    assert auth.login("meera", PASSWORD, now=T0 + timedelta(minutes=5)).ok
    for minute in range(4):
        auth.login("meera", "wrong-guess", now=T0 + timedelta(minutes=6 + minute))
    assert user_row("meera")["locked_until"] is None


def test_login_page_logs_in_and_the_sidebar_logs_out(empty_db):
    make_user("meera")
    at = fill_login(open_app(page="app_pages/login.py"), "Meera", PASSWORD)
    assert not at.exception
    assert "Logged in as **meera** (user)" in [c.value for c in at.sidebar.caption]
    assert any("Welcome back, meera" in str(t.value) for t in at.toast)
    token = at.session_state["session_token"]
    assert fetch_one("SELECT COUNT(*) AS n FROM user_sessions")["n"] == 1

    next(b for b in at.sidebar.button if b.label == "Log out").click()
    at.run()
    assert "session_token" not in at.session_state and "user" not in at.session_state
    assert fetch_one("SELECT COUNT(*) AS n FROM user_sessions")["n"] == 0
    assert "Log in" in [b.label for b in at.button]  # the landing page again
    assert any("logged out" in str(t.value) for t in at.toast)
    assert token not in texts(at)


def test_login_page_says_the_same_for_unknown_users_and_wrong_passwords(empty_db):
    make_user("meera")
    wrong = fill_login(open_app(page="app_pages/login.py"), "meera", "Wrong-Password-1")
    unknown = fill_login(open_app(page="app_pages/login.py"), "no_such_user", "Wrong-Password-1")
    assert [e.value for e in wrong.error] == [e.value for e in unknown.error] == [auth.WRONG_CREDENTIALS]
    empty = fill_login(open_app(page="app_pages/login.py"), "", "")
    assert [e.value for e in empty.error] == ["Enter both your username and your password."]


def test_login_page_lockout_and_its_end_on_an_injected_clock(empty_db, monkeypatch):
    make_user("meera")
    at = open_app(page="app_pages/login.py")
    for _ in range(5):
        at = fill_login(at, "meera", "wrong-guess")
    assert "locked for 15 more minutes" in at.error[0].value
    at = fill_login(at, "meera", PASSWORD)
    assert "locked for" in at.error[0].value and "session_token" not in at.session_state

    later = datetime.now() + timedelta(minutes=15, seconds=5)
    monkeypatch.setattr(auth, "clock", lambda: later)
    at = fill_login(at, "meera", PASSWORD)
    assert not at.error and at.session_state["session_token"]
    assert user_row("meera")["last_login_at"] == later.replace(microsecond=0)


def test_no_hash_token_or_password_reaches_the_activity_log_or_the_logs(empty_db, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL logging on, as when debugging
    engine.dispose_engine()  # the next engine sees it and logs every statement
    at = open_app(page="app_pages/register.py")
    for label, value in {"Username": "leak.check", "First name": "Leak", "Last name": "Check",
                         "Email": "leak@example.com", "Password": PASSWORD, "Repeat the password": PASSWORD}.items():
        next(t for t in at.text_input if t.label == label).set_value(value)
    at.date_input[0].set_value(datetime(1990, 1, 1).date())
    at = click(at, "Create account")
    token = at.session_state["session_token"]
    for _ in range(5):
        auth.login("leak.check", "wrong-guess")  # locks: an audited change of locked_until
    errors, _ = auth.change_password("leak.check", PASSWORD, "Another-Long-Secret-9", "Another-Long-Secret-9", token)
    assert errors == {}
    stored = user_row("leak.check")["password_hash"]
    log_rows = " ".join(str(r["change_details"]) for r in fetch_all("SELECT change_details FROM activity_log"))
    assert "leak.check" in log_rows and "password_changed" in log_rows  # the log is there...
    for secret in (stored, "$2b$", token, PASSWORD, "Another-Long-Secret-9"):
        assert secret not in log_rows  # ...without any secret
        assert secret not in caplog.text
    assert "locked" in caplog.text  # the lock itself is logged, by name only
    assert "INSERT INTO users" in caplog.text  # and so was the SQL, without its parameters
    engine.dispose_engine()


# --- hostile input and stale state (accounts QA pass) --------------------
def test_a_username_with_underscores_is_shown_as_typed_in_the_sidebar_and_toasts(empty_db):
    make_user("_qa_u_")
    at = open_app(None, "app_pages/login.py")
    field(at, "Username").set_value("_qa_u_")
    field(at, "Password").set_value(PASSWORD)
    at = click(at, "Log in")
    assert f"Logged in as **{md('_qa_u_')}** (user)" in [c.value for c in at.sidebar.caption]
    assert [t.value for t in at.toast] == [md("Welcome back, _qa_u_!")]
