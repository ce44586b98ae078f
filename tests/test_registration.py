"""Registration: each rule shows its message under its field and creates nothing; a valid form creates a
`user` account with a bcrypt hash and logs it in."""
import threading
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from core import accounts, auth, validation
from db import fetch_all, fetch_one, users
from tests.accounts_helpers import click, error_under, field, make_user
from tests.apptest import open_app, scripts, texts
from ui.cards import md

GOOD = {
    "Username": "asha.k", "First name": "Asha", "Last name": "Kapoor", "Email": "asha@example.com",
    "Password": "Monsoon-Reels-2024", "Repeat the password": "Monsoon-Reels-2024",
}
GOOD_DOB = date(1992, 3, 14)


def submit(changes: dict | None = None, dob: date | None = GOOD_DOB):
    at = open_app(page="app_pages/register.py")
    for label, value in {**GOOD, **(changes or {})}.items():
        field(at, label).set_value(value)
    at.date_input[0].set_value(dob)
    return click(at, "Create account")


def users_count() -> int:
    return fetch_one("SELECT COUNT(*) AS n FROM users")["n"]


CASES = [
    ({"Username": ""}, "Choose a username."),
    ({"Username": "ab"}, "A username has 3-50 characters"),
    ({"Username": "asha k"}, "A username has 3-50 characters"),
    ({"Username": "<script>"}, "A username has 3-50 characters"),
    ({"First name": "   "}, "Enter your first name."),
    ({"Email": ""}, "Enter your email address."),
    ({"Email": "asha@example"}, "not a valid email address"),
    ({"Email": "asha example@x.com"}, "not a valid email address"),
    ({"Password": "Short-1", "Repeat the password": "Short-1"}, "Use at least 8 characters."),
    ({"Password": "Password123", "Repeat the password": "Password123"}, "one of the most common passwords"),
    ({"Password": "  password123  ", "Repeat the password": "  password123  "}, "one of the most common passwords"),
    ({"Password": "é" * 37, "Repeat the password": "é" * 37}, "at most 72 bytes"),
    ({"Password": "asha.k", "Repeat the password": "asha.k"}, "Use at least 8 characters."),
    ({"Password": "ASHA.KAPOOR", "Repeat the password": "ASHA.KAPOOR", "Username": "asha.kapoor"},
     "may not be your username"),
    ({"Repeat the password": "Monsoon-Reels-2025"}, "The two passwords differ"),
]


@pytest.mark.parametrize("changes, message", CASES, ids=[m for _, m in CASES])
def test_each_field_rule_is_shown_and_nothing_is_created(empty_db, changes, message):
    at = submit(changes)
    assert not at.exception
    assert message in " ".join(e.value for e in at.error)
    assert "nothing was saved" in texts(at)
    assert message in (error_under(at, next(iter(changes))) or "")
    assert users_count() == 0


@pytest.mark.parametrize("dob", [None, date.today() + timedelta(days=1), date(1899, 12, 31)])
def test_date_of_birth_must_be_given_and_within_1900_to_today(empty_db, dob):
    # The date picker offers only 1900-01-01 .. today and Streamlit drops other values, so a date outside
    # that range arrives as "no date".
    at = submit(dob=dob)
    assert "Enter your date of birth." in " ".join(e.value for e in at.error)
    assert users_count() == 0


@pytest.mark.parametrize("dob, message", [
    (date.today() + timedelta(days=1), "The date of birth cannot be in the future."),
    (date(1899, 12, 31), "The date of birth cannot be before 01 January 1900."),
])
def test_date_of_birth_range_is_checked_on_the_server_too(empty_db, dob, message):
    fields = {"username": "asha.k", "firstname": "Asha", "lastname": "K", "email": "asha@example.com",
              "dob": dob, "password": GOOD["Password"], "password_confirm": GOOD["Password"]}
    assert auth.register(fields) == ({"dob": message}, None)
    assert users_count() == 0


def test_every_problem_is_reported_at_once(empty_db):
    at = submit({"Username": "x", "First name": "", "Email": "nope", "Password": "short",
                 "Repeat the password": "other"}, dob=None)
    expected = {"Username": "A username has", "First name": "Enter your first name.", "Last name": None,
                "Email": "not a valid email", "Date of birth": "Enter your date of birth",
                "Password": "Use at least 8", "Repeat the password": "The two passwords differ"}
    for label, message in expected.items():
        shown = error_under(at, label)
        assert (shown is None) if message is None else (message in shown), (label, shown)
    assert users_count() == 0


def test_username_and_email_are_unique_ignoring_case(empty_db):
    make_user("Asha.K", email="ASHA@Example.com")
    at = submit()
    shown = " ".join(e.value for e in at.error)
    assert "That username is taken" in shown
    assert "An account with this email already exists" in shown
    assert users_count() == 1


def test_a_valid_form_creates_a_user_with_a_bcrypt_hash_and_logs_in(empty_db):
    at = submit({"First name": "  Asha  ", "Last name": "<script>alert('x')</script>"})
    assert not at.exception
    row = fetch_one("SELECT * FROM users")
    assert row["username"] == "asha.k" and row["role"] == "user" and row["firstname"] == "Asha"
    assert row["lastname"] == "<script>alert('x')</script>"  # stored as typed, shown as text only
    assert row["dob"] == GOOD_DOB
    assert row["password_hash"].startswith("$2b$12$") and len(row["password_hash"]) == 60
    assert "Monsoon" not in row["password_hash"]
    # Logged in at once: the sidebar names the user and the logged-in pages exist.
    # Names go into Markdown escaped (a name like _x_ must not turn italic): the source is md(name).
    assert f"Logged in as **{md('asha.k')}** (user)" in [c.value for c in at.sidebar.caption]
    assert any(f"Welcome to StreamSync, {md('asha.k')}" in str(t.value) for t in at.toast)
    assert fetch_all("SELECT username FROM user_sessions") == [{"username": "asha.k"}]


def test_script_in_a_name_is_shown_as_text_on_the_profile(empty_db):
    submit({"Last name": "<script>alert('x')</script>"})
    at = open_app("asha.k", page="app_pages/profile.py")
    assert field(at, "Last name").value == "<script>alert('x')</script>"
    assert all("alert" not in body for body in scripts(at))


def test_too_long_values_are_refused_even_if_the_browser_limit_is_bypassed(empty_db):
    # The inputs stop typing at the limit (max_chars); the server checks again for crafted requests.
    fields = {"username": "a" * 51, "firstname": "F" * 101, "lastname": "L" * 101,
              "email": "a" * 250 + "@x.com", "dob": GOOD_DOB, "password": GOOD["Password"],
              "password_confirm": GOOD["Password"]}
    errors, created = auth.register(fields)
    assert created is None
    assert errors == {"username": validation.username_error("a" * 51),
                      "firstname": "The first name may be at most 100 characters (this one has 101).",
                      "lastname": "The last name may be at most 100 characters (this one has 101).",
                      "email": "An email address may be at most 254 characters."}
    assert users_count() == 0


def test_the_rules_match_the_database_checks():
    # The form and the users table CHECKs must agree, or a valid form could hit a database error.
    assert validation.username_error("a.b_c-d") is None
    assert validation.email_error("x@y.z") is None
    assert validation.dob_error(date(1900, 1, 1), date.today()) is None


# --- hostile input and stale state (accounts QA pass) --------------------
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


def test_a_username_taken_during_registration_is_reported_under_the_username(empty_db, monkeypatch):
    # Another person registers the same name (in another case) between the check and the insert; the name
    # contains "email", which once sent the database's message to the email field.
    hash_password = auth.hash_password

    def someone_is_quicker(password):
        accounts.create_account("MY_EMAIL_FAN", firstname="Quick", lastname="Er", email="quicker@example.com",
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
