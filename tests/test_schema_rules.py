"""Each constraint and guard trigger refuses what it should with a message a user can read; the rating
triggers stay exact; the audit trail names the actor and never holds a password hash."""
from __future__ import annotations

import json

import pytest

import db
from db.errors import DataRuleError

HASH_A = "$2b$04$" + "a" * 53
HASH_B = "$2b$04$" + "b" * 53


def _write(sql: str, actor: str | None = "tester", **params):
    with db.transaction(actor) as conn:
        return db.execute(conn, sql, **params)


def _refused(sql: str, **params) -> str:
    with pytest.raises(DataRuleError) as caught:
        _write(sql, **params)
    return str(caught.value)


def _user(username: str, email: str | None = None, password_hash: str = HASH_A) -> None:
    _write("""INSERT INTO users (username, firstname, lastname, email, password_hash)
              VALUES (:u, 'Test', 'User', :e, :h)""", u=username, e=email or f"{username}@example.com", h=password_hash)


def _title(kind: str = "Movie", title: str = "Lagaan") -> int:
    return _write("INSERT INTO media (title, media_type, release_year) VALUES (:t, :k, 2001)",
                  t=title, k=kind).lastrowid


def _episode(media_id: int, number: int = 1) -> int:
    return _write("""INSERT INTO episodes (media_id, season_number, episode_number, title)
                     VALUES (:m, 1, :n, :t)""", m=media_id, n=number, t=f"Episode {number}").lastrowid


def _review(username: str, media_id: int, rating: int) -> int:
    return _write("INSERT INTO reviews (username, media_id, review_text, rating) VALUES (:u, :m, '', :r)",
                  u=username, m=media_id, r=rating).lastrowid


def _figures(media_id: int) -> tuple:
    row = db.fetch_one("SELECT average_rating, rating_count FROM media WHERE media_id = :m", m=media_id)
    return (None if row["average_rating"] is None else float(row["average_rating"]), row["rating_count"])


# --- constraints ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("email", ["not-an-email", "two@@example.com", "space in@example.com", "nodot@example"])
def test_bad_email_is_refused(empty_db, email):
    message = _refused("""INSERT INTO users (username, firstname, lastname, email, password_hash)
                          VALUES ('asha', 'Asha', 'Rao', :e, :h)""", e=email, h=HASH_A)
    assert message == "That is not a valid email address."


@pytest.mark.parametrize("rating", [0, 11])
def test_rating_outside_one_to_ten_is_refused(empty_db, rating):
    _user("asha")
    media_id = _title()
    message = _refused("INSERT INTO reviews (username, media_id, review_text, rating) VALUES ('asha', :m, '', :r)",
                       m=media_id, r=rating)
    assert message == "A rating is a whole number from 1 to 10."
    assert db.scalar("SELECT COUNT(*) FROM reviews") == 0


def test_implausible_year_is_refused(empty_db):
    assert _refused("INSERT INTO media (title, media_type, release_year) VALUES ('Old', 'Movie', 1700)") == \
        "The release year must be between 1888 and 2100."


def test_duplicate_email_ignoring_case_is_refused(empty_db):
    _user("asha", "asha.rao@example.com")
    message = _refused("""INSERT INTO users (username, firstname, lastname, email, password_hash)
                          VALUES ('asha2', 'Asha', 'Rao', 'ASHA.Rao@Example.com', :h)""", h=HASH_A)
    assert "already taken" in message and "email" in message


def test_duplicate_username_ignoring_case_is_refused(empty_db):
    _user("asha")
    message = _refused("""INSERT INTO users (username, firstname, lastname, email, password_hash)
                          VALUES ('ASHA', 'Asha', 'Rao', 'other@example.com', :h)""", h=HASH_A)
    assert "already exists" in message and "ASHA" in message


# --- guard triggers ------------------------------------------------------------------------------------------

def test_friendship_with_yourself_is_refused(empty_db):
    _user("asha")
    assert _refused("INSERT INTO friendships (username_1, username_2) VALUES ('asha', 'asha')") == \
        "You cannot be friends with yourself."


def test_reverse_of_an_existing_pair_is_refused(empty_db):
    _user("asha")
    _user("ravi")
    _write("INSERT INTO friendships (username_1, username_2) VALUES ('asha', 'ravi')")
    assert _refused("INSERT INTO friendships (username_1, username_2, status) VALUES ('ravi', 'asha', 'accepted')") \
        == "These two users already have a friendship or request between them."
    assert db.fetch_all("SELECT username_1, status FROM friendships") == [{"username_1": "asha", "status": "pending"}]


def test_episode_of_a_movie_is_refused(empty_db):
    movie = _title("Movie")
    assert _refused("INSERT INTO episodes (media_id, season_number, episode_number, title) VALUES (:m, 1, 1, 'Pilot')",
                    m=movie) == "Episodes can only belong to a Series, not to a Movie."


def test_progress_pointing_at_another_titles_episode_is_refused(empty_db):
    _user("asha")
    watched, other = _title("Series", "Panchayat"), _title("Series", "Kota Factory")
    _episode(watched)
    elsewhere = _episode(other)
    assert _refused("""INSERT INTO series_progress (username, media_id, last_watched_episode_id)
                       VALUES ('asha', :m, :e)""", m=watched, e=elsewhere) == "That episode belongs to another title."


def test_series_with_episodes_cannot_become_a_movie(empty_db):
    series = _title("Series", "Mirzapur")
    _episode(series)
    assert _refused("UPDATE media SET media_type = 'Movie' WHERE media_id = :m", m=series) == \
        "This series still has episodes: delete them before making it a Movie."
    assert db.scalar("SELECT media_type FROM media WHERE media_id = :m", m=series) == "Series"


# --- rating triggers -----------------------------------------------------------------------------------------

def test_rating_figures_follow_insert_update_move_and_delete(empty_db):
    for name in ("asha", "ravi", "meera"):
        _user(name)
    first, second = _title("Movie", "Swades"), _title("Movie", "Dil Se")
    assert _figures(first) == (None, 0)
    _review("asha", first, 8)
    mine = _review("ravi", first, 5)
    _review("meera", first, 6)
    assert _figures(first) == (6.3, 3)  # ROUND(19 / 3, 1)
    _write("UPDATE reviews SET rating = 9 WHERE review_id = :r", r=mine)
    assert _figures(first) == (7.7, 3)
    _write("UPDATE reviews SET media_id = :m WHERE review_id = :r", m=second, r=mine)  # moved to another title
    assert _figures(first) == (7.0, 2) and _figures(second) == (9.0, 1)
    _write("DELETE FROM reviews WHERE review_id = :r", r=mine)  # the last review of `second`
    assert _figures(second) == (None, 0)


def test_deleting_a_user_keeps_ratings_exact(empty_db):
    _user("asha")
    _user("ravi")
    media_id = _title()
    _review("asha", media_id, 2)
    _review("ravi", media_id, 9)
    _write("DELETE FROM users WHERE username = 'asha'", actor="admin")
    assert _figures(media_id) == (9.0, 1)
    _write("DELETE FROM users WHERE username = 'ravi'", actor="admin")
    assert _figures(media_id) == (None, 0)


# --- audit -----------------------------------------------------------------------------------------------------

def test_audit_names_the_actor_and_never_holds_a_password_hash(empty_db):
    _user("asha", password_hash=HASH_A)
    _write("UPDATE users SET password_hash = :h WHERE username = 'asha'", actor="asha", h=HASH_B)
    rows = db.fetch_all("SELECT username, operation, record_id, change_details FROM activity_log "
                        "WHERE table_name = 'users' ORDER BY log_id")
    assert [(r["username"], r["operation"], r["record_id"]) for r in rows] == [
        ("tester", "INSERT", "asha"), ("asha", "UPDATE", "asha")]
    assert json.loads(rows[1]["change_details"])["new"]["password_changed"] is True
    everything = json.dumps([r["change_details"] for r in rows])
    assert HASH_A not in everything and HASH_B not in everything and "$2b$" not in everything


def test_bulk_load_flag_switches_audit_and_rating_triggers_off(empty_db):
    """What db/bulk.py relies on: with @streamsync_bulk_load = 1 nothing is logged and ratings are not kept,
    so the loader must (and does) recompute them."""
    from db import bulk, engine

    _user("asha")
    media_id = _title()
    before = db.scalar("SELECT COUNT(*) FROM activity_log")
    with engine.get_engine().connect() as conn:
        with bulk.bulk_session(conn):
            bulk.insert_rows(conn, "reviews", ("username", "media_id", "review_text", "rating"),
                             [("asha", media_id, "", 7)])
            assert _figures(media_id) == (None, 0)
            bulk.recompute_ratings(conn)
        assert conn.exec_driver_sql("SELECT @streamsync_bulk_load").scalar() is None
    assert _figures(media_id) == (7.0, 1)
    assert db.scalar("SELECT COUNT(*) FROM activity_log") == before
