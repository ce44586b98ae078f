"""reset_database: demo volumes, determinism, exact ratings, refusals, resumability, and a tiny large load."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import bcrypt
import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

import db
from core import reset as reset_database
from core.demo_data import DEMO_PASSWORD
from db import bulk, migrations, report_queries, schema
from db.config import PROJECT_ROOT
from tests.apptest import card_grids, open_app
from tests.viewer_helpers import shown

CHECKED_TABLES = ("users", "media", "episodes", "reviews", "friendships", "watchlist_items", "playlists",
                  "playlist_items", "series_progress", "media_cast")


def _count(table: str) -> int:
    return db.scalar(f"SELECT COUNT(*) FROM `{table}`")


def _on(url, sql: str, *params):
    """Run one statement on a database other than the app's current one; returns all rows."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            result = conn.exec_driver_sql(sql, params) if params else conn.exec_driver_sql(sql)
            rows = result.fetchall() if result.returns_rows else []
            conn.commit()
            return rows
    finally:
        engine.dispose()


def _checksums(url) -> dict[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return bulk.table_checksums(conn, CHECKED_TABLES)
    finally:
        engine.dispose()


def _cli(*args: str, url: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    env = {**os.environ, "STREAMSYNC_DB_URL": url}
    return subprocess.run([sys.executable, "reset_database.py", *args], cwd=PROJECT_ROOT, env=env, stdin=stdin,
                          capture_output=True, text=True, timeout=120)


def _rendered(url) -> str:
    return url.render_as_string(hide_password=False)


# --- the demo data set -----------------------------------------------------------------------------------------
# Checked on a load of its own: the shared demo_db gets rows from other tests, this one only gets read.

@pytest.fixture(scope="module")
def fresh_demo_load(test_database_url, demo_seed):
    url = test_database_url("fresh_demo")
    outcome = reset_database.rebuild(url, scale="demo", seed=demo_seed, quiet=True)
    yield url, outcome
    schema.drop_database(url)


@pytest.fixture
def fresh_demo(fresh_demo_load, install_database):
    url, _ = fresh_demo_load
    install_database(url)
    return url


def test_rebuild_reports_the_row_counts(fresh_demo_load):
    url, outcome = fresh_demo_load
    assert not outcome.skipped and outcome.seconds > 0
    assert outcome.counts["users"] == 152 and outcome.counts["media"] == 91
    assert outcome.rows == sum(_on(url, f"SELECT COUNT(*) FROM `{t}`")[0][0] for t in outcome.counts)


def test_demo_volumes_match_the_design(fresh_demo):
    assert _count("users") == 152
    assert _count("media") == 91
    assert _count("genres") == 16
    assert _count("people") == 236
    assert _count("episodes") >= 500
    assert _count("playlists") >= 100
    junctions = sum(_count(t) for t in ("playlist_items", "media_genres", "media_cast", "media_crew",
                                        "watchlist_items"))
    assert junctions >= 1000
    assert _count("reviews") >= 200
    assert _count("friendships") >= 140
    assert {r["status"] for r in db.fetch_all("SELECT DISTINCT status FROM friendships")} == {
        "pending", "accepted", "blocked"}
    assert {r["status"] for r in db.fetch_all("SELECT DISTINCT status FROM watchlist_items")} == {
        "plan_to_watch", "watching", "completed", "on_hold", "dropped"}
    assert _count("series_progress") > 0


def test_demo_has_the_accounts_the_readme_promises(fresh_demo):
    roles = {r["username"]: r["role"] for r in db.fetch_all("SELECT username, role FROM users")}
    assert roles["admin"] == "admin" and roles["moderator"] == "moderator"
    assert roles["user001"] == roles["user150"] == "user"
    stored = db.scalar("SELECT password_hash FROM users WHERE username = 'user042'")
    assert bcrypt.checkpw(DEMO_PASSWORD.encode(), stored.encode())
    assert stored.startswith("$2b$12$")


def test_the_demo_carries_its_history_in_the_activity_log(fresh_demo):
    # The admin's activity log and the seed report's "latest 50 activity rows" are not empty on a fresh demo.
    assert len(report_queries.latest_activity()) == 50
    by_actor = {r["username"]: r["n"] for r in db.fetch_all(
        "SELECT username, COUNT(*) AS n FROM activity_log GROUP BY username")}
    assert by_actor["admin"] >= 1 and by_actor["moderator"] >= _count("media")
    assert sum(n for who, n in by_actor.items() if who and who.startswith("user")) > 1000
    # Each row logged as its rows are, by whoever made it, in an order that makes sense: nobody acts before
    # registering, and nobody reviews or lists a title before the moderator added it.
    assert db.scalar("""SELECT COUNT(*) FROM activity_log a JOIN users u ON u.username = a.username
                         WHERE a.changed_at < u.created_at""") == 0
    assert db.scalar("""SELECT COUNT(*) FROM activity_log a
                         WHERE a.table_name IN ('reviews', 'watchlist_items')
                           AND a.changed_at < (SELECT MAX(changed_at) FROM activity_log WHERE table_name = 'media')
                       """) == 0
    review = db.fetch_one("SELECT review_id, username, rating FROM reviews ORDER BY review_id LIMIT 1")
    logged = json.loads(db.scalar("SELECT change_details FROM activity_log WHERE table_name = 'reviews' "
                                  "AND record_id = :r", r=str(review["review_id"])))
    assert (logged["new"]["username"], logged["new"]["rating"]) == (review["username"], review["rating"])
    promoted = json.loads(db.scalar("SELECT change_details FROM activity_log WHERE operation = 'UPDATE' "
                                    "AND record_id = 'moderator'"))
    assert (promoted["old"]["role"], promoted["new"]["role"]) == ("user", "moderator")


def test_demo_catalog_is_the_real_one(fresh_demo):
    films = db.scalar("SELECT COUNT(*) FROM media WHERE media_type = 'Movie'")
    series = db.scalar("SELECT COUNT(*) FROM media WHERE media_type = 'Series'")
    assert (films, series) == (76, 15)
    sholay = db.fetch_one("SELECT media_id, release_year, imdb_id FROM media WHERE title = 'Sholay'")
    assert sholay["release_year"] == 1975 and sholay["imdb_id"] == "tt0073707"
    cast = {r["name"]: r["character_name"] for r in db.fetch_all(
        "SELECT p.name, c.character_name FROM media_cast c JOIN people p USING (person_id) WHERE c.media_id = :m",
        m=sholay["media_id"])}
    assert cast["Amitabh Bachchan"] == "Jai"
    sacred = db.fetch_all("""SELECT e.season_number, e.episode_number, e.title FROM episodes e
                               JOIN media m USING (media_id) WHERE m.title = 'Sacred Games'
                              ORDER BY e.season_number, e.episode_number""")
    assert len(sacred) == 16 and sacred[0]["title"] == "Ashwathama"
    # every progress pointer is an episode of its own series (the guard trigger ran during the load)
    assert db.scalar("""SELECT COUNT(*) FROM series_progress sp JOIN episodes e
                          ON e.episode_id = sp.last_watched_episode_id WHERE e.media_id <> sp.media_id""") == 0


def test_reviews_read_like_reviews(fresh_demo):
    rows = db.fetch_all("SELECT review_text, contains_spoilers FROM reviews")
    written = [r["review_text"] for r in rows if r["review_text"]]
    assert len(written) > len(rows) / 2, "most reviews have text"
    assert len(written) < len(rows), "some are bare ratings"
    assert any(r["contains_spoilers"] for r in rows)
    assert all(text[0].isupper() and text.rstrip()[-1] in ".!" for text in written)


def test_ratings_are_exact_after_the_load(fresh_demo):
    wrong = db.fetch_all("""SELECT m.media_id FROM media m
                             LEFT JOIN (SELECT media_id, ROUND(AVG(rating), 1) AS a, COUNT(*) AS c
                                          FROM reviews GROUP BY media_id) r ON r.media_id = m.media_id
                            WHERE NOT (m.average_rating <=> r.a AND m.rating_count = COALESCE(r.c, 0))""")
    assert wrong == []
    assert db.scalar("SELECT COUNT(*) FROM media WHERE rating_count > 0") > 50
    assert db.scalar("SELECT status FROM schema_info") == "complete"


def test_a_fresh_demo_shows_similar_titles_and_learned_picks_at_once(fresh_demo):
    """The reset trains the recommender: no `manage.py train-recommender` needed before the demo makes sense."""
    sholay = db.scalar("SELECT media_id FROM media WHERE title = 'Sholay'")
    at = open_app("user001", page="app_pages/media.py", query={"id": sholay})
    assert "No similar titles yet" not in shown(at)
    others = {r["title"] for r in db.fetch_all("SELECT title FROM media WHERE title <> 'Sholay'")}
    similar = [card["title"] for card in card_grids(at)["grid_similar"]]
    assert len(similar) >= 6 and set(similar) <= others
    picks = card_grids(open_app("user001", page="app_pages/home.py"))["shelf_home"]
    assert any(card["note"].startswith("Because you liked") for card in picks)


def test_same_seed_gives_the_same_data_and_another_seed_does_not(fresh_demo_load, scratch_url, demo_seed):
    again, other = scratch_url("seed_again"), scratch_url("seed_other")
    reset_database.rebuild(again, scale="demo", seed=demo_seed, quiet=True)
    reset_database.rebuild(other, scale="demo", seed=demo_seed + 1, quiet=True)
    first = _checksums(fresh_demo_load[0])
    assert _checksums(again) == first
    changed = {t for t, value in _checksums(other).items() if value != first[t]}
    assert {"users", "reviews", "friendships", "watchlist_items"} <= changed


# --- refusals: nothing changes ----------------------------------------------------------------------------------

def test_cli_refuses_without_a_terminal(scratch_url):
    url = scratch_url("cli_noterm")
    done = _cli(url=_rendered(url))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--yes" in lines[0] and "no terminal" in lines[0]
    assert reset_database.database_state(url) == "missing"


def test_refuses_a_database_with_foreign_tables_and_changes_nothing(scratch_url):
    url = scratch_url("foreign")
    schema.create_database_if_missing(url)
    _on(url, "CREATE TABLE invoices (id INT PRIMARY KEY, total DECIMAL(8,2))")
    _on(url, "INSERT INTO invoices VALUES (1, 99.50)")
    done = _cli("--yes", url=_rendered(url))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "did not make" in lines[0] and "nothing was changed" in lines[0]
    assert _on(url, "SELECT id FROM invoices") == [(1,)]
    assert [r[0] for r in _on(url, "SHOW TABLES")] == ["invoices"]
    with pytest.raises(reset_database.ForeignDatabase):
        reset_database.rebuild(url, quiet=True)


@pytest.mark.parametrize("target, shown", [
    ("mysql+mysqlconnector://root@127.0.0.1:1/streamsync_nowhere_test", "127.0.0.1:1"),
    ("mysql+mysqlconnector://no_such_user_xyz:wrong@127.0.0.1:3306/streamsync_nowhere_test", "no_such_user_xyz"),
])
def test_wrong_url_or_refused_user_prints_one_clear_line(target, shown):
    done = _cli("--yes", url=target)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Cannot use the database") and shown in lines[0]
    assert "Traceback" not in done.stdout + done.stderr


def test_if_empty_loads_a_missing_database_then_leaves_complete_data_alone(scratch_url):
    url = scratch_url("if_empty")
    first = _cli("--if-empty", url=_rendered(url))
    assert first.returncode == 0, first.stderr
    assert "users" in first.stdout and reset_database.database_state(url) == "complete"
    _on(url, "UPDATE users SET firstname = 'Kept' WHERE username = 'user001'")
    second = _cli("--if-empty", url=_rendered(url))
    assert second.returncode == 0 and "nothing to do" in second.stdout
    assert _on(url, "SELECT firstname FROM users WHERE username = 'user001'") == [("Kept",)]


def test_if_empty_loads_an_empty_migrated_schema_but_never_one_holding_rows(scratch_url):
    """`manage.py migrate` on a new database makes the schema with no marker: demo data may go into it while it
    is empty, but once someone's rows are in it, it is theirs."""
    empty, used = scratch_url("migrated_empty"), scratch_url("migrated_used")
    for url in (empty, used):
        schema.create_database_if_missing(url)
        migrations.upgrade_url(url)
    _on(used, "INSERT INTO genres (name) VALUES ('Mine')")
    assert reset_database.database_state(empty) == "empty"
    assert reset_database.database_state(used) == "unmarked"
    assert not reset_database.rebuild(empty, quiet=True, if_empty=True).skipped
    assert reset_database.rebuild(used, quiet=True, if_empty=True).skipped
    assert _on(used, "SELECT name FROM genres") == [("Mine",)]


def test_an_interrupted_reset_can_be_run_again(scratch_url):
    url = scratch_url("interrupted")
    reset_database.rebuild(url, quiet=True)
    # as if the load died midway: the marker still says 'loading' and half the data is gone
    _on(url, "UPDATE schema_info SET status = 'loading'")
    _on(url, "DROP TABLE friendships")
    assert reset_database.database_state(url) == "loading"
    outcome = reset_database.rebuild(url, quiet=True, if_empty=True)
    assert not outcome.skipped and outcome.counts["friendships"] >= 140
    assert reset_database.database_state(url) == "complete"


# --- the large generator at a tiny size --------------------------------------------------------------------------

def test_tiny_large_load_is_exact_and_consistent(scratch_url):
    url = scratch_url("large_tiny")
    outcome = reset_database.rebuild(url, scale="large", seed=3, quiet=True, factor=0.002)
    counts = outcome.counts
    assert counts["media"] == 200 and counts["users"] == 152
    assert counts["reviews"] == 2000 and counts["watchlist_items"] == 2000
    assert counts["playlist_items"] == 400 and counts["friendships"] == 100
    assert counts["episodes"] >= 1000
    checks = {
        "ratings differ from reviews": """SELECT COUNT(*) FROM media m
             LEFT JOIN (SELECT media_id, ROUND(AVG(rating), 1) AS a, COUNT(*) AS c FROM reviews GROUP BY media_id) r
               ON r.media_id = m.media_id WHERE NOT (m.average_rating <=> r.a AND m.rating_count = COALESCE(r.c, 0))""",
        "reviews of no title/user": """SELECT COUNT(*) FROM reviews r LEFT JOIN media m USING (media_id)
             LEFT JOIN users u USING (username) WHERE m.media_id IS NULL OR u.username IS NULL""",
        "watchlist orphans": """SELECT COUNT(*) FROM watchlist_items w LEFT JOIN media m USING (media_id)
             LEFT JOIN users u USING (username) WHERE m.media_id IS NULL OR u.username IS NULL""",
        "episodes of movies": """SELECT COUNT(*) FROM episodes e LEFT JOIN media m USING (media_id)
             WHERE m.media_type IS NULL OR m.media_type <> 'Series'""",
        "progress elsewhere": """SELECT COUNT(*) FROM series_progress sp LEFT JOIN episodes e
             ON e.episode_id = sp.last_watched_episode_id WHERE e.media_id IS NULL OR e.media_id <> sp.media_id""",
        "playlist orphans": """SELECT COUNT(*) FROM playlist_items pi LEFT JOIN playlists p USING (playlist_id)
             LEFT JOIN media m USING (media_id) WHERE p.playlist_id IS NULL OR m.media_id IS NULL""",
        "cast orphans": """SELECT COUNT(*) FROM media_cast c LEFT JOIN people p USING (person_id)
             LEFT JOIN media m USING (media_id) WHERE p.person_id IS NULL OR m.media_id IS NULL""",
        "crew orphans": """SELECT COUNT(*) FROM media_crew c LEFT JOIN people p USING (person_id)
             WHERE p.person_id IS NULL""",
        "self or two-way friendships": """SELECT COUNT(*) FROM friendships f LEFT JOIN friendships g
             ON g.username_1 = f.username_2 AND g.username_2 = f.username_1
             WHERE f.username_1 = f.username_2 OR g.username_1 IS NOT NULL""",
        "friendship orphans": """SELECT COUNT(*) FROM friendships f LEFT JOIN users a ON a.username = f.username_1
             LEFT JOIN users b ON b.username = f.username_2 WHERE a.username IS NULL OR b.username IS NULL""",
    }
    broken = {name: _on(url, sql)[0][0] for name, sql in checks.items()}
    assert broken == dict.fromkeys(checks, 0)
    # skew: the most-rated title has far more ratings than the median one
    top, median = _on(url, "SELECT MAX(rating_count), (SELECT rating_count FROM media ORDER BY rating_count "
                           "LIMIT 1 OFFSET 100) FROM media")[0]
    assert top >= 5 * max(1, median)
    # the demo catalog is inside it
    assert _on(url, "SELECT COUNT(*) FROM media WHERE title = 'Sholay'") == [(1,)]


# --- the bulk loader's two ways in ----------------------------------------------------------------------------------

FRIENDSHIP_COLUMNS = ("username_1", "username_2", "status", "created_at")


def _three_users():
    with db.transaction(None) as conn:
        for name in ("asha", "ravi", "meera"):
            db.execute(conn, """INSERT INTO users (username, firstname, lastname, email, password_hash)
                                VALUES (:u, 'Test', 'User', :e, :h)""", u=name, e=f"{name}@example.com", h="x" * 60)


def _loader_engine(url, spool):
    args = {"allow_local_infile_in_path": str(spool)} if spool else {}
    return create_engine(url, poolclass=NullPool, connect_args=args)


def test_load_data_path_is_as_strict_as_inserts(empty_db, tmp_path):
    _three_users()
    engine = _loader_engine(empty_db, tmp_path)
    try:
        with engine.connect() as conn, bulk.bulk_session(conn, trusted=True):
            loader = bulk.Loader(conn, tmp_path)
            rows = [("asha", "ravi", "accepted", "2024-05-01 10:00:00")]
            assert loader.load("friendships", FRIENDSHIP_COLUMNS, rows) == 1
            assert loader.spool_dir == tmp_path, "LOAD DATA LOCAL was used, not the fallback"
            # LOAD DATA LOCAL would quietly store a zero date for this NULL; the loader refuses instead
            with pytest.raises(RuntimeError, match="created_at"):
                loader.load("friendships", FRIENDSHIP_COLUMNS, [("ravi", "meera", "pending", None)])
    finally:
        engine.dispose()
    assert db.fetch_all("SELECT username_1, status FROM friendships") == [{"username_1": "asha", "status": "accepted"}]
    assert list(tmp_path.iterdir()) == [], "spooled files are removed"


def test_loader_falls_back_to_inserts_when_local_files_are_refused(empty_db, tmp_path):
    _three_users()
    engine = _loader_engine(empty_db, None)  # this connection may not send local files
    try:
        with engine.connect() as conn, bulk.bulk_session(conn):
            loader = bulk.Loader(conn, tmp_path)
            assert loader.load("friendships", FRIENDSHIP_COLUMNS, [("asha", "ravi", "pending", "2024-05-01")]) == 1
            assert loader.spool_dir is None
    finally:
        engine.dispose()
    assert db.scalar("SELECT COUNT(*) FROM friendships") == 1
