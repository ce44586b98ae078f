"""Engine, pool, reads and the one way to write: transaction(actor)."""
from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from db import stats
from db.config import database_url, pool_settings
from db.errors import UNAVAILABLE_ERRNOS, DatabaseUnavailable, DataRuleError, readable

log = logging.getLogger("streamsync.db")
T = TypeVar("T")

RETRY_ERRNOS = {1205, 1213}  # lock wait timeout, deadlock: the whole transaction is safe to run again
RETRIES = 3

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
            event.listen(_engine, "before_cursor_execute", stats.before_execute)
            event.listen(_engine, "after_cursor_execute", stats.after_execute)
        return _engine


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


def _unavailable(exc: Exception) -> DatabaseUnavailable:
    reason = _server_message(exc) if isinstance(exc, DBAPIError) else "every pooled connection is busy"
    return DatabaseUnavailable(get_engine().url, reason)


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
        if _errno(exc) in UNAVAILABLE_ERRNOS or exc.connection_invalidated:
            raise _unavailable(exc) from exc
        raise
    finally:
        conn.close()


@contextmanager
def read() -> Iterator[Connection]:
    """A pooled connection for reads. Several queries in one block share one checkout."""
    with _connection() as conn:
        yield conn


def _rows(conn: Connection, sql: str, params: dict) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def fetch_all(sql: str, conn: Connection | None = None, **params: Any) -> list[dict[str, Any]]:
    if conn is not None:
        return _rows(conn, sql, params)
    with read() as own:
        return _rows(own, sql, params)


def fetch_one(sql: str, conn: Connection | None = None, **params: Any) -> dict[str, Any] | None:
    found = fetch_all(sql, conn, **params)
    return found[0] if found else None


def scalar(sql: str, conn: Connection | None = None, **params: Any) -> Any:
    if conn is not None:
        return conn.execute(text(sql), params).scalar()
    with read() as own:
        return own.execute(text(sql), params).scalar()


def execute(conn: Connection, sql: str, **params: Any):
    """Run one write inside a transaction's connection; a broken rule becomes a DataRuleError."""
    try:
        return conn.execute(text(sql), params)
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
    Use run_in_transaction()/@transactional to also retry deadlocks."""
    with _connection() as conn:
        try:
            with conn.begin():
                conn.execute(text("SET @app_user = :actor, @app_reason = NULL"), {"actor": actor})
                yield conn
        finally:
            try:
                conn.execute(text("SET @app_user = NULL, @app_reason = NULL"))
                conn.commit()
            except DBAPIError:
                # The connection is broken; invalidate it so the pool never hands it out with a name set.
                conn.invalidate()


def run_in_transaction(actor: str | None, work: Callable[[Connection], T]) -> T:
    """Run work(conn) in a transaction, again from the start after a deadlock or lock-wait timeout."""
    for attempt in range(1, RETRIES + 1):
        try:
            with transaction(actor) as conn:
                return work(conn)
        except DBAPIError as exc:
            if _errno(exc) in RETRY_ERRNOS and attempt < RETRIES:
                log.warning("retrying transaction after error %s (attempt %d)", _errno(exc), attempt)
                time.sleep(0.05 * attempt)
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


def actor_role(conn: Connection, actor: str | None) -> str | None:
    """The actor's role as the database has it now (privileged writes check this, not what a page believed)."""
    if actor is None:
        return None
    return conn.execute(text("SELECT role FROM users WHERE username = :u"), {"u": actor}).scalar()
