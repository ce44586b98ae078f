"""Issue 14, parts 4 and 6, against the real server with real threads: a burst of parallel logins gets no
more guesses than the free ones, and 50 people rating one title at once are never refused and leave the
average exact."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal

import bcrypt

from core import auth, reviews
from db import execute, fetch_all, fetch_one, transaction
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


# Part 6, more scenarios: other writers of the same titles' reviews while people rate. Each test counts what a
# user would notice (a write refused as busy, or any other error than the expected one) and the retries a
# deadlock cost (the log's "retrying transaction after error 1213"), and checks every title's figures against
# AVG/COUNT over its reviews afterwards.

def _films(*titles: str, year: int = 2001) -> list[int]:
    with transaction("admin") as conn:
        return [execute(conn, "INSERT INTO media (title, media_type, release_year) VALUES (:t, 'Movie', :y)",
                        t=t, y=year).lastrowid for t in titles]


def _figures_match_reviews() -> list[dict]:
    """Titles whose stored average or counts differ from AVG/COUNT over their reviews (none when exact)."""
    return fetch_all("""SELECT m.media_id, m.average_rating, m.rating_count, r.average, r.rated
                          FROM media m LEFT JOIN (SELECT media_id, ROUND(AVG(rating), 1) AS average,
                                                         COUNT(rating) AS rated, COUNT(*) AS reviewed
                                                    FROM reviews GROUP BY media_id) r ON r.media_id = m.media_id
                         WHERE NOT (m.average_rating <=> r.average) OR m.rating_count <> COALESCE(r.rated, 0)
                            OR m.review_count <> COALESCE(r.reviewed, 0)""")


def _guarded(call) -> list[str]:
    """call(); what a user would see go wrong, as text (nothing when it worked)."""
    try:
        call()
    except DataRuleError as exc:
        return [str(exc)]
    except Exception as exc:  # a deadlock or a driver error reaching the page is as bad as a refusal
        return [f"{type(exc).__name__}: {exc}"]
    return []


def _deadlock_retries(caplog) -> int:
    return sum("after error 1213" in r.getMessage() or "after error 1205" in r.getMessage() for r in caplog.records)


def test_50_raters_while_a_moderator_deletes_and_hides_reviews_and_an_admin_deletes_reviewers(empty_db, caplog):
    """Raters save, log with a rating and delete their reviews of one title while a moderator deletes and hides
    other people's reviews of it and an admin deletes accounts that reviewed it: nobody is refused, no deadlock
    is even retried, and the title's figures are exact."""
    from core import admin_users, moderation, watching
    caplog.set_level("WARNING", logger="streamsync.db")
    [media_id, other_id] = _films("Contested Premiere", "Side Film")
    make_user("boss", role="admin")
    make_user("mod", role="moderator")
    raters = [make_user(f"rater{i:02d}") for i in range(RATERS)]
    earlier = [make_user(f"early{i:02d}") for i in range(30)]
    for i, name in enumerate(earlier):
        reviews.save_review(name, media_id, 1 + i % 10, f"early take {i}")
        reviews.save_review(name, other_id, 1 + (i * 3) % 10, "")
    review_ids = [r["review_id"] for r in fetch_all(
        "SELECT review_id FROM reviews WHERE media_id = :m ORDER BY review_id", m=media_id)]

    def rate(i: int) -> list[str]:
        refused = []
        for step, rating in enumerate([3, None, 7, 8, None, 1 + (i * 7) % 10]):
            if rating is None:
                refused += _guarded(lambda: reviews.delete_review(raters[i], media_id))
            elif step == 2:  # logging the film with a rating saves the review in the same transaction
                refused += _guarded(lambda r=rating: watching.log_film(raters[i], media_id, None, r, "seen it"))
            else:
                refused += _guarded(lambda r=rating, s=step: reviews.save_review(raters[i], media_id, r, f"take {s}"))
        return refused

    def moderate() -> list[str]:
        refused = []
        for n, review_id in enumerate(review_ids[:20]):
            if n % 2:
                refused += _guarded(lambda r=review_id: moderation.hide_review("mod", r, "spoilers"))
            else:
                refused += _guarded(lambda r=review_id: moderation.delete_review("mod", r))
        return refused

    def delete_reviewers() -> list[str]:
        return [r for name in earlier[20:] for r in _guarded(lambda n=name: admin_users.delete_user("boss", n))]

    results = in_parallel([lambda i=i: rate(i) for i in range(RATERS)] + [moderate, delete_reviewers])
    refused = [r for result in results for r in result]
    assert not refused, f"{len(refused)} of {RATERS * 6 + 30} writes refused: {refused[0]}"
    assert _figures_match_reviews() == []
    finals = [1 + (i * 7) % 10 for i in range(RATERS)] + [1 + i % 10 for i in range(1, 20, 2)]  # + the hidden
    title = fetch_one("SELECT average_rating, rating_count FROM media WHERE media_id = :m", m=media_id)
    exact = (Decimal(sum(finals)) / len(finals)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert (title["average_rating"], title["rating_count"]) == (exact, len(finals))
    assert _deadlock_retries(caplog) == 0


def _diary(films: list[tuple[str, int]], stars: float) -> bytes:
    """A Letterboxd diary.csv: each film watched on a day, with a rating in stars (half stars allowed)."""
    lines = ["Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date"]
    lines += [f"2024-01-{1 + n % 28:02d},{title},{year},https://boxd.it/x{n},{stars},,,2024-01-{1 + n % 28:02d}"
              for n, (title, year) in enumerate(films)]
    return "\n".join(lines).encode()


def test_history_imports_and_raters_of_the_same_titles_in_opposite_orders(empty_db, caplog):
    """Letterboxd diaries (a watch and a rating of each film, many titles per transaction) are imported while
    other people log and rate the same films one by one, half of them in the opposite order: nobody is
    refused, no deadlock is retried, every title's figures are exact."""
    from core import watching
    from core.history_import import preview as preview_mod
    from core.history_import import read_upload
    from core.history_import.commit import commit
    caplog.set_level("WARNING", logger="streamsync.db")
    names = [f"Shared Film {n:02d}" for n in range(12)]
    ids = _films(*names, year=2010)
    importers = [make_user(f"importer{i}") for i in range(6)]
    raters = [make_user(f"rater{i:02d}") for i in range(40)]
    diaries = {name: _diary([(t, 2010) for t in (names if i % 2 else names[::-1])], 1 + i % 5)
               for i, name in enumerate(importers)}
    previews = {name: preview_mod.build(read_upload("diary.csv", data), name) for name, data in diaries.items()}

    def import_diary(name: str) -> list[str]:
        report = commit(previews[name], "diary.csv", diaries[name])
        return [report.stopped] if report.stopped else []

    def rate(i: int) -> list[str]:
        order = ids if i % 2 else ids[::-1]
        refused = []
        for n, media_id in enumerate(order[:6]):
            rating = 1 + (i + n) % 10
            if n % 2:
                refused += _guarded(lambda m=media_id, r=rating: reviews.save_review(raters[i], m, r, ""))
            else:
                refused += _guarded(lambda m=media_id, r=rating: watching.log_film(raters[i], m, None, r))
        return refused

    results = in_parallel([lambda n=n: import_diary(n) for n in importers] + [lambda i=i: rate(i) for i in range(40)])
    refused = [r for result in results for r in result]
    assert not refused, f"{len(refused)} writes refused: {refused[0]}"
    assert fetch_one("SELECT COUNT(*) AS n FROM reviews WHERE username LIKE 'importer%'")["n"] == 6 * len(names)
    assert _figures_match_reviews() == []
    assert _deadlock_retries(caplog) == 0


def test_a_merge_of_two_titles_while_people_rate_both(empty_db, caplog):
    """A moderator merges a duplicate into its survivor while 40 people rate both: no write is refused as busy
    (rating the duplicate after it is gone is refused as a missing title, which it is), the survivor's figures
    are exact, and everyone who rated both keeps one review."""
    from core import merge
    caplog.set_level("WARNING", logger="streamsync.db")
    survivor, duplicate = _films("Twice Listed", "Twice Listed (copy)")
    make_user("mod", role="moderator")
    raters = [make_user(f"rater{i:02d}") for i in range(40)]
    for i, name in enumerate(raters[:20]):
        reviews.save_review(name, duplicate, 1 + i % 10, "")

    def rate(i: int) -> list[str]:
        refused = []
        for media_id in ((survivor, duplicate) if i % 2 else (duplicate, survivor)):
            refused += _guarded(lambda m=media_id: reviews.save_review(raters[i], m, 1 + i % 10, ""))
        return [r for r in refused if "busy" in r.lower() or "Error" in r]

    def merge_them() -> list[str]:
        return _guarded(lambda: merge.merge_titles("mod", survivor, duplicate))

    results = in_parallel([lambda i=i: rate(i) for i in range(40)] + [merge_them])
    refused = [r for result in results for r in result]
    assert not refused, f"{len(refused)} writes refused: {refused[0]}"
    assert fetch_one("SELECT COUNT(*) AS n FROM media WHERE media_id = :d", d=duplicate)["n"] == 0
    assert fetch_one("SELECT COUNT(*) AS n FROM reviews WHERE media_id = :s", s=survivor)["n"] == 40
    assert _figures_match_reviews() == []
    assert _deadlock_retries(caplog) == 0
