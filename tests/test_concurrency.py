"""Issue 14, parts 4 and 6, against the real server with real threads: a burst of parallel logins gets no
more guesses than the free ones, and 50 people rating one title at once are never refused and leave the
average exact."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import bcrypt

from core import auth
from db import fetch_one
from tests.accounts_helpers import PASSWORD, make_user

BURST = 30


def in_parallel(calls: list) -> list:
    """Run every call at the same moment (a barrier releases them together); their results in order."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def count_checks(monkeypatch, hashed: str) -> list[bytes]:
    """The passwords bcrypt checks against `hashed` from now on (the dummy hash's checks are left out)."""
    checked: list[bytes] = []
    real = bcrypt.checkpw

    def counting(password: bytes, against: bytes) -> bool:
        if against == hashed.encode("ascii"):
            checked.append(password)
        return real(password, against)

    monkeypatch.setattr(bcrypt, "checkpw", counting)
    return checked


def test_30_parallel_wrong_passwords_get_five_guesses_and_the_same_answers_as_an_unknown_name(empty_db, monkeypatch):
    make_user("meera")
    checked = count_checks(monkeypatch, fetch_one("SELECT password_hash FROM users")["password_hash"])
    answers = in_parallel([lambda i=i: auth.login("meera", f"guess-{i}") for i in range(BURST)])
    assert len(checked) == auth.ACCOUNT_FREE_FAILURES
    assert sum(a.message == auth.WRONG_CREDENTIALS for a in answers) == auth.ACCOUNT_FREE_FAILURES
    assert all(a.message.startswith("Too many failed logins") for a in answers
               if a.message != auth.WRONG_CREDENTIALS)

    unknown = in_parallel([lambda i=i: auth.login("nobody", f"guess-{i}") for i in range(BURST)])
    assert sorted(a.message.split(": wait")[0] for a in unknown) == sorted(a.message.split(": wait")[0] for a in answers)


def test_the_right_password_inside_a_burst_of_guesses_does_not_open_more_guesses(empty_db, monkeypatch):
    make_user("meera")
    checked = count_checks(monkeypatch, fetch_one("SELECT password_hash FROM users")["password_hash"])
    guesses = [f"guess-{i}" for i in range(BURST - 1)]
    guesses.insert(BURST // 2, PASSWORD)
    answers = in_parallel([lambda g=g: auth.login("meera", g) for g in guesses])
    assert len(checked) <= auth.ACCOUNT_FREE_FAILURES
    wrong_checked = [c for c in checked if c != PASSWORD.encode()]
    assert len(wrong_checked) <= auth.ACCOUNT_FREE_FAILURES
    assert sum(a.ok for a in answers) <= 1
    # Whether or not the right one got through, the guesses earned their wait: the next one waits.
    if len(wrong_checked) == auth.ACCOUNT_FREE_FAILURES:
        assert auth.login("meera", "guess-x").message.startswith("Too many failed logins")
