"""Issue 14, parts 4 and 6, against the real server with real threads: a burst of parallel logins gets no
more guesses than the free ones, and 50 people rating one title at once are never refused and leave the
average exact."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal

import bcrypt

from core import auth, reviews
from db import execute, fetch_one, transaction
from db.errors import DataRuleError
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
    assert sorted(a.message.split(": wait")[0] for a in unknown) == sorted(
        a.message.split(": wait")[0] for a in answers)


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


RATERS = 50


def test_50_people_rating_one_title_at_once_are_never_refused_and_the_average_is_exact(empty_db):
    with transaction("admin") as conn:
        media_id = execute(conn, "INSERT INTO media (title, media_type) VALUES ('Crowded Premiere', 'Movie')").lastrowid
    raters = [make_user(f"rater{i:02d}") for i in range(RATERS)]

    def rate(i: int) -> list[str]:
        """Nine writes (three inserts, four updates, two deletes); the last rating stays. Returns refusals."""
        refused = []
        for step, rating in enumerate([1, 2, None, 3, 4, None, 5, 6, 1 + (i * 7) % 10]):
            try:
                if rating is None:
                    reviews.delete_review(raters[i], media_id)
                else:
                    reviews.save_review(raters[i], media_id, rating, f"take {step}")
            except DataRuleError as exc:
                refused.append(str(exc))
        return refused

    refused = [r for result in in_parallel([lambda i=i: rate(i) for i in range(RATERS)]) for r in result]
    assert not refused, f"{len(refused)} of {RATERS * 9} writes refused: {refused[0]}"
    finals = [1 + (i * 7) % 10 for i in range(RATERS)]
    exact = (Decimal(sum(finals)) / RATERS).quantize(Decimal("0.1"), ROUND_HALF_UP)
    title = fetch_one("SELECT average_rating, rating_count FROM media WHERE media_id = :m", m=media_id)
    assert (title["average_rating"], title["rating_count"]) == (exact, RATERS)
