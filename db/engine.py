"""The engine: a Database object (URL, SQLAlchemy engine and pool, the statement counter's hooks), the process's
default Database, reads, and the one way to write: transaction(actor).

The app uses the process default, built lazily from configuration (db.config) on first use. Tests and tools
that work on another database create `Database(url)` and install it with `use(database)`; nothing switches
databases through os.environ.
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import bindparam, create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from db import statement_counter
from db.config import REQUIRED_QUERY, PoolSettings, database_url, pool_settings
from db.errors import Busy, DatabaseUnavailable, errno_of, is_unavailable, readable_error, server_message

log = logging.getLogger("streamsync.db")
T = TypeVar("T")

RETRY_ERRNOS = {1205, 1213}  # lock wait timeout, deadlock: the whole transaction is safe to run again
RETRIES = 3


class Database:
    """One database: its URL and a pooled engine made on first use. Every statement it runs is counted
    (db.statement_counter)."""

    def __init__(self, url: URL | str, pool: PoolSettings | None = None):
        url = make_url(url)
        # MySQL 8's default collation does not exist in MariaDB, so the connection always names one.
        self.url: URL = url.update_query_dict({**REQUIRED_QUERY, **dict(url.query)})
        self.pool = pool or pool_settings()
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = create_engine(
                    self.url,
                    pool_size=self.pool.size,
                    max_overflow=self.pool.max_overflow,
                    pool_timeout=self.pool.timeout,
                    pool_recycle=self.pool.recycle,
                    pool_pre_ping=True,
                    # SQL logging and error messages never show bound values (password hashes, session hashes).
                    hide_parameters=True,
                    connect_args={"connection_timeout": 5},
                )
                event.listen(self._engine, "before_cursor_execute", statement_counter.before_execute)
                event.listen(self._engine, "after_cursor_execute", statement_counter.after_execute)
            return self._engine

    def dispose(self) -> None:
        """Close the pool's connections (the next use opens new ones)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None

    def unavailable(self, exc: Exception) -> DatabaseUnavailable:
        reason = server_message(exc) if isinstance(exc, DBAPIError) else "every pooled connection is busy"
        return DatabaseUnavailable(self.url, reason)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A pooled connection; a server that is down or refuses us becomes DatabaseUnavailable."""
        try:
            conn = self.engine.connect()
        except (PoolTimeout, DBAPIError) as exc:
            raise self.unavailable(exc) from exc
        try:
            yield conn
        except DBAPIError as exc:
            if is_unavailable(exc):
                raise self.unavailable(exc) from exc
            raise
        finally:
            conn.close()


_default: Database | None = None
_from_config = False  # the default was built from configuration (so forgetting it re-reads configuration)
_default_lock = threading.Lock()


def default() -> Database:
    """The process's Database: the one installed with use(), else one built from configuration on first use."""
    global _default, _from_config
    with _default_lock:
        if _default is None:
            _default, _from_config = Database(database_url()), True
        return _default


def use(database: Database | None) -> Database | None:
    """Make `database` the process default (None: the configured one again, built on next use). Returns the
    one it replaces, whose pool the caller may keep or dispose."""
    global _default, _from_config
    with _default_lock:
        previous, _default, _from_config = _default, database, False
    return previous


def get_engine() -> Engine:
    """The process default's SQLAlchemy engine."""
    return default().engine


def dispose_engine() -> None:
    """Close the default's pooled connections (after its database was dropped and made again). A default built
    from configuration is forgotten too, so the next use reads configuration again."""
    global _default
    with _default_lock:
        current = _default
        if _from_config:
            _default = None
    if current is not None:
        current.dispose()


@contextmanager
def read() -> Iterator[Connection]:
    """A pooled connection for reads. Several queries in one block share one checkout."""
    with default().connect() as conn:
        yield conn


def statement(sql: str, params: dict[str, Any]):
    """The text() statement for sql. A parameter given a list or tuple is an expanding bind, so `IN :ids` with
    ids=[1, 2, 3] becomes `IN (%s, %s, %s)` with three bound values (an empty list matches nothing)."""
    stmt = text(sql)
    lists = [bindparam(k, expanding=True) for k, v in params.items() if isinstance(v, (list, tuple))]
    return stmt.bindparams(*lists) if lists else stmt


def _rows(conn: Connection, sql: str, params: dict) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(statement(sql, params), params).mappings()]


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
        return conn.execute(statement(sql, params), params).scalar()
    with read() as own:
        return own.execute(statement(sql, params), params).scalar()


def execute(conn: Connection, sql: str, **params: Any):
    """Run one write inside a transaction's connection; a broken rule becomes a DataRuleError (of its kind:
    Conflict, NotFound, Invalid naming the field)."""
    try:
        return conn.execute(statement(sql, params), params)
    except DBAPIError as exc:
        errno = errno_of(exc)
        if is_unavailable(exc) or errno in RETRY_ERRNOS:
            raise
        raise readable_error(errno, server_message(exc)) from exc


@contextmanager
def transaction(actor: str | None) -> Iterator[Connection]:
    """One unit of work as `actor`: sets @app_user for the audit triggers, commits or rolls back as a whole,
    and always clears @app_user so a pooled connection never carries one user's name into another's work.
    Use run_in_transaction()/@transactional to also retry deadlocks."""
    with default().connect() as conn:
        try:
            with conn.begin():
                conn.execute(text("SET @app_user = :actor"), {"actor": actor})
                yield conn
        finally:
            try:
                conn.execute(text("SET @app_user = NULL"))
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
            if errno_of(exc) in RETRY_ERRNOS and attempt < RETRIES:
                log.warning("retrying transaction after error %s (attempt %d)", errno_of(exc), attempt)
                time.sleep(0.05 * attempt)
                continue
            if errno_of(exc) in RETRY_ERRNOS:
                raise Busy("The database was busy; please try again.", errno_of(exc)) from exc
            raise
    raise AssertionError("unreachable")


def transactional(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorate `def f(conn, actor, ...)`; callers call `f(actor, ...)` and get a retried transaction."""

    @functools.wraps(fn)
    def wrapper(actor: str | None, *args: Any, **kwargs: Any) -> T:
        return run_in_transaction(actor, lambda conn: fn(conn, actor, *args, **kwargs))

    return wrapper


def actor_role(conn: Connection, actor: str | None) -> str | None:
    """The actor's role as the database has it now (privileged writes check this, not what a page believed)."""
    if actor is None:
        return None
    return conn.execute(text("SELECT role FROM users WHERE username = :u"), {"u": actor}).scalar()
