"""Login: bcrypt, the same answer for unknown users and wrong passwords (also once throttled), five free
failures then doubling waits per name and per client (on an injected clock), an admin's lock, last_login_at,
logout, and no secret in any log."""
import logging
from datetime import datetime, timedelta

import bcrypt

from core import admin_users, auth
from core.demo_data import DEMO_PASSWORD
from db import engine, execute, fetch_all, fetch_one, statement_counter, transaction
from tests.accounts_helpers import PASSWORD, click, field, fill_login, make_user
from tests.apptest import open_app, texts
from ui import session
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


def throttle_rows():
    return {r["throttle_key"]: r["failures"] for r in fetch_all("SELECT * FROM login_throttle")}


def test_five_failures_then_waits_that_double_on_an_injected_clock(empty_db):
    make_user("meera")
    for second in range(5):
        assert auth.login("meera", "wrong-guess", now=T0 + timedelta(seconds=second)).message == auth.WRONG_CREDENTIALS
    last = T0 + timedelta(seconds=4)
    # The sixth try waits 30 s from the fifth failure, even with the right password, and counts nothing.
    sixth = auth.login("meera", PASSWORD, now=last + timedelta(seconds=10))
    assert not sixth.ok
    assert sixth.message == auth.wait_message(last + timedelta(seconds=30), last + timedelta(seconds=10))
    assert "wait 20 seconds" in sixth.message
    assert throttle_rows() == {"account:meera": 5}
    # After the wait one more guess; a wrong one doubles the next wait to a minute.
    later = last + timedelta(seconds=30)
    assert auth.login("meera", "wrong-guess", now=later).message == auth.WRONG_CREDENTIALS
    assert "wait 60 seconds" in auth.login("meera", PASSWORD, now=later).message
    # The right password after the wait logs in and forgets the failures.
    assert auth.login("meera", PASSWORD, now=later + timedelta(seconds=60)).ok
    assert throttle_rows() == {}
    assert user_row("meera")["locked_until"] is None  # the throttle never locks the account itself


def test_the_waits_stop_growing_at_15_minutes_and_a_quiet_day_forgets_them(empty_db):
    assert [auth.delay_after(n, 5).total_seconds() for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]
    make_user("meera")
    for _ in range(5):
        auth.login("meera", "wrong-guess", now=T0)
    assert auth.login("meera", "wrong-guess", now=T0 + timedelta(seconds=29)).message != auth.WRONG_CREDENTIALS
    next_day = T0 + timedelta(hours=24)
    for _ in range(5):  # a fresh count: five free guesses again
        assert auth.login("meera", "wrong-guess", now=next_day).message == auth.WRONG_CREDENTIALS


def test_a_real_account_and_an_unknown_name_answer_alike_through_the_throttle(empty_db):
    make_user("meera")
    real = [auth.login("meera", "wrong-guess", now=T0 + timedelta(seconds=i)).message for i in range(7)]
    unknown = [auth.login("nobody", "wrong-guess", now=T0 + timedelta(seconds=i)).message for i in range(7)]
    assert real == unknown
    assert real[:5] == [auth.WRONG_CREDENTIALS] * 5 and real[5].startswith("Too many failed logins")


def test_an_admin_lock_is_named_only_to_whoever_typed_the_right_password(empty_db):
    make_user("meera")
    with transaction("someone") as conn:
        execute(conn, "UPDATE users SET locked_until = '9999-12-31 23:59:59' WHERE username = 'meera'")
    assert auth.login("meera", "wrong-guess", now=T0) == auth.LoginResult(None, auth.WRONG_CREDENTIALS)
    assert auth.login("meera", PASSWORD, now=T0) == auth.LoginResult(None, auth.ADMIN_LOCKED)


def test_a_good_login_gives_the_names_failures_back(empty_db):
    make_user("meera")
    for second in range(4):
        auth.login("meera", "wrong-guess", now=T0 + timedelta(seconds=second))
    assert auth.login("meera", PASSWORD, now=T0 + timedelta(seconds=5)).ok
    for second in range(5):
        answer = auth.login("meera", "wrong-guess", now=T0 + timedelta(seconds=6 + second))
        assert answer.message == auth.WRONG_CREDENTIALS


def test_one_client_guessing_many_names_waits_and_other_clients_do_not(empty_db):
    make_user("meera")
    for i in range(auth.CLIENT_FREE_FAILURES):  # four guesses each at five names: no name is throttled yet
        answer = auth.login(f"name{i // 4}", "wrong-guess", client="203.0.113.5", now=T0)
        assert answer.message == auth.WRONG_CREDENTIALS
    assert auth.login("meera", PASSWORD, client="203.0.113.5", now=T0).message.startswith("Too many failed logins")
    assert auth.login("meera", PASSWORD, client="198.51.100.7", now=T0).ok


def test_a_stranger_cannot_hold_the_owner_out_for_long(empty_db):
    """The guesser's five failures cost the owner 30 seconds, not 15 minutes, and the guesser's tries during
    the wait change nothing."""
    make_user("meera")
    for _ in range(5):
        auth.login("meera", "wrong-guess", client="203.0.113.5", now=T0)
    for second in range(1, 30):
        auth.login("meera", "wrong-guess", client="203.0.113.5", now=T0 + timedelta(seconds=second))
    assert auth.login("meera", PASSWORD, client="198.51.100.7", now=T0 + timedelta(seconds=30)).ok


def test_an_admins_unlock_lifts_the_wait(empty_db):
    make_user("meera")
    admin = make_user("boss", role="admin")
    for _ in range(5):
        auth.login("meera", "wrong-guess")
    assert not auth.login("meera", PASSWORD).ok
    admin_users.unlock_user(admin, "MEERA")
    assert auth.login("meera", PASSWORD).ok


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


def test_login_page_says_how_long_to_wait_and_lets_in_after_it(empty_db, monkeypatch):
    make_user("meera")
    at = open_app(page="app_pages/login.py")
    for _ in range(5):
        at = fill_login(at, "meera", "wrong-guess")
        assert [e.value for e in at.error] == [auth.WRONG_CREDENTIALS]
    at = fill_login(at, "meera", PASSWORD)
    assert "Too many failed logins" in at.error[0].value and "session_token" not in at.session_state

    later = datetime.now() + timedelta(seconds=31)
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
        auth.login("leak.check", "wrong-guess")  # five failures: the name now waits, which is logged
    errors, _ = auth.change_password("leak.check", PASSWORD, "Another-Long-Secret-9", "Another-Long-Secret-9", token)
    assert errors == {}
    stored = user_row("leak.check")["password_hash"]
    log_rows = " ".join(str(r["change_details"]) for r in fetch_all("SELECT change_details FROM activity_log"))
    assert "leak.check" in log_rows and "password_changed" in log_rows  # the log is there...
    for secret in (stored, "$2b$", token, PASSWORD, "Another-Long-Secret-9"):
        assert secret not in log_rows  # ...without any secret
        assert secret not in caplog.text
    assert "failed logins for the name 'leak.check'" in caplog.text  # logged by name only
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


def test_the_published_demo_password_must_be_changed_when_others_can_reach_the_instance(empty_db, monkeypatch):
    for name in ("on_demo_pw", "own_pw", "local_demo"):
        make_user(name, password=DEMO_PASSWORD if name != "own_pw" else PASSWORD)
    assert auth.login("on_demo_pw", DEMO_PASSWORD, exposed=True).ok
    assert auth.login("own_pw", PASSWORD, exposed=True).ok
    assert auth.login("local_demo", DEMO_PASSWORD, exposed=False).ok
    flags = {r["username"]: r["must_change_password"]
             for r in fetch_all("SELECT username, must_change_password FROM users")}
    assert flags == {"on_demo_pw": 1, "own_pw": 0, "local_demo": 0}
    logged = fetch_one("SELECT username, change_details FROM activity_log WHERE record_id = 'on_demo_pw' "
                       "AND operation = 'UPDATE' ORDER BY log_id DESC LIMIT 1")
    assert logged["username"] is None and "demo password" in logged["change_details"]

    # Through the login page of an instance listening on every interface: only the password form opens.
    monkeypatch.setattr(session, "ENVIRON", {"STREAMSYNC_ADDRESS": "0.0.0.0"})
    at = fill_login(open_app(page="app_pages/login.py"), "local_demo", DEMO_PASSWORD)
    assert not at.exception
    assert any("demo password the README publishes" in w.value for w in at.warning)
    assert [t.label for t in at.tabs][:2] == ["Details", "Password"]


def test_an_instance_is_reachable_from_the_network_by_its_address_or_a_remote_client(monkeypatch):
    monkeypatch.setattr(session, "ENVIRON", {})
    assert not session.reachable_from_network(None)
    assert not session.reachable_from_network("127.0.0.1")
    assert session.reachable_from_network("192.168.1.20")
    monkeypatch.setattr(session, "ENVIRON", {"STREAMSYNC_ADDRESS": "0.0.0.0"})
    assert session.reachable_from_network(None)


SPELLINGS = ["Meera", "meera ", " MEERA", "\uff4d\uff45\uff45\uff52\uff41", "\uff2d\uff25\uff25\uff32\uff21 ",
             "m\u00e9era", "me\u200bera", "meera\u200b", "m\u0065\u0301era", "meer\u00e1", "meera\t"]


def test_no_spelling_of_a_name_gets_fresh_guesses_at_its_account(empty_db):
    """Case, spaces, fullwidth letters, accents and invisible characters all reach 'meera' through the column's
    collation; none may start a count of its own: five guesses over all of them, then the owner waits too."""
    make_user("meera")
    for i, name in enumerate(SPELLINGS):
        answer = auth.login(name, "wrong-guess", now=T0 + timedelta(seconds=i))
        expected = auth.WRONG_CREDENTIALS if i < auth.ACCOUNT_FREE_FAILURES else "Too many failed logins"
        assert answer.message.startswith(expected) or not auth.validation.USERNAME_RE.fullmatch(
            auth.login_name(name)), (name, answer.message)
    assert auth.login("meera", PASSWORD, now=T0 + timedelta(seconds=20)).message.startswith("Too many failed")
    # A spelling that is no account's shape never opens the account, even with the right password.
    later = T0 + timedelta(days=2)
    for name in ("m\u00e9era", "me\u200bera", "meera\u200b", "meer\u00e1", "x" * 5000):
        assert auth.login(name, PASSWORD, now=later).message == auth.WRONG_CREDENTIALS, name
    assert auth.login("\uff2d\uff45\uff45\uff52\uff41", PASSWORD, now=later).ok  # fullwidth is the same name


def test_a_clients_spellings_of_one_address_share_one_count(empty_db):
    """'::ffff:203.0.113.5' is 203.0.113.5, and every address of one IPv6 /64 is one subscriber's."""
    assert auth.client_key("::ffff:203.0.113.5") == auth.client_key(" 203.0.113.5") == "203.0.113.5"
    assert auth.client_key("2001:db8:1:2::1") == auth.client_key("2001:0db8:0001:0002:ffff::9") == "2001:db8:1:2::/64"
    for i in range(auth.CLIENT_FREE_FAILURES):
        auth.login(f"name{i // 4}", "wrong-guess", client=f"2001:db8:1:2::{i + 1:x}", now=T0)
    assert auth.login("other", "wrong-guess", client="2001:db8:1:2::ff", now=T0).message.startswith("Too many")
    assert auth.login("other", "wrong-guess", client="2001:db8:1:3::1", now=T0).message == auth.WRONG_CREDENTIALS


def test_the_fifth_failure_costs_the_same_statements_for_a_real_and_an_unknown_name(empty_db):
    """The fifth failure of a real name writes a note to the activity log; an unknown name runs the same
    statements (writing nothing), so the time of the answer does not tell which names exist."""
    make_user("meera")
    counts = {}
    for name in ("meera", "nobody"):
        with statement_counter.measure() as m:
            for i in range(auth.ACCOUNT_FREE_FAILURES + 1):
                auth.login(name, "wrong-guess", now=T0 + timedelta(seconds=i))
        counts[name] = m.statements
    assert counts["meera"] == counts["nobody"]
    logged = fetch_all("SELECT record_id FROM activity_log WHERE username IS NULL AND table_name = 'users'")
    assert [r["record_id"] for r in logged] == ["meera"]
