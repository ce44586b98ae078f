"""Several database hosts and lost connections (MariaDB Galera failover), on the real server: a dead first
host is skipped, a read whose connection dies is read again, a transaction whose connection dies before
COMMIT runs again exactly once. scripts/cluster_test.py does the same against a real 3-node cluster."""
import threading
import time

import pytest
from mysql.connector import errors as mysql_errors
from sqlalchemy import create_engine, text
from sqlalchemy import exc as sqlalchemy_exc
from sqlalchemy.pool import NullPool

import db
from db import config, engine
from db.config import PoolSettings
from db.errors import ConnectionLost, DatabaseUnavailable


@pytest.fixture
def one_connection_pool(empty_db, swap_database):
    """The test database through a pool of one connection (so a killed connection is the next one used)."""
    swap_database(engine.default().url, PoolSettings(size=1, max_overflow=0, timeout=10, recycle=1800))


def _kill(connection_id: int, delay: float = 0.0) -> None:
    time.sleep(delay)
    outsider = create_engine(engine.get_engine().url, poolclass=NullPool)
    try:
        with outsider.connect() as conn:
            conn.execute(text(f"KILL {int(connection_id)}"))
    finally:
        outsider.dispose()


def test_hosts_setting_is_parsed_in_order(monkeypatch):
    monkeypatch.setattr(config, "ENVIRON", {"STREAMSYNC_DB_HOSTS": " db1:3307, db2 ,10.0.0.3:4306,"})
    assert config.database_hosts() == [("db1", 3307), ("db2", 3306), ("10.0.0.3", 4306)]
    monkeypatch.setattr(config, "ENVIRON", {})
    monkeypatch.setattr(config, "SECRETS_FILE", config.PROJECT_ROOT / "no-such-secrets.toml")
    assert config.database_hosts() == []


def test_a_dead_first_host_is_skipped(empty_db, swap_database):
    url = engine.default().url
    swap_database(url, hosts=[("127.0.0.1", 1), (url.host, url.port or 3306)])
    with db.transaction("alice") as conn:
        db.execute(conn, "INSERT INTO genres (name) VALUES ('Noir')")
    assert db.scalar("SELECT COUNT(*) FROM genres") == 1


def test_no_host_answering_is_the_one_typed_error(empty_db, swap_database):
    swap_database(engine.default().url, hosts=[("127.0.0.1", 1), ("127.0.0.1", 2)])
    with pytest.raises(DatabaseUnavailable) as info:
        db.fetch_all("SELECT 1")
    assert "127.0.0.1:1" in info.value.reason and "127.0.0.1:2" in info.value.reason


def test_a_read_whose_connection_dies_is_read_again(empty_db, one_connection_pool):
    pooled = db.scalar("SELECT CONNECTION_ID()")
    killer = threading.Thread(target=_kill, args=(pooled, 0.3))
    killer.start()
    assert db.fetch_all("SELECT SLEEP(1) AS slept") == [{"slept": 0}]  # 1 if the killed run had returned
    killer.join()
    assert db.scalar("SELECT CONNECTION_ID()") != pooled


def test_a_transaction_whose_connection_dies_before_commit_runs_again_once(empty_db, one_connection_pool):
    attempts = []

    def work(conn):
        attempts.append(conn.execute(text("SELECT CONNECTION_ID()")).scalar())
        db.execute(conn, "INSERT INTO genres (name) VALUES ('Heist')")
        if len(attempts) == 1:
            _kill(attempts[0])  # the server dies under the open transaction
        db.execute(conn, "INSERT INTO genres (name) VALUES ('Caper')")

    engine.run_in_transaction("bob", work)
    assert len(attempts) == 2 and attempts[0] != attempts[1]
    assert [r["name"] for r in db.fetch_all("SELECT name FROM genres ORDER BY name")] == ["Caper", "Heist"]


def test_a_server_dying_right_after_a_read_does_not_fail_the_read(empty_db, one_connection_pool):
    with db.read() as conn:
        pooled = conn.execute(text("SELECT CONNECTION_ID()")).scalar()
        _kill(pooled)  # the read is done; returning the connection (its rollback) is what fails
    assert db.scalar("SELECT CONNECTION_ID()") != pooled


def test_a_connection_dying_at_commit_is_the_unknown_outcome_error_and_not_run_again(empty_db, one_connection_pool):
    # The C extension raises its own (non DB-API) error when COMMIT fails; it must still reach the caller as
    # "database unavailable, outcome unknown", and the transaction must not be run a second time.
    attempts = []

    def work(conn):
        attempts.append(conn.execute(text("SELECT CONNECTION_ID()")).scalar())
        db.execute(conn, "INSERT INTO genres (name) VALUES ('Heist')")
        _kill(attempts[0])  # the last statement is done: COMMIT is what meets the dead connection

    with pytest.raises(DatabaseUnavailable) as info:
        engine.run_in_transaction("bob", work)
    assert not isinstance(info.value, ConnectionLost)
    assert "lost connection" in info.value.reason.lower() or "gone away" in info.value.reason.lower()
    assert len(attempts) == 1
    assert db.scalar("SELECT CONNECTION_ID()") != attempts[0]  # the pool gave out a working connection


def test_a_connection_found_dead_when_taken_from_the_pool_is_taken_again(empty_db, one_connection_pool,
                                                                          monkeypatch):
    """The pool's ping passed, then the node died before the connection's first use: the connector says so in
    its own words, with no error number (the cluster test met it once, on a page, as "database unavailable").
    Nothing ran on it, so a read takes another connection and a transaction runs once, as for a read that
    dies mid-way."""
    pool_engine = engine.default().engine
    real_connect = pool_engine.connect
    failures = []

    def connect_once_dead():
        if len(failures) < 1:
            failures.append(1)
            gone = mysql_errors.OperationalError("MySQL Connection not available")  # the connector's own words
            raise sqlalchemy_exc.OperationalError("SELECT 1", {}, gone)
        return real_connect()

    monkeypatch.setattr(pool_engine, "connect", connect_once_dead)
    assert db.fetch_all("SELECT 1 AS one") == [{"one": 1}] and failures == [1]
    failures.clear()  # a transaction's checkout meets it: it runs once, on the next connection
    engine.run_in_transaction("carol", lambda conn: db.execute(conn, "INSERT INTO genres (name) VALUES ('Noir')"))
    assert failures == [1] and db.scalar("SELECT COUNT(*) FROM genres") == 1
