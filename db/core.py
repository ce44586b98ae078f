"""Engine, pool, reads and the one way to write: transaction(actor)."""
from __future__ import annotations

import functools
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from db import cluster, stats
from db.config import database_hosts, database_url, pool_settings
from db.errors import (
    LOST_ERRNOS,
    UNAVAILABLE_ERRNOS,
    ConnectionLost,
    DatabaseUnavailable,
    DataRuleError,
    readable,
)

log = logging.getLogger("streamsync.db")
T = TypeVar("T")

# Lock wait timeout, deadlock: the whole transaction is safe to run again. On MariaDB Galera a transaction
# that loses certification to a conflicting one committed on another node also fails with 1213.
RETRY_ERRNOS = {1205, 1213}
RETRIES = 5
BACKOFF = 0.02  # seconds before the 2nd attempt; doubled each time, with jitter (see run_in_transaction)

_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process's one engine, built from configuration on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            settings = pool_settings()
            _engine = create_engine(
                database_url(),
                pool_size=settings.size,
                max_overflow=settings.max_overflow,
                pool_timeout=settings.timeout,
                pool_recycle=settings.recycle,
                pool_pre_ping=True,
                # SQL logging and error messages never show bound values (password hashes, session hashes).
                hide_parameters=True,
                connect_args={"connection_timeout": 5},
            )
            hosts = database_hosts()
            if hosts:
                event.listen(_engine, "do_connect", _first_ready_host(hosts))
            event.listen(_engine, "before_cursor_execute", stats.before_execute)
            event.listen(_engine, "after_cursor_execute", stats.after_execute)
        return _engine


def _first_ready_host(hosts: list[tuple[str, int]]):
    """A do_connect hook that opens each new pooled connection on the first of `hosts` that accepts it and
    is in its cluster's primary component. With pool_pre_ping, connections to a server that died are
    replaced through it on their next checkout, so the app moves to the next node by itself. One preferred
    node for every process also keeps certification conflicts between nodes rare."""

    def connect(dialect, connection_record, cargs, cparams):
        refused = []
        for host, port in hosts:
            try:
                dbapi_connection = dialect.connect(*cargs, **{**cparams, "host": host, "port": port})
            except dialect.loaded_dbapi.Error as exc:
                refused.append(f"{host}:{port} ({getattr(exc, 'msg', exc)})")
                continue
            if cluster.ready(dbapi_connection):
                return dbapi_connection
            dbapi_connection.close()
            refused.append(f"{host}:{port} (not in the cluster's primary component)")
        raise dialect.loaded_dbapi.InterfaceError(msg="no database server answered: " + ", ".join(refused),
                                                  errno=2003)

    return connect


def dispose_engine() -> None:
    """Forget the engine (tests and the reset switch databases; the next use reads configuration again)."""
    global _engine
    with _engine_lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None


def _errno(exc: DBAPIError) -> int | None:
    return getattr(exc.orig, "errno", None)


def _server_message(exc: DBAPIError) -> str:
    orig = exc.orig
    return getattr(orig, "msg", None) or str(orig)


def _unavailable(exc: Exception, kind: type[DatabaseUnavailable] = DatabaseUnavailable) -> DatabaseUnavailable:
    reason = _server_message(exc) if isinstance(exc, DBAPIError) else "every pooled connection is busy"
    return kind(get_engine().url, reason)


def _lost(exc: DBAPIError) -> bool:
    return exc.connection_invalidated or _errno(exc) in LOST_ERRNOS


@contextmanager
def _connection() -> Iterator[Connection]:
    try:
        conn = get_engine().connect()
    except PoolTimeout as exc:
        raise _unavailable(exc) from exc
    except DBAPIError as exc:
        raise _unavailable(exc) from exc
    try:
        yield conn
    except DBAPIError as exc:
        if _lost(exc):
            if not conn.invalidated:
                conn.invalidate()  # a Galera node that left its primary component still answers pings
            raise _unavailable(exc, ConnectionLost) from exc
        if _errno(exc) in UNAVAILABLE_ERRNOS:
            raise _unavailable(exc) from exc
        raise
    finally:
        try:
            conn.close()
        except Exception:
            # The server went away just after the work was done (its result stands): the rollback that
            # hands the connection back to the pool failed (the connector's C extension raises its own
            # MySQLInterfaceError there, not a DBAPI error). Unless that already closed it, invalidating it
            # gives its pool slot back.
            if not conn.closed:
                conn.invalidate()


@contextmanager
def read() -> Iterator[Connection]:
    """A pooled connection for reads. Several queries in one block share one checkout."""
    with _connection() as conn:
        yield conn


def text_ok(value: str) -> bool:
    """Whether the text can be sent to the server (a lone surrogate, from a broken client or a fuzzer,
    cannot be encoded as UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _checked(params: dict) -> dict:
    """The parameters, or DataRuleError for values the driver would fail on with a traceback: text that is
    not UTF-8 and numbers that are not finite (which it renders as bare words: NaN, inf)."""
    for value in params.values():
        if isinstance(value, str) and not text_ok(value):
            raise DataRuleError("The text holds an invalid character (a lone surrogate); type it again.")
        if isinstance(value, (float, Decimal)) and not math.isfinite(value):
            raise DataRuleError("A number must be finite: not NaN or infinity.")
    return params


def _rows(conn: Connection, sql: str, params: dict) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(text(sql), _checked(params)).mappings()]


def _read_once_more(work: Callable[[Connection], T]) -> T:
    """work(conn) on a pooled connection; once more on a new one when the first died under it (its server
    was killed or restarted: with several hosts the new connection goes to another node)."""
    try:
        with read() as conn:
            return work(conn)
    except ConnectionLost:
        log.warning("connection lost during a read; reading again on a new connection")
        with read() as conn:
            return work(conn)


def fetch_all(sql: str, conn: Connection | None = None, **params: Any) -> list[dict[str, Any]]:
    if conn is not None:
        return _rows(conn, sql, params)
    return _read_once_more(lambda own: _rows(own, sql, params))


def fetch_one(sql: str, conn: Connection | None = None, **params: Any) -> dict[str, Any] | None:
    found = fetch_all(sql, conn, **params)
    return found[0] if found else None


def scalar(sql: str, conn: Connection | None = None, **params: Any) -> Any:
    if conn is not None:
        return conn.execute(text(sql), _checked(params)).scalar()
    return _read_once_more(lambda own: own.execute(text(sql), _checked(params)).scalar())


def execute(conn: Connection, sql: str, **params: Any):
    """Run one write inside a transaction's connection; a broken rule becomes a DataRuleError."""
    try:
        return conn.execute(text(sql), _checked(params))
    except DBAPIError as exc:
        errno = _errno(exc)
        if errno in UNAVAILABLE_ERRNOS or errno in RETRY_ERRNOS or exc.connection_invalidated:
            raise
        raise DataRuleError(readable(errno, _server_message(exc)), errno) from exc


def execute_many(conn: Connection, sql: str, rows: list[tuple]):
    """One driver-level statement with %s marks over many rows (the connector sends an INSERT's rows as one
    multi-row statement); a broken rule becomes a DataRuleError, as in execute()."""
    try:
        return conn.exec_driver_sql(sql, rows)
    except DBAPIError as exc:
        errno = _errno(exc)
        if errno in UNAVAILABLE_ERRNOS or errno in RETRY_ERRNOS or exc.connection_invalidated:
            raise
        raise DataRuleError(readable(errno, _server_message(exc)), errno) from exc


@contextmanager
def transaction(actor: str | None) -> Iterator[Connection]:
    """One unit of work as `actor`: sets @app_user for the audit triggers, commits or rolls back as a whole,
    and always clears @app_user so a pooled connection never carries one user's name into another's work.
    Use run_in_transaction()/@transactional to also retry deadlocks.
    A connection lost while the work ran raises ConnectionLost (nothing was committed: safe to run again);
    lost during the COMMIT itself, the outcome is unknown, so it raises plain DatabaseUnavailable."""
    with _connection() as conn:
        committing = False
        try:
            with conn.begin():
                conn.execute(text("SET @app_user = :actor, @app_reason = NULL, @streamsync_title_merge = NULL"),
                             {"actor": actor})
                yield conn
                committing = True
        except DBAPIError as exc:
            if committing and _lost(exc):
                raise _unavailable(exc) from exc
            raise
        finally:
            try:
                conn.execute(text("SET @app_user = NULL, @app_reason = NULL, @streamsync_title_merge = NULL"))
                conn.commit()
            except DBAPIError:
                # The connection is broken; invalidate it so the pool never hands it out with a name set.
                conn.invalidate()


def run_in_transaction(actor: str | None, work: Callable[[Connection], T]) -> T:
    """Run work(conn) in a transaction, again from the start after a deadlock, a lock-wait timeout, a Galera
    certification conflict or a connection lost before COMMIT. The pause before each retry after a conflict
    doubles and is drawn at random up to that bound ("full jitter"): transactions that deadlocked together
    would otherwise retry together and meet again."""
    for attempt in range(1, RETRIES + 1):
        try:
            with transaction(actor) as conn:
                return work(conn)
        except ConnectionLost:
            if attempt == RETRIES:
                raise
            log.warning("connection lost before commit; running the transaction again (attempt %d)", attempt)
            continue
        except DBAPIError as exc:
            if _errno(exc) in RETRY_ERRNOS and attempt < RETRIES:
                log.warning("retrying transaction after error %s (attempt %d)", _errno(exc), attempt)
                time.sleep(random.uniform(0, BACKOFF * 2 ** attempt))
                continue
            if _errno(exc) in RETRY_ERRNOS:
                raise DataRuleError("The database was busy; please try again.", _errno(exc)) from exc
            raise
    raise AssertionError("unreachable")


def transactional(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorate `def f(conn, actor, ...)`; callers call `f(actor, ...)` and get a retried transaction."""

    @functools.wraps(fn)
    def wrapper(actor: str | None, *args: Any, **kwargs: Any) -> T:
        return run_in_transaction(actor, lambda conn: fn(conn, actor, *args, **kwargs))

    return wrapper


def set_reason(conn: Connection, reason: str) -> None:
    """Say why the rest of this transaction changes rows: the audit triggers log it beside the change (a
    lockout is the system's act, with no actor). transaction() clears it at its end."""
    conn.execute(text("SET @app_reason = :reason"), {"reason": reason})


def lock_title_ratings(conn: Connection, media_id: int) -> None:
    """Take the title's row lock before touching its reviews. The rating triggers read every review of the
    title and update the media row; two raters that first locked their own review rows and then waited for
    each other's there deadlocked. Locking the title first puts every rating write of one title in line."""
    conn.execute(text("SELECT media_id FROM media WHERE media_id = :m FOR UPDATE"), {"m": media_id})


def allow_title_merge(conn: Connection) -> None:
    """For the rest of this transaction, episodes that people watched may move to another title: a merge
    moves their watch events with them in the same transaction. transaction() clears it at its end."""
    conn.execute(text("SET @streamsync_title_merge = 1"))


def actor_role(conn: Connection, actor: str | None) -> str | None:
    """The actor's role as the database has it now (privileged writes check this, not what a page believed)."""
    if actor is None:
        return None
    return conn.execute(text("SELECT role FROM users WHERE username = :u"), {"u": actor}).scalar()
