"""Migrations: empty -> head, the first schema made before migrations kept row for row, refusals."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from core import demo_data
from db import bulk, migrations, schema, watch_events
from db.config import PROJECT_ROOT

# The key columns of every table of the first schema: a checksum over them proves each row is still there.
KEYS = {
    "users": "username", "media": "media_id", "genres": "genre_id", "people": "person_id",
    "episodes": "episode_id", "playlists": "playlist_id", "playlist_items": "playlist_id, media_id",
    "watchlist_items": "username, media_id, status", "series_progress": "username, media_id, last_watched_episode_id",
    "reviews": "review_id, rating", "friendships": "username_1, username_2, status",
    "media_genres": "media_id, genre_id", "media_cast": "media_id, person_id",
    "media_crew": "media_id, person_id, role",
    "activity_log": "log_id", "user_sessions": "token_hash", "review_reports": "review_id, reported_by",
    "schema_info": "id, scale, seed, status",
}


def _engine(url):
    return create_engine(url, poolclass=NullPool)


def _fingerprint(url) -> dict[str, tuple[int, int]]:
    """(rows, sum of CRC32 of the key columns) per table."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return {table: tuple(conn.execute(text(
                f"SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', {keys}))), 0) FROM `{table}`")).one())
                for table, keys in KEYS.items()}
    finally:
        engine.dispose()


def _shape(url) -> dict[str, str]:
    """SHOW CREATE of every table and trigger (AUTO_INCREMENT counters left out): the schema as the server has it."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            shape = {}
            for table in sorted(schema.existing_tables(conn)):
                ddl = conn.exec_driver_sql(f"SHOW CREATE TABLE `{table}`").one()[1]
                shape[f"table {table}"] = " ".join(w for w in ddl.split() if not w.startswith("AUTO_INCREMENT="))
            for name, statement in conn.execute(text(
                    "SELECT trigger_name, action_statement FROM information_schema.triggers "
                    "WHERE trigger_schema = DATABASE()")):
                shape[f"trigger {name}"] = statement
            for (name,) in conn.execute(text(
                    "SELECT routine_name FROM information_schema.routines WHERE routine_schema = DATABASE()")):
                shape[f"routine {name}"] = name
            return shape
    finally:
        engine.dispose()


def _first_schema_with_demo_data(url) -> None:
    """What reset_database.py made before migrations existed: sql/ applied directly, demo data, version 1."""
    schema.recreate_database(url)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            for statement in schema.first_schema_statements():
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql("INSERT INTO schema_info (id, version, scale, seed, status) "
                                 "VALUES (1, 1, 'demo', 42, 'complete')")
            _load_demo_as_before_0004(conn)
            # Rows the demo does not carry, so every table has something to lose.
            conn.exec_driver_sql("INSERT INTO activity_log (username, table_name, operation, record_id) "
                                 "VALUES ('admin', 'media', 'UPDATE', '1')")
            conn.exec_driver_sql("INSERT INTO user_sessions (token_hash, username, expires_at) "
                                 "VALUES (REPEAT('a', 64), 'admin', NOW() + INTERVAL 1 DAY)")
            conn.commit()
    finally:
        engine.dispose()


def _load_demo_as_before_0004(conn) -> None:
    """The demo data as a schema before revision 0004 holds it: progress pointers, no watch events."""
    loader = bulk.Loader(conn, None)
    with bulk.bulk_session(conn):
        for table in demo_data.demo_dataset(demo_data.load_catalog(), 42):
            if table.name == "watch_events":
                continue
            width = 4 if table.name == "series_progress" else len(table.columns)  # current_viewing came in 0004
            loader.load(table.name, table.columns[:width], (row[:width] for row in table.rows()))
        _figures_before_0010(conn)


def _figures_before_0010(conn) -> None:
    """media's rating figures as a bulk load set them before 0010 (no review_count yet; every review rated)."""
    conn.exec_driver_sql("""UPDATE media m
                              LEFT JOIN (SELECT media_id, ROUND(AVG(rating), 1) AS a, COUNT(*) AS n
                                           FROM reviews GROUP BY media_id) r ON r.media_id = m.media_id
                               SET m.average_rating = r.a, m.rating_count = COALESCE(r.n, 0)""")
    conn.commit()


def _manage(*args: str, url) -> subprocess.CompletedProcess:
    env = {**os.environ, "STREAMSYNC_DB_URL": url.render_as_string(hide_password=False)}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)


def test_an_empty_database_goes_to_head_and_says_so_in_one_line(scratch_url):
    url = scratch_url("mig_empty")
    result = _manage("migrate", url=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().count("\n") == 0
    assert f"now at {migrations.head()}" in result.stdout
    status = migrations.status_url(url)
    assert status.at_head and not status.pending
    again = _manage("migrate", url=url)
    assert f"up to date at {migrations.head()}" in again.stdout


def test_the_first_schema_with_demo_data_is_stamped_and_upgraded_keeping_every_row(scratch_url):
    url = scratch_url("mig_legacy")
    _first_schema_with_demo_data(url)
    before = _fingerprint(url)
    assert before["reviews"][0] > 400 and before["activity_log"][0] == 1

    result = _manage("migrate", url=url)

    assert result.returncode == 0, result.stderr
    assert "made before migrations: stamped 0001" in result.stdout
    after = _fingerprint(url)
    assert after == before
    assert migrations.status_url(url).at_head


def test_both_roads_to_head_give_the_same_schema(scratch_url):
    legacy, fresh = scratch_url("mig_road_a"), scratch_url("mig_road_b")
    _first_schema_with_demo_data(legacy)
    migrations.upgrade_url(legacy)
    schema.create_database_if_missing(fresh)
    migrations.upgrade_url(fresh)
    assert _shape(legacy) == _shape(fresh)


def test_downgrade_steps_back_and_up_again(scratch_url):
    url = scratch_url("mig_down")
    schema.create_database_if_missing(url)
    migrations.upgrade_url(url)
    head_shape = _shape(url)
    with migrations.connect(url) as conn:
        migrations.downgrade(conn, migrations.FIRST_REVISION)
        assert migrations.status(conn).current == migrations.FIRST_REVISION
        assert "version" in conn.exec_driver_sql("SHOW CREATE TABLE schema_info").one()[1]
    migrations.upgrade_url(url)
    assert _shape(url) == head_shape


def test_a_revision_the_code_does_not_know_is_refused_by_migrate_and_by_make_run(scratch_url):
    url = scratch_url("mig_unknown")
    schema.create_database_if_missing(url)
    migrations.upgrade_url(url)
    engine = _engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        conn.exec_driver_sql("INSERT INTO schema_info (id, scale, seed, status) VALUES (1, 'demo', 42, 'complete')")
    engine.dispose()

    result = _manage("migrate", url=url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "'9999'" in lines[0] and "does not know" in lines[0]

    env = {**os.environ, "STREAMSYNC_DB_URL": url.render_as_string(hide_password=False)}
    run = subprocess.run(["scripts/run.sh"], cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "does not know" in run.stderr
    assert "StreamSync is starting" not in run.stdout  # it stopped before serving
    with migrations.connect(url) as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "9999"


def test_foreign_tables_are_refused_and_left_alone(scratch_url):
    url = scratch_url("mig_foreign")
    schema.create_database_if_missing(url)
    engine = _engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE invoices (id INT PRIMARY KEY)")
    engine.dispose()
    with pytest.raises(migrations.MigrationRefused, match="did not make"):
        migrations.upgrade_url(url)
    engine = _engine(url)
    with engine.connect() as conn:
        assert schema.existing_tables(conn) == {"invoices"}
    engine.dispose()


def test_progress_pointers_become_watch_events_and_no_one_loses_an_episode(scratch_url):
    """A database at 0003 with demo progress: after `manage.py migrate` every episode up to each pointer (in
    season and episode order) is a watch event of viewing 1, the pointers are as they were, and the two agree."""
    url = scratch_url("mig_events")
    schema.create_database_if_missing(url)
    migrations.upgrade_url(url, "0003")
    engine = _engine(url)
    with engine.connect() as conn:
        _load_demo_as_before_0004(conn)
        viewer = conn.exec_driver_sql("SELECT username FROM users WHERE username LIKE 'user%' LIMIT 1").scalar()
        # a pointer left NULL by a deleted episode holds no episodes, and stays a tracked series
        conn.exec_driver_sql("INSERT INTO series_progress (username, media_id, last_watched_episode_id) "
                             "SELECT %s, media_id, NULL FROM media WHERE media_type = 'Series' AND media_id NOT IN "
                             "(SELECT media_id FROM series_progress WHERE username = %s) LIMIT 1", (viewer, viewer))
        conn.commit()
        watched_before = {tuple(r) for r in conn.exec_driver_sql("""
            SELECT p.username, e.episode_id FROM series_progress p
              JOIN episodes cur ON cur.episode_id = p.last_watched_episode_id
              JOIN episodes e ON e.media_id = p.media_id AND (e.season_number, e.episode_number)
                                                            <= (cur.season_number, cur.episode_number)""")}
        pointers = conn.exec_driver_sql("SELECT username, media_id, last_watched_episode_id, last_watched_at "
                                        "FROM series_progress ORDER BY 1, 2").fetchall()
    engine.dispose()
    assert len(pointers) > 100 and len(watched_before) > 1000

    result = _manage("migrate", url=url)

    assert result.returncode == 0, result.stderr
    engine = _engine(url)
    with engine.connect() as conn:
        after = {tuple(r) for r in conn.exec_driver_sql(
            "SELECT username, episode_id FROM watch_events WHERE viewing = 1 AND source = 'migration'")}
        assert after == watched_before
        assert conn.exec_driver_sql("SELECT username, media_id, last_watched_episode_id, last_watched_at "
                                    "FROM series_progress ORDER BY 1, 2").fetchall() == pointers
        # the pointer's own episode keeps the time it was watched; the earlier ones were "watched long ago"
        dated = conn.exec_driver_sql("""SELECT COUNT(*) FROM watch_events w JOIN series_progress p
                                          ON p.username = w.username AND p.media_id = w.media_id
                                       WHERE w.watched_at IS NOT NULL""").scalar()
        assert dated == sum(1 for p in pointers if p[2] is not None)
        assert watch_events.disagreements(conn) == []
        print(f"migration on the demo data: {len(pointers)} pointers in, {len(after)} events out")
    engine.dispose()

    with migrations.connect(url) as conn:
        migrations.downgrade(conn, "0003")
    engine = _engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT username, media_id, last_watched_episode_id, last_watched_at "
                                    "FROM series_progress ORDER BY 1, 2").fetchall() == pointers
        assert "watch_events" not in schema.existing_tables(conn)
    engine.dispose()


def _load_demo_at_0007(conn) -> None:
    """The demo data as a database at 0007 holds it: every review rated."""
    loader = bulk.Loader(conn, None)
    with bulk.bulk_session(conn):
        for table in demo_data.demo_dataset(demo_data.load_catalog(), 42):
            loader.load(table.name, table.columns, table.rows())
        _figures_before_0010(conn)


def test_reviews_survive_0010_and_a_review_without_stars_moves_no_average(scratch_url):
    """A database at 0007 with the demo's reviews: after `manage.py migrate` every review, rating and text is
    there, each title's average and rating count are as they were and its review count equals them; a review
    without stars is then accepted and counted as a review only. Going back to 0007 refuses while such a
    review exists (it would be lost), and works once it is rated."""
    url = scratch_url("mig_unrated")
    schema.create_database_if_missing(url)
    migrations.upgrade_url(url, "0007")
    reviews_sql = "SELECT review_id, username, media_id, rating, review_text, created_at FROM reviews ORDER BY 1"
    figures_sql = "SELECT media_id, average_rating, rating_count FROM media ORDER BY 1"
    engine = _engine(url)
    with engine.connect() as conn:
        _load_demo_at_0007(conn)
        reviews_before = conn.exec_driver_sql(reviews_sql).fetchall()
        figures_before = conn.exec_driver_sql(figures_sql).fetchall()
    engine.dispose()
    assert len(reviews_before) > 400

    result = _manage("migrate", url=url)

    assert result.returncode == 0, result.stderr
    assert "0010" in result.stdout
    engine = _engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql(reviews_sql).fetchall() == reviews_before
        assert conn.exec_driver_sql(figures_sql).fetchall() == figures_before
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM media WHERE review_count <> rating_count").scalar() == 0
        title, average, rated = max(figures_before, key=lambda f: f[2])
        viewer = conn.exec_driver_sql("SELECT username FROM users WHERE username NOT IN "
                                      "(SELECT username FROM reviews WHERE media_id = %s) LIMIT 1", (title,)).scalar()
        conn.exec_driver_sql("INSERT INTO reviews (username, media_id, rating, review_text) "
                             "VALUES (%s, %s, NULL, 'No stars, just words')", (viewer, title))
        conn.commit()
        assert conn.exec_driver_sql("SELECT average_rating, rating_count, review_count FROM media "
                                    "WHERE media_id = %s", (title,)).one() == (average, rated, rated + 1)
    engine.dispose()

    with migrations.connect(url) as conn:
        with pytest.raises(NotImplementedError, match=r"Reviews without a rating \(1\)"):
            migrations.downgrade(conn, "0007")
        assert migrations.status(conn).current == "0010"  # later revisions went down; 0010 refused and stayed
        conn.exec_driver_sql("UPDATE reviews SET rating = 7 WHERE rating IS NULL")
        conn.commit()
        migrations.downgrade(conn, "0007")
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM reviews").scalar() == len(reviews_before) + 1
        assert conn.exec_driver_sql(
            "SELECT is_nullable FROM information_schema.columns WHERE table_schema = DATABASE() "
            "AND table_name = 'reviews' AND column_name = 'rating'").scalar() == "NO"
