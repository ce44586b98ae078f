"""The pool, transactions and @app_user, on the real server."""
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import db
from db import engine, statement_counter
from db.config import PoolSettings
from db.errors import DatabaseUnavailable, DataRuleError

POOL_OF_ONE = PoolSettings(size=1, max_overflow=0, timeout=10, recycle=1800)


def _add_genre(actor, name):
    with db.transaction(actor) as conn:
        db.execute(conn, "INSERT INTO genres (name) VALUES (:n)", n=name)


def test_connector_is_the_c_extension(empty_db):
    with engine.get_engine().connect() as conn:
        assert type(conn.connection.dbapi_connection).__name__ == "CMySQLConnection"


def test_a_statement_costs_no_ping_of_its_own(empty_db, swap_database):
    """The pool pings a connection when it is taken; the connector's cursor used to ping again before each
    statement (db.engine._no_ping_per_cursor). MariaDB counts pings among a session's admin commands."""
    swap_database(empty_db, POOL_OF_ONE)
    pings = "SHOW SESSION STATUS LIKE 'Com_admin_commands'"
    before = int(db.fetch_one(pings)["Value"])
    for _ in range(5):
        db.fetch_one("SELECT 1 AS one")  # 5 checkouts, one statement each
    with db.read() as conn:  # 1 checkout, 3 statements
        for _ in range(3):
            db.fetch_one("SELECT 1 AS one", conn)
    assert int(db.fetch_one(pings)["Value"]) - before == 7  # the 6 checkouts above and this one: a ping each


def test_audit_row_names_the_actor(empty_db):
    _add_genre("alice", "Thriller")
    row = db.fetch_one("SELECT username, table_name, operation, record_id FROM activity_log")
    assert row == {"username": "alice", "table_name": "genres", "operation": "INSERT", "record_id": "1"}


def test_app_user_never_leaks_between_actors_on_one_pooled_connection(empty_db, swap_database):
    swap_database(empty_db, POOL_OF_ONE)
    _add_genre("alice", "Drama")
    ids = set()
    with db.read() as conn:
        ids.add(conn.execute(text("SELECT CONNECTION_ID()")).scalar())
        assert conn.execute(text("SELECT @app_user")).scalar() is None
    _add_genre(None, "Comedy")  # a system write after alice's, on the same connection
    with db.read() as conn:
        ids.add(conn.execute(text("SELECT CONNECTION_ID()")).scalar())
    assert len(ids) == 1, "the pool of one should have reused its connection"
    rows = db.fetch_all("SELECT username, record_id FROM activity_log ORDER BY log_id")
    assert [r["username"] for r in rows] == ["alice", None]


def test_app_user_cleared_after_a_failed_transaction(empty_db, swap_database):
    swap_database(empty_db, POOL_OF_ONE)
    with pytest.raises(DataRuleError):
        _add_genre("mallory", "")  # breaks ck_genres_name
    with db.read() as conn:
        assert conn.execute(text("SELECT @app_user")).scalar() is None


def test_failure_midway_leaves_nothing_behind(empty_db):
    def insert_both():
        with db.transaction("bob") as conn:
            db.execute(conn, "INSERT INTO genres (name) VALUES ('Horror')")
            db.execute(conn, "INSERT INTO genres (name) VALUES ('horror')")  # same name ignoring case

    with pytest.raises(DataRuleError) as info:
        insert_both()
    assert "already taken" in str(info.value)
    assert db.scalar("SELECT COUNT(*) FROM genres") == 0
    assert db.scalar("SELECT COUNT(*) FROM activity_log") == 0


def test_deadlock_is_retried(empty_db):
    _add_genre(None, "Romance")
    attempts = []

    def work(conn):
        attempts.append(1)
        conn.execute(text("UPDATE genres SET name = 'Romance!' WHERE genre_id = 1"))
        if len(attempts) == 1:
            # A real deadlock needs two sessions locking in opposite order.
            barrier = threading.Barrier(2)
            def other():
                with db.transaction(None) as c2:
                    c2.execute(text("INSERT INTO genres (name) VALUES ('Other')"))
                    barrier.wait()
                    c2.execute(text("SELECT * FROM genres WHERE genre_id = 1 FOR UPDATE"))
            t = threading.Thread(target=other)
            t.start()
            barrier.wait()
            import time
            time.sleep(0.3)
            conn.execute(text("SELECT * FROM genres WHERE name = 'Other' FOR UPDATE"))
            t.join()
        return len(attempts)

    assert db.run_in_transaction("carol", work) == 2, "the first attempt should have deadlocked and been retried"
    assert db.scalar("SELECT name FROM genres WHERE genre_id = 1") == "Romance!"


def test_statement_counter_counts_round_trips(empty_db):
    with statement_counter.measure() as m:
        db.fetch_all("SELECT 1")
        db.scalar("SELECT 2")
    assert m.statements == 2
    assert m.seconds > 0


def test_unreachable_server_raises_one_typed_error(swap_database):
    swap_database("mysql+mysqlconnector://nobody@127.0.0.1:1/nowhere")
    with pytest.raises(DatabaseUnavailable) as info:
        db.fetch_all("SELECT 1")
    assert info.value.port == 1 and info.value.user == "nobody"
    assert "127.0.0.1:1" in str(info.value)


def test_wrong_password_raises_the_same_typed_error(swap_database, server_url):
    swap_database(server_url.set(username="root", password="wrong", database="test"))
    with pytest.raises(DatabaseUnavailable) as info:
        db.fetch_all("SELECT 1")
    assert "denied" in info.value.reason.lower()


def test_pool_recovers_by_itself_when_the_server_drops_its_connections(empty_db, swap_database):
    # What a server restart looks like to the app: every pooled connection is gone at once.
    swap_database(empty_db, PoolSettings(size=2, max_overflow=10, timeout=10, recycle=1800))
    with db.read() as conn:
        pooled = conn.execute(text("SELECT CONNECTION_ID()")).scalar()
    outsider = create_engine(engine.get_engine().url, poolclass=NullPool)  # not one of the pool's own
    with outsider.connect() as killer:
        killer.execute(text(f"KILL {int(pooled)}"))
    outsider.dispose()
    assert db.fetch_all("SELECT 1 AS ok") == [{"ok": 1}]
    _add_genre("dave", "Western")  # and writes work again too
    assert db.scalar("SELECT COUNT(*) FROM genres") == 1
